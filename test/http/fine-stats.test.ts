// The fine-grained statistics of single objects (RabbitMQ 3.10.8's rates_mode detailed:
// rabbit_mgmt_db's detail_stats): a channel's `publishes` (per exchange) and `deliveries` (per
// queue), a queue's `incoming` (per exchange) and `deliveries` (per channel), an exchange's
// `incoming` (per channel) and `outgoing` (per queue); each element `{stats: {...}, <id>}`. With
// RabbitMQ's default rates_mode basic the lists are empty (the reference here runs basic, so its
// answers are compared in that mode; the detailed elements follow rabbit_mgmt_db's source). The
// same per-pair counters feed the Prometheus families channel_exchange_metrics,
// channel_queue_metrics and channel_queue_exchange_metrics, which RabbitMQ fills in every mode.
import amqp, { type ChannelModel, type ConfirmChannel, type Channel as AmqpChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { fetchJson, referenceAmqpUrl, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { pollUntil, waitFor } from '../helpers/wait.js';
import { parseExposition, referencePrometheusUrl, type ParsedFamily } from '../metrics/exposition.js';
import { scrapeText } from '../metrics/scenario.js';

type Json = Record<string, unknown>;

/** The scenario: a confirm channel publishes 3 routed + 1 unroutable through a direct exchange and 1 through the default exchange; a consumer channel acks the 3; a third channel gets and acks 1, then gets empty. */
interface Flow {
  conn: ChannelModel;
  pub: ConfirmChannel;
  sub: AmqpChannel;
  getter: AmqpChannel;
  /** Connection name, from the API. */
  connName: string;
  close(): Promise<void>;
}

async function runFlow(url: string, base: string, prefix: string): Promise<Flow> {
  const conn = await amqp.connect(url, { clientProperties: { connection_name: `${prefix}-conn` } });
  conn.on('error', () => {});
  const pub = await conn.createConfirmChannel();
  await pub.assertExchange(`${prefix}-x`, 'direct', { durable: false });
  await pub.assertQueue(`${prefix}-q`, { durable: false });
  await pub.assertQueue(`${prefix}-q2`, { durable: false });
  await pub.bindQueue(`${prefix}-q`, `${prefix}-x`, 'k');
  const sub = await conn.createChannel();
  let acked = 0;
  await sub.consume(
    `${prefix}-q`,
    (m) => {
      if (m === null) return;
      sub.ack(m);
      acked++;
    },
    { noAck: false, consumerTag: `${prefix}-ctag` },
  );
  for (let i = 0; i < 3; i++) pub.publish(`${prefix}-x`, 'k', Buffer.from('x'));
  pub.publish(`${prefix}-x`, 'nowhere', Buffer.from('x'));
  pub.sendToQueue(`${prefix}-q2`, Buffer.from('y'));
  await pub.waitForConfirms();
  await waitFor(() => acked === 3, 'three acked deliveries');
  const getter = await conn.createChannel();
  const m = await getter.get(`${prefix}-q2`, { noAck: false });
  if (m === false) throw new Error('no message in q2');
  getter.ack(m);
  expect(await getter.get(`${prefix}-q2`, { noAck: false })).toBe(false);
  const conns = await pollUntil(
    async () => (await fetchJson(base, '/api/connections')).json as Json[],
    (cs) => cs.some((c) => (c.client_properties as Json | undefined)?.connection_name === `${prefix}-conn`),
    { timeoutMs: 15_000, intervalMs: 250 },
  );
  const connName = conns.find((c) => (c.client_properties as Json).connection_name === `${prefix}-conn`)!.name as string;
  return {
    conn,
    pub,
    sub,
    getter,
    connName,
    async close() {
      const ch = await conn.createChannel();
      await ch.deleteQueue(`${prefix}-q`);
      await ch.deleteQueue(`${prefix}-q2`);
      await ch.deleteExchange(`${prefix}-x`);
      await conn.close();
    },
  };
}

const get = async (base: string, p: string): Promise<Json> => {
  const r = await fetchJson(base, p);
  expect(r.status, p).toBe(200);
  return r.json as Json;
};
const chPath = (f: Flow, n: number): string => `/api/channels/${encodeURIComponent(`${f.connName} (${n})`)}`;

describe('rates_mode basic (RabbitMQ’s default): the lists are empty', () => {
  let t: ManagementTarget;
  let f: Flow;
  beforeAll(async () => {
    t = await startManagementTarget();
    f = await runFlow(t.amqpUrl, t.base, 'f11b');
  });
  afterAll(async () => {
    await f?.close();
    await t?.close();
  });

  it('channels, queue and exchange answer [] as the reference does', async () => {
    const targets: [string, Flow][] = [[t.base, f]];
    let ref: Flow | undefined;
    if (referenceMgmtUrl !== undefined) targets.push([referenceMgmtUrl, (ref = await runFlow(referenceAmqpUrl, referenceMgmtUrl, `f11b-${process.pid}`))]);
    try {
      for (const [base, flow] of targets) {
        const pre = flow === f ? 'f11b' : `f11b-${process.pid}`;
        expect((await get(base, '/api/overview')).rates_mode).toBe('basic');
        const c1 = await get(base, chPath(flow, 1));
        expect([c1.publishes, c1.deliveries]).toEqual([[], []]);
        const c2 = await get(base, chPath(flow, 2));
        expect([c2.publishes, c2.deliveries]).toEqual([[], []]);
        const q = await get(base, `/api/queues/%2F/${pre}-q`);
        expect([q.incoming, q.deliveries]).toEqual([[], []]);
        const x = await get(base, `/api/exchanges/%2F/${pre}-x`);
        expect([x.incoming, x.outgoing]).toEqual([[], []]);
      }
    } finally {
      await ref?.close();
    }
  }, 30_000);
});

describe('rates_mode detailed', () => {
  let t: ManagementTarget;
  let f: Flow;
  beforeAll(async () => {
    t = await startManagementTarget({ managementRatesMode: 'detailed' });
    f = await runFlow(t.amqpUrl, t.base, 'f11d');
  });
  afterAll(async () => {
    await f?.close();
    await t?.close();
  });

  const rate = { rate: expect.any(Number) as number };
  const fine = (publish: number, confirm: number, returned: number, dropped: number): Json => ({
    publish,
    publish_details: rate,
    confirm,
    confirm_details: rate,
    return_unroutable: returned,
    return_unroutable_details: rate,
    drop_unroutable: dropped,
    drop_unroutable_details: rate,
  });
  const deliver = (v: { get?: number; deliver?: number; ack?: number; getEmpty?: number }): Json => ({
    get: v.get ?? 0,
    get_details: rate,
    get_no_ack: 0,
    get_no_ack_details: rate,
    deliver: v.deliver ?? 0,
    deliver_details: rate,
    deliver_no_ack: 0,
    deliver_no_ack_details: rate,
    redeliver: 0,
    redeliver_details: rate,
    ack: v.ack ?? 0,
    ack_details: rate,
    deliver_get: (v.get ?? 0) + (v.deliver ?? 0),
    deliver_get_details: rate,
    get_empty: v.getEmpty ?? 0,
    get_empty_details: rate,
  });
  const channelDetails = (n: number): Json => ({
    connection_name: f.connName,
    name: `${f.connName} (${n})`,
    node: expect.any(String) as string,
    number: n,
    peer_host: '127.0.0.1',
    peer_port: expect.any(Number) as number,
    user: 'guest',
  });

  it('overview and nodes say so', async () => {
    expect((await get(t.base, '/api/overview')).rates_mode).toBe('detailed');
    expect(((await get(t.base, '/api/nodes')) as unknown as Json[])[0].rates_mode).toBe('detailed');
  });

  it('the publishing channel: publishes per exchange, confirms and the unroutable one on its exchange', async () => {
    const c = await get(t.base, chPath(f, 1));
    const byName = new Map((c.publishes as Json[]).map((p) => [(p.exchange as Json).name, p]));
    expect(byName.get('f11d-x')).toEqual({ stats: fine(4, 4, 0, 1), exchange: { name: 'f11d-x', vhost: '/' } });
    expect(byName.get('')).toEqual({ stats: fine(1, 1, 0, 0), exchange: { name: '', vhost: '/' } });
    expect(byName.size).toBe(2);
    expect(c.deliveries).toEqual([]);
  });

  it('the consuming and the getting channel: deliveries per queue', async () => {
    expect((await get(t.base, chPath(f, 2))).deliveries).toEqual([{ stats: deliver({ deliver: 3, ack: 3 }), queue: { name: 'f11d-q', vhost: '/' } }]);
    expect((await get(t.base, chPath(f, 3))).deliveries).toEqual([{ stats: deliver({ get: 1, ack: 1, getEmpty: 1 }), queue: { name: 'f11d-q2', vhost: '/' } }]);
    expect((await get(t.base, chPath(f, 2))).publishes).toEqual([]);
  });

  it('the queue: incoming per exchange, deliveries per channel', async () => {
    const q = await get(t.base, '/api/queues/%2F/f11d-q');
    expect(q.incoming).toEqual([{ stats: { publish: 3, publish_details: rate }, exchange: { name: 'f11d-x', vhost: '/' } }]);
    expect(q.deliveries).toEqual([{ stats: deliver({ deliver: 3, ack: 3 }), channel_details: channelDetails(2) }]);
    const q2 = await get(t.base, '/api/queues/%2F/f11d-q2');
    expect(q2.incoming).toEqual([{ stats: { publish: 1, publish_details: rate }, exchange: { name: '', vhost: '/' } }]);
  });

  it('the exchange: incoming per channel, outgoing per queue', async () => {
    const x = await get(t.base, '/api/exchanges/%2F/f11d-x');
    expect(x.incoming).toEqual([{ stats: fine(4, 4, 0, 1), channel_details: channelDetails(1) }]);
    expect(x.outgoing).toEqual([{ stats: { publish: 3, publish_details: rate }, queue: { name: 'f11d-q', vhost: '/' } }]);
  });

  it('rates come from the sampler: publishes per second over its last interval', async () => {
    const stats = t.services!.stats;
    stats.sample();
    for (let i = 0; i < 5; i++) f.pub.publish('f11d-x', 'k', Buffer.from('x'));
    await f.pub.waitForConfirms();
    stats.sample(Date.now() + stats.intervalMs);
    const c = await get(t.base, chPath(f, 1));
    const x = (c.publishes as Json[]).find((p) => (p.exchange as Json).name === 'f11d-x')!;
    expect((x.stats as Json).publish).toBe(9);
    expect(((x.stats as Json).publish_details as Json).rate).toBeCloseTo(5 / (stats.intervalMs / 1000));
  });

  it('a closed channel leaves its publishes in the queue’s incoming and the exchange’s outgoing, not in the exchange’s incoming', async () => {
    await f.pub.close();
    await pollUntil(
      async () => (await get(t.base, '/api/exchanges/%2F/f11d-x')).incoming as Json[],
      (l) => l.length === 0,
      { timeoutMs: 5000, intervalMs: 50 },
    );
    const q = await get(t.base, '/api/queues/%2F/f11d-q');
    expect(q.incoming).toEqual([{ stats: { publish: 8, publish_details: { rate: 0 } }, exchange: { name: 'f11d-x', vhost: '/' } }]);
    const x = await get(t.base, '/api/exchanges/%2F/f11d-x');
    expect(x.outgoing).toEqual([{ stats: { publish: 8, publish_details: { rate: 0 } }, queue: { name: 'f11d-q', vhost: '/' } }]);
    // A new publisher adds to the retained counts.
    const again = await f.conn.createConfirmChannel();
    again.publish('f11d-x', 'k', Buffer.from('x'));
    await again.waitForConfirms();
    const x2 = await get(t.base, '/api/exchanges/%2F/f11d-x');
    expect(((x2.outgoing as Json[])[0].stats as Json).publish).toBe(9);
    f.pub = again;
  });
});

describe('Prometheus: the per-pair families from the same counters', () => {
  let t: ManagementTarget;
  let f: Flow;
  beforeAll(async () => {
    t = await startManagementTarget();
    f = await runFlow(t.amqpUrl, t.base, 'f11p');
  });
  afterAll(async () => {
    await f?.close();
    await t?.close();
  });

  const FAMILIES = 'family=channel_exchange_metrics&family=channel_queue_metrics&family=channel_queue_exchange_metrics';
  /** Each family's rows as `labels -> value`, the channel label dropped (a pid on RabbitMQ) and the prefix renamed. */
  function rows(m: Map<string, ParsedFamily>, prefix: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, fam] of m) {
      if (!name.startsWith('rabbitmq_detailed_')) continue;
      for (const s of fam.samples) {
        const { channel: _channel, ...labels } = s.labels;
        const keep = Object.values(labels).some((v) => v.startsWith(prefix)) || (labels.exchange === '' && labels.queue?.startsWith(prefix));
        if (!keep) continue;
        const norm = Object.entries(labels).map(([k, v]) => `${k}=${v.replace(prefix, 'P')}`);
        out[`${name}{${norm.join(',')}}`] = s.value;
      }
    }
    return out;
  }

  const EXPECTED: Record<string, number> = {
    'rabbitmq_detailed_channel_messages_published_total{vhost=/,exchange=P-x}': 4,
    'rabbitmq_detailed_channel_messages_confirmed_total{vhost=/,exchange=P-x}': 4,
    'rabbitmq_detailed_channel_messages_unroutable_returned_total{vhost=/,exchange=P-x}': 0,
    'rabbitmq_detailed_channel_messages_unroutable_dropped_total{vhost=/,exchange=P-x}': 1,
    'rabbitmq_detailed_channel_get_ack_total{vhost=/,queue=P-q}': 0,
    'rabbitmq_detailed_channel_get_ack_total{vhost=/,queue=P-q2}': 1,
    'rabbitmq_detailed_channel_get_total{vhost=/,queue=P-q}': 0,
    'rabbitmq_detailed_channel_get_total{vhost=/,queue=P-q2}': 0,
    'rabbitmq_detailed_channel_messages_delivered_ack_total{vhost=/,queue=P-q}': 3,
    'rabbitmq_detailed_channel_messages_delivered_ack_total{vhost=/,queue=P-q2}': 0,
    'rabbitmq_detailed_channel_messages_delivered_total{vhost=/,queue=P-q}': 0,
    'rabbitmq_detailed_channel_messages_delivered_total{vhost=/,queue=P-q2}': 0,
    'rabbitmq_detailed_channel_messages_redelivered_total{vhost=/,queue=P-q}': 0,
    'rabbitmq_detailed_channel_messages_redelivered_total{vhost=/,queue=P-q2}': 0,
    'rabbitmq_detailed_channel_messages_acked_total{vhost=/,queue=P-q}': 3,
    'rabbitmq_detailed_channel_messages_acked_total{vhost=/,queue=P-q2}': 1,
    'rabbitmq_detailed_channel_get_empty_total{vhost=/,queue=P-q}': 0,
    'rabbitmq_detailed_channel_get_empty_total{vhost=/,queue=P-q2}': 1,
    'rabbitmq_detailed_queue_messages_published_total{queue_vhost=/,queue=P-q,exchange_vhost=/,exchange=P-x}': 3,
    'rabbitmq_detailed_queue_messages_published_total{queue_vhost=/,queue=P-q2,exchange_vhost=/,exchange=}': 1,
  };

  it('per channel×exchange, channel×queue and channel×queue×exchange, as RabbitMQ 3.10.8 counts the same flow', async () => {
    const m = parseExposition(await scrapeText(`http://127.0.0.1:${t.services!.prometheus.port}/metrics/detailed?${FAMILIES}`));
    const w = rows(m, 'f11p');
    // The default exchange's channel_exchange row is RabbitMQ's too, but its labels hold no prefix: checked on its own.
    expect(w).toEqual(EXPECTED);
    const published = m.get('rabbitmq_detailed_channel_messages_published_total')!.samples;
    expect(published.find((s) => s.labels.exchange === '')?.value).toBe(1);
    for (const s of published) expect(s.labels.channel).toBe(`${f.connName} (1)`);
  });

  it('the reference agrees on the same flow', async () => {
    if (referencePrometheusUrl === undefined || referenceMgmtUrl === undefined) return; // the expectations above are RabbitMQ's as observed
    const pre = `f11p-${process.pid}`;
    const ref = await runFlow(referenceAmqpUrl, referenceMgmtUrl, pre);
    try {
      // RabbitMQ's channels write their metrics every collect_statistics_interval.
      const m = await pollUntil(
        async () => parseExposition(await scrapeText(`${referencePrometheusUrl}/metrics/detailed?${FAMILIES}`)),
        (x) => Object.keys(rows(x, pre)).length >= Object.keys(EXPECTED).length,
        { timeoutMs: 15_000, intervalMs: 500 },
      );
      expect(rows(m, pre)).toEqual(EXPECTED);
    } finally {
      await ref.close();
    }
  }, 30_000);

  it('confirms per exchange: a nacked publish (reject-publish) is not counted, publishes to two exchanges are told apart', async () => {
    const ch = await f.conn.createConfirmChannel();
    await ch.assertQueue('f11p-full', { durable: false, arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' } });
    await ch.bindQueue('f11p-full', 'f11p-x', 'full');
    const outcomes: boolean[] = [];
    const done = (err: unknown): void => {
      outcomes.push(err === null || err === undefined);
    };
    ch.publish('f11p-x', 'full', Buffer.from('1'), {}, done);
    ch.publish('f11p-x', 'full', Buffer.from('2'), {}, done);
    ch.sendToQueue('f11p-q2', Buffer.from('3'), {}, done);
    ch.publish('f11p-x', 'k', Buffer.from('4'), {}, done);
    await waitFor(() => outcomes.length === 4, 'four confirms');
    expect(outcomes).toEqual([true, false, true, true]);
    const m = parseExposition(await scrapeText(`http://127.0.0.1:${t.services!.prometheus.port}/metrics/detailed?${FAMILIES}`));
    const mine = (name: string, exchange: string): number | undefined =>
      m.get(name)!.samples.find((s) => s.labels.channel === `${f.connName} (4)` && s.labels.exchange === exchange)?.value;
    expect(mine('rabbitmq_detailed_channel_messages_published_total', 'f11p-x')).toBe(3);
    expect(mine('rabbitmq_detailed_channel_messages_confirmed_total', 'f11p-x')).toBe(2);
    expect(mine('rabbitmq_detailed_channel_messages_published_total', '')).toBe(1);
    expect(mine('rabbitmq_detailed_channel_messages_confirmed_total', '')).toBe(1);
    await ch.deleteQueue('f11p-full');
    await ch.close();
  });

  it('a deleted queue’s rows go; the aggregated /metrics sums the rows', async () => {
    const agg = parseExposition(await scrapeText(`http://127.0.0.1:${t.services!.prometheus.port}/metrics`));
    // The consumer's 3, and the one the confirm test's publish to 'k' reached it with.
    expect(agg.get('rabbitmq_channel_messages_delivered_ack_total')!.samples[0].value).toBe(4);
    // The open publishing channel's 3 + 1 (the confirm test's channel is closed: its rows went with it).
    expect(agg.get('rabbitmq_queue_messages_published_total')!.samples[0].value).toBe(4);
    const ch = await f.conn.createChannel();
    await ch.deleteQueue('f11p-q2');
    await ch.close();
    const m = parseExposition(await scrapeText(`http://127.0.0.1:${t.services!.prometheus.port}/metrics/detailed?${FAMILIES}`));
    expect(Object.keys(rows(m, 'f11p')).filter((k) => k.includes('P-q2'))).toEqual([]);
  });
});
