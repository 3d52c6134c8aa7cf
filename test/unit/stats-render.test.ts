// stats/ranges.ts and stats/render.ts over a real Broker (memory store) sampled by hand: RabbitMQ
// 3.10.8's range parameters and errors, and its numbers for `rate`, `samples`, `avg_rate` and
// `avg` (the expected values below are the ones the reference RabbitMQ gave for the same series).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { Message } from '../../src/broker/message.js';
import type { Vhost } from '../../src/broker/vhost.js';
import { defaultConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { StatsCollector } from '../../src/stats/collector.js';
import { ChannelCounters, ConnectionCounters } from '../../src/stats/counters.js';
import { NO_RANGES, parseStatsRanges, sampleTimes, StatsRangeError } from '../../src/stats/ranges.js';
import { channelStats, churnRates, connectionStats, exchangeStats, overviewStats, queueStats, vhostStats } from '../../src/stats/render.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const T = 1796200700000;

function message(routingKey: string): Message {
  const raw = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('hello')]);
  return new Message('', routingKey, raw, 2, 2, false, 0, undefined, -1);
}

let broker: Broker;
let stats: StatsCollector;
let vh: Vhost;

beforeEach(async () => {
  broker = new Broker({ config: { ...defaultConfig(), logLevel: 'silent' }, logger: createLogger('silent'), store: new MemoryStore() });
  await broker.start();
  stats = new StatsCollector({ broker, intervalMs: 5000 });
  vh = broker.getVhost('/')!;
});
afterEach(async () => {
  stats.stop();
  await broker.close();
});

function declare(name: string) {
  return vh.declareQueue(name, { passive: false, durable: false, exclusive: false, autoDelete: false, arguments: {} }, {});
}

describe('range parameters (rabbit_mgmt_util:range/1)', () => {
  it('no pair, half a pair or a non-integer: no range', () => {
    expect(parseStatsRanges({})).toBe(NO_RANGES);
    expect(parseStatsRanges({ lengths_age: '30' })).toBe(NO_RANGES);
    expect(parseStatsRanges({ lengths_age: 'abc', lengths_incr: '5' })).toBe(NO_RANGES);
    expect(parseStatsRanges({ msg_rates_age: '60', msg_rates_incr: '5.5' })).toBe(NO_RANGES);
  });

  it("RabbitMQ's 400 reasons for a non-positive age or increment and for more than 500 samples", () => {
    expect(() => parseStatsRanges({ lengths_age: '30', lengths_incr: '0' })).toThrow(new StatsRangeError(30, 0));
    expect(() => parseStatsRanges({ lengths_age: '30', lengths_incr: '0' })).toThrow('Invalid range parameters: age 30, incr 0');
    expect(() => parseStatsRanges({ lengths_age: '3000', lengths_incr: '5' })).toThrow('Invalid range parameters: age 3000, incr 5');
    expect(() => parseStatsRanges({ data_rates_age: '-5', data_rates_incr: '5' })).toThrow('Invalid range parameters: age -5, incr 5');
    expect(parseStatsRanges({ lengths_age: '2500', lengths_incr: '5' }).lengths).not.toBeNull();
  });

  it('windows end at the last multiple of the increment (lengths: the next one with range_ceil)', () => {
    const now = 1796200757643;
    const q = { lengths_age: '30', lengths_incr: '5', msg_rates_age: '7', msg_rates_incr: '3' };
    expect(parseStatsRanges(q, now).lengths).toEqual({ first: 1796200725000, last: 1796200755000, incr: 5000 });
    expect(parseStatsRanges(q, now, true).lengths).toEqual({ first: 1796200730000, last: 1796200760000, incr: 5000 });
    const m = parseStatsRanges(q, now, true).msgRates!;
    // Multiples of the increment since the epoch.
    expect(m.last).toBe(1796200755000);
    // age 7 / incr 3: three samples (RabbitMQ gave 766000, 763000, 760000 for a query at 766xxx).
    expect(sampleTimes(m)).toEqual([1796200755000, 1796200752000, 1796200749000]);
    expect(parseStatsRanges({ node_stats_age: '60', node_stats_incr: '5' }).nodeStats).not.toBeNull();
  });
});

