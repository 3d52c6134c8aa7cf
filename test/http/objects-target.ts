// For the exchange, queue and binding API tests: Warren in-process, and (when WARREN_REFERENCE_MGMT_URL
// is set) the reference RabbitMQ 3.10.8, driven with the same requests. `both` sends one request to
// each and asserts both answers equal what RabbitMQ answers (status, JSON body, Location), so
// the expectations written in the tests are checked against RabbitMQ whenever it is there and
// hold Warren to them in CI. Everything the tests create on the shared reference is named
// `objects-t-...` and removed after the file.
import { afterAll, beforeAll, expect } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { referenceAmqpUrl, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { pollUntil } from '../helpers/wait.js';

/** One answer: status, parsed JSON body (null when empty), and the Location header. */
export interface Answer {
  status: number;
  body: unknown;
  location?: string;
}

/** Who sends a request: guest, or one of the users the file created (password "pw"). */
export type As = string | undefined;

/** A request to one broker's management API. */
export async function request(base: string, method: string, path: string, body?: unknown, as?: As): Promise<Answer> {
  const auth = as === undefined ? basic('guest', 'guest') : basic(as, 'pw');
  const raw = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch(base + path, { method, headers: { authorization: auth, ...(raw === undefined ? {} : { 'content-type': 'application/json' }) }, body: raw });
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = text;
  }
  const location = r.headers.get('location') ?? undefined;
  return location === undefined ? { status: r.status, body: parsed } : { status: r.status, body: parsed, location };
}

/** What a test file works with (set once its beforeAll has run). */
export interface ObjectsEnv {
  warren: ManagementTarget;
  /** The reference's management URL, when this run has one. */
  ref: string | undefined;
  /** The reference's AMQP URL (meaningful when ref is set). */
  refAmqp: string;
  /** Sends to Warren and (if present) the reference; asserts both give `expected` (when given); returns Warren's answer. */
  both(method: string, path: string, body?: unknown, as?: As, expected?: Partial<Answer>): Promise<Answer>;
  /** Sends to both and returns both answers, asserting nothing. */
  pair(method: string, path: string, body?: unknown, as?: As): Promise<{ warren: Answer; reference: Answer | undefined }>;
  /** Users created on both (password "pw"; tags; full ... or given permissions in /). */
  addUser(name: string, tags: string, perms?: { configure: string; write: string; read: string } | null): Promise<void>;
}

/** Per test file: starts Warren, registers cleanup of everything named objects-t-* on the reference. */
export function useObjectsTarget(): ObjectsEnv {
  const users: string[] = [];
  const env = {
    ref: referenceMgmtUrl,
    refAmqp: referenceAmqpUrl,
  } as ObjectsEnv;
  env.pair = async (method, path, body, as) => {
    const warren = await request(env.warren.base, method, path, body, as);
    const reference = env.ref === undefined ? undefined : await request(env.ref, method, path, body, as);
    return { warren, reference };
  };
  env.both = async (method, path, body, as, expected) => {
    const { warren, reference } = await env.pair(method, path, body, as);
    const what = `${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}${as === undefined ? '' : ` as ${as}`}`;
    if (expected !== undefined) {
      const pick = (a: Answer): Partial<Answer> => Object.fromEntries(Object.keys(expected).map((k) => [k, a[k as keyof Answer]]));
      if (reference !== undefined) expect(pick(reference), `RabbitMQ: ${what}`).toEqual(expected);
      expect(pick(warren), `Warren: ${what}`).toEqual(expected);
    }
    return warren;
  };
  env.addUser = async (name, tags, perms = { configure: '.*', write: '.*', read: '.*' }) => {
    users.push(name);
    await env.both('PUT', `/api/users/${encodeURIComponent(name)}`, { password: 'pw', tags });
    if (perms !== null) await env.both('PUT', `/api/permissions/%2F/${encodeURIComponent(name)}`, perms);
  };
  beforeAll(async () => {
    env.warren = await startManagementTarget();
    if (env.ref !== undefined) await removeTestObjects(env.ref);
  });
  afterAll(async () => {
    if (env.ref !== undefined) {
      await removeTestObjects(env.ref);
      for (const u of users) await request(env.ref, 'DELETE', `/api/users/${encodeURIComponent(u)}`);
    }
    await env.warren?.close();
  });
  return env;
}

/** Deletes every queue, exchange and vhost named objects-t-* on a broker (a shared reference stays clean). */
export async function removeTestObjects(base: string): Promise<void> {
  const list = async (p: string): Promise<Array<{ name: string; vhost: string }>> => {
    const r = await request(base, 'GET', p);
    return r.status === 200 ? (r.body as Array<{ name: string; vhost: string }>) : [];
  };
  for (const q of await list('/api/queues?columns=name,vhost')) {
    if (q.name.startsWith('objects-t-')) await request(base, 'DELETE', `/api/queues/${encodeURIComponent(q.vhost)}/${encodeURIComponent(q.name)}`);
  }
  for (const x of await list('/api/exchanges?columns=name,vhost')) {
    if (x.name.startsWith('objects-t-')) await request(base, 'DELETE', `/api/exchanges/${encodeURIComponent(x.vhost)}/${encodeURIComponent(x.name)}`);
  }
  for (const p of await list('/api/policies')) {
    if (p.name.startsWith('objects-t-')) await request(base, 'DELETE', `/api/policies/${encodeURIComponent(p.vhost)}/${encodeURIComponent(p.name)}`);
  }
  const vhosts = (await request(base, 'GET', '/api/vhosts')).body as Array<{ name: string }>;
  for (const v of vhosts) if (v.name.startsWith('objects-t-')) await request(base, 'DELETE', `/api/vhosts/${encodeURIComponent(v.name)}`);
}

/**
 * A GET whose answer RabbitMQ computes from its statistics database (queue counts): Warren's
 * answer at once, the reference's once it has caught up (polled), both expected to equal body.
 */
export async function expectStats(env: ObjectsEnv, path: string, body: unknown): Promise<void> {
  expect(await request(env.warren.base, 'GET', path), `Warren: GET ${path}`).toEqual({ status: 200, body });
  if (env.ref !== undefined) expect(await referenceWhen(env.ref, path, (b) => JSON.stringify(b) === JSON.stringify(body))).toEqual(body);
}

/**
 * The reference's answer to a GET once its statistics database has caught up (RabbitMQ
 * reports queue counters up to 5 s late): polls until ready(body) holds.
 */
export async function referenceWhen(base: string, path: string, ready: (body: any) => boolean): Promise<unknown> {
  const r = await pollUntil(
    () => request(base, 'GET', path),
    (a) => a.status === 200 && ready(a.body),
    { timeoutMs: 20_000, intervalMs: 250 },
  );
  expect(r.status, `RabbitMQ: GET ${path}`).toBe(200);
  return r.body;
}
