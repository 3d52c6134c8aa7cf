// amqplib's everyday API against the test broker: confirms, basic.get, cancel, nack/reject, prefetch, counts,
// exchange features, channel errors and transactions. Each assertion was checked against RabbitMQ 3.10.8.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type amqp from 'amqplib';
import { type Channel, type ChannelModel, type ConsumeMessage, type GetMessage, type Message } from 'amqplib';
import { AmqpTracker, uniq, drain } from '../helpers/amqp-tracker.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let broker: TestBroker;
let conn: ChannelModel;
const tracker = new AmqpTracker(() => broker.url);
const { queues, exchanges } = tracker;
const connect = (): Promise<ChannelModel> => tracker.connect();

/** A channel whose closure by the broker is captured (amqplib throws on an unhandled channel 'error'). */
async function channel(on: ChannelModel = conn): Promise<{ ch: Channel; error: Promise<Error & { code?: number }> }> {
  const ch = await on.createChannel();
  const error = new Promise<Error & { code?: number }>((resolve) => ch.on('error', resolve));
  return { ch, error };
}

/** A named, non-durable queue that afterAll deletes. */
async function queue(ch: Channel, prefix: string): Promise<string> {
  const name = uniq(prefix);
  queues.add(name);
  await ch.assertQueue(name, { durable: false });
  return name;
}

async function exchange(ch: Channel, prefix: string, type: string, options?: amqp.Options.AssertExchange): Promise<string> {
  const name = uniq(prefix);
  exchanges.add(name);
  await ch.assertExchange(name, type, { durable: false, ...options });
  return name;
}

/** Publishes bodies to a queue through a confirm channel and waits until the broker has them. */
async function fill(q: string, bodies: string[]): Promise<void> {
  const ch = await conn.createConfirmChannel();
  for (const b of bodies) ch.sendToQueue(q, Buffer.from(b));
  await ch.waitForConfirms();
  await ch.close();
}

async function getOne(ch: Channel, q: string, noAck = false): Promise<GetMessage> {
  const m = await ch.get(q, { noAck });
  if (m === false) throw new Error(`queue ${q} is unexpectedly empty`);
  return m;
}

/** Resolves when the consume callback has received n messages. */
function collector(n: number): { received: ConsumeMessage[]; done: Promise<ConsumeMessage[]>; onMessage: (m: ConsumeMessage | null) => void } {
  const received: ConsumeMessage[] = [];
  let resolve!: (v: ConsumeMessage[]) => void;
  const done = new Promise<ConsumeMessage[]>((r) => (resolve = r));
  return {
    received,
    done,
    onMessage: (m) => {
      if (m === null) throw new Error('consumer cancelled by the broker');
      received.push(m);
      if (received.length === n) resolve(received);
    },
  };
}

beforeAll(async () => {
  broker = await startTestBroker();
  conn = await connect();
});

afterAll(async () => {
  if (!broker) return;
  try {
    await tracker.cleanup();
  } finally {
    await broker.close();
  }
});