describe('rates and samples', () => {
  /** A queue published to through the default exchange: 1 message by tick 750000, 500 by 755000, then 980 of which 10 were taken. */
  function publishedQueue() {
    const q = declare('q1');
    for (let t = T + 25000; t <= T + 45000; t += 5000) stats.sample(t);
    vh.publish(vh.defaultExchange, message('q1'));
    stats.sample(T + 50000);
    for (let i = 1; i < 500; i++) vh.publish(vh.defaultExchange, message('q1'));
    stats.sample(T + 55000);
    for (let i = 500; i < 980; i++) vh.publish(vh.defaultExchange, message('q1'));
    for (let i = 0; i < 10; i++) q.take(true);
    return q;
  }

  it("a queue's lengths and publish with ranges: rate, samples newest first, avg_rate and avg", () => {
    const q = publishedQueue();
    const ranges = parseStatsRanges({ lengths_age: '30', lengths_incr: '5', msg_rates_age: '30', msg_rates_incr: '5' }, T + 57643, true);
    const json = queueStats(stats, q, ranges) as any;
    // lengths (range_ceil): the newest sample is after the last tick, so it is the live length.
    expect(json.messages).toBe(970);
    expect(json.messages_details.samples).toEqual([970, 500, 1, 0, 0, 0, 0].map((sample, j) => ({ sample, timestamp: T + 60000 - j * 5000 })));
    expect(json.messages_details.rate).toBe(94);
    expect(json.messages_details.avg_rate).toBeCloseTo(32.333333333333336, 12);
    expect(json.messages_details.avg).toBeCloseTo(1471 / 7, 12);
    expect(json.messages_ready_details.samples[1]).toEqual({ sample: 500, timestamp: T + 55000 });
    expect(json.messages_unacknowledged).toBe(0);
    // msg_rates: RabbitMQ's numbers for samples 500, 1, 0, 0, 0, 0, 0.
    const p = json.message_stats.publish_details;
    expect(json.message_stats.publish).toBe(500);
    expect(p.rate).toBe(99.8);
    expect(p.avg_rate).toBe(16.666666666666668);
    expect(p.avg).toBe(71.57142857142857);
    expect(p.samples.map((s: any) => s.timestamp)).toEqual([0, 1, 2, 3, 4, 5, 6].map((j) => T + 55000 - j * 5000));
    // Nothing was delivered or got through a channel: no deliver/get group.
    expect(Object.keys(json.message_stats)).toEqual(['publish', 'publish_details']);
  });

  it('without ranges: live counts and the rate over the last interval', () => {
    const q = publishedQueue();
    const json = queueStats(stats, q, NO_RANGES) as any;
    expect(json.messages).toBe(970);
    expect(json.messages_details).toEqual({ rate: 99.8 });
    expect(json.message_stats).toEqual({ publish: 980, publish_details: { rate: 99.8 } });
    expect(exchangeStats(stats, vh.defaultExchange, NO_RANGES)).toEqual({
      message_stats: { publish_in: 980, publish_in_details: { rate: 99.8 }, publish_out: 980, publish_out_details: { rate: 99.8 } },
    });
  });

  it('a range with one sample has a rate of 0 and no averages', () => {
    const q = publishedQueue();
    const json = queueStats(stats, q, parseStatsRanges({ msg_rates_age: '3', msg_rates_incr: '5' }, T + 57643)) as any;
    expect(json.message_stats.publish_details).toEqual({ rate: 0, samples: [{ sample: 500, timestamp: T + 55000 }] });
  });
});

describe('which keys appear', () => {
  it('an exchange has no message_stats before its first publish, publish_in alone while nothing was routed', () => {
    vh.declareExchange('dx', 'direct', { passive: false, durable: false, autoDelete: false, internal: false, arguments: {} });
    const dx = vh.exchanges.get('dx')!;
    expect(exchangeStats(stats, dx, NO_RANGES)).toEqual({});
    vh.publish(dx, message('nowhere'));
    expect(exchangeStats(stats, dx, NO_RANGES)).toEqual({ message_stats: { publish_in: 1, publish_in_details: { rate: 0 } } });
  });

  it('a channel shows each group once something was counted in it', () => {
    const c = new ChannelCounters();
    stats.addChannel(c, '/');
    expect(channelStats(stats, c, NO_RANGES)).toEqual({});
    c.getEmpty++;
    expect(Object.keys((channelStats(stats, c, NO_RANGES) as any).message_stats)).toEqual([
      'get', 'get_details', 'get_no_ack', 'get_no_ack_details', 'deliver', 'deliver_details', 'deliver_no_ack', 'deliver_no_ack_details',
      'redeliver', 'redeliver_details', 'ack', 'ack_details', 'deliver_get', 'deliver_get_details', 'get_empty', 'get_empty_details',
    ]);
    c.publish++;
    expect((channelStats(stats, c, NO_RANGES) as any).message_stats.publish).toBe(1);
  });

  it('a connection always has its octets and counts', () => {
    const c = new ConnectionCounters();
    stats.addConnection(c);
    c.recvOct = 100;
    c.recvCnt = 2;
    expect(connectionStats(stats, c, NO_RANGES)).toEqual({
      recv_oct: 100, recv_oct_details: { rate: 0 }, send_oct: 0, send_oct_details: { rate: 0 }, recv_cnt: 2, send_cnt: 0,
    });
  });
});

