// The delivery acknowledgement timeout (RabbitMQ consumer_timeout, per queue x-consumer-timeout since 3.12): a
// delivery left unacked too long closes its channel with 406 and RabbitMQ's text; its messages are requeued.
// Warren only: RabbitMQ 3.10.8 has neither x-consumer-timeout nor the consumer-timeout policy key, and checks the
// timeout on its channel tick (every 60 s), so a short-timeout test cannot run against it. The text and the
// class/method ids (0/0) were observed on 3.10.8 with consumer_timeout set to 1000 ms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from 'amqplib';
import { AmqpTracker, uniq } from '../helpers/amqp-tracker.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { fixedWait, pollUntil } from '../helpers/wait.js';

const external = !!process.env.WARREN_TEST_URL;
let broker: TestBroker;
let defaults: TestBroker;
const t = new AmqpTracker(() => broker.url);
const td = new AmqpTracker(() => defaults.url);

const TIMEOUT = 300;
const text = (ms: number, ch = 1) =>
  `PRECONDITION_FAILED - delivery acknowledgement on channel ${ch} timed out. Timeout value used: ${ms} ms. ` +
  'This timeout value can be configured, see consumers doc guide to learn more';

beforeAll(async () => {
  if (external) return;
  broker = await startTestBroker({ consumerTimeout: TIMEOUT });
  defaults = await startTestBroker();
});

afterAll(async () => {
  if (external) return;
  await t.cleanup();
  await td.cleanup();
  await broker.close();
  await defaults.close();
});

/** Resolves with the channel's close error (amqplib emits 'error' for a server-initiated close). */
function closed(ch: Channel): Promise<{ message: string; code: number; classId: number; methodId: number }> {
  return new Promise((resolve) => ch.once('error', resolve));
}

describe.skipIf(external)('consumer timeout', () => {
  it('an unacked delivery past consumer_timeout closes the channel with 406; the message is requeued', async () => {
    const conn = await t.connect();
    const ch = await conn.createChannel();
    const q = uniq('ct');
    t.queues.add(q);
    await ch.assertQueue(q, { durable: false });
    const gone = closed(ch);
    const start = Date.now();
    await ch.consume(q, () => {}); // never acks
    ch.sendToQueue(q, Buffer.from('slow'));
    const err = await gone;
    const elapsed = Date.now() - start;
    expect(err.code).toBe(406);
    expect(err.classId).toBe(0);
    expect(err.methodId).toBe(0);
    expect(err.message).toContain(`"${text(TIMEOUT)}"`);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT);
    expect(elapsed).toBeLessThan(TIMEOUT + 1000);
    const other = await conn.createChannel();
    const m = await other.get(q);
    expect(m && m.content.toString()).toBe('slow');
    expect(m && m.fields.redelivered).toBe(true);
  });

  it('the error names the channel number, and other channels of the connection stay open', async () => {
    const conn = await t.connect();
    const first = await conn.createChannel();
    const ch = await conn.createChannel();
    const q = uniq('ct');
    t.queues.add(q);
    await first.assertQueue(q, { durable: false });
    const gone = closed(ch);
    await ch.consume(q, () => {});
    first.sendToQueue(q, Buffer.from('x'));
    expect((await gone).message).toContain(text(TIMEOUT, 2));
    expect((await first.checkQueue(q)).messageCount).toBe(1);
  });

  it('deliveries acked in time and no-ack consumers never time out', async () => {
    const conn = await t.connect();
    const ch = await conn.createChannel();
    let failed = false;
    ch.on('error', () => (failed = true));
    const q = uniq('ct');
    const auto = uniq('ct-noack');
    t.queues.add(q);
    t.queues.add(auto);
    await ch.assertQueue(q, { durable: false });
    await ch.assertQueue(auto, { durable: false });
    let acked = 0;
    await ch.consume(q, (m) => {
      if (m) setTimeout(() => (ch.ack(m), acked++), TIMEOUT / 3);
    });
    let received = 0;
    await ch.consume(auto, () => received++, { noAck: true });
    // Fixed on purpose: the publishes are spread over more than the timeout, and the channel must
    // then stay open for twice the timeout; the assertion is that no timeout fires in that time.
    for (let i = 0; i < 3; i++) {
      ch.sendToQueue(q, Buffer.from(String(i)));
      ch.sendToQueue(auto, Buffer.from(String(i)));
      await fixedWait(TIMEOUT / 2);
    }
    await fixedWait(TIMEOUT * 2);
    expect(failed).toBe(false);
    expect(await pollUntil(() => acked, (n) => n >= 3)).toBe(3);
    expect(await pollUntil(() => received, (n) => n >= 3)).toBe(3);
    await ch.checkQueue(q); // still open
  });

  it('an unacked basic.get counts too', async () => {
    const conn = await t.connect();
    const ch = await conn.createChannel();
    const q = uniq('ct-get');
    t.queues.add(q);
    await ch.assertQueue(q, { durable: false });
    ch.sendToQueue(q, Buffer.from('g'));
    const gone = closed(ch);
    await pollUntil(async () => (await ch.checkQueue(q)).messageCount, (n) => n === 1); // the publish has landed
    expect(await ch.get(q)).not.toBe(false);
    expect((await gone).code).toBe(406);
  });

  it('x-consumer-timeout on the queue overrides the broker default (30 min)', async () => {
    const conn = await td.connect();
    const ch = await conn.createChannel();
    const q = uniq('ct-arg');
    td.queues.add(q);
    await ch.assertQueue(q, { durable: false, arguments: { 'x-consumer-timeout': 150 } });
    const gone = closed(ch);
    await ch.consume(q, () => {});
    ch.sendToQueue(q, Buffer.from('x'));
    expect((await gone).message).toContain(text(150));
  });
});
