// Policy effects that rest on queue features from other parts of issue 4: message TTL and length
// limits (H1's queue settings) and dead-lettering (H2). Written and checked against RabbitMQ 3.10.8:
//   WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 npx vitest run test/integration/policies-effects.test.ts
import type { Channel, ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/amqp-tracker.js';
import { deletePolicy, putPolicy, usePolicyTarget } from '../helpers/management.js';
import { fixedWait, pollUntil } from '../helpers/wait.js';

const env = usePolicyTarget();

const exact = (name: string): string => `^${name.replace(/\./g, '\\.')}$`;

/** Sets a policy on exactly this queue. */
async function policyOn(queue: string, definition: Record<string, unknown>): Promise<string> {
  const name = uniq('p');
  env.policies.push(name);
  await putPolicy(env.t, name, { pattern: exact(queue), definition, 'apply-to': 'queues' });
  return name;
}

async function queue(ch: Channel, args: Record<string, unknown> = {}): Promise<string> {
  const q = uniq('q');
  env.tracker.queues.add(q);
  await ch.assertQueue(q, { durable: false, arguments: args });
  return q;
}

async function publish(ch: Channel & { waitForConfirms(): Promise<void> }, q: string, body: string): Promise<void> {
  ch.sendToQueue(q, Buffer.from(body));
  await ch.waitForConfirms();
}

/** Waits (with a deadline) until q is empty: expiry runs on the broker's timers. Counts, never takes, messages. */
async function drained(ch: Channel, q: string): Promise<void> {
  await pollUntil(async () => (await ch.checkQueue(q)).messageCount, (n) => n === 0);
}

describe('policy effects on queues', () => {
  it('a message-ttl policy on an existing queue expires messages published after it; clearing it stops that', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const q = await queue(ch);
    const name = await policyOn(q, { 'message-ttl': 100 });
    await publish(ch, q, 'short-lived');
    await drained(ch, q);
    expect(await ch.get(q)).toBe(false);

    await deletePolicy(env.t, name);
    await publish(ch, q, 'kept');
    // Fixed on purpose: 'kept' must outlive the 100 ms the deleted policy would have given it.
    await fixedWait(250);
    const m = await ch.get(q, { noAck: true });
    expect(m && m.content.toString()).toBe('kept');
  });

  it('a max-length policy trims an existing queue from the head at once', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const q = await queue(ch);
    for (const b of ['1', '2', '3']) await publish(ch, q, b);
    const name = await policyOn(q, { 'max-length': 1 });
    expect((await ch.checkQueue(q)).messageCount).toBe(1);
    const m = await ch.get(q, { noAck: true });
    expect(m && m.content.toString()).toBe('3');

    await deletePolicy(env.t, name);
    for (const b of ['4', '5']) await publish(ch, q, b);
    expect((await ch.checkQueue(q)).messageCount).toBe(2);
  });

  it('a dead-letter-exchange policy dead-letters rejected messages; cleared, they are dropped', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const dlx = uniq('dlx');
    env.tracker.exchanges.add(dlx);
    await ch.assertExchange(dlx, 'fanout', { durable: false });
    const dlq = await queue(ch);
    await ch.bindQueue(dlq, dlx, '');
    const q = await queue(ch);
    const name = await policyOn(q, { 'dead-letter-exchange': dlx });

    await publish(ch, q, 'bad');
    const m = await ch.get(q);
    if (!m) throw new Error('no message');
    ch.reject(m, false);
    const dead = await new Promise<ConsumeMessage>((resolve) => void ch.consume(dlq, (d) => d && resolve(d), { noAck: true }));
    expect(dead.content.toString()).toBe('bad');
    const death = dead.properties.headers?.['x-death']?.[0];
    expect(death).toMatchObject({ reason: 'rejected', queue: q, count: 1 });

    await deletePolicy(env.t, name);
    await publish(ch, q, 'dropped');
    const m2 = await ch.get(q);
    if (!m2) throw new Error('no message');
    ch.reject(m2, false);
    await ch.checkQueue(q); // a round trip after the reject
    expect((await ch.checkQueue(dlq)).messageCount).toBe(0);
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
  });

  it('numeric limits: the lower of argument and policy wins', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    // Argument 60 s, policy 100 ms: the policy's lower TTL applies.
    const q1 = await queue(ch, { 'x-message-ttl': 60_000 });
    await policyOn(q1, { 'message-ttl': 100 });
    await publish(ch, q1, 'x');
    await drained(ch, q1);
    expect(await ch.get(q1)).toBe(false);
    // Argument 1, policy 5: the argument's lower limit applies.
    const q2 = await queue(ch, { 'x-max-length': 1 });
    await policyOn(q2, { 'max-length': 5 });
    for (const b of ['1', '2', '3']) await publish(ch, q2, b);
    expect((await ch.checkQueue(q2)).messageCount).toBe(1);
  });

  it('strings: the queue\'s x-dead-letter-exchange argument wins over the policy\'s', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const [argDlx, policyDlx] = [uniq('dlx-arg'), uniq('dlx-policy')];
    const queues: string[] = [];
    for (const x of [argDlx, policyDlx]) {
      env.tracker.exchanges.add(x);
      await ch.assertExchange(x, 'fanout', { durable: false });
      const dq = await queue(ch);
      await ch.bindQueue(dq, x, '');
      queues.push(dq);
    }
    const q = await queue(ch, { 'x-dead-letter-exchange': argDlx });
    await policyOn(q, { 'dead-letter-exchange': policyDlx });
    await publish(ch, q, 'm');
    const m = await ch.get(q);
    if (!m) throw new Error('no message');
    ch.reject(m, false);
    const dead = await new Promise<ConsumeMessage>((resolve) => void ch.consume(queues[0], (d) => d && resolve(d), { noAck: true }));
    expect(dead.content.toString()).toBe('m');
    expect((await ch.checkQueue(queues[1])).messageCount).toBe(0);
  });
});
