import { afterAll, beforeAll } from 'vitest';
import { AmqpTracker } from './amqp-tracker.js';
import { fixedWait } from './wait.js';
import type { Config } from '../../src/config.js';
import { createLogger, startServices, type BrokerServices } from '../../src/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testConfig } from './test-config.js';

/**
 * A broker with its management API on a real port, and the set-up calls a test
 * needs (users with tags, vhosts). With WARREN_TEST_URL set the same calls go to
 * that RabbitMQ's management API (WARREN_TEST_MGMT_URL, default http://127.0.0.1:15682,
 * guest/guest), so assertions describe RabbitMQ's behaviour.
 */
export interface ManagementTarget {
  /** http://127.0.0.1:<port> */
  base: string;
  /** The AMQP URL of the same broker. */
  amqpUrl: string;
  external: boolean;
  /** Warren's services (undefined against an external broker). */
  services?: BrokerServices;
  addUser(name: string, password: string, tags: string[], vhosts: string[]): Promise<void>;
  addVhost(name: string): Promise<void>;
  /** Removes what addUser/addVhost created; stops Warren. */
  close(): Promise<void>;
}

/** Basic auth header value. */
export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** Starts a target (Warren in-process unless WARREN_TEST_URL is set). */
export async function startManagementTarget(overrides: Partial<Config> = {}): Promise<ManagementTarget> {
  const ext = process.env.WARREN_TEST_URL;
  if (ext) {
    const base = process.env.WARREN_TEST_MGMT_URL ?? 'http://127.0.0.1:15682';
    const users: string[] = [];
    const vhosts: string[] = [];
    const call = async (method: string, p: string, body?: unknown): Promise<void> => {
      const r = await fetch(base + p, {
        method,
        headers: { authorization: basic('guest', 'guest'), 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (r.status >= 300 && !(method === 'DELETE' && r.status === 404)) throw new Error(`${method} ${p}: ${r.status} ${await r.text()}`);
    };
    return {
      base,
      amqpUrl: ext,
      external: true,
      async addUser(name, password, tags, vs) {
        await call('PUT', `/api/users/${encodeURIComponent(name)}`, { password, tags: tags.join(',') });
        users.push(name);
        for (const v of vs) await call('PUT', `/api/permissions/${encodeURIComponent(v)}/${encodeURIComponent(name)}`, { configure: '.*', write: '.*', read: '.*' });
      },
      async addVhost(name) {
        await call('PUT', `/api/vhosts/${encodeURIComponent(name)}`);
        vhosts.push(name);
      },
      async close() {
        for (const u of users) await call('DELETE', `/api/users/${encodeURIComponent(u)}`);
        for (const v of vhosts) await call('DELETE', `/api/vhosts/${encodeURIComponent(v)}`);
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-mgmt-'));
  const config: Config = testConfig({ dataDir, ...overrides });
  let services: Awaited<ReturnType<typeof startServices>>;
  try {
    services = await startServices(config, createLogger('silent'));
  } catch (e) {
    // A start refused on purpose (bad definitions, certificates) must not leave its data dir behind.
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const { broker, users } = services;
  return {
    base: `http://127.0.0.1:${services.management.port}`,
    amqpUrl: `amqp://guest:guest@127.0.0.1:${services.amqp.port}`,
    external: false,
    services,
    async addUser(name, password, tags, vs) {
      users.add(name, password, tags);
      for (const v of vs) users.setPermissions(name, v, { configure: '.*', write: '.*', read: '.*' });
    },
    async addVhost(name) {
      broker.addVhost(name);
    },
    async close() {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** PUT /api/policies/%2F/{name} as guest; throws unless 201/204. */
export async function putPolicy(t: ManagementTarget, name: string, body: Record<string, unknown>): Promise<void> {
  const r = await fetch(`${t.base}/api/policies/%2F/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { authorization: basic('guest', 'guest'), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 201 && r.status !== 204) throw new Error(`PUT policy ${name}: ${r.status} ${await r.text()}`);
  await settle(t);
}

/** DELETE /api/policies/%2F/{name} as guest; a missing policy is fine. */
export async function deletePolicy(t: ManagementTarget, name: string): Promise<void> {
  await fetch(`${t.base}/api/policies/%2F/${encodeURIComponent(name)}`, { method: 'DELETE', headers: { authorization: basic('guest', 'guest') } });
  await settle(t);
}

// RabbitMQ tells each queue process of a policy change by an asynchronous message after the HTTP
// call returns; give it a moment so the next publish sees the new policy. Warren applies synchronously.
// A fixed wait (external runs only): the helper does not know which queues the policy matches, so
// there is nothing to poll.
async function settle(t: ManagementTarget): Promise<void> {
  if (t.external) await fixedWait(100);
}

/** What usePolicyTarget gives a test file; set once its beforeAll has run. */
export interface PolicyTestEnv {
  t: ManagementTarget;
  tracker: AmqpTracker;
  /** Policy names to delete (in the default vhost) after the file's tests. */
  policies: string[];
}

/**
 * For a policy test file: a management target (Warren, or RabbitMQ's API with
 * WARREN_TEST_URL) and an AMQP tracker before its tests; the recorded policies,
 * queues and exchanges are removed and the target closed after them.
 */
export function usePolicyTarget(): PolicyTestEnv {
  const env = { policies: [] as string[] } as unknown as PolicyTestEnv;
  beforeAll(async () => {
    env.t = await startManagementTarget();
    env.tracker = new AmqpTracker(() => env.t.amqpUrl);
  });
  afterAll(async () => {
    for (const p of env.policies) await deletePolicy(env.t, p);
    await env.tracker?.cleanup();
    await env.t?.close();
  });
  return env;
}
