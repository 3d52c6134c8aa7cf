// What the connection and channel API tests share: a Warren management target, the same
// connections opened on the reference RabbitMQ (when WARREN_REFERENCE_MGMT_URL is set) for the
// shape comparison, HTTP calls with a user's credentials, and polls that wait for RabbitMQ's
// statistics (its management lists connections and channels from stats emitted every 5 s).
import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { referenceAmqpUrl, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { pollUntil } from '../helpers/wait.js';

export const GUEST = basic('guest', 'guest');

/** A unique name with this helper's prefix, so objects on the shared reference are recognisable. */
export function sessionName(prefix: string): string {
  return `sessions.${prefix}.${randomBytes(4).toString('hex')}`;
}

/** One HTTP answer: status, parsed JSON (undefined for no body) and headers. */
export interface Answer {
  status: number;
  json: unknown;
  headers: Headers;
}

/** One request to a management API (guest's credentials unless told otherwise; null: none). */
export async function call(base: string, path: string, opts: { method?: string; auth?: string | null; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? GUEST : opts.auth;
  if (auth !== null) headers.authorization = auth;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(base + path, { method: opts.method ?? 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await r.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, json, headers: r.headers };
}

/** GETs path until accept holds on a 200's JSON or 20 s pass (RabbitMQ's statistics lag); returns the last answer. */
export async function pollJson(base: string, path: string, accept: (json: unknown) => boolean, auth: string = GUEST): Promise<Answer> {
  return pollUntil(
    () => call(base, path, { auth }),
    (a) => a.status === 200 && accept(a.json),
    { timeoutMs: 20_000, intervalMs: 200 },
  );
}

/** A list answer's items. */
export function items(a: Answer): Record<string, unknown>[] {
  return Array.isArray(a.json) ? (a.json as Record<string, unknown>[]) : [];
}

/** The connection with this client-provided name in a list answer. */
export function byProvidedName(a: Answer, name: string): Record<string, unknown> | undefined {
  return items(a).find((c) => c.user_provided_name === name);
}

/** A name as a path segment. */
export const seg = (s: string): string => encodeURIComponent(s);

type RpcChannel = Channel & { rpc(method: number, fields: object, expect: number): Promise<unknown> };

/** tx.select on an amqplib channel (amqplib has no API for it). */
export async function txSelect(ch: Channel): Promise<void> {
  await (ch as RpcChannel).rpc((90 << 16) | 10, {}, (90 << 16) | 11);
}

/** One side of a comparison: a broker's management API and AMQP URL, and the connections opened to it. */
export class Side {
  readonly connections: ChannelModel[] = [];
  readonly queues = new Set<string>();

  constructor(
    readonly base: string,
    readonly amqpUrl: string,
  ) {}

  /** An amqplib connection with client_properties.connection_name = name (none if undefined), as user (guest) to vhost ("/"). */
  async connect(name: string | undefined, opts: { user?: string; password?: string; vhost?: string } = {}): Promise<ChannelModel> {
    const url = new URL(this.amqpUrl);
    if (opts.user !== undefined) {
      url.username = encodeURIComponent(opts.user);
      url.password = encodeURIComponent(opts.password ?? 'pw');
    }
    url.pathname = opts.vhost === undefined ? '' : `/${encodeURIComponent(opts.vhost)}`;
    const conn = await amqp.connect(url.toString(), name === undefined ? {} : { clientProperties: { connection_name: name } });
    conn.on('error', () => {});
    this.connections.push(conn);
    return conn;
  }

  /** Declares a transient queue (deleted at cleanup). */
  async queue(ch: Channel, prefix: string): Promise<string> {
    const q = sessionName(prefix);
    this.queues.add(q);
    await ch.assertQueue(q, { durable: false });
    return q;
  }

  /** Deletes the queues, closes the connections still open. */
  async cleanup(): Promise<void> {
    if (this.queues.size > 0) {
      const conn = await amqp.connect(this.amqpUrl);
      const ch = await conn.createChannel();
      for (const q of this.queues) await ch.deleteQueue(q);
      await conn.close();
    }
    for (const c of this.connections) await c.close().catch(() => {});
  }
}

/** The reference RabbitMQ's side with the users and vhosts a test made there (deleted at cleanup). */
export class ReferenceSide extends Side {
  private readonly users: string[] = [];
  private readonly vhosts: string[] = [];

  /** A user with tags and full permissions in vhosts. */
  async addUser(name: string, tags: string[], vhosts: string[]): Promise<void> {
    await call(this.base, `/api/users/${seg(name)}`, { method: 'PUT', body: { password: 'pw', tags: tags.join(',') } });
    this.users.push(name);
    for (const v of vhosts) await call(this.base, `/api/permissions/${seg(v)}/${seg(name)}`, { method: 'PUT', body: { configure: '.*', write: '.*', read: '.*' } });
  }

  async addVhost(name: string): Promise<void> {
    await call(this.base, `/api/vhosts/${seg(name)}`, { method: 'PUT' });
    this.vhosts.push(name);
  }

  override async cleanup(): Promise<void> {
    await super.cleanup();
    for (const u of this.users) await call(this.base, `/api/users/${seg(u)}`, { method: 'DELETE' });
    for (const v of this.vhosts) await call(this.base, `/api/vhosts/${seg(v)}`, { method: 'DELETE' });
  }
}

/** What useSessionsEnv gives a test file (set once its beforeAll has run). */
export interface SessionsEnv {
  /** Warren (or RabbitMQ's API with WARREN_TEST_URL). */
  t: ManagementTarget;
  warren: Side;
  /** The reference RabbitMQ, when WARREN_REFERENCE_MGMT_URL is set (and the target is Warren). */
  reference: ReferenceSide | undefined;
}

/** Starts the target and (if configured) the reference side before the file's tests; cleans both up after. */
export function useSessionsEnv(): SessionsEnv {
  const env = { reference: undefined } as SessionsEnv;
  beforeAll(async () => {
    env.t = await startManagementTarget();
    env.warren = new Side(env.t.base, env.t.amqpUrl);
    if (referenceMgmtUrl !== undefined && !env.t.external) env.reference = new ReferenceSide(referenceMgmtUrl, referenceAmqpUrl);
  });
  afterAll(async () => {
    await env.reference?.cleanup();
    await env.warren?.cleanup();
    await env.t?.close();
  });
  return env;
}