describe('vhost and node totals', () => {
  it("a vhost sums its channels and connections, closed ones included, and its queues' lengths", () => {
    expect(vhostStats(stats, '/', NO_RANGES, stats.liveTotals())).toEqual({});
    const a = new ChannelCounters();
    const b = new ChannelCounters();
    stats.addChannel(a, '/');
    stats.addChannel(b, '/');
    a.publish = 3;
    b.publish = 4;
    b.deliver = 2;
    const conn = new ConnectionCounters();
    stats.addConnection(conn);
    conn.recvOct = 50;
    stats.connectionOpened(conn, '/');
    conn.sendOct = 70;
    const q = declare('q');
    vh.publish(vh.defaultExchange, message('q'));
    stats.sample(T);
    stats.removeChannel(a);
    stats.removeChannel(a);
    stats.removeConnection(conn);
    b.publish = 5;
    stats.sample(T + 5000);
    const json = vhostStats(stats, '/', NO_RANGES, stats.liveTotals()) as any;
    expect(json.recv_oct).toBe(50);
    expect(json.send_oct).toBe(70);
    expect(json.messages).toBe(1);
    expect(json.messages_ready).toBe(1);
    expect(json.message_stats.publish).toBe(8);
    expect(json.message_stats.publish_details.rate).toBeCloseTo(0.2, 12);
    expect(json.message_stats.deliver_get).toBe(2);
    expect(q.stats.publish).toBe(1);
    const overview = overviewStats(stats, ['/'], NO_RANGES) as any;
    expect(overview.message_stats.publish).toBe(8);
    expect(overview.message_stats.disk_reads).toBe(0);
    expect(overview.queue_totals.messages).toBe(1);
    expect(overview.churn_rates).toMatchObject({ channel_created: 2, channel_closed: 1, connection_created: 1, connection_closed: 1 });
  });

  it('a publish through the management API counts in its vhost as a confirm channel of its own', () => {
    stats.countHttpPublish('/', true, true);
    stats.countHttpPublish('/', false, true);
    const ms = (vhostStats(stats, '/', NO_RANGES, stats.liveTotals()) as any).message_stats;
    expect(ms).toMatchObject({ publish: 2, confirm: 2, return_unroutable: 1, drop_unroutable: 0 });
    expect(churnRates(stats, null)).toMatchObject({ channel_created: 2, channel_closed: 2 });
  });

  it("the overview of a node without traffic or queues: RabbitMQ's [] for message_stats and queue_totals", () => {
    expect(overviewStats(stats, ['/'], NO_RANGES)).toEqual({ message_stats: [], churn_rates: churnRates(stats, null), queue_totals: [] });
    expect(overviewStats(stats, [], NO_RANGES).message_stats).toEqual([]);
  });

  it('a deleted vhost takes its totals with it; churn counts deleted queues', () => {
    broker.addVhost('v2');
    const c = new ChannelCounters();
    stats.addChannel(c, 'v2');
    c.publish = 9;
    broker.getVhost('v2')!.declareQueue('x', { passive: false, durable: false, exclusive: false, autoDelete: false, arguments: {} }, {});
    expect((vhostStats(stats, 'v2', NO_RANGES, stats.liveTotals()) as any).message_stats.publish).toBe(9);
    broker.deleteVhost('v2');
    expect(vhostStats(stats, 'v2', NO_RANGES, stats.liveTotals())).toEqual({});
    expect((churnRates(stats, null) as any).queue_deleted).toBe(1);
  });
});
