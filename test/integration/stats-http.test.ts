// Statistics over the management API and the fragments the other endpoints merge in: GET
// /api/vhosts[/{name}] with RabbitMQ 3.10.8's statistics keys, with and without range parameters
// (400 for a bad pair), live rates from the sampler (collect_statistics_interval 200 ms here), exact
// socket octets, churn; and the JSON shapes of the queue, exchange, channel, connection and
// overview fragments against RabbitMQ's answers for the same traffic (recorded fixtures in CI).
import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { RawClient } from '../helpers/raw-client.js';
import { expectShapeLike, fetchJson, referenceAmqpUrl, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { pollUntil, waitFor } from '../helpers/wait.js';
import { parseStatsRanges, NO_RANGES } from '../../src/stats/ranges.js';
import { channelStats, connectionStats, exchangeStats, overviewStats, queueStats } from '../../src/stats/render.js';

// cluster_state is keyed by the node's name, which differs between the two brokers.
const VHOST_IGNORE = ['cluster_state'];
const RANGES = 'lengths_age=60&lengths_incr=5&msg_rates_age=60&msg_rates_incr=5&data_rates_age=60&data_rates_incr=5';
const V = `stats-http-${randomBytes(4).toString('hex')}`;
const EV = encodeURIComponent(V);

let t: ManagementTarget;
let conn: ChannelModel;
let ch: ConfirmChannel;
/** The reference's connection and its observation of the same traffic (undefined without a reference). */
let refConn: ChannelModel | undefined;

async function putVhost(base: string): Promise<void> {
  expect([201, 204]).toContain((await fetchJson(base, `/api/vhosts/${EV}`, { method: 'PUT', body: {} })).status);
  expect([201, 204]).toContain((await fetchJson(base, `/api/permissions/${EV}/guest`, { method: 'PUT', body: { configure: '.*', write: '.*', read: '.*' } })).status);
}

/** The same small traffic on either broker: 5 confirmed publishes to q (one through fanout fx), a get with ack, a consumer that acks 2. */
async function traffic(amqpBase: string): Promise<{ conn: ChannelModel; ch: ConfirmChannel }> {
  const c = await amqp.connect(`${amqpBase}/${EV}`);
  c.on('error', () => {});
  const confirm = await c.createConfirmChannel();
  await confirm.assertQueue('q');
  await confirm.assertExchange('fx', 'fanout');
  await confirm.bindQueue('q', 'fx', '');
  for (let i = 0; i < 4; i++) confirm.publish('', 'q', Buffer.from(`m${i}`));
  confirm.publish('fx', '', Buffer.from('m4'));
  await confirm.waitForConfirms();
  const g = await confirm.get('q');
  if (g !== false) confirm.ack(g);
  const consumer = await c.createChannel();
  await consumer.prefetch(2);
  let n = 0;
  await new Promise<void>((resolve) => {
    void consumer.consume('q', (m) => {
      if (m === null) return;
      if (++n <= 2) consumer.ack(m);
      if (n === 2) resolve();
    });
  });
  return { conn: c, ch: confirm };
}

beforeAll(async () => {
  t = await startManagementTarget({ collectStatisticsInterval: 200 });
  await putVhost(t.base);
  ({ conn, ch } = await traffic(t.amqpUrl));
  // The consumer's acks are not awaited by amqplib: wait until Warren has them.
  await waitFor(async () => {
    const v = (await fetchJson(t.base, `/api/vhosts/${EV}`)).json as any;
    return v?.message_stats?.ack === 3 && v?.message_stats?.deliver === 4;
  }, 'Warren to count the traffic');
  if (referenceMgmtUrl !== undefined) {
    await putVhost(referenceMgmtUrl);
    refConn = (await traffic(referenceAmqpUrl.replace(/\/$/, ''))).conn;
    // RabbitMQ's statistics arrive up to an interval late.
    await waitFor(async () => {
      const v = (await fetchJson(referenceMgmtUrl as string, `/api/vhosts/${EV}`)).json as any;
      return v?.message_stats?.ack === 3 && v?.message_stats?.deliver === 4 && v?.recv_oct > 0 && v?.messages_unacknowledged === 2;
    }, 'the reference to count the traffic', { timeoutMs: 20_000, intervalMs: 250 });
  }
}, 60_000);
afterAll(async () => {
  await conn?.close().catch(() => undefined);
  await refConn?.close().catch(() => undefined);
  if (referenceMgmtUrl !== undefined) await fetchJson(referenceMgmtUrl, `/api/vhosts/${EV}`, { method: 'DELETE' });
  await t?.close();
});

/** GET path on Warren, and on the reference when there is one. */
async function both(path: string): Promise<{ warren: any; reference: any }> {
  const warren = (await fetchJson(t.base, path)).json;
  const reference = referenceMgmtUrl === undefined ? undefined : (await fetchJson(referenceMgmtUrl, path)).json;
  return { warren, reference };
}

function pick(o: any, keys: readonly string[]): Record<string, unknown> | undefined {
  if (o === undefined) return undefined;
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

describe('GET /api/vhosts statistics', () => {
  it("one vhost: RabbitMQ's keys and the counts of the traffic", async () => {
    const { warren, reference } = await both(`/api/vhosts/${EV}`);
    // The consumer acked 2 and holds the next 2 (prefetch 2).
    expect(warren.message_stats).toMatchObject({ publish: 5, confirm: 5, get: 1, deliver: 4, ack: 3, deliver_get: 5, drop_unroutable: 0 });
    expect(warren).toMatchObject({ messages: 2, messages_ready: 0, messages_unacknowledged: 2 });
    expect(warren.recv_oct).toBeGreaterThan(0);
    expect(warren.send_oct_details).toEqual({ rate: expect.any(Number) });
    expectShapeLike('stats-vhost', warren, reference, VHOST_IGNORE);
  });

  it('the list carries the same statistics; a vhost without traffic has none', async () => {
    const { warren, reference } = await both('/api/vhosts');
    const mine = (warren as any[]).find((v) => v.name === V);
    expect(mine.message_stats.publish).toBe(5);
    await t.addVhost('stats-http-empty');
    const empty = ((await fetchJson(t.base, '/api/vhosts')).json as any[]).find((v) => v.name === 'stats-http-empty');
    expect(Object.keys(empty).sort()).toEqual(['cluster_state', 'default_queue_type', 'description', 'metadata', 'name', 'tags', 'tracing']);
    expectShapeLike('stats-vhosts', (warren as any[]).filter((v) => v.name === V), reference && (reference as any[]).filter((v) => v.name === V), ['[].cluster_state']);
  });

  it('with range parameters: samples, avg_rate and avg for every series', async () => {
    const { warren, reference } = await both(`/api/vhosts/${EV}?${RANGES}`);
    const d = warren.message_stats.publish_details;
    expect(d.samples).toHaveLength(13);
    expect(d.samples[0].timestamp - d.samples[1].timestamp).toBe(5000);
    expect(d).toHaveProperty('avg_rate');
    expect(d).toHaveProperty('avg');
    expect(warren.recv_oct_details.samples).toHaveLength(13);
    expect(warren.messages_details.samples).toHaveLength(13);
    expectShapeLike('stats-vhost-ranges', warren, reference, VHOST_IGNORE);
  });

  it("a bad range is RabbitMQ's 400", async () => {
    for (const base of [t.base, referenceMgmtUrl].filter((b) => b !== undefined)) {
      const r = await fetchJson(base, `/api/vhosts/${EV}?lengths_age=30&lengths_incr=0`);
      expect(r).toEqual({ status: 400, json: { error: 'bad_request', reason: 'Invalid range parameters: age 30, incr 0' } });
      // A list names its 400 differently (3.10.8).
      const list = await fetchJson(base, '/api/vhosts?msg_rates_age=3000&msg_rates_incr=5');
      expect(list).toEqual({ status: 400, json: { error: 'invalid_range_parameters', reason: 'Invalid range parameters: age 3000, incr 5' } });
    }
  });
});

describe('GET /api/overview and /api/nodes statistics', () => {
  const NODE_KEYS = ['mem_used_details', 'fd_used_details', 'sockets_used_details', 'proc_used_details', 'disk_free_details'].concat(
    ['connection_created', 'connection_closed', 'channel_created', 'channel_closed', 'queue_declared', 'queue_created', 'queue_deleted'].flatMap((k) => [k, `${k}_details`]),
  );

  it("the overview's message_stats, churn_rates and queue_totals, with and without ranges", async () => {
    const plain = (await fetchJson(t.base, '/api/overview')).json as any;
    expect(plain.message_stats).toMatchObject({ publish: expect.any(Number), disk_reads: 0, deliver_get: expect.any(Number) });
    expect(plain.message_stats.publish).toBeGreaterThanOrEqual(5);
    expect(plain.churn_rates.connection_created).toBeGreaterThanOrEqual(1);
    const ranged = (await fetchJson(t.base, `/api/overview?${RANGES}`)).json as any;
    expect(ranged.message_stats.publish_details.samples).toHaveLength(13);
    expect(ranged.queue_totals.messages_details.samples).toHaveLength(13);
    expect(ranged.churn_rates.channel_created_details.samples).toHaveLength(13);
    expect((await fetchJson(t.base, '/api/overview?msg_rates_age=1&msg_rates_incr=0')).status).toBe(400);
  });

  it("the node's resource rates and churn, and their samples with node_stats_age/incr", async () => {
    const [node] = (await fetchJson(t.base, '/api/nodes')).json as any[];
    expect(node.mem_used_details).toEqual({ rate: expect.any(Number) });
    expect(node.connection_created).toBeGreaterThanOrEqual(1);
    const q = 'node_stats_age=60&node_stats_incr=5';
    const ranged = (await fetchJson(t.base, `/api/nodes/${encodeURIComponent(node.name)}?${q}`)).json as any;
    expect(ranged.disk_free_details.samples).toHaveLength(13);
    let ref: unknown;
    if (referenceMgmtUrl !== undefined) {
      const refNode = ((await fetchJson(referenceMgmtUrl, '/api/overview')).json as any).node as string;
      ref = pick((await fetchJson(referenceMgmtUrl, `/api/nodes/${encodeURIComponent(refNode)}?${q}`)).json, NODE_KEYS);
    }
    expectShapeLike('stats-node-fragment-ranges', pick(ranged, NODE_KEYS), ref);
    // Unlike the vhosts list, the nodes list says bad_request (3.10.8).
    for (const base of [t.base, referenceMgmtUrl].filter((b) => b !== undefined)) {
      expect(await fetchJson(base, '/api/nodes?node_stats_age=5&node_stats_incr=0')).toEqual({
        status: 400,
        json: { error: 'bad_request', reason: 'Invalid range parameters: age 5, incr 0' },
      });
    }
  });
});

describe('the sampler', () => {
  it('rates follow the traffic, and the newest sample reaches the count once it stops', async () => {
    let publishing = true;
    const loop = (async () => {
      while (publishing) {
        ch.publish('', 'q', Buffer.from('tick'));
        await ch.waitForConfirms();
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const rate = async (): Promise<number> => ((await fetchJson(t.base, `/api/vhosts/${EV}`)).json as any).message_stats.publish_details.rate;
    expect(await pollUntil(rate, (r) => r > 0)).toBeGreaterThan(0);
    publishing = false;
    await loop;
    expect(await pollUntil(rate, (r) => r === 0)).toBe(0);
    const total = ((await fetchJson(t.base, `/api/vhosts/${EV}`)).json as any).message_stats.publish;
    const newest = async (): Promise<number> =>
      ((await fetchJson(t.base, `/api/vhosts/${EV}?msg_rates_age=2&msg_rates_incr=1`)).json as any).message_stats.publish_details.samples[0].sample;
    expect(await pollUntil(newest, (s) => s === total, { timeoutMs: 5000 })).toBe(total);
  });

  it("a connection's octets are the bytes on its socket", async () => {
    const raw = await RawClient.open({ host: '127.0.0.1', port: t.services!.amqp.port }, { vhost: V });
    try {
      await raw.openChannel(1);
      await raw.call(1, 'queue.declare', { queue: 'raw-q', durable: false, exclusive: true });
      raw.publish(1, 'x'.repeat(1000), { routingKey: 'raw-q' });
      await raw.get(1, 'raw-q', true);
      const counters = () => [...t.services!.server.connections].find((c) => c.peerPort === raw.socket.localPort)!.counters;
      await waitFor(() => counters().recvOct === raw.socket.bytesWritten && counters().sendOct === raw.socket.bytesRead, 'octets to match');
      const json = connectionStats(t.services!.stats, counters(), NO_RANGES) as any;
      expect(json.recv_oct).toBe(raw.socket.bytesWritten);
      expect(json.send_oct).toBe(raw.socket.bytesRead);
      expect(json.recv_cnt).toBeGreaterThan(0);
      expect(json.send_cnt).toBeGreaterThan(0);
    } finally {
      await raw.close();
    }
    // Its exclusive queue goes with it (before the churn test counts deletions).
    await waitFor(() => !t.services!.broker.getVhost(V)!.queues.has('raw-q'), 'the exclusive queue to go');
  });

  it('churn: connections, channels, declared, created and deleted queues', async () => {
    const before = (overviewStats(t.services!.stats, [V], NO_RANGES) as any).churn_rates;
    const c = await amqp.connect(`${t.amqpUrl}/${EV}`);
    const c1 = await c.createChannel();
    await c1.assertQueue('churn-q');
    await c1.assertQueue('churn-q');
    await c1.checkQueue('churn-q');
    await c1.deleteQueue('churn-q');
    await c.close();
    const after = await pollUntil(
      () => (overviewStats(t.services!.stats, [V], NO_RANGES) as any).churn_rates,
      (a: any) => a.connection_closed > before.connection_closed,
    );
    expect(after.connection_created - before.connection_created).toBe(1);
    expect(after.connection_closed - before.connection_closed).toBe(1);
    expect(after.channel_created - before.channel_created).toBe(1);
    expect(after.channel_closed - before.channel_closed).toBe(1);
    expect(after.queue_declared - before.queue_declared).toBe(2);
    expect(after.queue_created - before.queue_created).toBe(1);
    expect(after.queue_deleted - before.queue_deleted).toBe(1);
  });
});

describe('fragments for the other endpoints, shaped as RabbitMQ', () => {
  const LENGTHS = ['messages', 'messages_details', 'messages_ready', 'messages_ready_details', 'messages_unacknowledged', 'messages_unacknowledged_details', 'message_stats'];
  const OCTETS = ['recv_oct', 'recv_oct_details', 'send_oct', 'send_oct_details', 'recv_cnt', 'send_cnt'];
  const s = () => t.services!.stats;
  const vh = () => t.services!.broker.getVhost(V)!;

  for (const [suffix, query] of [['', ''], ['-ranges', `?${RANGES}`]] as const) {
    const ranges = (ceil = false) => parseStatsRanges(Object.fromEntries(new URLSearchParams(query.slice(1))), Date.now(), ceil);

    it(`queue${suffix}`, async () => {
      const warren = queueStats(s(), vh().queues.get('q')!, ranges(true));
      const ref = referenceMgmtUrl === undefined ? undefined : (await fetchJson(referenceMgmtUrl, `/api/queues/${EV}/q${query}`)).json;
      // With a range the count is the newest sample, which may predate the traffic.
      if (query === '') expect((warren as any).message_stats.publish).toBeGreaterThanOrEqual(5);
      expectShapeLike(`stats-queue-fragment${suffix}`, warren, pick(ref, LENGTHS));
    });

    it(`exchange${suffix}`, async () => {
      for (const [name, path] of [['', 'amq.default'], ['fx', 'fx']]) {
        const warren = exchangeStats(s(), vh().exchanges.get(name)!, ranges());
        const ref = referenceMgmtUrl === undefined ? undefined : (await fetchJson(referenceMgmtUrl, `/api/exchanges/${EV}/${path}${query}`)).json;
        expectShapeLike(`stats-exchange-fragment${suffix}`, warren, pick(ref, ['message_stats']));
      }
    });

    it(`channel${suffix}`, async () => {
      // What admin/ sees: the ConnectionRegistry's snapshot carries the channel's counters.
      const snap = t.services!.server.listConnections().find((c) => c.vhost === V && c.channels.length === 2)!;
      const warren = channelStats(s(), snap.channels.find((c) => c.number === 1)!.stats, ranges());
      let ref: unknown;
      if (referenceMgmtUrl !== undefined) {
        const list = (await fetchJson(referenceMgmtUrl, `/api/vhosts/${EV}/channels`)).json as any[];
        const name = list.find((c) => c.number === 1).name as string;
        ref = pick((await fetchJson(referenceMgmtUrl, `/api/channels/${encodeURIComponent(name)}${query}`)).json, ['message_stats']);
      }
      if (query === '') expect((warren as any).message_stats.publish).toBeGreaterThanOrEqual(5);
      expectShapeLike(`stats-channel-fragment${suffix}`, warren, ref);
    });

    it(`connection${suffix}`, async () => {
      const snap = t.services!.server.listConnections().find((c) => c.vhost === V && c.channels.length === 2)!;
      const warren = connectionStats(s(), snap.counters, ranges(true));
      let ref: unknown;
      if (referenceMgmtUrl !== undefined) {
        const list = (await fetchJson(referenceMgmtUrl, `/api/vhosts/${EV}/connections`)).json as any[];
        ref = pick((await fetchJson(referenceMgmtUrl, `/api/connections/${encodeURIComponent(list[0].name)}${query}`)).json, OCTETS);
      }
      expectShapeLike(`stats-connection-fragment${suffix}`, warren, ref);
    });

    it(`overview${suffix}`, async () => {
      const warren = overviewStats(s(), [...t.services!.broker.vhosts.keys()], ranges());
      const ref = referenceMgmtUrl === undefined ? undefined : pick((await fetchJson(referenceMgmtUrl, `/api/overview${query}`)).json, ['message_stats', 'churn_rates', 'queue_totals']);
      expectShapeLike(`stats-overview-fragment${suffix}`, warren, ref);
    });
  }
});