describe('publisher confirms (ConfirmChannel)', () => {
  it('waitForConfirms resolves after every publish is acked, and each per-message callback gets null', async () => {
    const ch = await conn.createConfirmChannel();
    const q = await queue(ch, 'confirms');
    const acked: number[] = [];
    for (let i = 1; i <= 20; i++) {
      ch.sendToQueue(q, Buffer.from(`m${i}`), {}, (err) => {
        expect(err).toBeNull();
        acked.push(i);
      });
    }
    await ch.waitForConfirms();
    expect(acked).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await ch.checkQueue(q)).messageCount).toBe(20);
    await ch.close();
  });

  it('a mandatory unroutable message is returned (312 NO_ROUTE) before its confirm ack arrives', async () => {
    const ch = await conn.createConfirmChannel();
    const x = await exchange(ch, 'confirm-unroutable', 'direct');
    const events: string[] = [];
    const returned = new Promise<Message>((resolve) =>
      ch.on('return', (m: Message) => {
        events.push('return');
        resolve(m);
      }),
    );
    const acked = new Promise<void>((resolve, reject) =>
      ch.publish(x, 'nowhere', Buffer.from('lost'), { mandatory: true, messageId: 'm-1', headers: { h: 'v' } }, (err) => {
        events.push(err ? 'nack' : 'ack');
        if (err) reject(err as Error); // amqplib nacks with an Error
        else resolve();
      }),
    );
    await acked;
    expect(events).toEqual(['return', 'ack']);
    const m = await returned;
    expect(m.fields).toMatchObject({ replyCode: 312, replyText: 'NO_ROUTE', exchange: x, routingKey: 'nowhere' });
    expect(m.content.toString()).toBe('lost');
    expect(m.properties.messageId).toBe('m-1');
    expect(m.properties.headers).toEqual({ h: 'v' });
    await ch.close();
  });

  it('an unroutable message without mandatory is acked and silently dropped', async () => {
    const ch = await conn.createConfirmChannel();
    const x = await exchange(ch, 'confirm-drop', 'direct');
    const returns: Message[] = [];
    ch.on('return', (m: Message) => returns.push(m));
    ch.publish(x, 'nowhere', Buffer.from('dropped'));
    await ch.waitForConfirms();
    expect(returns).toEqual([]);
    await ch.close();
  });

  it('publishing to a missing exchange closes the channel with 404 and fails the pending confirm', async () => {
    const ch = await conn.createConfirmChannel();
    const error = new Promise<Error & { code?: number }>((resolve) => ch.on('error', resolve));
    const missing = uniq('no-such-exchange');
    const confirm = new Promise<unknown>((resolve) => ch.publish(missing, 'k', Buffer.from('x'), {}, (err) => resolve(err)));
    const err = await error;
    expect(err.code).toBe(404);
    expect(err.message).toContain(`NOT_FOUND - no exchange '${missing}' in vhost '/'`);
    expect(await confirm).toBeInstanceOf(Error);
    await expect(ch.waitForConfirms()).rejects.toThrow('channel closed');
  });
});

describe('basic.get', () => {
  it('returns messages with the remaining message_count, then false when the queue is empty', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'get');
    await fill(q, ['one', 'two']);

    const first = await getOne(ch, q);
    expect(first.content.toString()).toBe('one');
    expect(first.fields).toMatchObject({ deliveryTag: 1, redelivered: false, exchange: '', routingKey: q, messageCount: 1 });
    const second = await getOne(ch, q);
    expect(second.content.toString()).toBe('two');
    expect(second.fields).toMatchObject({ deliveryTag: 2, messageCount: 0 });
    expect(await ch.get(q)).toBe(false);

    ch.ack(second, true);
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
    // Acked, so closing the channel requeues nothing.
    await ch.close();
    const { ch: ch2 } = await channel();
    expect(await ch2.get(q)).toBe(false);
    await ch2.close();
  });

  it('basic.get and basic.deliver share one delivery-tag sequence per channel', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'tags');
    await fill(q, ['g1', 'c1']);
    const got = await getOne(ch, q);
    expect(got.fields.deliveryTag).toBe(1);
    const c = collector(1);
    await ch.consume(q, c.onMessage);
    const [delivered] = await c.done;
    expect(delivered.fields.deliveryTag).toBe(2);
    ch.ack(delivered, true);
    await ch.close();
  });
});

