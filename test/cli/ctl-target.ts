// A management target for the warrenctl tests (Warren in-process, or RabbitMQ's API with
// WARREN_TEST_URL) and cleanup of the users and vhosts a test creates through warrenctl.
import { afterAll, beforeAll } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { buildIfNeeded } from '../helpers/warren-process.js';
import { runCtl, type CtlResult } from '../helpers/warrenctl.js';

/** What useCtlTarget gives a test file (set once its beforeAll has run). */
export interface CtlEnv {
  t: ManagementTarget;
  /** warrenctl against the target, as guest. */
  ctl: (...args: string[]) => Promise<CtlResult>;
  /** Names to delete after the file's tests. */
  users: string[];
  vhosts: string[];
  /** The lines of out that mention any of these names. */
  mine: (out: string, ...names: string[]) => string[];
}

/** One management request as guest; the status and the parsed body. */
export async function guestApi(t: ManagementTarget, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const r = await fetch(t.base + path, {
    method,
    headers: { authorization: basic('guest', 'guest'), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Starts the target before the file's tests; deletes the recorded users and vhosts and closes it after. */
export function useCtlTarget(): CtlEnv {
  const env: CtlEnv = {
    t: undefined as unknown as ManagementTarget,
    ctl: (...args) => runCtl(env.t.base, ...args),
    users: [],
    vhosts: [],
    mine: (out, ...names) => out.split('\n').filter((l) => names.some((n) => l.split('\t').includes(n))),
  };
  beforeAll(async () => {
    buildIfNeeded();
    env.t = await startManagementTarget();
  }, 180_000);
  afterAll(async () => {
    if (env.t === undefined) return;
    for (const u of env.users) await guestApi(env.t, 'DELETE', `/api/users/${encodeURIComponent(u)}`);
    for (const v of env.vhosts) await guestApi(env.t, 'DELETE', `/api/vhosts/${encodeURIComponent(v)}`);
    await env.t.close();
  });
  return env;
}
