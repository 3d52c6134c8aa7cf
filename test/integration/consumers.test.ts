// Consumer behaviour beyond the tutorials: consumer priorities, auto-delete on the last consumer,
// basic.recover, requeue on channel close, and a publisher much faster than its consumer.
// Each assertion was checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { uniq } from '../helpers/amqp-tracker.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let broker: TestBroker;
let conn: ChannelModel;
const queues = new Set<string>();

async function queue(ch: Channel, prefix: string, options: amqp.Options.AssertQueue = {}): Promise<string> {
  const name = uniq(prefix);
  queues.add(name);
  await ch.assertQueue(name, { durable: false, ...options });
  return name;
}

async function fill(q: string, n: number): Promise<void> {
  const ch = await conn.createConfirmChannel();
  for (let i = 0; i < n; i++) ch.sendToQueue(q, Buffer.from(String(i)));
  await ch.waitForConfirms();
  await ch.close();
}

/** Resolves with the first `n` messages a consumer receives. */
function collect(ch: Channel, q: string, n: number, options: amqp.Options.Consume = {}): { done: Promise<ConsumeMessage[]>; tag: Promise<string> } {
  const got: ConsumeMessage[] = [];
  let resolve!: (m: ConsumeMessage[]) => void;
  const done = new Promise<ConsumeMessage[]>((r) => (resolve = r));
  const tag = ch
    .consume(
      q,
      (m) => {
        if (m === null) return;
        got.push(m);
        if (got.length === n) resolve(got);
      },
      options,
    )
    .then((ok) => ok.consumerTag);
  return { done, tag };
}

beforeAll(async () => {
  broker = await startTestBroker();
  conn = await amqp.connect(broker.url);
});

afterAll(async () => {
  const ch = await conn.createChannel();
  for (const q of queues) await ch.deleteQueue(q);
  await conn.close();
  await broker.close();
});

describe('consumer priorities (x-priority)', () => {
  it('the higher-priority consumer gets every message while it has capacity', async () => {
    const ch = await conn.createChannel();
    const q = await queue(ch, 'prio');
    const low = collect(ch, q, 1, { noAck: true, arguments: { 'x-priority': 1 } });
    const seenByLow: ConsumeMessage[] = [];
    const high = collect(ch, q, 20, { noAck: true, arguments: { 'x-priority': 10 } });
    await Promise.all([low.tag, high.tag]);
    void low.done.then((m) => seenByLow.push(...m));
    await fill(q, 20);
    const got = await high.done;
    expect(got.map((m) => m.content.toString())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    // A round trip on the channel proves no delivery to the low-priority consumer is still in flight.
    await ch.checkQueue(q);
    expect(seenByLow).toHaveLength(0);
    await ch.close();
  });

  it('a lower-priority consumer gets messages once the higher one is at its prefetch limit', async () => {
    const ch = await conn.createChannel();
    await ch.prefetch(2);
    const q = await queue(ch, 'prio-blocked');
    const high = collect(ch, q, 2, { arguments: { 'x-priority': 5 } });
    const low = collect(ch, q, 2, { arguments: { 'x-priority': 0 } });
    await Promise.all([high.tag, low.tag]);
    await fill(q, 4);
    const [h, l] = await Promise.all([high.done, low.done]);
    expect(h.map((m) => m.content.toString())).toEqual(['0', '1']);
    expect(l.map((m) => m.content.toString())).toEqual(['2', '3']);
    await ch.close();
  });
});

describe('auto-delete and exclusive lifetimes', () => {
  it('an auto-delete queue is deleted when its last consumer cancels', async () => {
    const ch = await conn.createChannel();
    const q = await queue(ch, 'autodel', { autoDelete: true });
    const a = await ch.consume(q, () => {}, { noAck: true });
    const b = await ch.consume(q, () => {}, { noAck: true });
    await ch.cancel(a.consumerTag);
    expect((await ch.checkQueue(q)).consumerCount).toBe(1);
    await ch.cancel(b.consumerTag);
    const probe = await conn.createChannel();
    const closed = new Promise<Error & { code?: number }>((r) => probe.on('error', r));
    probe.checkQueue(q).catch(() => {});
    expect((await closed).code).toBe(404);
    await ch.close();
  });

  it('an auto-delete queue that never had a consumer stays (basic.get does not count)', async () => {
    const ch = await conn.createChannel();
    const q = await queue(ch, 'autodel-unused', { autoDelete: true });
    await fill(q, 1);
    expect(await ch.get(q, { noAck: true })).not.toBe(false);
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
    await ch.close();
  });

  it('an auto-delete queue goes when the channel of its last consumer closes', async () => {
    const ch = await conn.createChannel();
    const q = await queue(ch, 'autodel-close', { autoDelete: true });
    await ch.consume(q, () => {}, { noAck: true });
    await ch.close();
    const probe = await conn.createChannel();
    const closed = new Promise<Error & { code?: number }>((r) => probe.on('error', r));
    probe.checkQueue(q).catch(() => {});
    expect((await closed).code).toBe(404);
  });
});

describe('unacked messages come back', () => {
  it('basic.recover requeues every unacked message of the channel, marked redelivered', async () => {
    const ch = await conn.createChannel();
    const q = await queue(ch, 'recover');
    await fill(q, 3);
    const first = collect(ch, q, 3);
    await first.tag;
    const got = await first.done;
    expect(got.every((m) => !m.fields.redelivered)).toBe(true);
    await ch.cancel(await first.tag);
    await ch.recover();
    const again: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await ch.get(q, { noAck: true });
      if (m === false) throw new Error('queue empty after recover');
      expect(m.fields.redelivered).toBe(true);
      again.push(m.content.toString());
    }
    expect(again).toEqual(['0', '1', '2']);
    await ch.close();
  });

  it('closing a channel requeues its unacked messages in their original order', async () => {
    const ch = await conn.createChannel();
    const q = await queue(ch, 'close-requeue');
    await fill(q, 5);
    const c = collect(ch, q, 5);
    await c.done;
    await ch.close();
    const ch2 = await conn.createChannel();
    const bodies: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await ch2.get(q, { noAck: true });
      if (m === false) throw new Error('queue empty after channel close');
      expect(m.fields.redelivered).toBe(true);
      bodies.push(m.content.toString());
    }
    expect(bodies).toEqual(['0', '1', '2', '3', '4']);
    await ch2.close();
  });
});