describe('consumers', () => {
  it('server-generated consumer tags start with amq.ctag-; a client-chosen tag is kept', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'ctag');
    const generated = await ch.consume(q, () => {});
    expect(generated.consumerTag).toMatch(/^amq\.ctag-[A-Za-z0-9_-]{22}$/);
    const chosen = await ch.consume(q, () => {}, { consumerTag: 'my-tag' });
    expect(chosen.consumerTag).toBe('my-tag');
    expect((await ch.checkQueue(q)).consumerCount).toBe(2);
    await ch.close();
  });

  it('reusing a consumer tag on the same channel is a connection error (530 NOT_ALLOWED)', async () => {
    const c = await connect();
    const closed = new Promise<Error & { code?: number }>((resolve) => c.on('close', (e?: Error) => resolve(e as Error)));
    const { ch } = await channel(c);
    const q = await queue(ch, 'ctag-reuse');
    await ch.consume(q, () => {}, { consumerTag: 'dup' });
    await expect(ch.consume(q, () => {}, { consumerTag: 'dup' })).rejects.toThrow();
    const err = await closed;
    expect(err.code).toBe(530);
    expect(err.message).toContain("NOT_ALLOWED - attempt to reuse consumer tag 'dup'");
  });

  it('ch.cancel stops deliveries; later messages stay in the queue', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'cancel');
    const c = collector(1);
    const { consumerTag } = await ch.consume(q, c.onMessage, { noAck: true });
    await fill(q, ['before']);
    expect((await c.done)[0].content.toString()).toBe('before');

    expect(await ch.cancel(consumerTag)).toEqual({ consumerTag });
    expect((await ch.checkQueue(q)).consumerCount).toBe(0);
    await fill(q, ['after']);
    expect(await drain(ch, q)).toEqual(['after']);
    expect(c.received).toHaveLength(1);
    await ch.close();
  });

  it('deleting the queue cancels its consumers from the server side: the consume callback gets null', async () => {
    const { ch } = await channel();
    const q = uniq('server-cancel');
    await ch.assertQueue(q, { durable: false });
    const cancelEvents: string[] = [];
    ch.on('cancel', (fields: { consumerTag: string }) => cancelEvents.push(fields.consumerTag));
    const nullFor = (): { onMessage: (m: ConsumeMessage | null) => void; gotNull: Promise<null> } => {
      let resolve!: (v: null) => void;
      const gotNull = new Promise<null>((r) => (resolve = r));
      return {
        gotNull,
        onMessage: (m) => {
          if (m === null) resolve(null);
        },
      };
    };
    const c1 = nullFor();
    const c2 = nullFor();
    const { consumerTag: tag1 } = await ch.consume(q, c1.onMessage);
    const { consumerTag: tag2 } = await ch.consume(q, c2.onMessage, { consumerTag: 'second' });

    const { ch: other } = await channel();
    expect(await other.deleteQueue(q)).toEqual({ messageCount: 0 });
    expect(await c1.gotNull).toBeNull();
    expect(await c2.gotNull).toBeNull();
    expect(cancelEvents.sort()).toEqual([tag1, tag2].sort());
    // The channel survives the cancel notification.
    const again = await queue(ch, 'after-cancel');
    expect((await ch.checkQueue(again)).queue).toBe(again);
    await ch.close();
    await other.close();
  });

  it('an exclusive consumer locks others out, and a queue with a consumer refuses an exclusive one (403)', async () => {
    const { ch: owner } = await channel();
    const q = await queue(owner, 'exclusive-consume');
    await owner.consume(q, () => {}, { exclusive: true });

    const c2 = await connect();
    const { ch: intruder, error } = await channel(c2);
    await expect(intruder.consume(q, () => {})).rejects.toMatchObject({ code: 403 });
    const err = await error;
    expect(err.code).toBe(403);
    expect(err.message).toContain(`ACCESS_REFUSED - queue '${q}' in vhost '/' in exclusive use`);

    const q2 = await queue(owner, 'exclusive-consume-2');
    await owner.consume(q2, () => {});
    const { ch: wantsExclusive, error: error2 } = await channel(c2);
    await expect(wantsExclusive.consume(q2, () => {}, { exclusive: true })).rejects.toMatchObject({ code: 403 });
    expect((await error2).message).toContain(`ACCESS_REFUSED - queue '${q2}' in vhost '/' in exclusive use`);
    await owner.close();
  });
});

