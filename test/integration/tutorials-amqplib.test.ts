// The seven RabbitMQ tutorials (https://www.rabbitmq.com/tutorials), written the way their amqplib versions are,
// run against the test broker (Warren in-process, or an external broker with WARREN_TEST_URL).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelModel, type ConsumeMessage } from 'amqplib';
import { AmqpTracker, uniq, drain } from '../helpers/amqp-tracker.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const SERVER_NAMED_QUEUE = /^amq\.gen-[A-Za-z0-9_-]{22}$/;

let broker: TestBroker;
const tracker = new AmqpTracker(() => broker.url);
const { queues, exchanges } = tracker;
const connect = (): Promise<ChannelModel> => tracker.connect();

/** Messages handed to a consume callback, awaitable one by one. */
class Inbox<T> {
  readonly received: T[] = [];
  private readonly buffered: T[] = [];
  private readonly waiters: ((m: T) => void)[] = [];
  private listeners: (() => void)[] = [];
  push = (m: T): void => {
    this.received.push(m);
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
    const w = this.waiters.shift();
    if (w) w(m);
    else this.buffered.push(m);
  };
  next(): Promise<T> {
    const m = this.buffered.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  /** Resolves at the next push (without consuming the message). */
  arrival(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }
  async take(n: number): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next());
    return out;
  }
}

/** Resolves once done() holds, re-checking whenever one of the inboxes receives a message. */
async function allDelivered(done: () => boolean, ...inboxes: Inbox<ConsumeMessage>[]): Promise<void> {
  while (!done()) await Promise.race(inboxes.map((i) => i.arrival()));
}

/** A consume callback that records deliveries (null = server-side cancel, which these tests don't expect). */
function inboxFor(): { inbox: Inbox<ConsumeMessage>; onMessage: (m: ConsumeMessage | null) => void } {
  const inbox = new Inbox<ConsumeMessage>();
  return {
    inbox,
    onMessage: (m) => {
      if (m === null) throw new Error('consumer cancelled by the broker');
      inbox.push(m);
    },
  };
}

/** Drains a queue with basic.get (auto-ack) and returns the bodies. */
beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  if (!broker) return;
  try {
    await tracker.cleanup();
  } finally {
    await broker.close();
  }
});

describe('tutorial 1: hello world', () => {
  it('a message sent to a named queue through the default exchange reaches its consumer', async () => {
    const conn = await connect();
    const ch = await conn.createChannel();
    const queue = uniq('hello');
    queues.add(queue);

    const ok = await ch.assertQueue(queue, { durable: false });
    expect(ok).toEqual({ queue, messageCount: 0, consumerCount: 0 });

    const { inbox, onMessage } = inboxFor();
    await ch.consume(queue, onMessage, { noAck: true });
    expect(ch.sendToQueue(queue, Buffer.from('Hello World!'))).toBe(true);

    const msg = await inbox.next();
    expect(msg.content.toString()).toBe('Hello World!');
    expect(msg.fields.exchange).toBe('');
    expect(msg.fields.routingKey).toBe(queue);
    expect(msg.fields.redelivered).toBe(false);
    expect(msg.fields.deliveryTag).toBe(1);
    expect(msg.fields.consumerTag).toMatch(/^amq\.ctag-/);
    await ch.close();
  });
});

