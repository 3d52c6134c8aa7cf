import amqp from 'amqplib';
import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { createLogger, startServices, type BrokerServices } from '../../src/index.js';
import { testConfig } from '../helpers/test-config.js';

/**
 * A broker for the permission tests and the set-up calls they need: Warren
 * in-process (users, permissions and limits set directly on its UserStore),
 * or, with WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 set, the real
 * RabbitMQ there, set up through its management API (WARREN_TEST_MGMT_URL,
 * default http://127.0.0.1:15682), so the assertions are proved on 3.10.8:
 *
 *   ../shared/tools/rabbitmq-local.sh start
 *   WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 npx vitest run test/integration/permissions.test.ts
 */
export interface AccessTarget {
  external: boolean;
  /** Warren's services (undefined against RabbitMQ). */
  services?: BrokerServices;
  /** The AMQP listener (for the raw client). */
  endpoint: { host: string; port: number };
  /** amqp://user:pass@host:port/vhost */
  url(user: string, password: string, vhost: string): string;
  addVhost(name: string): Promise<void>;
  addUser(name: string, password: string, tags?: string[]): Promise<void>;
  deleteUser(name: string): Promise<void>;
  deleteVhost(name: string): Promise<void>;
  setPermissions(user: string, vhost: string, configure: string, write: string, read: string): Promise<void>;
  setTopicPermissions(user: string, vhost: string, exchange: string, write: string, read: string): Promise<void>;
  setUserLimit(user: string, name: 'max-connections' | 'max-channels', value: number): Promise<void>;
  setVhostLimit(vhost: string, name: 'max-connections', value: number): Promise<void>;
  close(): Promise<void>;
}

const enc = encodeURIComponent;

/** Starts Warren (or uses the external RabbitMQ); close() removes what was created. */
export async function startAccessTarget(overrides: Partial<Config> = {}): Promise<AccessTarget> {
  const ext = process.env.WARREN_TEST_URL;
  const users: string[] = [];
  const vhosts: string[] = [];
  if (ext !== undefined && ext !== '') {
    const u = new URL(ext);
    const base = process.env.WARREN_TEST_MGMT_URL ?? 'http://127.0.0.1:15682';
    const call = async (method: string, p: string, body?: unknown): Promise<void> => {
      const r = await fetch(base + p, {
        method,
        headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64'), 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (r.status >= 300 && !(method === 'DELETE' && r.status === 404)) throw new Error(`${method} ${p}: ${r.status} ${await r.text()}`);
    };
    return {
      external: true,
      endpoint: { host: u.hostname, port: Number(u.port || 5672) },
      url: (user, pw, vhost) => `amqp://${enc(user)}:${enc(pw)}@${u.host}/${enc(vhost)}`,
      async addVhost(name) {
        await call('PUT', `/api/vhosts/${enc(name)}`);
        vhosts.push(name);
      },
      async addUser(name, password, tags = []) {
        await call('PUT', `/api/users/${enc(name)}`, { password, tags: tags.join(',') });
        users.push(name);
      },
      deleteUser: (name) => call('DELETE', `/api/users/${enc(name)}`),
      deleteVhost: (name) => call('DELETE', `/api/vhosts/${enc(name)}`),
      setPermissions: (user, vhost, configure, write, read) => call('PUT', `/api/permissions/${enc(vhost)}/${enc(user)}`, { configure, write, read }),
      setTopicPermissions: (user, vhost, exchange, write, read) =>
        call('PUT', `/api/topic-permissions/${enc(vhost)}/${enc(user)}`, { exchange, write, read }),
      setUserLimit: (user, name, value) => call('PUT', `/api/user-limits/${enc(user)}/${name}`, { value }),
      setVhostLimit: (vhost, name, value) => call('PUT', `/api/vhost-limits/${enc(vhost)}/${name}`, { value }),
      async close() {
        for (const n of users) await call('DELETE', `/api/users/${enc(n)}`);
        for (const n of vhosts) await call('DELETE', `/api/vhosts/${enc(n)}`);
      },
    };
  }
  const config: Config = testConfig(overrides);
  const s = await startServices(config, createLogger('silent'), 'memory');
  return {
    external: false,
    services: s,
    endpoint: { host: '127.0.0.1', port: s.amqp.port },
    url: (user, pw, vhost) => `amqp://${enc(user)}:${enc(pw)}@127.0.0.1:${s.amqp.port}/${enc(vhost)}`,
    addVhost: async (name) => {
      s.broker.addVhost(name);
    },
    addUser: async (name, password, tags = []) => {
      s.users.add(name, password, tags);
    },
    deleteUser: async (name) => {
      s.users.delete(name);
    },
    deleteVhost: async (name) => {
      // Until the admin service deletes vhosts: the server's hook, which vhost deletion will call.
      s.users.access.deleteVhost(name);
      s.server.closeVhostConnections(name);
    },
    setPermissions: async (user, vhost, configure, write, read) => s.users.setPermissions(user, vhost, { configure, write, read }),
    setTopicPermissions: async (user, vhost, exchange, write, read) => s.users.access.setTopicPermission(user, vhost, exchange, { write, read }),
    setUserLimit: async (user, name, value) => {
      const u = s.users.get(user);
      if (u === undefined) throw new Error(`no user ${user}`);
      u.limits[name] = value;
    },
    setVhostLimit: async (vhost, name, value) => {
      // vhost.limits comes with the persistence side's vhost limits; set here as it will be stored.
      const v = s.broker.getVhost(vhost) as unknown as { limits?: Record<string, number> };
      v.limits = { ...(v.limits ?? {}), [name]: value };
    },
    close: () => s.close(),
  };
}

/** What an amqplib error says: the server's reply code and the text in its message. */
export interface ServerError {
  code: number;
  text: string;
}

/** The reply code and text of an amqplib channel or connection close error. */
export function serverError(e: unknown): ServerError {
  const err = e as { code?: number; message?: string };
  const msg = err.message ?? '';
  const m = /with message "(.*)"$/s.exec(msg);
  const c = /: (\d{3}) \(/.exec(msg);
  return { code: typeof err.code === 'number' ? err.code : Number(c?.[1] ?? -1), text: m?.[1] ?? msg };
}

/**
 * Runs op on a fresh channel and expects the channel to be closed by the
 * server with code and text (the connection stays open: checked after).
 * Publishes fail asynchronously, so the channel's close is what is awaited.
 */
export async function expectChannelClosed(
  conn: amqp.ChannelModel,
  op: (ch: amqp.Channel) => unknown,
  code: number,
  text: string,
): Promise<void> {
  const ch = await conn.createChannel();
  const closed = new Promise<ServerError>((resolve) => ch.once('error', (e: unknown) => resolve(serverError(e))));
  // The operation's own promise rejects too; its error is the same close.
  await Promise.resolve(op(ch)).catch(() => undefined);
  expect(await closed).toEqual({ code, text });
  // The connection is still usable.
  const other = await conn.createChannel();
  await other.close();
}

/** Runs op on a fresh channel and expects it to succeed (and the channel to stay open). */
export async function expectAllowed(conn: amqp.ChannelModel, op: (ch: amqp.Channel) => unknown): Promise<void> {
  const ch = await conn.createChannel();
  let failed: unknown;
  ch.on('error', (e: unknown) => (failed = e));
  await op(ch);
  // A round trip after the operation: an asynchronous refusal (publish) would have arrived before it.
  await ch.checkExchange('amq.direct');
  expect(failed).toBeUndefined();
  await ch.close();
}