describe('acknowledgements', () => {
  it('a message nacked with requeue goes back to its original position and is marked redelivered', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'nack-position');
    await fill(q, ['1', '2', '3', '4']);
    const m1 = await getOne(ch, q);
    const m2 = await getOne(ch, q);
    const m3 = await getOne(ch, q);
    ch.nack(m2, false, true);

    const next = await getOne(ch, q);
    expect(next.content.toString()).toBe('2');
    expect(next.fields.redelivered).toBe(true);
    expect(next.fields.messageCount).toBe(1);
    const last = await getOne(ch, q);
    expect(last.content.toString()).toBe('4');
    expect(last.fields.redelivered).toBe(false);
    ch.ack(m1);
    ch.ack(m3);
    ch.ack(next);
    ch.ack(last);
    expect(await ch.get(q)).toBe(false);
    await ch.close();
  });

  it('reject with requeue redelivers; reject without requeue drops the message', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'reject');
    await fill(q, ['a', 'b']);
    const a = await getOne(ch, q);
    ch.reject(a, true);
    const a2 = await getOne(ch, q);
    expect(a2.content.toString()).toBe('a');
    expect(a2.fields.redelivered).toBe(true);
    ch.reject(a2, false);
    const b = await getOne(ch, q);
    expect(b.content.toString()).toBe('b');
    ch.reject(b, false);
    expect(await ch.get(q)).toBe(false);
    await ch.close();
  });

  it('nack with multiple requeues every outstanding message up to the tag, in publication order', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'nack-multiple');
    await fill(q, ['1', '2', '3', '4']);
    await getOne(ch, q);
    await getOne(ch, q);
    const m3 = await getOne(ch, q);
    const m4 = await getOne(ch, q);
    ch.nack(m3, true, true);

    const again = [await getOne(ch, q), await getOne(ch, q), await getOne(ch, q)];
    expect(again.map((m) => m.content.toString())).toEqual(['1', '2', '3']);
    expect(again.every((m) => m.fields.redelivered)).toBe(true);
    expect(await ch.get(q)).toBe(false);
    ch.ack(m4);
    ch.ackAll();
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
    await ch.close();
  });

  it('nackAll(false) drops every unacked message on the channel', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'nack-all');
    await fill(q, ['1', '2']);
    await getOne(ch, q);
    await getOne(ch, q);
    ch.nackAll(false);
    await ch.close();
    const { ch: ch2 } = await channel();
    expect(await ch2.get(q)).toBe(false);
    await ch2.close();
  });

  it('acknowledging an unknown delivery tag closes the channel with 406', async () => {
    const { ch, error } = await channel();
    const q = await queue(ch, 'unknown-tag');
    await fill(q, ['x']);
    const m = await getOne(ch, q);
    ch.ack(m);
    ch.ack(m); // already acked
    const err = await error;
    expect(err.code).toBe(406);
    expect(err.message).toContain('PRECONDITION_FAILED - unknown delivery tag 1');
    // The channel was closed with the message unacked-then-acked: nothing comes back.
    const { ch: ch2 } = await channel();
    expect(await ch2.get(q)).toBe(false);
    await ch2.close();
  });
});

describe('prefetch', () => {
  it('prefetch without global limits each consumer separately', async () => {
    const { ch: setup } = await channel();
    const q1 = await queue(setup, 'prefetch-c1');
    const q2 = await queue(setup, 'prefetch-c2');
    await fill(q1, ['a1', 'a2', 'a3']);
    await fill(q2, ['b1', 'b2', 'b3']);

    const { ch } = await channel();
    await ch.prefetch(1);
    const all: string[] = [];
    const both = collector(2);
    const record = (m: ConsumeMessage | null): void => {
      if (m) all.push(m.content.toString());
      both.onMessage(m);
    };
    await ch.consume(q1, record);
    await ch.consume(q2, record);
    await both.done;
    // Proving a negative: after a round trip on the channel, deliveries already decided have been received.
    await ch.checkQueue(q1);
    expect(all.sort()).toEqual(['a1', 'b1']);
    await ch.close(); // requeues both
    await setup.close();
  });

  it('prefetch with global=true is shared by all consumers of the channel', async () => {
    const { ch: setup } = await channel();
    const q1 = await queue(setup, 'prefetch-g1');
    const q2 = await queue(setup, 'prefetch-g2');
    await fill(q1, ['a1', 'a2']);
    await fill(q2, ['b1', 'b2']);

    const { ch } = await channel();
    await ch.prefetch(1, true);
    const received: ConsumeMessage[] = [];
    let onNext: (() => void) | undefined;
    const record = (m: ConsumeMessage | null): void => {
      if (!m) return;
      received.push(m);
      onNext?.();
    };
    const firstArrived = new Promise<void>((resolve) => (onNext = resolve));
    await ch.consume(q1, record);
    await firstArrived;
    await ch.consume(q2, record);
    // Proving a negative: after a round trip on the channel, a delivery to the second consumer would have arrived.
    await ch.checkQueue(q2);
    expect(received.map((m) => m.content.toString())).toEqual(['a1']);

    const secondArrived = new Promise<void>((resolve) => (onNext = resolve));
    ch.ack(received[0]);
    await secondArrived;
    await ch.checkQueue(q2);
    expect(received).toHaveLength(2);
    await ch.close();
    await setup.close();
  });

  it('qos reports per-consumer and global limits independently (both may be set)', async () => {
    const { ch: setup } = await channel();
    const q = await queue(setup, 'prefetch-both');
    await fill(q, ['1', '2', '3', '4', '5']);
    const { ch } = await channel();
    await ch.prefetch(3, false);
    await ch.prefetch(2, true);
    const c = collector(2);
    await ch.consume(q, c.onMessage);
    await c.done;
    await ch.checkQueue(q);
    // The lower of the two limits applies.
    expect(c.received).toHaveLength(2);
    expect((await ch.checkQueue(q)).messageCount).toBe(3);
    await ch.close();
    await setup.close();
  });
});