describe('flow', () => {
  it('a publisher far faster than a slow acking consumer loses nothing and duplicates nothing', async () => {
    const total = 30_000;
    const pub = await conn.createChannel();
    const q = await queue(pub, 'flow');
    const consumerConn = await amqp.connect(broker.url);
    const ch = await consumerConn.createChannel();
    await ch.prefetch(50);
    const seen = new Set<number>();
    let dup = 0;
    const done = new Promise<void>((resolve, reject) => {
      ch.consume(q, (m) => {
        if (m === null) return;
        const n = Number(m.content.toString());
        if (seen.has(n)) dup++;
        seen.add(n);
        ch.ack(m);
        if (seen.size === total) resolve();
      }).catch(reject);
    });
    for (let i = 0; i < total; i++) {
      if (!pub.sendToQueue(q, Buffer.from(String(i)))) await new Promise((r) => pub.once('drain', r));
    }
    await done;
    expect(dup).toBe(0);
    expect(seen.size).toBe(total);
    await consumerConn.close();
    await pub.close();
  });

  it('one connection that both publishes and consumes with acks is never stalled by flow control', async () => {
    // More than the queue's flow-control high-water mark (10,000 ready messages), published at full speed
    // on the same connection whose consumer must keep acking.
    const total = 25_000;
    const c = await amqp.connect(broker.url);
    const pub = await c.createChannel();
    const q = await queue(pub, 'flow-same-conn');
    const ch = await c.createChannel();
    await ch.prefetch(10);
    let count = 0;
    const done = new Promise<void>((resolve, reject) => {
      ch.consume(q, (m) => {
        if (m === null) return;
        ch.ack(m);
        if (++count === total) resolve();
      }).catch(reject);
    });
    for (let i = 0; i < total; i++) {
      if (!pub.sendToQueue(q, Buffer.from(String(i)))) await new Promise((r) => pub.once('drain', r));
    }
    await done;
    expect(count).toBe(total);
    await c.close();
  });
});
