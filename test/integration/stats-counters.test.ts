// message_stats counters through real AMQP traffic (amqplib against an in-process Warren): which
// object counts what, value by value, as RabbitMQ 3.10.8 counts the same traffic. The expected
// numbers were read from the reference RabbitMQ; with WARREN_REFERENCE_MGMT_URL set the same
// traffic runs there too (in a vhost of its own) and the two observations must be equal. The JSON
// shapes of the rendered fragments are compared in stats-http.test.ts.
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { fetchJson, referenceAmqpUrl, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { RawClient } from '../helpers/raw-client.js';
import { pollUntil } from '../helpers/wait.js';
import type { Connection } from '../../src/server/connection/connection.js';
import { NO_RANGES } from '../../src/stats/ranges.js';
import { channelStats, exchangeStats, queueStats } from '../../src/stats/render.js';

const GUEST = basic('guest', 'guest');
let t: ManagementTarget;

beforeAll(async () => {
  t = await startManagementTarget({ collectStatisticsInterval: 200 });
});
afterAll(async () => {
  await t?.close();
});

/** Counts only (no _details), by name: what both brokers must agree on. */
type Counts = Record<string, number>;
interface Observation {
  vhost: Counts;
  queues: Record<string, Counts>;
  exchanges: Record<string, Counts>;
  channels: Counts[];
}

function counts(ms: unknown): Counts {
  const out: Counts = {};
  if (ms === undefined || ms === null || Array.isArray(ms)) return out;
  for (const [k, v] of Object.entries(ms as Record<string, unknown>)) if (!k.endsWith('_details') && typeof v === 'number') out[k] = v;
  return out;
}

/** A vhost of its own on the broker at amqpBase / mgmtBase, with guest's permissions there. */
async function makeVhost(mgmtBase: string, v: string): Promise<void> {
  for (const [p, body] of [
    [`/api/vhosts/${encodeURIComponent(v)}`, undefined],
    [`/api/permissions/${encodeURIComponent(v)}/guest`, { configure: '.*', write: '.*', read: '.*' }],
  ] as const) {
    const r = await fetchJson(mgmtBase, p, { method: 'PUT', body: body ?? {}, auth: GUEST });
    expect([201, 204]).toContain(r.status);
  }
}

async function dropVhost(mgmtBase: string, v: string): Promise<void> {
  await fetchJson(mgmtBase, `/api/vhosts/${encodeURIComponent(v)}`, { method: 'DELETE', auth: GUEST });
}

function vhostUrl(amqpBase: string, v: string): string {
  return `${amqpBase}/${encodeURIComponent(v)}`;
}

/**
 * Scenario 1, on one connection: a confirm channel publishes 3 to q1 through the default exchange,
 * 2 to the fanout fx (bound to q1 and q2), 1 unroutable mandatory and 1 unroutable plain to dx;
 * a second channel publishes 1 unroutable (no confirms), gets from q2 with ack, without ack and
 * empty, then consumes q1's 5 with acks, nacking the first with requeue (it comes back redelivered).
 */
async function basicTraffic(url: string): Promise<ChannelModel> {
  const conn = await amqp.connect(url);
  conn.on('error', () => {});
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('q1');
  await ch.assertQueue('q2');
  await ch.assertExchange('fx', 'fanout');
  await ch.bindQueue('q1', 'fx', '');
  await ch.bindQueue('q2', 'fx', '');
  await ch.assertExchange('dx', 'direct');
  for (let i = 0; i < 3; i++) ch.publish('', 'q1', Buffer.from('hello'));
  for (let i = 0; i < 2; i++) ch.publish('fx', '', Buffer.from('fan'));
  ch.publish('dx', 'nope', Buffer.from('m'), { mandatory: true });
  ch.publish('dx', 'nope', Buffer.from('n'));
  await ch.waitForConfirms();
  const ch2 = await conn.createChannel();
  ch2.publish('dx', 'nope', Buffer.from('x'));
  const g1 = await ch2.get('q2', { noAck: false });
  if (g1 === false) throw new Error('q2 empty');
  ch2.ack(g1);
  await ch2.get('q2', { noAck: true });
  await ch2.get('q2', { noAck: true });
  await ch2.prefetch(10);
  let n = 0;
  await new Promise<void>((resolve) => {
    void ch2.consume('q1', (m) => {
      if (m === null) return;
      n++;
      if (n === 1) ch2.nack(m, false, true);
      else ch2.ack(m);
      if (n === 6) resolve();
    });
  });
  return conn;
}

/**
 * Scenario 2: an alternate exchange, an exchange-to-exchange binding, a reject-publish queue that
 * refuses the second of two confirmed publishes, and dead-lettering (rejected and expired) into
 * dlq through dlx: dead-lettered copies are counted nowhere, a refused publish still on its queue.
 */
async function routingTraffic(url: string): Promise<ChannelModel> {
  const conn = await amqp.connect(url);
  conn.on('error', () => {});
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange('ae', 'fanout');
  await ch.assertQueue('aeq');
  await ch.bindQueue('aeq', 'ae', '');
  await ch.assertExchange('withae', 'direct', { alternateExchange: 'ae' });
  await ch.assertExchange('e2esrc', 'fanout');
  await ch.assertExchange('e2edst', 'fanout');
  await ch.bindExchange('e2edst', 'e2esrc', '');
  await ch.assertQueue('e2eq');
  await ch.bindQueue('e2eq', 'e2edst', '');
  await ch.assertQueue('limited', { arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' } });
  await ch.assertExchange('dlx', 'fanout');
  await ch.assertQueue('dlq');
  await ch.bindQueue('dlq', 'dlx', '');
  await ch.assertQueue('src', { arguments: { 'x-dead-letter-exchange': 'dlx' } });
  ch.publish('withae', 'nokey', Buffer.from('a'));
  ch.publish('e2esrc', '', Buffer.from('b'));
  ch.publish('', 'limited', Buffer.from('c'));
  ch.publish('', 'limited', Buffer.from('d'));
  ch.publish('', 'src', Buffer.from('e'));
  ch.publish('', 'src', Buffer.from('f'), { expiration: '0' });
  await ch.waitForConfirms().catch(() => undefined);
  const g = await ch.get('src');
  if (g === false) throw new Error('src empty');
  ch.nack(g, false, false);
  return conn;
}

/** The observation of vhost v through RabbitMQ's management API. */
async function observeReference(v: string, queues: string[], exchanges: string[]): Promise<Observation> {
  const base = referenceMgmtUrl as string;
  const e = encodeURIComponent(v);
  const obs: Observation = { vhost: {}, queues: {}, exchanges: {}, channels: [] };
  obs.vhost = counts(((await fetchJson(base, `/api/vhosts/${e}`)).json as any).message_stats);
  for (const q of queues) obs.queues[q] = counts(((await fetchJson(base, `/api/queues/${e}/${q}`)).json as any).message_stats);
  for (const x of exchanges) obs.exchanges[x] = counts(((await fetchJson(base, `/api/exchanges/${e}/${x}`)).json as any).message_stats);
  const chs = ((await fetchJson(base, `/api/vhosts/${e}/channels`)).json as any[]).sort((a, b) => a.number - b.number);
  obs.channels = chs.map((c) => counts(c.message_stats));
  return obs;
}

/** The same observation of Warren: the vhost through its HTTP API, the rest through the renderers. */
async function observeWarren(v: string, queues: string[], exchanges: string[]): Promise<Observation> {
  const services = t.services!;
  const vh = services.broker.getVhost(v)!;
  const obs: Observation = { vhost: {}, queues: {}, exchanges: {}, channels: [] };
  obs.vhost = counts(((await fetchJson(t.base, `/api/vhosts/${encodeURIComponent(v)}`)).json as any).message_stats);
  for (const q of queues) obs.queues[q] = counts(queueStats(services.stats, vh.queues.get(q)!, NO_RANGES).message_stats);
  for (const x of exchanges) obs.exchanges[x] = counts(exchangeStats(services.stats, vh.exchanges.get(x === 'amq.default' ? '' : x)!, NO_RANGES).message_stats);
  const chs = warrenConnections(v).flatMap((c) => [...c.openChannels]).sort((a, b) => a.id - b.id);
  obs.channels = chs.map((c) => counts(channelStats(services.stats, c.stats, NO_RANGES).message_stats));
  return obs;
}

function warrenConnections(v: string): Connection[] {
  return [...t.services!.server.connections].filter((c) => c.vhost?.name === v);
}

/** Runs traffic on Warren (and the reference, when configured) in fresh vhosts and compares both with expected. */
async function compare(
  traffic: (url: string) => Promise<ChannelModel>,
  queues: string[],
  exchanges: string[],
  expected: Observation,
): Promise<void> {
  const v = `stats-it-${randomBytes(4).toString('hex')}`;
  await makeVhost(t.base, v);
  const conn = await traffic(vhostUrl(t.amqpUrl.replace(/\/$/, ''), v));
  try {
    const warren = await pollUntil(() => observeWarren(v, queues, exchanges), (o) => isDeepStrictEqual(o, expected));
    expect(warren).toEqual(expected);
  } finally {
    await conn.close().catch(() => undefined);
    await dropVhost(t.base, v);
  }
  if (referenceMgmtUrl === undefined) return;
  await makeVhost(referenceMgmtUrl, v);
  const rconn = await traffic(vhostUrl(referenceAmqpUrl.replace(/\/$/, ''), v));
  try {
    // RabbitMQ's statistics arrive up to an interval (5 s) late.
    const ref = await pollUntil(() => observeReference(v, queues, exchanges), (o) => isDeepStrictEqual(o, expected), {
      timeoutMs: 20_000,
      intervalMs: 500,
    });
    expect(ref).toEqual(expected);
  } finally {
    await rconn.close().catch(() => undefined);
    await dropVhost(referenceMgmtUrl, v);
  }
}

const DELIVER_ZERO = { get: 0, get_no_ack: 0, deliver: 0, deliver_no_ack: 0, redeliver: 0, ack: 0, deliver_get: 0, get_empty: 0 };

describe('message_stats counters, as RabbitMQ 3.10.8 counts the same traffic', () => {
  it('publishes, confirms, unroutables, gets, deliveries, redeliveries and acks', { timeout: 60_000 }, async () => {
    await compare(basicTraffic, ['q1', 'q2'], ['fx', 'dx', 'amq.default'], {
      vhost: {
        publish: 8,
        confirm: 7,
        return_unroutable: 1,
        drop_unroutable: 2,
        get: 1,
        get_no_ack: 1,
        deliver: 6,
        deliver_no_ack: 0,
        redeliver: 1,
        ack: 6,
        deliver_get: 8,
        get_empty: 1,
      },
      queues: {
        q1: { publish: 5, ...DELIVER_ZERO, deliver: 6, redeliver: 1, ack: 5, deliver_get: 6 },
        q2: { publish: 2, ...DELIVER_ZERO, get: 1, get_no_ack: 1, ack: 1, deliver_get: 2, get_empty: 1 },
      },
      exchanges: {
        // publish_out counts the queues reached: 2 messages to a fanout with 2 queues.
        fx: { publish_in: 2, publish_out: 4 },
        dx: { publish_in: 3 },
        'amq.default': { publish_in: 3, publish_out: 3 },
      },
      channels: [
        { publish: 7, confirm: 7, return_unroutable: 1, drop_unroutable: 1 },
        { publish: 1, confirm: 0, return_unroutable: 0, drop_unroutable: 1, get: 1, get_no_ack: 1, deliver: 6, deliver_no_ack: 0, redeliver: 1, ack: 6, deliver_get: 8, get_empty: 1 },
      ],
    });
  });

  it('alternate exchanges, exchange-to-exchange bindings, reject-publish and dead-lettering', { timeout: 60_000 }, async () => {
    await compare(routingTraffic, ['aeq', 'e2eq', 'limited', 'dlq', 'src'], ['ae', 'withae', 'e2esrc', 'e2edst', 'dlx'], {
      vhost: { publish: 6, confirm: 5, return_unroutable: 0, drop_unroutable: 0, ...DELIVER_ZERO, get: 1, deliver_get: 1 },
      queues: {
        aeq: { publish: 1 },
        e2eq: { publish: 1 },
        // The refused publish still counts on the queue it was routed to.
        limited: { publish: 2 },
        // Dead-lettered copies are not publishes.
        dlq: {},
        src: { publish: 2, ...DELIVER_ZERO, get: 1, deliver_get: 1 },
      },
      exchanges: {
        // The queue reached through the alternate exchange counts on the exchange published to.
        ae: {},
        withae: { publish_in: 1, publish_out: 1 },
        e2esrc: { publish_in: 1, publish_out: 1 },
        e2edst: {},
        dlx: {},
      },
      channels: [{ publish: 6, confirm: 5, return_unroutable: 0, drop_unroutable: 0, ...DELIVER_ZERO, get: 1, deliver_get: 1 }],
    });
  });

  it("the node's totals reach Prometheus's rabbitmq_global_* counters (scraped before and after scenario 1)", async () => {
    const scrape = async (): Promise<Record<string, number>> => {
      const text = await (await fetch(`http://127.0.0.1:${t.services!.prometheus.port}/metrics`)).text();
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^rabbitmq_global_(\w+)\{protocol="amqp091"(?:,queue_type="rabbit_classic_queue")?\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
      return out;
    };
    const before = await scrape();
    const v = `stats-it-${randomBytes(4).toString('hex')}`;
    await makeVhost(t.base, v);
    const conn = await basicTraffic(vhostUrl(t.amqpUrl, v));
    try {
      const want = {
        messages_received_total: 8,
        messages_received_confirm_total: 7,
        // One per queue reached: 3 to q1, 2 x 2 through fx.
        messages_routed_total: 7,
        messages_unroutable_dropped_total: 2,
        messages_unroutable_returned_total: 1,
        messages_confirmed_total: 7,
        messages_delivered_total: 8,
        messages_delivered_consume_manual_ack_total: 6,
        messages_delivered_consume_auto_ack_total: 0,
        messages_delivered_get_manual_ack_total: 1,
        messages_delivered_get_auto_ack_total: 1,
        messages_get_empty_total: 1,
        messages_redelivered_total: 1,
        messages_acknowledged_total: 6,
      };
      const delta = (after: Record<string, number>) => Object.fromEntries(Object.keys(want).map((k) => [k, after[k] - before[k]]));
      const after = await pollUntil(scrape, (a) => isDeepStrictEqual(delta(a), want));
      expect(delta(after)).toEqual(want);
      // Both channels of the connection have published.
      expect(after.publishers - before.publishers).toBe(2);
    } finally {
      await conn.close().catch(() => undefined);
      await dropVhost(t.base, v);
    }
  });

  it('transactions: a publish counts at tx.commit, not after tx.rollback; an ack in a transaction at its commit', { timeout: 60_000 }, async () => {
    const txTraffic = async (url: string): Promise<ChannelModel> => {
      const u = new URL(url);
      const raw = await RawClient.open({ host: u.hostname, port: Number(u.port) }, { vhost: decodeURIComponent(u.pathname.slice(1)) });
      await raw.openChannel(1);
      await raw.call(1, 'queue.declare', { queue: 'txq', durable: false });
      await raw.call(1, 'tx.select');
      raw.publish(1, 'a', { routingKey: 'txq' });
      raw.publish(1, 'b', { routingKey: 'txq' });
      await raw.call(1, 'tx.rollback');
      raw.publish(1, 'c', { routingKey: 'txq' });
      await raw.call(1, 'tx.commit');
      const got = await raw.get(1, 'txq', false);
      raw.sendMethod(1, 'basic.ack', { deliveryTag: got!.method.args.deliveryTag, multiple: false });
      await raw.call(1, 'tx.commit');
      // compare() closes what traffic returns.
      return { close: () => raw.close() } as unknown as ChannelModel;
    };
    await compare(txTraffic, ['txq'], [], {
      vhost: { publish: 1, confirm: 0, return_unroutable: 0, drop_unroutable: 0, ...DELIVER_ZERO, get: 1, ack: 1, deliver_get: 1 },
      queues: { txq: { publish: 1, ...DELIVER_ZERO, get: 1, ack: 1, deliver_get: 1 } },
      exchanges: {},
      channels: [{ publish: 1, confirm: 0, return_unroutable: 0, drop_unroutable: 0, ...DELIVER_ZERO, get: 1, ack: 1, deliver_get: 1 }],
    });
  });
});