describe('queue counts', () => {
  it('declare-ok reports ready messages and all consumers', async () => {
    const { ch } = await channel();
    const q = uniq('declare-counts');
    queues.add(q);
    expect(await ch.assertQueue(q, { durable: false })).toEqual({ queue: q, messageCount: 0, consumerCount: 0 });
    await fill(q, ['1', '2', '3']);
    expect(await ch.assertQueue(q, { durable: false })).toEqual({ queue: q, messageCount: 3, consumerCount: 0 });

    const { ch: consumer } = await channel();
    await consumer.prefetch(1);
    const c = collector(1);
    await consumer.consume(q, c.onMessage);
    await c.done;
    // One message is unacked: only ready ones are counted.
    expect(await ch.assertQueue(q, { durable: false })).toEqual({ queue: q, messageCount: 2, consumerCount: 1 });
    expect(await ch.checkQueue(q)).toEqual({ queue: q, messageCount: 2, consumerCount: 1 });
    await consumer.close();
    expect(await ch.checkQueue(q)).toEqual({ queue: q, messageCount: 3, consumerCount: 0 });
    await ch.close();
  });

  it('purge returns the number of ready messages removed; unacked ones survive', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'purge');
    await fill(q, ['1', '2', '3']);
    const held = await getOne(ch, q);
    expect(await ch.purgeQueue(q)).toEqual({ messageCount: 2 });
    expect(await ch.purgeQueue(q)).toEqual({ messageCount: 0 });
    ch.nack(held, false, true);
    const back = await getOne(ch, q);
    expect(back.content.toString()).toBe('1');
    expect(back.fields.redelivered).toBe(true);
    ch.ack(back);
    await ch.close();
  });

  it('delete returns the message count; deleting a missing queue succeeds with 0; if-empty refuses with 406', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'delete');
    await fill(q, ['1', '2', '3']);
    expect(await ch.deleteQueue(q)).toEqual({ messageCount: 3 });
    expect(await ch.deleteQueue(q)).toEqual({ messageCount: 0 });

    const q2 = await queue(ch, 'delete-if-empty');
    await fill(q2, ['x']);
    const { ch: ch2, error } = await channel();
    await expect(ch2.deleteQueue(q2, { ifEmpty: true })).rejects.toMatchObject({ code: 406 });
    expect((await error).message).toContain(`PRECONDITION_FAILED - queue '${q2}' in vhost '/' not empty`);

    const q3 = await queue(ch, 'delete-if-unused');
    await ch.consume(q3, () => {});
    const { ch: ch3, error: error3 } = await channel();
    await expect(ch3.deleteQueue(q3, { ifUnused: true })).rejects.toMatchObject({ code: 406 });
    expect((await error3).message).toContain(`PRECONDITION_FAILED - queue '${q3}' in vhost '/' in use`);
    await ch.close();
  });
});

