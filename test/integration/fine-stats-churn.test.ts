// Churning clients leave nothing behind in the per (exchange, queue) statistics: a channel that
// closes adds its publishes to the exchange's retired `outgoing` counts (RabbitMQ's
// queue_exchange_stats outlive the channel), and the client's exclusive queue is deleted just
// after. Those entries must go with their queues, or every closed connection stays reachable
// (exchange -> retired counts -> queue -> exclusiveOwner -> connection): 4,997 connections of a
// 5-second churn were still on the heap before the fix.
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { pollUntil } from '../helpers/wait.js';

let t: ManagementTarget;

beforeAll(async () => {
  t = await startManagementTarget();
});

afterAll(async () => {
  await t?.close();
});

it('200 connections that each publish to their exclusive queue and close leave at most 64 retired entries, none of a deleted queue kept past a prune', async () => {
  for (let i = 0; i < 200; i++) {
    const conn = await amqp.connect(t.amqpUrl);
    const ch = await conn.createConfirmChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true });
    ch.sendToQueue(queue, Buffer.from('x'));
    await ch.waitForConfirms();
    await conn.close();
  }
  const vhost = t.services!.broker.vhosts.get('/')!;
  const retired = vhost.defaultExchange.stats.retiredOutgoing;
  expect(retired).not.toBeNull();
  expect(retired!.size).toBeLessThanOrEqual(64);
  // The last client's exclusive queue goes when its socket does, just after close-ok.
  expect(await pollUntil(() => vhost.queues.size, (n) => n === 0)).toBe(0);
});