describe('tutorial 2: work queues', () => {
  it('an unacked message of a consumer whose connection closes is redelivered to another consumer with redelivered=true', async () => {
    const queue = uniq('task_queue');
    queues.add(queue);

    const producerConn = await connect();
    const producer = await producerConn.createConfirmChannel();
    await producer.assertQueue(queue, { durable: true });

    // Worker A takes the task and "dies" before acknowledging it.
    const connA = await connect();
    const workerA = await connA.createChannel();
    await workerA.prefetch(1);
    const a = inboxFor();
    await workerA.consume(queue, a.onMessage, { noAck: false });

    producer.sendToQueue(queue, Buffer.from('task....'), { persistent: true, messageId: 'task-1' });
    await producer.waitForConfirms();
    const first = await a.inbox.next();
    expect(first.content.toString()).toBe('task....');
    expect(first.fields.redelivered).toBe(false);
    expect(first.properties.deliveryMode).toBe(2);

    // Worker B starts only now, so it cannot have been the first recipient.
    const connB = await connect();
    const workerB = await connB.createChannel();
    await workerB.prefetch(1);
    const b = inboxFor();
    await workerB.consume(queue, b.onMessage, { noAck: false });

    await connA.close();

    const again = await b.inbox.next();
    expect(again.content.toString()).toBe('task....');
    expect(again.properties.messageId).toBe('task-1');
    expect(again.properties.deliveryMode).toBe(2);
    expect(again.fields.redelivered).toBe(true);
    workerB.ack(again);

    // Once acknowledged the task is gone for good.
    const left = await producer.checkQueue(queue);
    expect(left.messageCount).toBe(0);
    await producer.deleteQueue(queue);
    queues.delete(queue);
  });

  it('messages are dispatched round-robin between two consumers', async () => {
    const queue = uniq('rr');
    queues.add(queue);
    const conn = await connect();
    const producer = await conn.createConfirmChannel();
    await producer.assertQueue(queue, { durable: false });
    const ch1 = await conn.createChannel();
    const ch2 = await conn.createChannel();
    const c1 = inboxFor();
    const c2 = inboxFor();
    await ch1.consume(queue, c1.onMessage, { noAck: true });
    await ch2.consume(queue, c2.onMessage, { noAck: true });

    for (let i = 1; i <= 4; i++) producer.sendToQueue(queue, Buffer.from(`m${i}`));
    await producer.waitForConfirms();
    const got1 = (await c1.inbox.take(2)).map((m) => m.content.toString());
    const got2 = (await c2.inbox.take(2)).map((m) => m.content.toString());
    expect(got1).toEqual(['m1', 'm3']);
    expect(got2).toEqual(['m2', 'm4']);
  });
});

describe('tutorial 2: fair dispatch (prefetch=1)', () => {
  it('a consumer holding an unacked message gets no more; the other consumer gets them', async () => {
    const queue = uniq('fair');
    queues.add(queue);
    const conn = await connect();
    const producer = await conn.createConfirmChannel();
    await producer.assertQueue(queue, { durable: false });

    const slowCh = await conn.createChannel();
    await slowCh.prefetch(1);
    const slow = inboxFor();
    await slowCh.consume(queue, slow.onMessage, { noAck: false });

    producer.sendToQueue(queue, Buffer.from('m1'));
    await producer.waitForConfirms();
    const held = await slow.inbox.next();
    expect(held.content.toString()).toBe('m1');

    const fastCh = await conn.createChannel();
    await fastCh.prefetch(1);
    const fast = new Inbox<ConsumeMessage>();
    await fastCh.consume(
      queue,
      (m) => {
        if (!m) throw new Error('cancelled');
        fast.push(m);
        fastCh.ack(m);
      },
      { noAck: false },
    );

    for (const body of ['m2', 'm3', 'm4']) producer.sendToQueue(queue, Buffer.from(body));
    await producer.waitForConfirms();
    // Wait until m2..m4 have all been delivered to someone; without the prefetch limit, round-robin would have
    // handed m2 or m3 to the slow consumer.
    await allDelivered(() => fast.received.length + slow.inbox.received.length >= 4, fast, slow.inbox);
    // Proving a negative: a round trip on the slow consumer's channel flushes anything already on its way to it.
    await slowCh.checkQueue(queue);
    expect(slow.inbox.received.map((m) => m.content.toString())).toEqual(['m1']);
    expect(fast.received.map((m) => m.content.toString())).toEqual(['m2', 'm3', 'm4']);

    // Once it acks, the slow consumer takes work again.
    await fastCh.close();
    slowCh.ack(held);
    producer.sendToQueue(queue, Buffer.from('m5'));
    await producer.waitForConfirms();
    const next = await slow.inbox.next();
    expect(next.content.toString()).toBe('m5');
    slowCh.ack(next);
  });
});