describe('exchange features', () => {
  it('exchange-to-exchange bindings route through the destination exchange until unbound', async () => {
    const ch = await conn.createConfirmChannel();
    const src = await exchange(ch, 'e2e-src', 'topic');
    const dest = await exchange(ch, 'e2e-dest', 'fanout');
    const q = await queue(ch, 'e2e');
    await ch.bindQueue(q, dest, '');
    await ch.bindExchange(dest, src, 'a.*');
    const returned: string[] = [];
    ch.on('return', (m: Message) => returned.push(m.content.toString()));

    ch.publish(src, 'a.b', Buffer.from('routed'), { mandatory: true });
    ch.publish(src, 'b.c', Buffer.from('not-matching'), { mandatory: true });
    await ch.waitForConfirms();
    expect(await drain(ch, q)).toEqual(['routed']);

    await ch.unbindExchange(dest, src, 'a.*');
    ch.publish(src, 'a.b', Buffer.from('after-unbind'), { mandatory: true });
    await ch.waitForConfirms();
    expect(await drain(ch, q)).toEqual([]);
    expect(returned).toEqual(['not-matching', 'after-unbind']);
    await ch.close();
  });

  it('an alternate exchange receives what the main exchange cannot route (and mandatory does not return it)', async () => {
    const ch = await conn.createConfirmChannel();
    const ae = await exchange(ch, 'ae', 'fanout');
    const main = await exchange(ch, 'with-ae', 'direct', { alternateExchange: ae });
    const routed = await queue(ch, 'ae-routed');
    const unrouted = await queue(ch, 'ae-unrouted');
    await ch.bindQueue(routed, main, 'known');
    await ch.bindQueue(unrouted, ae, '');
    const returned: string[] = [];
    ch.on('return', (m: Message) => returned.push(m.content.toString()));

    ch.publish(main, 'known', Buffer.from('k'), { mandatory: true });
    ch.publish(main, 'unknown', Buffer.from('u'), { mandatory: true });
    await ch.waitForConfirms();
    expect(await drain(ch, routed)).toEqual(['k']);
    expect(await drain(ch, unrouted)).toEqual(['u']);
    expect(returned).toEqual([]);
    await ch.close();
  });

  it('a headers exchange matches x-match all / any on header values, ignoring x- keys', async () => {
    const ch = await conn.createConfirmChannel();
    const x = await exchange(ch, 'headers', 'headers');
    const all = await queue(ch, 'headers-all');
    const any = await queue(ch, 'headers-any');
    const dflt = await queue(ch, 'headers-default');
    await ch.bindQueue(all, x, '', { 'x-match': 'all', format: 'pdf', type: 'report' });
    await ch.bindQueue(any, x, '', { 'x-match': 'any', format: 'pdf', type: 'report' });
    await ch.bindQueue(dflt, x, '', { format: 'pdf', type: 'report' }); // x-match defaults to all

    const send = (name: string, headers: Record<string, unknown>) =>
      ch.publish(x, 'routing-key-is-ignored', Buffer.from(name), { headers });
    send('both', { format: 'pdf', type: 'report' });
    send('both+extra', { format: 'pdf', type: 'report', size: 10 });
    send('format-only', { format: 'pdf' });
    send('wrong-value', { format: 'zip', type: 'log' });
    send('none', {});
    await ch.waitForConfirms();

    expect(await drain(ch, all)).toEqual(['both', 'both+extra']);
    expect(await drain(ch, dflt)).toEqual(['both', 'both+extra']);
    expect(await drain(ch, any)).toEqual(['both', 'both+extra', 'format-only']);
    await ch.close();
  });
});

