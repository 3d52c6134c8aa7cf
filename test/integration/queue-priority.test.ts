// Priority queues (x-max-priority): higher priority first, FIFO within a priority, a priority above the maximum
// counts as the maximum, requeued messages go back to their place within their priority.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
import { describe, expect, it } from 'vitest';
import type { Channel, GetMessage } from 'amqplib';
import { useTestBroker, drain } from '../helpers/amqp-tracker.js';

const env = useTestBroker();
const tracker = env.tracker;

const queue = (ch: Channel, prefix: string, args: Record<string, unknown> = {}): Promise<string> => tracker.queue(ch, prefix, args);

/** Publishes [body, priority] pairs (priority undefined = no property) and waits for the confirms. */
async function publish(q: string, items: [string, number | undefined][]): Promise<void> {
  const ch = await env.conn.createConfirmChannel();
  for (const [body, priority] of items) ch.sendToQueue(q, Buffer.from(body), priority === undefined ? {} : { priority });
  await ch.waitForConfirms();
  await ch.close();
}

describe('x-max-priority', () => {
  it('delivers higher priorities first and FIFO within a priority; no property = 0', async () => {
    const ch = await env.conn.createChannel();
    const q = await queue(ch, 'prio', { 'x-max-priority': 10 });
    await publish(q, [['a0', undefined], ['b5', 5], ['c1', 1], ['d5', 5], ['e0', 0], ['f9', 9]]);
    expect((await ch.checkQueue(q)).messageCount).toBe(6);
    expect(await drain(ch, q)).toEqual(['f9', 'b5', 'd5', 'c1', 'a0', 'e0']);
    await ch.close();
  });

  it('a priority above the maximum counts as the maximum', async () => {
    const ch = await env.conn.createChannel();
    const q = await queue(ch, 'prio-cap', { 'x-max-priority': 3 });
    await publish(q, [['p2', 2], ['p200', 200], ['p3', 3], ['p9', 9]]);
    expect(await drain(ch, q)).toEqual(['p200', 'p3', 'p9', 'p2']);
    await ch.close();
  });

  it('the priority property is ignored on a queue without x-max-priority', async () => {
    const ch = await env.conn.createChannel();
    const q = await queue(ch, 'prio-none');
    await publish(q, [['a', 1], ['b', 9], ['c', 5]]);
    expect(await drain(ch, q)).toEqual(['a', 'b', 'c']);
    await ch.close();
  });

  it('requeued messages go back to their place within their priority', async () => {
    const ch = await env.conn.createChannel();
    const q = await queue(ch, 'prio-requeue', { 'x-max-priority': 5 });
    await publish(q, [['h1', 5], ['h2', 5], ['h3', 5], ['l1', 1]]);
    const m1 = (await ch.get(q)) as GetMessage;
    const m2 = (await ch.get(q)) as GetMessage;
    expect([m1.content.toString(), m2.content.toString()]).toEqual(['h1', 'h2']);
    ch.nack(m2, false, true);
    ch.nack(m1, false, true);
    expect(await drain(ch, q)).toEqual(['h1', 'h2', 'h3', 'l1']);
    await ch.close();
  });

  it('a consumer receives a backlog in priority order', async () => {
    const ch = await env.conn.createChannel();
    const q = await queue(ch, 'prio-consume', { 'x-max-priority': 10 });
    const items: [string, number][] = [];
    for (let i = 0; i < 30; i++) items.push([`${i % 3}-${i}`, i % 3]);
    await publish(q, items);
    const got: string[] = [];
    await new Promise<void>((resolve) => {
      void ch.consume(q, (m) => {
        if (m === null) return;
        got.push(m.content.toString());
        if (got.length === 30) resolve();
      }, { noAck: true });
    });
    const expected = [2, 1, 0].flatMap((p) => items.filter(([, pr]) => pr === p).map(([b]) => b));
    expect(got).toEqual(expected);
    await ch.close();
  });
});
