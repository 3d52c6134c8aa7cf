// The queue's side of dead-lettering and policies, with a test-only DeadLetterer: which messages leave for the
// dead-letter exchange and why (publishing them and x-death are the dead-letter module's).
import { describe, expect, it } from 'vitest';
import { Consumer, type ConsumerOwner } from '../../src/broker/consumer.js';
import { Message } from '../../src/broker/message.js';
import type { DeadLetterReason, DeadLetterer } from '../../src/broker/queue/dead-letterer.js';
import type { QueueEntry } from '../../src/broker/queue/queue-entry.js';
import { Queue } from '../../src/broker/queue/queue.js';
import type { FieldTable } from '../../src/amqp/codec/field-value.js';

function message(body: string, ttl = -1): Message {
  const raw = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from(body)]);
  return new Message('', '', raw, 2, 2, false, 0, undefined, ttl);
}

const bodyOf = (m: Message) => m.raw.subarray(m.bodyOffset).toString();

function setup(args: FieldTable) {
  const q = new Queue('q', '/', { durable: false, autoDelete: false, exclusiveOwner: null, arguments: args });
  const dead: [string, DeadLetterReason][] = [];
  const dl: DeadLetterer = { deadLetter: (queue, m, reason) => { expect(queue).toBe(q); dead.push([bodyOf(m), reason]); } };
  q.deadLetterer = dl;
  return { q, dead };
}

/** A consumer whose deliveries are kept for the test to ack or reject. */
function consumer(q: Queue): { c: Consumer; delivered: QueueEntry[] } {
  const delivered: QueueEntry[] = [];
  const owner: ConsumerOwner = {
    canDeliver: () => true,
    deliver: (_c, e) => void delivered.push(e),
    cancelledByBroker: () => {},
    connectionOwner: {},
  };
  const c = new Consumer('c', q, owner, { noAck: false, exclusive: false, priority: 0, prefetch: 0, arguments: {} });
  q.addConsumer(c);
  return { c, delivered };
}

describe('dead-lettering from a queue', () => {
  it('rejected (requeue=false) messages go with reason rejected', () => {
    const { q, dead } = setup({ 'x-dead-letter-exchange': 'dlx' });
    const { delivered } = consumer(q);
    q.enqueue(message('a'));
    q.reject(delivered[0]);
    expect(dead).toEqual([['a', 'rejected']]);
    expect(q.unackedCount).toBe(0);
  });

  it('expired messages go with reason expired when they reach the head', () => {
    const { q, dead } = setup({ 'x-dead-letter-exchange': 'dlx' });
    q.enqueue(message('zero', 0));
    expect(dead).toEqual([['zero', 'expired']]);
    expect(q.messageCount).toBe(0);
  });

  it('drop-head over x-max-length goes with reason maxlen', () => {
    const { q, dead } = setup({ 'x-dead-letter-exchange': 'dlx', 'x-max-length': 1 });
    q.enqueue(message('1'));
    q.enqueue(message('2'));
    expect(dead).toEqual([['1', 'maxlen']]);
    expect(q.messageCount).toBe(1);
  });

  it('reject-publish-dlx refuses and dead-letters the new message; reject-publish only refuses', () => {
    const a = setup({ 'x-dead-letter-exchange': 'dlx', 'x-max-length': 1, 'x-overflow': 'reject-publish-dlx' });
    expect(a.q.enqueue(message('1'))).toBe(true);
    expect(a.q.enqueue(message('2'))).toBe(false);
    expect(a.dead).toEqual([['2', 'maxlen']]);
    const b = setup({ 'x-dead-letter-exchange': 'dlx', 'x-max-length': 1, 'x-overflow': 'reject-publish' });
    b.q.enqueue(message('1'));
    expect(b.q.enqueue(message('2'))).toBe(false);
    expect(b.dead).toEqual([]);
  });

  it('nothing is dead-lettered without a dead-letter exchange, nor on ack, purge or delete', () => {
    const { q, dead } = setup({ 'x-max-length': 1 });
    q.enqueue(message('1'));
    q.enqueue(message('2'));
    const { q: q2, dead: dead2 } = setup({ 'x-dead-letter-exchange': 'dlx' });
    q2.enqueue(message('a'));
    q2.enqueue(message('b'));
    expect(q2.take(false)).toBeDefined();
    q2.settle(q2.take(false) as QueueEntry);
    q2.enqueue(message('c'));
    q2.purge();
    q2.enqueue(message('d'));
    q2.markDeleted();
    expect(dead).toEqual([]);
    expect(dead2).toEqual([]);
  });
});

describe('applyPolicy', () => {
  it('a lower max-length from a policy trims at once; clearing the policy restores the arguments', () => {
    const { q, dead } = setup({ 'x-dead-letter-exchange': 'dlx' });
    for (const b of ['1', '2', '3', '4']) q.enqueue(message(b));
    q.applyPolicy('limit', { 'max-length': 2 });
    expect(q.policyName).toBe('limit');
    expect(q.messageCount).toBe(2);
    expect(dead).toEqual([['1', 'maxlen'], ['2', 'maxlen']]);
    q.applyPolicy(undefined, undefined);
    expect(q.policyName).toBeUndefined();
    expect(q.settings.maxLength).toBe(-1);
  });

  it('a policy dead-letter-exchange applies to later rejections', () => {
    const { q, dead } = setup({});
    const { delivered } = consumer(q);
    q.enqueue(message('a'));
    q.enqueue(message('b'));
    q.reject(delivered[0]);
    q.applyPolicy('dlx', { 'dead-letter-exchange': 'dlx' });
    q.reject(delivered[1]);
    expect(dead).toEqual([['b', 'rejected']]);
  });

  it('an expires policy starts the countdown: the queue asks to be deleted', async () => {
    const { q } = setup({});
    const expired = new Promise<Queue>((resolve) => (q.onExpire = resolve));
    q.applyPolicy('exp', { expires: 30 });
    expect(await expired).toBe(q);
  });
});
