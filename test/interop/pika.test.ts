// pika (Debian's python3-pika 1.2.0, BlockingConnection) against the test broker. Each script in ./pika takes the
// AMQP URL, does one scenario and prints one JSON line of observations; the assertions live here.
// (The broker-restart scenario, ./pika/reconnect.py, is run by test/integration/connection-recovery.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPika, runPika } from '../helpers/pika.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const SERVER_NAMED_QUEUE = /^amq\.gen-[A-Za-z0-9_-]{22}$/;

let broker: TestBroker;

/** Runs ./pika/<name>.py against the test broker (test/helpers/pika.ts). */
const pika = (name: string): Promise<any> => runPika(name, broker.url);

beforeAll(async () => {
  await expectPika();
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('pika BlockingConnection', () => {
  it('hello world: a message sent to a queue on one connection is consumed on another', async () => {
    const r = await pika('hello_world');
    expect(r.declared_queue).toBe(r.queue);
    expect(r.declared_message_count).toBe(0);
    expect(r.received).toEqual([
      {
        body: 'Hello World!',
        exchange: '',
        routing_key: r.queue,
        redelivered: false,
        delivery_tag: 1,
        consumer_tag: r.consumer_tag, // pika chooses its own consumer tags (ctag1.<uuid>)
      },
    ]);
  });

  it('work queue: a task left unacked by a closed connection is redelivered to the other worker', async () => {
    const r = await pika('work_queue');
    expect(r.first).toEqual({ body: 'task...', redelivered: false, message_id: 'task-1', delivery_mode: 2 });
    expect(r.second).toEqual({ body: 'task...', redelivered: true, message_id: 'task-1', delivery_mode: 2 });
    expect(r.remaining_after_ack).toBe(0);
  });

  it('fair dispatch: with prefetch_count=1 a busy worker gets nothing until it acks', async () => {
    const r = await pika('fair_dispatch');
    expect(r).toEqual({ slow_while_busy: ['m1'], fast: ['m2', 'm3', 'm4'], slow_after_ack: 'm5' });
  });

  it('publish/subscribe: every exclusive server-named queue bound to a fanout exchange gets each message', async () => {
    const r = await pika('pubsub_fanout');
    expect(r.queues).toHaveLength(2);
    for (const q of r.queues) expect(q).toMatch(SERVER_NAMED_QUEUE);
    expect(r.queues[0]).not.toBe(r.queues[1]);
    expect(r.received).toEqual([
      ['info: one', 'info: two'],
      ['info: one', 'info: two'],
    ]);
    expect(r.deleted_on_close).toEqual([true, true]);
  });

  it('direct routing: queues get the severities they are bound to; unbound ones raise UnroutableError', async () => {
    const r = await pika('routing_direct');
    expect(r).toEqual({
      errors_only: ['error: message'],
      everything: ['info: message', 'warning: message', 'error: message'],
      unroutable: ['debug'],
    });
  });

  it('topic routing: * is exactly one word, # zero or more, each queue gets a message once', async () => {
    const r = await pika('routing_topic');
    expect(r.q1).toEqual(['<quick.orange.rabbit>', '<lazy.orange.elephant>', '<quick.orange.fox>']);
    expect(r.q2).toEqual([
      '<quick.orange.rabbit>',
      '<lazy.orange.elephant>',
      '<lazy.brown.fox>',
      '<lazy.pink.rabbit>',
      '<lazy.orange.male.rabbit>',
      '<lazy>',
    ]);
    expect(r.star).toEqual(['<orange>', '<lazy>']);
    expect(r.hash).toEqual([
      '<quick.orange.rabbit>',
      '<lazy.orange.elephant>',
      '<quick.orange.fox>',
      '<lazy.brown.fox>',
      '<lazy.pink.rabbit>',
      '<quick.brown.fox>',
      '<orange>',
      '<quick.orange.male.rabbit>',
      '<lazy.orange.male.rabbit>',
      '<lazy>',
      '<>',
    ]);
  });

  it('RPC: replies arrive on the exclusive server-named reply queue, matched by correlation id', async () => {
    const r = await pika('rpc');
    expect(r.reply_queue).toMatch(SERVER_NAMED_QUEUE);
    expect(r.responses).toEqual({ '10': '55', '1': '1', '20': '6765', '0': '0' });
    expect(r.strays).toEqual([]);
  });

  it('confirm_delivery: a mandatory unroutable publish raises UnroutableError with the 312 NO_ROUTE return', async () => {
    const r = await pika('confirm_unroutable');
    expect(r.unroutable_error).toEqual({
      count: 1,
      reply_code: 312,
      reply_text: 'NO_ROUTE',
      exchange: r.exchange,
      routing_key: 'unknown',
      body: 'returned',
      message_id: 'm-1',
    });
    // Only the routable publish is in the queue; the non-mandatory unroutable one was acked and dropped.
    expect(r.queue_depth).toBe(1);
  });

  it('basic_get: messages carry the remaining message_count, an empty queue returns None', async () => {
    const r = await pika('basic_get');
    expect(r.gets).toHaveLength(3);
    expect(r.gets[0]).toMatchObject({ body: 'one', message_count: 1, delivery_tag: 1, redelivered: false, exchange: '' });
    expect(r.gets[1]).toMatchObject({ body: 'two', message_count: 0, delivery_tag: 2, redelivered: false });
    expect(r.gets[2]).toBeNull();
    expect(r.requeued).toEqual({ body: 'two', redelivered: true, delivery_tag: 3 });
  });

  it('basic_cancel stops a consumer; deleting its queue makes the broker send Basic.Cancel', async () => {
    const r = await pika('consumer_cancel');
    expect(r.delivered).toEqual(['before']);
    expect(r.consumers_before_cancel).toBe(1);
    expect(r.consumers_after_cancel).toBe(0);
    expect(r.pending_on_cancel).toBe(0);
    expect(r.left_in_queue).toEqual(['after']);
    expect(r.server_cancelled).toEqual([r.server_cancelled_expected]);
    expect(r.channel_open_after_server_cancel).toBe(true);
  });

  it('passive declare of a missing queue raises ChannelClosedByBroker 404 with the exact text', async () => {
    const r = await pika('channel_error_404');
    expect(r.error).toEqual({
      type: 'ChannelClosedByBroker',
      reply_code: 404,
      reply_text: `NOT_FOUND - no queue '${r.queue}' in vhost '/'`,
    });
    expect(r.channel_closed).toBe(true);
    expect(r.connection_open).toBe(true);
    expect(r.new_channel_works).toBe(true);
  });

  it('redeclaring a queue with another durable flag raises ChannelClosedByBroker 406', async () => {
    const r = await pika('channel_error_406');
    expect(r.error).toEqual({
      type: 'ChannelClosedByBroker',
      reply_code: 406,
      reply_text: `PRECONDITION_FAILED - inequivalent arg 'durable' for queue '${r.queue}' in vhost '/': received 'true' but current is 'false'`,
    });
    expect(r.channel_closed).toBe(true);
    expect(r.connection_open).toBe(true);
  });
});
