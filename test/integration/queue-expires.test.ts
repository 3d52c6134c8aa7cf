// x-expires: a queue unused for that long (no consumers, no basic.get, no redeclare) is deleted, messages and all.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
import { describe, expect, it } from 'vitest';
import type { Channel } from 'amqplib';
import { useTestBroker, uniq } from '../helpers/amqp-tracker.js';
import { fixedWait, pollUntil } from '../helpers/wait.js';

const env = useTestBroker();
const tracker = env.tracker;

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

/**
 * Whether q still exists once it has had the chance to expire, polling until it is gone or the
 * deadline passes. Each probe is a passive declare, which renews x-expires, so call it once the
 * expiry is due (after a fixed wait: the first probe then normally finds the queue gone) and the
 * probes are spaced by twice the expiry: a late timer on a loaded machine costs another round
 * instead of failing the test.
 */
const existsAfterExpiry = (q: string, expiresMs: number): Promise<boolean> =>
  pollUntil(() => exists(q), (there) => !there, { intervalMs: 2 * expiresMs });

describe('x-expires', () => {
  it('an unused queue is deleted with its messages after the expiry', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp', 200);
    ch.sendToQueue(q, Buffer.from('m'));
    await ch.close();
    await fixedWait(500);
    expect(await existsAfterExpiry(q, 200)).toBe(false);
  });

  it('is not deleted while it has a consumer; the countdown starts when the last consumer goes', async () => {
    const ch = await env.conn.createChannel();
    // 1 s expiry: the checks below keep 900 ms of margin for a loaded machine.
    const q = await expiring(ch, 'exp-consumer', 1000);
    const { consumerTag } = await ch.consume(q, () => {}, { noAck: true });
    // Fixed on purpose: the queue must outlive its expiry while the consumer is there.
    await fixedWait(1200);
    expect(await exists(q)).toBe(true);
    await ch.cancel(consumerTag);
    // Fixed on purpose: 100 ms after the cancel it is not due yet (the countdown starts at the cancel).
    await fixedWait(100);
    expect(await exists(q)).toBe(true);
    await fixedWait(1100);
    expect(await existsAfterExpiry(q, 1000)).toBe(false);
    await ch.close();
  });

  it('basic.get renews it', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp-get', 800);
    // Fixed on purpose: the gets are spaced well inside the 800 ms expiry and outlast it in total.
    for (let i = 0; i < 6; i++) {
      await fixedWait(250);
      await ch.get(q, { noAck: true });
    }
    // 1.5 s after the declare: only the gets kept it.
    expect(await exists(q)).toBe(true);
    await ch.close();
  });

  it('a redeclare, even passive, renews it', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp-declare', 800);
    // Fixed on purpose: the redeclares are spaced well inside the 800 ms expiry and outlast it in total.
    for (let i = 0; i < 3; i++) {
      await fixedWait(250);
      await ch.assertQueue(q, { durable: false, arguments: { 'x-expires': 800 } });
      await fixedWait(250);
      await ch.checkQueue(q);
    }
    await fixedWait(100);
    expect(await exists(q)).toBe(true);
    await fixedWait(1000);
    expect(await existsAfterExpiry(q, 800)).toBe(false);
    await ch.close();
  });

  it('publishing does not renew it', async () => {
    const ch = await env.conn.createChannel();
    const q = await expiring(ch, 'exp-publish', 300);
    // Fixed on purpose, and not a poll: the assertion is that the queue is gone 100 ms after the
    // last of 600 ms of publishes, where publishes that renewed it would keep it for 300 ms more.
    for (let i = 0; i < 8; i++) {
      ch.sendToQueue(q, Buffer.from(String(i)));
      await fixedWait(75);
    }
    await fixedWait(100);
    expect(await exists(q)).toBe(false);
    await ch.close();
  });
});