describe('tutorial 3: publish/subscribe', () => {
  it('a fanout exchange copies each message to every exclusive server-named queue bound to it', async () => {
    const exchange = uniq('logs');
    exchanges.add(exchange);
    const pubConn = await connect();
    const pub = await pubConn.createConfirmChannel();
    await pub.assertExchange(exchange, 'fanout', { durable: false });

    const subscribers: { conn: ChannelModel; queue: string; inbox: Inbox<ConsumeMessage> }[] = [];
    for (let i = 0; i < 2; i++) {
      const conn = await connect();
      const ch = await conn.createChannel();
      const q = await ch.assertQueue('', { exclusive: true });
      expect(q.queue).toMatch(SERVER_NAMED_QUEUE);
      expect(q.messageCount).toBe(0);
      expect(q.consumerCount).toBe(0);
      await ch.bindQueue(q.queue, exchange, '');
      const { inbox, onMessage } = inboxFor();
      await ch.consume(q.queue, onMessage, { noAck: true });
      subscribers.push({ conn, queue: q.queue, inbox });
    }
    expect(subscribers[0].queue).not.toBe(subscribers[1].queue);

    pub.publish(exchange, 'ignored-by-fanout', Buffer.from('info: hello'));
    pub.publish(exchange, '', Buffer.from('warning: careful'));
    await pub.waitForConfirms();
    for (const s of subscribers) {
      const got = await s.inbox.take(2);
      expect(got.map((m) => m.content.toString())).toEqual(['info: hello', 'warning: careful']);
      expect(got[0].fields.exchange).toBe(exchange);
      expect(got[0].fields.routingKey).toBe('ignored-by-fanout');
    }

    // Exclusive queues are deleted when their connection closes.
    await subscribers[0].conn.close();
    const probe = await pubConn.createChannel();
    const closed = new Promise<Error>((resolve) => probe.on('error', resolve));
    await expect(probe.checkQueue(subscribers[0].queue)).rejects.toMatchObject({ code: 404 });
    expect((await closed).message).toContain(`NOT_FOUND - no queue '${subscribers[0].queue}' in vhost '/'`);
  });
});

describe('tutorial 4: routing', () => {
  it('a direct exchange routes by exact severity, a queue bound with several keys gets each of them', async () => {
    const exchange = uniq('direct_logs');
    exchanges.add(exchange);
    const conn = await connect();
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(exchange, 'direct', { durable: false });

    const errorsOnly = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(errorsOnly, exchange, 'error');
    const everything = (await ch.assertQueue('', { exclusive: true })).queue;
    for (const severity of ['info', 'warning', 'error']) await ch.bindQueue(everything, exchange, severity);

    const returned: string[] = [];
    ch.on('return', (m) => returned.push(m.fields.routingKey));
    for (const severity of ['info', 'warning', 'error', 'debug']) {
      ch.publish(exchange, severity, Buffer.from(`${severity}: message`), { mandatory: true });
    }
    await ch.waitForConfirms();

    expect(await drain(ch, errorsOnly)).toEqual(['error: message']);
    expect(await drain(ch, everything)).toEqual(['info: message', 'warning: message', 'error: message']);
    // Nobody listens for debug: a mandatory publish comes back (and the return precedes the confirm).
    expect(returned).toEqual(['debug']);
  });

  it('the same binding key on two queues delivers a copy to each (multiple bindings)', async () => {
    const exchange = uniq('direct_multi');
    exchanges.add(exchange);
    const conn = await connect();
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(exchange, 'direct', { durable: false });
    const q1 = (await ch.assertQueue('', { exclusive: true })).queue;
    const q2 = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(q1, exchange, 'black');
    await ch.bindQueue(q2, exchange, 'black');
    await ch.bindQueue(q2, exchange, 'green');
    ch.publish(exchange, 'black', Buffer.from('b'));
    ch.publish(exchange, 'green', Buffer.from('g'));
    await ch.waitForConfirms();
    expect(await drain(ch, q1)).toEqual(['b']);
    expect(await drain(ch, q2)).toEqual(['b', 'g']);
  });
});

