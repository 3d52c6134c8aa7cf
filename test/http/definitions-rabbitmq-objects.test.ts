// Definitions exported by RabbitMQ 3.10.8 with queues (x-arguments of every kind), exchanges
// (internal, alternate-exchange argument), bindings (topic, headers with arguments,
// exchange-to-exchange) and policies: imported unchanged, exported back identical, and routing
// as they describe. The fixtures were exported from the reference RabbitMQ
// (GET /api/definitions/{vhost}, and GET /api/definitions reduced to that vhost).
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { call } from './access-api.js';

const read = (name: string): Record<string, unknown[]> =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown[]>;
const WHOLE = read('rabbitmq-3.10.8-definitions-objects.json');
const VHOST = read('rabbitmq-3.10.8-vhost-objects.json');
const KINDS = ['policies', 'queues', 'exchanges', 'bindings'] as const;

const sorted = (rows: unknown[]): unknown[] => rows.map((r) => JSON.stringify(r)).sort().map((s) => JSON.parse(s) as unknown);

let t: ManagementTarget;
beforeAll(async () => {
  t = await startManagementTarget();
});
afterAll(async () => {
  await t?.close();
});

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('RabbitMQ-exported queues, exchanges, bindings and policies', () => {
  it('a whole-broker export imports and exports back the same objects', async () => {
    expect((await call(t.base, 'POST', '/api/definitions', WHOLE)).status).toBe(204);
    const out = (await call(t.base, 'GET', '/api/definitions')).json as Record<string, unknown[]>;
    for (const k of KINDS) {
      expect(sorted(out[k].filter((r) => (r as { vhost: string }).vhost === 'shop')), k).toEqual(sorted(WHOLE[k]));
    }
  });

  it('a vhost export imports into another vhost and exports back identical', async () => {
    expect((await call(t.base, 'PUT', '/api/vhosts/shop2')).status).toBe(201);
    expect((await call(t.base, 'POST', '/api/definitions/shop2', VHOST)).status).toBe(204);
    const out = (await call(t.base, 'GET', '/api/definitions/shop2')).json as Record<string, unknown[]>;
    // As RabbitMQ: the policies of a vhost export name their vhost, and come back naming the one imported into.
    const expected: Record<string, unknown[]> = { ...VHOST, policies: VHOST.policies.map((p) => ({ ...(p as object), vhost: 'shop2' })) };
    for (const k of KINDS) expect(sorted(out[k]), k).toEqual(sorted(expected[k]));
  });

  it('the imported objects route as RabbitMQ routes them', async () => {
    const conn = await amqp.connect(t.amqpUrl + '/shop');
    try {
      const ch = await conn.createConfirmChannel();
      // topic binding; the `ttl` policy (max-length 100, message-ttl) applies to ttl.orders.
      ch.publish('routed', 'orders.eu.new', Buffer.from('o1'));
      // no binding matches: the `ae` policy's alternate exchange (fanout) -> dlq.
      ch.publish('routed', 'nothing.here', Buffer.from('u1'));
      // headers binding x-match any.
      ch.publish('hdrs', '', Buffer.from('h1'), { headers: { level: 5 } });
      // exchange-to-exchange: routed -> inner (internal) -> lazy.
      ch.publish('routed', 'inner.lazy', Buffer.from('l1'));
      await ch.waitForConfirms();
      const body = async (q: string): Promise<string | null> => {
        const m = await ch.get(q, { noAck: true });
        return m === false ? null : m.content.toString();
      };
      expect(await body('ttl.orders')).toBe('o1');
      expect(await body('dlq')).toBe('u1');
      expect(await body('prio')).toBe('h1');
      expect(await body('lazy')).toBe('l1');
      // an internal exchange refuses direct publishes (403, as RabbitMQ).
      const closed = new Promise<string>((resolve) => ch.once('error', (e: Error) => resolve(e.message)));
      ch.publish('inner', 'inner.lazy', Buffer.from('x'));
      expect(await closed).toMatch(/403/);
      const pol = (await call(t.base, 'GET', '/api/policies/shop')).json as { name: string }[];
      expect(pol.map((p) => p.name).sort()).toEqual(['ae', 'ttl']);
    } finally {
      await conn.close().catch(() => undefined);
    }
  });
});

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('an imported binding with arguments', () => {
  it('keeps its properties_key across a restart (imported arguments are typed as the API types them)', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-defs-restart-'));
    const doc = {
      queues: [{ name: 'hq', vhost: '/', durable: true, auto_delete: false, arguments: {} }],
      exchanges: [{ name: 'hx', vhost: '/', type: 'headers', durable: true, auto_delete: false, internal: false, arguments: {} }],
      bindings: [{ source: 'hx', vhost: '/', destination: 'hq', destination_type: 'queue', routing_key: '', arguments: { 'x-match': 'all', level: 5, big: 3000000000, ok: true } }],
    };
    const keyOf = async (m: ManagementTarget): Promise<string> => {
      const rows = (await call(m.base, 'GET', '/api/bindings/%2F/e/hx/q/hq')).json as { properties_key: string }[];
      expect(rows).toHaveLength(1);
      return rows[0].properties_key;
    };
    let m = await startManagementTarget({ dataDir });
    try {
      expect((await call(m.base, 'POST', '/api/definitions', doc)).status).toBe(204);
      const before = await keyOf(m);
      await m.close();
      m = await startManagementTarget({ dataDir });
      expect(await keyOf(m)).toBe(before);
    } finally {
      await m.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
