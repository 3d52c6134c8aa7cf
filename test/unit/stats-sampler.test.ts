// The sampler at the scale: 10,000 queues, 1,000 connections and 2,000 channels (consumers
// are not sampled) must take well under 20 ms per tick, idle or busy, and an idle queue's history
// must stay small. Timings are printed; the assertion uses the fastest of several ticks so a
// loaded machine does not fail it, while a sampler that is slow by design still does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { Message } from '../../src/broker/message.js';
import type { Queue } from '../../src/broker/queue/queue.js';
import { defaultConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { StatsCollector } from '../../src/stats/collector.js';
import { ChannelCounters, ConnectionCounters } from '../../src/stats/counters.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const QUEUES = 10_000;
const CONNECTIONS = 1_000;
const CHANNELS = 2_000;

let broker: Broker;
let stats: StatsCollector;
let queues: Queue[];
let channels: ChannelCounters[];
let connections: ConnectionCounters[];
let now = 1_800_000_000_000;

beforeAll(async () => {
  broker = new Broker({ config: { ...defaultConfig(), logLevel: 'silent' }, logger: createLogger('silent'), store: new MemoryStore() });
  await broker.start();
  stats = new StatsCollector({ broker, intervalMs: 5000 });
  const vh = broker.getVhost('/')!;
  queues = [];
  for (let i = 0; i < QUEUES; i++) {
    queues.push(vh.declareQueue(`q${i}`, { passive: false, durable: false, exclusive: false, autoDelete: false, arguments: {} }, {}));
  }
  connections = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const c = new ConnectionCounters();
    stats.addConnection(c);
    stats.connectionOpened(c, '/');
    connections.push(c);
  }
  channels = [];
  for (let i = 0; i < CHANNELS; i++) {
    const c = new ChannelCounters();
    stats.addChannel(c, '/');
    channels.push(c);
  }
});
afterAll(async () => {
  await broker?.close();
});

/** Runs n ticks (calling between() before each) and returns their durations, ms. */
function ticks(n: number, between: () => void = () => {}): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    between();
    now += 5000;
    stats.sample(now);
    out.push(stats.lastSampleMs);
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]): string => `min ${Math.min(...xs).toFixed(2)} ms, median ${median(xs).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`;

function queueBytes(): number {
  let total = 0;
  for (const q of queues) total += q.stats.series?.bytes ?? 0;
  return total / queues.length;
}

describe('the sampler at 10,000 queues, 1,000 connections, 2,000 channels', () => {
  it('idle: a tick takes well under 20 ms and an idle queue keeps no history', () => {
    ticks(5);
    const idle = ticks(15);
    console.info(`idle tick: ${fmt(idle)}; values kept per idle queue: ${queueBytes()} bytes`);
    expect(Math.min(...idle)).toBeLessThan(20);
    expect(queues.every((q) => !q.stats.series!.hasHistory)).toBe(true);
    // An idle queue keeps its 10 last values and no ring.
    expect(queueBytes()).toBe(10 * 8);
  });

  it('busy: every queue, channel and connection changes at every tick', () => {
    const body = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('x')]);
    const m = new Message('', '', body, 2, 2, false, 0, undefined, -1);
    const busy = ticks(15, () => {
      for (const q of queues) {
        q.enqueue(m);
        q.stats.publish++;
        q.take(true);
        q.stats.getNoAck++;
      }
      for (const c of channels) {
        c.publish++;
        c.getNoAck++;
      }
      for (const c of connections) {
        c.recvOct += 100;
        c.sendOct += 100;
      }
    });
    // 2 changing values (ready is back to 0 at each tick; publish and get_no_ack grow): 2 columns of 122 ticks.
    console.info(`busy tick: ${fmt(busy)}; values kept per busy queue: ${queueBytes()} bytes`);
    expect(Math.min(...busy)).toBeLessThan(20);
    expect(queueBytes()).toBe(10 * 8 + 122 * 2 * 4);
  });
});