describe('tutorial 5: topics', () => {
  it('routes with * (exactly one word) and # (zero or more words), each queue getting a message at most once', async () => {
    const exchange = uniq('topic_logs');
    exchanges.add(exchange);
    const conn = await connect();
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(exchange, 'topic', { durable: false });

    const q1 = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(q1, exchange, '*.orange.*');
    const q2 = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(q2, exchange, '*.*.rabbit');
    await ch.bindQueue(q2, exchange, 'lazy.#');

    const keys = [
      'quick.orange.rabbit', // q1, q2
      'lazy.orange.elephant', // q1, q2
      'quick.orange.fox', // q1
      'lazy.brown.fox', // q2
      'lazy.pink.rabbit', // q2, once although it matches both of q2's bindings
      'quick.brown.fox', // nobody
      'orange', // nobody: '*.orange.*' needs a word on each side
      'quick.orange.male.rabbit', // nobody
      'lazy.orange.male.rabbit', // q2
      'lazy', // q2: '#' matches zero words
    ];
    for (const k of keys) ch.publish(exchange, k, Buffer.from(k));
    await ch.waitForConfirms();

    expect(await drain(ch, q1)).toEqual(['quick.orange.rabbit', 'lazy.orange.elephant', 'quick.orange.fox']);
    expect(await drain(ch, q2)).toEqual([
      'quick.orange.rabbit',
      'lazy.orange.elephant',
      'lazy.brown.fox',
      'lazy.pink.rabbit',
      'lazy.orange.male.rabbit',
      'lazy',
    ]);
  });

  it('# alone matches every key including the empty one; * never matches zero words', async () => {
    const exchange = uniq('topic_edges');
    exchanges.add(exchange);
    const conn = await connect();
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(exchange, 'topic', { durable: false });

    const hash = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(hash, exchange, '#');
    const star = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(star, exchange, '*');
    const aStar = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(aStar, exchange, 'a.*');
    const aHashB = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(aHashB, exchange, 'a.#.b');
    const aStarB = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(aStarB, exchange, 'a.*.b');

    for (const k of ['', 'a', 'a.b', 'a.x.b', 'a.x.y.b', 'a..b']) ch.publish(exchange, k, Buffer.from(`<${k}>`));
    await ch.waitForConfirms();

    expect(await drain(ch, hash)).toEqual(['<>', '<a>', '<a.b>', '<a.x.b>', '<a.x.y.b>', '<a..b>']);
    // The empty routing key is zero words: '*' needs exactly one.
    expect(await drain(ch, star)).toEqual(['<a>']);
    // 'a.*' does not match 'a' (no word for the '*').
    expect(await drain(ch, aStar)).toEqual(['<a.b>']);
    // '#' in the middle may match zero words.
    expect(await drain(ch, aHashB)).toEqual(['<a.b>', '<a.x.b>', '<a.x.y.b>', '<a..b>']);
    // 'a..b' has an empty middle word, which '*' matches.
    expect(await drain(ch, aStarB)).toEqual(['<a.x.b>', '<a..b>']);
  });
});

describe('tutorial 6: RPC', () => {
  it('replies come back on an exclusive server-named reply queue, matched by correlation id', async () => {
    const rpcQueue = uniq('rpc_queue');
    queues.add(rpcQueue);

    // Server
    const serverConn = await connect();
    const server = await serverConn.createChannel();
    await server.assertQueue(rpcQueue, { durable: false });
    await server.prefetch(1);
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    await server.consume(rpcQueue, (msg) => {
      if (!msg) throw new Error('cancelled');
      const n = Number(msg.content.toString());
      server.sendToQueue(msg.properties.replyTo, Buffer.from(String(fib(n))), {
        correlationId: msg.properties.correlationId,
      });
      server.ack(msg);
    });

    // Client
    const clientConn = await connect();
    const client = await clientConn.createChannel();
    const reply = await client.assertQueue('', { exclusive: true });
    expect(reply.queue).toMatch(SERVER_NAMED_QUEUE);
    const pending = new Map<string, (body: string) => void>();
    const strays: ConsumeMessage[] = [];
    await client.consume(
      reply.queue,
      (msg) => {
        if (!msg) throw new Error('cancelled');
        const resolve = pending.get(msg.properties.correlationId);
        if (!resolve) strays.push(msg);
        else {
          pending.delete(msg.properties.correlationId);
          resolve(msg.content.toString());
        }
      },
      { noAck: true },
    );
    const call = (n: number): Promise<string> => {
      const correlationId = randomBytes(8).toString('hex');
      const result = new Promise<string>((resolve) => pending.set(correlationId, resolve));
      client.sendToQueue(rpcQueue, Buffer.from(String(n)), { correlationId, replyTo: reply.queue });
      return result;
    };

    const results = await Promise.all([call(10), call(1), call(20), call(0)]);
    expect(results).toEqual(['55', '1', '6765', '0']);
    expect(strays).toEqual([]);
    expect(pending.size).toBe(0);
  });
});