describe('channel errors', () => {
  it('passive declare of a missing queue closes the channel with 404 NOT_FOUND; the connection lives on', async () => {
    const { ch, error } = await channel();
    const q = uniq('missing');
    const rejected = await ch.checkQueue(q).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: number },
    );
    expect(rejected?.code).toBe(404);
    expect(rejected?.message).toContain(`NOT_FOUND - no queue '${q}' in vhost '/'`);
    const err = await error;
    expect(err.code).toBe(404);
    expect(err.message).toContain(`NOT_FOUND - no queue '${q}' in vhost '/'`);
    // The channel is unusable, the connection is not.
    await expect(ch.checkQueue(q)).rejects.toThrow();
    const { ch: fresh } = await channel();
    const q2 = await queue(fresh, 'alive');
    expect((await fresh.checkQueue(q2)).queue).toBe(q2);
    await fresh.close();
  });

  it('redeclaring a queue with a different durable flag is refused with 406 PRECONDITION_FAILED', async () => {
    const { ch, error } = await channel();
    const q = await queue(ch, 'inequivalent'); // durable: false
    await expect(ch.assertQueue(q, { durable: true })).rejects.toMatchObject({ code: 406 });
    const err = await error;
    expect(err.code).toBe(406);
    expect(err.message).toContain(
      `PRECONDITION_FAILED - inequivalent arg 'durable' for queue '${q}' in vhost '/': received 'true' but current is 'false'`,
    );
  });

  it('redeclaring an exchange with a different type is refused with 406 PRECONDITION_FAILED', async () => {
    const { ch, error } = await channel();
    const x = await exchange(ch, 'inequivalent-x', 'direct');
    await expect(ch.assertExchange(x, 'topic', { durable: false })).rejects.toMatchObject({ code: 406 });
    expect((await error).message).toContain(
      `PRECONDITION_FAILED - inequivalent arg 'type' for exchange '${x}' in vhost '/': received 'topic' but current is 'direct'`,
    );
  });
});

// amqplib has no tx API; its generic channel rpc sends the tx methods (class 90).
const TX_SELECT = (90 << 16) | 10;
const TX_SELECT_OK = (90 << 16) | 11;
const TX_COMMIT = (90 << 16) | 20;
const TX_COMMIT_OK = (90 << 16) | 21;
const TX_ROLLBACK = (90 << 16) | 30;
const TX_ROLLBACK_OK = (90 << 16) | 31;
type RpcChannel = Channel & { rpc(method: number, fields: object, expect: number): Promise<unknown> };
const tx = {
  select: (ch: Channel) => (ch as RpcChannel).rpc(TX_SELECT, {}, TX_SELECT_OK),
  commit: (ch: Channel) => (ch as RpcChannel).rpc(TX_COMMIT, {}, TX_COMMIT_OK),
  rollback: (ch: Channel) => (ch as RpcChannel).rpc(TX_ROLLBACK, {}, TX_ROLLBACK_OK),
};

describe('transactions', () => {
  it('messages published in a transaction become visible only on commit', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'tx-commit');
    await tx.select(ch);
    ch.sendToQueue(q, Buffer.from('t1'));
    ch.sendToQueue(q, Buffer.from('t2'));
    // The declare round trip on the same channel comes after the publishes: they have been processed.
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
    await tx.commit(ch);
    expect((await ch.checkQueue(q)).messageCount).toBe(2);
    expect(await drain(ch, q)).toEqual(['t1', 't2']);
    await ch.close();
  });

  it('rollback discards the publishes of the transaction; the channel stays transactional', async () => {
    const { ch } = await channel();
    const q = await queue(ch, 'tx-rollback');
    await tx.select(ch);
    ch.sendToQueue(q, Buffer.from('dropped'));
    await tx.rollback(ch);
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
    ch.sendToQueue(q, Buffer.from('kept'));
    await tx.commit(ch);
    expect(await drain(ch, q)).toEqual(['kept']);
    await ch.close();
  });

  it('acks in a transaction take effect on commit; rolled-back acks leave the message unacked', async () => {
    const { ch: setup } = await channel();
    const q = await queue(setup, 'tx-ack');
    await fill(q, ['a', 'b']);

    const { ch } = await channel();
    await tx.select(ch);
    const a = await getOne(ch, q);
    const b = await getOne(ch, q);
    ch.ack(a);
    await tx.commit(ch);
    ch.ack(b);
    await tx.rollback(ch);
    await ch.close(); // b was never acked: it goes back to the queue

    const back = await getOne(setup, q);
    expect(back.content.toString()).toBe('b');
    expect(back.fields.redelivered).toBe(true);
    expect(back.fields.messageCount).toBe(0);
    setup.ack(back);
    await setup.close();
  });

  it('tx.commit on a channel that is not transactional closes it with 406', async () => {
    const { ch, error } = await channel();
    await expect(tx.commit(ch)).rejects.toMatchObject({ code: 406 });
    expect((await error).message).toContain('PRECONDITION_FAILED - channel is not transactional');
  });
});
