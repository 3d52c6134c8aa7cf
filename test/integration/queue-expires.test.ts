// x-expires: a queue unused for that long (no consumers, no basic.get, no redeclare) is deleted, messages and all.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
import { describe, expect, it } from 'vitest';
import type { Channel } from 'amqplib';
import { useTestBroker, uniq } from '../helpers/amqp-tracker.js';

const env = useTestBroker();
const tracker = env.tracker;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expiring(ch: Channel, prefix: string, ms: number): Promise<string> {
  const name = uniq(prefix);
  tracker.queues.add(name);
  await ch.assertQueue(name, { durable: false, arguments: { 'x-expires': ms } });
  return name;
}

/** True when the queue exists (a passive declare on a throwaway channel: it renews x-expires, like RabbitMQ). */
async function exists(q: string): Promise<boolean> {
  const ch = await env.conn.createChannel();
  ch.on('error', () => {});
  try {
    await ch.checkQueue(q);
    await ch.close();
    return true;
  } catch (e) {
    expect(String(e)).toContain(`NOT_FOUND - no queue '${q}' in vhost '/'`);
    return false;
  }
}

describe('x-expires', () => {
  it('an unused queue is deleted with its messages after the expiry', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp', 200);
    ch.sendToQueue(q, Buffer.from('m'));
    await ch.close();
    await sleep(500);
    expect(await exists(q)).toBe(false);
  });

  it('is not deleted while it has a consumer; the countdown starts when the last consumer goes', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp-consumer', 200);
    const { consumerTag } = await ch.consume(q, () => {}, { noAck: true });
    await sleep(400);
    expect(await exists(q)).toBe(true);
    await ch.cancel(consumerTag);
    await sleep(100);
    expect(await exists(q)).toBe(true);
    await sleep(500);
    expect(await exists(q)).toBe(false);
    await ch.close();
  });

  it('basic.get renews it', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp-get', 300);
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      await ch.get(q, { noAck: true });
    }
    // 600 ms after the declare: only the gets kept it.
    expect(await exists(q)).toBe(true);
    await ch.close();
  });

  it('a redeclare, even passive, renews it', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp-declare', 300);
    for (let i = 0; i < 3; i++) {
      await sleep(150);
      await ch.assertQueue(q, { durable: false, arguments: { 'x-expires': 300 } });
      await sleep(150);
      await ch.checkQueue(q);
    }
    await sleep(100);
    expect(await exists(q)).toBe(true);
    await sleep(500);
    expect(await exists(q)).toBe(false);
    await ch.close();
  });

  it('publishing does not renew it', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp-publish', 300);
    for (let i = 0; i < 8; i++) {
      ch.sendToQueue(q, Buffer.from(String(i)));
      await sleep(75);
    }
    await sleep(100);
    expect(await exists(q)).toBe(false);
    await ch.close();
  });
});
