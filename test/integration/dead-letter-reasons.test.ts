// Dead-lettering for the reasons a queue decides itself: expired (x-message-ttl, per-message expiration), maxlen
// (x-max-length drop-head, reject-publish-dlx), cycles of automatic deaths, and the retry-with-delay pattern.
// These need the queue's TTL and length limits (issue 4, queue.ts); checked against RabbitMQ 3.10.8
// (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682). x-last-death-* is RabbitMQ 3.13+ and asserted on Warren only.
import { describe, expect, it } from 'vitest';
import type { Channel, ConsumeMessage, GetMessage } from 'amqplib';
import { getEventually, useTestBroker, uniq } from '../helpers/amqp-tracker.js';
import { fixedWait } from '../helpers/wait.js';

const env = useTestBroker();
const t = env.tracker;
const WARREN = () => !env.broker.external;

async function channel(): Promise<Channel> {
  const conn = await t.connect();
  return conn.createChannel();
}

const queue = (ch: Channel, prefix: string, args: Record<string, unknown> = {}): Promise<string> => t.queue(ch, prefix, args);

const getOne = (ch: Channel, q: string): Promise<GetMessage> => getEventually(ch, q, true);

const timestamp = { '!': 'timestamp', value: expect.any(Number) };

describe('dead-lettering expired messages', () => {
  it('x-message-ttl: the message is dead-lettered with reason expired (no original-expiration)', async () => {
    const ch = await channel();
    const dlq = await queue(ch, 'dlq');
    const q = await queue(ch, 'ttl', { 'x-message-ttl': 50, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq });
    ch.sendToQueue(q, Buffer.from('old'), { persistent: true });
    const d = await getOne(ch, dlq);
    expect(d.content.toString()).toBe('old');
    expect(d.fields.routingKey).toBe(dlq);
    expect(d.properties.deliveryMode).toBe(2);
    const h = d.properties.headers as Record<string, any>;
    expect(h['x-death']).toEqual([{ count: 1, reason: 'expired', queue: q, time: timestamp, exchange: '', 'routing-keys': [q] }]);
    expect(h['x-first-death-reason']).toBe('expired');
    if (WARREN()) expect(h['x-last-death-reason']).toBe('expired');
  });

  it('per-message expiration: removed from the properties and saved as original-expiration', async () => {
    const ch = await channel();
    const dlq = await queue(ch, 'dlq');
    const q = await queue(ch, 'exp', { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq });
    ch.sendToQueue(q, Buffer.from('m'), { expiration: '30' });
    const d = await getOne(ch, dlq);
    expect(d.properties.expiration).toBeUndefined();
    const death = (d.properties.headers as Record<string, any>)['x-death'][0];
    expect(death).toEqual({
      count: 1,
      reason: 'expired',
      queue: q,
      time: timestamp,
      exchange: '',
      'routing-keys': [q],
      'original-expiration': '30',
    });
  });

  it('a cycle of automatic deaths (expired -> expired back to the first queue) drops the message', async () => {
    const ch = await channel();
    const [a, b] = [uniq('cycle-a'), uniq('cycle-b')];
    t.queues.add(a);
    t.queues.add(b);
    await ch.assertQueue(a, { durable: false, arguments: { 'x-message-ttl': 20, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': b } });
    await ch.assertQueue(b, { durable: false, arguments: { 'x-message-ttl': 20, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': a } });
    ch.sendToQueue(a, Buffer.from('loop'));
    // a -> b (expired in a) -> a would be the second automatic death in a's cycle: dropped.
    // Fixed on purpose: the assertion is that the cycle has stopped. 400 ms is 20 TTLs, and a
    // message still going round would be in a or b (a poll for "empty" could pass too early).
    await fixedWait(400);
    const qa = await ch.checkQueue(a);
    const qb = await ch.checkQueue(b);
    expect(qa.messageCount + qb.messageCount).toBe(0);
  });

  it('a cycle that includes a rejection is allowed: reject -> expire -> back', async () => {
    const ch = await channel();
    const work = await queue(ch, 'work');
    const delay = await queue(ch, 'delay', { 'x-message-ttl': 30, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': work });
    await ch.deleteQueue(work);
    await ch.assertQueue(work, { durable: false, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': delay } });
    ch.sendToQueue(work, Buffer.from('job'));
    const first = await getAcked(ch, work);
    ch.reject(first, false);
    const second = await getAcked(ch, work);
    const deaths = (second.properties.headers as Record<string, any>)['x-death'];
    expect(deaths.map((d: any) => [d.queue, d.reason, d.count])).toEqual([
      [delay, 'expired', 1],
      [work, 'rejected', 1],
    ]);
    ch.ack(second);
  });
});

/** basic.get with acks, waiting for a message. */
const getAcked = (ch: Channel, q: string): Promise<GetMessage> => getEventually(ch, q, false);

describe('dead-lettering over length limits', () => {
  it('x-max-length drop-head dead-letters the oldest message with reason maxlen', async () => {
    const ch = await channel();
    const dlq = await queue(ch, 'dlq');
    const q = await queue(ch, 'maxlen', { 'x-max-length': 2, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq });
    for (const b of ['1', '2', '3']) ch.sendToQueue(q, Buffer.from(b));
    const d = await getOne(ch, dlq);
    expect(d.content.toString()).toBe('1');
    expect((d.properties.headers as Record<string, any>)['x-death']).toEqual([
      { count: 1, reason: 'maxlen', queue: q, time: timestamp, exchange: '', 'routing-keys': [q] },
    ]);
    expect((await ch.checkQueue(q)).messageCount).toBe(2);
  });

  it('x-overflow reject-publish-dlx dead-letters the refused new message', async () => {
    const conn = await t.connect();
    const ch = await conn.createConfirmChannel();
    const dlq = await queue(ch, 'dlq');
    const q = await queue(ch, 'rpdlx', {
      'x-max-length': 1,
      'x-overflow': 'reject-publish-dlx',
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': dlq,
    });
    ch.sendToQueue(q, Buffer.from('kept'));
    ch.sendToQueue(q, Buffer.from('refused'));
    await ch.waitForConfirms().catch(() => {}); // the refused one is nacked
    const d = await getOne(ch, dlq);
    expect(d.content.toString()).toBe('refused');
    expect((d.properties.headers as Record<string, any>)['x-death'][0].reason).toBe('maxlen');
    expect((await getOne(ch, q)).content.toString()).toBe('kept');
  });
});

describe('retry with delay (work queue -> DLX -> delay queue with TTL -> back)', () => {
  it('the consumer sees the message again with x-death count 1, then 2', async () => {
    const ch = await channel();
    const retryX = uniq('retry');
    const workX = uniq('work-x');
    t.exchanges.add(retryX);
    t.exchanges.add(workX);
    await ch.assertExchange(retryX, 'direct', { durable: false });
    await ch.assertExchange(workX, 'direct', { durable: false });
    const work = await queue(ch, 'work', { 'x-dead-letter-exchange': retryX });
    const delay = await queue(ch, 'delay', { 'x-message-ttl': 50, 'x-dead-letter-exchange': workX });
    await ch.bindQueue(work, workX, 'task');
    await ch.bindQueue(delay, retryX, 'task');
    await ch.prefetch(1);
    const seen: { count: number | undefined; at: number }[] = [];
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const start = Date.now();
    await ch.consume(work, (m: ConsumeMessage | null) => {
      if (m === null) return;
      const deaths = (m.properties.headers ?? {})['x-death'] as Record<string, any>[] | undefined;
      seen.push({ count: deaths?.find((d) => d.queue === work)?.count, at: Date.now() - start });
      if (seen.length < 3) ch.reject(m, false);
      else {
        ch.ack(m);
        resolve();
      }
    });
    ch.publish(workX, 'task', Buffer.from('flaky'));
    await done;
    expect(seen.map((s) => s.count)).toEqual([undefined, 1, 2]);
    // Each retry waited for the delay queue's TTL.
    expect((seen[2] as { at: number }).at - (seen[0] as { at: number }).at).toBeGreaterThanOrEqual(90);
  });
});
