// x-single-active-consumer: only the earliest registered consumer receives; when it goes, the next one in
// registration order takes over with the messages it left unacked.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682) except where noted.
import { describe, expect, it } from 'vitest';
import type { Channel, ConsumeMessage } from 'amqplib';
import { useTestBroker, uniq } from '../helpers/amqp-tracker.js';

const env = useTestBroker();
const tracker = env.tracker;

async function sacQueue(ch: Channel): Promise<string> {
  const name = uniq('sac');
  tracker.queues.add(name);
  await ch.assertQueue(name, { durable: false, arguments: { 'x-single-active-consumer': true } });
  return name;
}

async function publish(q: string, bodies: string[]): Promise<void> {
  const ch = await env.conn.createConfirmChannel();
  for (const b of bodies) ch.sendToQueue(q, Buffer.from(b));
  await ch.waitForConfirms();
  await ch.close();
}

/** A consumer that records what it receives and can wait for a count. */
function recorder(ch: Channel, q: string, noAck: boolean) {
  const got: ConsumeMessage[] = [];
  const waiters: [number, () => void][] = [];
  const tag = ch
    .consume(q, (m) => {
      if (m === null) return;
      got.push(m);
      for (const w of waiters) if (got.length >= w[0]) w[1]();
    }, { noAck })
    .then((ok) => ok.consumerTag);
  const waitFor = (n: number) => new Promise<void>((resolve) => (got.length >= n ? resolve() : waiters.push([n, resolve])));
  return { got, tag, waitFor, bodies: () => got.map((m) => m.content.toString()) };
}

describe('x-single-active-consumer', () => {
  it('only the first registered consumer receives, the others wait', async () => {
    const ch1 = await env.conn.createChannel();
    const ch2 = await env.conn.createChannel();
    const q = await sacQueue(ch1);
    const first = recorder(ch1, q, true);
    await first.tag;
    const second = recorder(ch2, q, true);
    await second.tag;
    await publish(q, ['1', '2', '3', '4']);
    await first.waitFor(4);
    await ch2.checkQueue(q);
    expect(first.bodies()).toEqual(['1', '2', '3', '4']);
    expect(second.got).toHaveLength(0);
    // consumer-count counts every consumer, active or not.
    expect((await ch1.checkQueue(q)).consumerCount).toBe(2);
    await ch1.close();
    await ch2.close();
  });

  it("when the active consumer's channel closes, the next takes over with its unacked messages, in order", async () => {
    const ch1 = await env.conn.createChannel();
    await ch1.prefetch(2);
    const ch2 = await env.conn.createChannel();
    const q = await sacQueue(ch1);
    const first = recorder(ch1, q, false);
    await first.tag;
    const second = recorder(ch2, q, false);
    await second.tag;
    await publish(q, ['1', '2', '3', '4']);
    await first.waitFor(2);
    expect(first.bodies()).toEqual(['1', '2']);
    await ch1.close();
    await second.waitFor(4);
    expect(second.bodies()).toEqual(['1', '2', '3', '4']);
    expect(second.got.map((m) => m.fields.redelivered)).toEqual([true, true, false, false]);
    await ch2.close();
  });

  // RabbitMQ 3.10.8 does not hand over on basic.cancel until the cancelled consumer's channel closes (a bug fixed
  // later, see RABBITMQ-COMPAT.md): Warren hands over at once, so this runs against Warren only.
  it.skipIf(process.env.WARREN_TEST_URL !== undefined)('after basic.cancel of the active consumer the next one receives at once', async () => {
    const ch1 = await env.conn.createChannel();
    const ch2 = await env.conn.createChannel();
    const ch3 = await env.conn.createChannel();
    const q = await sacQueue(ch1);
    const first = recorder(ch1, q, true);
    const second = recorder(ch2, q, true);
    await second.tag;
    const third = recorder(ch3, q, true);
    await third.tag;
    await publish(q, ['1']);
    await first.waitFor(1);
    await ch1.cancel(await first.tag);
    await publish(q, ['2', '3']);
    await second.waitFor(2);
    await ch3.checkQueue(q);
    expect(second.bodies()).toEqual(['2', '3']);
    expect(third.got).toHaveLength(0);
    await ch1.close();
    await ch2.close();
    await ch3.close();
  });
});
