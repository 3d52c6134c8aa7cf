// /api/queues on a real port: declare / get / list (with disable_stats, enable_queue_totals, the
// detailed list) / delete / purge / get messages / actions with RabbitMQ 3.10.8's JSON shape, status
// codes and texts (checked against the reference whenever WARREN_REFERENCE_MGMT_URL is set), the
// broker's own declare path (equivalence, argument validation, max-queues, persistence) and
// rabbit_channel's permission checks.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, startServices } from '../../src/index.js';
import { expectShapeLike } from '../helpers/shape-compare.js';
import { pollUntil } from '../helpers/wait.js';
import { expectStats, referenceWhen, request, useObjectsTarget } from './objects-target.js';
import { testConfig } from '../helpers/test-config.js';

const env = useObjectsTarget();
const conns: amqp.ChannelModel[] = [];
afterAll(async () => {
  for (const c of conns) await c.close().catch(() => {});
});

async function connect(url: string): Promise<amqp.ChannelModel> {
  const c = await amqp.connect(url);
  c.on('error', () => {});
  conns.push(c);
  return c;
}

/**
 * Keys of RabbitMQ's queue JSON Warren leaves out, with why: none of them has a Warren equivalent.
 */
const QUEUE_IGNORE = [
  'reductions_details', // the rate of the queue process's Erlang scheduler work
  'reductions', // Erlang scheduler work of the queue process
  'idle_since', // Warren does not track when a queue went idle
  'messages_persistent', // not counted by Warren's queues
  'message_bytes_persistent', // not counted by Warren's queues
];
const inList = (keys: string[]): string[] => keys.map((k) => `[].${k}`);

const publish = (queue: string, payload: string, properties: Record<string, unknown> = {}): Promise<unknown> =>
  env.both('POST', '/api/exchanges/%2F/amq.default/publish', { properties, routing_key: queue, payload, payload_encoding: 'string' }, undefined, { status: 200, body: { routed: true } });

describe('declare, get and list', () => {
  it('PUT creates (201) and redeclares (204); GET, the list and the detailed list have RabbitMQ\'s keys and Warren\'s counts', async () => {
    await env.both('PUT', '/api/queues/%2F/objects-t-q1', { durable: true, arguments: { 'x-max-length': 10 } }, undefined, { status: 201, body: null });
    await env.both('PUT', '/api/queues/%2F/objects-t-q1', { durable: true, arguments: { 'x-max-length': 10 } }, undefined, { status: 204 });
    await publish('objects-t-q1', 'hello', { delivery_mode: 2, timestamp: 1700000000 });
    await publish('objects-t-q1', 'hi');
    const q = (await env.both('GET', '/api/queues/%2F/objects-t-q1')).body as Record<string, unknown>;
    expect(q).toMatchObject({
      arguments: { 'x-max-length': 10 },
      auto_delete: false,
      consumer_details: [],
      consumers: 0,
      deliveries: [],
      durable: true,
      effective_policy_definition: {},
      exclusive: false,
      exclusive_consumer_tag: null,
      head_message_timestamp: 1700000000,
      incoming: [],
      message_bytes: 7,
      message_bytes_ready: 7,
      message_bytes_unacknowledged: 0,
      messages: 2,
      messages_ready: 2,
      messages_unacknowledged: 0,
      name: 'objects-t-q1',
      operator_policy: null,
      policy: null,
      recoverable_slaves: null,
      single_active_consumer_tag: null,
      state: 'running',
      type: 'classic',
      vhost: '/',
    });
    expect(Object.keys(q)[0]).toBe('consumer_details');
    // The statistics: the lengths' rates and the two publishes routed to it (the HTTP API's own channel counts them).
    expect(q).toMatchObject({ messages_details: { rate: expect.any(Number) }, messages_ready_details: { rate: expect.any(Number) }, messages_unacknowledged_details: { rate: expect.any(Number) } });
    expect(q.message_stats).toEqual({ publish: 2, publish_details: { rate: expect.any(Number) } });
    const list = await env.pair('GET', '/api/queues/%2F');
    expect((list.warren.body as Array<{ name: string }>).map((x) => x.name)).toEqual(['objects-t-q1']);
    if (env.ref !== undefined) {
      const ref = await referenceWhen(env.ref, '/api/queues/%2F/objects-t-q1', (b: Record<string, unknown>) => b.messages === 2 && 'message_stats' in b);
      expect((ref as { message_stats: unknown }).message_stats).toEqual({ publish: 2, publish_details: { rate: expect.any(Number) } });
      expectShapeLike('queue', q, ref, QUEUE_IGNORE);
      const refList = await referenceWhen(env.ref, '/api/queues/%2F', (b: Array<Record<string, unknown>>) => b.some((x) => x.name === 'objects-t-q1' && x.messages === 2));
      expectShapeLike('queues', list.warren.body, refList, inList(QUEUE_IGNORE));
    } else {
      expectShapeLike('queue', q, undefined, QUEUE_IGNORE);
      expectShapeLike('queues', list.warren.body, undefined, inList(QUEUE_IGNORE));
    }
    // 3.12's detailed list adds each queue's consumers (3.10.8 has no such path: it is the vhost "detailed" there).
    const detailed = (await request(env.warren.base, 'GET', '/api/queues/detailed')).body as Array<Record<string, unknown>>;
    expect(detailed).toEqual([expect.objectContaining({ name: 'objects-t-q1', messages: 2, consumer_details: [], deliveries: [], incoming: [] })]);
  });

  it('disable_stats gives the queue record only (state live); enable_queue_totals adds the three counts', async () => {
    await env.both('PUT', '/api/queues/%2F/objects-t-q2', {}, undefined, { status: 201 });
    await env.both('GET', '/api/queues/%2F/objects-t-q2?disable_stats=true&columns=arguments,auto_delete,durable,exclusive,name,state,type,vhost', undefined, undefined, {
      status: 200,
      body: { arguments: {}, auto_delete: false, durable: false, exclusive: false, name: 'objects-t-q2', state: 'live', type: 'classic', vhost: '/' },
    });
    const basic = (await env.both('GET', '/api/queues/%2F/objects-t-q2?disable_stats=true')).body as Record<string, unknown>;
    expect(Object.keys(basic)).toEqual(['arguments', 'auto_delete', 'durable', 'exclusive', 'name', 'node', 'state', 'type', 'vhost']);
    await env.both('GET', '/api/queues/%2F?disable_stats=true&page=1&name=objects-t-q2&columns=name,state,messages', undefined, undefined, {
      status: 200,
      body: expect.objectContaining({ items: [{ name: 'objects-t-q2', state: 'live' }] }),
    });
    await env.both('GET', '/api/queues/%2F?disable_stats=true&enable_queue_totals=true&page=1&name=objects-t-q2&columns=name,state,messages,messages_ready,messages_unacknowledged', undefined, undefined, {
      status: 200,
      body: expect.objectContaining({ items: [{ messages: 0, messages_ready: 0, messages_unacknowledged: 0, name: 'objects-t-q2', state: 'running' }] }),
    });
  });

  it('message_stats count gets, acks and publishes; ranges give samples; a bad range is a 400 after the 404; PUT counts the churn', async () => {
    const rate = { rate: expect.any(Number) };
    const expected = {
      publish: 3, publish_details: rate, get: 1, get_details: rate, get_no_ack: 1, get_no_ack_details: rate, deliver: 0, deliver_details: rate,
      deliver_no_ack: 0, deliver_no_ack_details: rate, redeliver: 0, redeliver_details: rate, ack: 1, ack_details: rate, deliver_get: 2, deliver_get_details: rate,
      get_empty: 0, get_empty_details: rate,
    };
    const sides: [string, string][] = [[env.warren.amqpUrl, env.warren.base]];
    if (env.ref !== undefined) sides.push([env.refAmqp, env.ref]);
    for (const [url, base] of sides) {
      const c = await connect(url);
      const ch = await c.createChannel();
      await ch.assertQueue('objects-t-wire-st', { durable: false });
      for (let i = 0; i < 3; i++) ch.sendToQueue('objects-t-wire-st', Buffer.from('x'));
      let first: amqp.GetMessage | false = false;
      while (first === false) first = await ch.get('objects-t-wire-st');
      let second: amqp.GetMessage | false = false;
      while (second === false) second = await ch.get('objects-t-wire-st', { noAck: true });
      ch.ack(first);
      const q = (await referenceWhen(base, '/api/queues/%2F/objects-t-wire-st', (b: Record<string, unknown>) => b.messages === 1 && (b.message_stats as { ack?: number } | undefined)?.ack === 1)) as Record<string, unknown>;
      expect(q.message_stats, base).toEqual(expected);
      expect(q, base).toMatchObject({ messages: 1, messages_ready: 1, messages_unacknowledged: 0, messages_details: rate });
      await c.close();
    }
    // With ranges: each count with its samples (age 60 / incr 5: 13), the lengths' newest sample the current length.
    // The newest sample is the sampler's (5 s interval): wait for the tick after the traffic, as RabbitMQ lags too.
    const ranged = await pollUntil(
      async () => (await request(env.warren.base, 'GET', '/api/queues/%2F/objects-t-wire-st?lengths_age=60&lengths_incr=5&msg_rates_age=60&msg_rates_incr=5')).body as Record<string, any>,
      (b) => b.messages === 1 && b.messages_details?.samples?.[0]?.sample === 1,
      { timeoutMs: 12_000, intervalMs: 100 },
    );
    expect(ranged.messages).toBe(1);
    expect(ranged.messages_details).toMatchObject({ rate: expect.any(Number), avg_rate: expect.any(Number), avg: expect.any(Number) });
    expect(ranged.messages_details.samples).toHaveLength(13);
    expect(ranged.messages_details.samples[0]).toEqual({ sample: 1, timestamp: expect.any(Number) });
    expect(ranged.message_stats.ack_details.samples).toHaveLength(13);
    const listed = (await request(env.warren.base, 'GET', '/api/queues/%2F?msg_rates_age=60&msg_rates_incr=5')).body as Array<Record<string, any>>;
    expect(listed.find((x) => x.name === 'objects-t-wire-st')?.message_stats.get_details.samples).toHaveLength(13);

    const reason = 'Invalid range parameters: age 30, incr 0';
    await env.both('GET', '/api/queues?lengths_age=30&lengths_incr=0', undefined, undefined, { status: 400, body: { error: 'invalid_range_parameters', reason } });
    await env.both('GET', '/api/queues/%2F?msg_rates_age=30&msg_rates_incr=0', undefined, undefined, { status: 400, body: { error: 'invalid_range_parameters', reason } });
    await env.both('GET', '/api/queues/%2F/objects-t-wire-st?lengths_age=30&lengths_incr=0', undefined, undefined, { status: 400, body: { error: 'bad_request', reason } });
    await env.both('GET', '/api/queues/%2F/objects-t-wire-none?lengths_age=30&lengths_incr=0', undefined, undefined, { status: 404 });
    await env.both('GET', '/api/queues/objects-t-wire-none?lengths_age=30&lengths_incr=0', undefined, undefined, { status: 404 });
    // disable_stats skips the statistics, their ranges with them.
    const plain = await env.both('GET', '/api/queues/%2F?disable_stats=true&lengths_age=30&lengths_incr=0', undefined, undefined, { status: 200 });
    expect((plain.body as Array<Record<string, unknown>>).every((x) => x.message_stats === undefined && x.messages_details === undefined)).toBe(true);

    // PUT /api/queues is a queue.declare in RabbitMQ's churn: declared every time, created once.
    const churn = async (): Promise<Record<string, number>> => ((await request(env.warren.base, 'GET', '/api/overview')).body as { churn_rates: Record<string, number> }).churn_rates;
    const before = await churn();
    await request(env.warren.base, 'PUT', '/api/queues/%2F/objects-t-wire-churn', {});
    await request(env.warren.base, 'PUT', '/api/queues/%2F/objects-t-wire-churn', {});
    const after = await churn();
    expect([after.queue_declared - before.queue_declared, after.queue_created - before.queue_created, after.channel_created - before.channel_created]).toEqual([2, 1, 0]);
    await env.both('DELETE', '/api/queues/%2F/objects-t-wire-st', undefined, undefined, { status: 204 });
    await request(env.warren.base, 'DELETE', '/api/queues/%2F/objects-t-wire-churn');
  });

  it('a policy that matches shows as policy and effective_policy_definition, and acts (max-length)', async () => {
    await env.both('PUT', '/api/policies/%2F/objects-t-qpol', { pattern: '^objects-t-pol$', definition: { 'max-length': 1 }, 'apply-to': 'queues' }, undefined, { status: 201 });
    await env.both('PUT', '/api/queues/%2F/objects-t-pol', {}, undefined, { status: 201 });
    await publish('objects-t-pol', 'a');
    await publish('objects-t-pol', 'b');
    await expectStats(env, '/api/queues/%2F/objects-t-pol?columns=policy,effective_policy_definition,messages', { effective_policy_definition: { 'max-length': 1 }, messages: 1, policy: 'objects-t-qpol' });
    await env.both('DELETE', '/api/policies/%2F/objects-t-qpol', undefined, undefined, { status: 204 });
    await env.both('DELETE', '/api/queues/%2F/objects-t-pol', undefined, undefined, { status: 204 });
  });

  it('lists take RabbitMQ\'s sort, columns and pagination', async () => {
    const r = await request(env.warren.base, 'GET', '/api/queues?sort=messages&sort_reverse=true&columns=name,messages');
    expect(r.body).toEqual([
      { messages: 2, name: 'objects-t-q1' },
      { messages: 0, name: 'objects-t-q2' },
    ]);
    await env.both('GET', '/api/queues/%2F?page=1&page_size=1&name=OBJECTS-T-Q&columns=name', undefined, undefined, {
      status: 200,
      body: expect.objectContaining({ filtered_count: 2, item_count: 1, items: [{ name: 'objects-t-q1' }], page: 1, page_count: 2, page_size: 1 }),
    });
    await env.both('GET', '/api/queues/%2F?page=2&page_size=1&name=^objects-t-q[12]$&use_regex=true&columns=name', undefined, undefined, {
      status: 200,
      body: expect.objectContaining({ filtered_count: 2, items: [{ name: 'objects-t-q2' }] }),
    });
    await env.both('GET', '/api/queues/%2F?page=9&page_size=1&name=objects-t-q', undefined, undefined, {
      status: 400,
      body: { error: 'page_out_of_range', reason: 'Page out of range, page: 9 page size: 1, len: 2' },
    });
    await env.both('GET', '/api/queues/%2F?page=1&page_size=600', undefined, undefined, {
      status: 400,
      body: { error: 'invalid_pagination_parameters', reason: 'Invalid pagination parameters: page number 1, page size 600' },
    });
  });

  it('answers 404 for a missing queue or vhost, 405 for a method the path does not take', async () => {
    const notFound = { status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } };
    await env.both('GET', '/api/queues/%2F/objects-t-nosuch', undefined, undefined, notFound);
    await env.both('GET', '/api/queues/objects-t-nosuchv', undefined, undefined, notFound);
    await env.both('DELETE', '/api/queues/%2F/objects-t-nosuch', undefined, undefined, notFound);
    await env.both('DELETE', '/api/queues/%2F/objects-t-nosuch/contents', undefined, undefined, notFound);
    await env.both('PUT', '/api/queues/objects-t-nosuchv/q', {}, undefined, { status: 404, body: { error: 'not_found', reason: 'vhost_not_found' } });
    await env.both('GET', '/api/queues/%2F/objects-t-q2/get', undefined, undefined, { status: 405 });
    await env.both('POST', '/api/queues/%2F/objects-t-q2', {}, undefined, { status: 405 });
  });
});

describe('refusals', () => {
  it('PUT refuses what queue.declare refuses, with RabbitMQ\'s texts, and changes nothing', async () => {
    const bad = (reason: unknown): { status: number; body: unknown } => ({ status: 400, body: { error: 'bad_request', reason } });
    const q1 = '/api/queues/%2F/objects-t-q1';
    await env.both('PUT', q1, { durable: true, arguments: { 'x-max-length': 11 } }, undefined, bad("inequivalent arg 'x-max-length' for queue 'objects-t-q1' in vhost '/': received '11' but current is '10'"));
    await env.both('PUT', q1, {}, undefined, bad("inequivalent arg 'durable' for queue 'objects-t-q1' in vhost '/': received 'false' but current is 'true'"));
    await env.both('PUT', q1, { durable: true, auto_delete: 'x', arguments: { 'x-max-length': 10 } }, undefined, bad(['not_boolean', 'x']));
    const q3 = '/api/queues/%2F/objects-t-q3';
    await env.both('PUT', q3, { arguments: { 'x-message-ttl': -1 } }, undefined, bad("invalid arg 'x-message-ttl' for queue 'objects-t-q3' in vhost '/': {value_negative,-1}"));
    await env.both('PUT', q3, { arguments: { 'x-message-ttl': 'abc' } }, undefined, bad("invalid arg 'x-message-ttl' for queue 'objects-t-q3' in vhost '/': \"expected integer, got longstr\""));
    await env.both('PUT', q3, { arguments: { 'x-expires': 0 } }, undefined, bad("invalid arg 'x-expires' for queue 'objects-t-q3' in vhost '/': {value_zero,0}"));
    await env.both('PUT', q3, { arguments: { 'x-max-priority': null } }, undefined, bad('null_not_allowed'));
    await env.both('PUT', q3, 'notjson', undefined, bad('not_json'));
    await env.both('PUT', `/api/queues/%2F/${'a'.repeat(256)}`, {}, undefined, bad('queue should be less than 255 bytes, actually was 256\n'));
    await env.both('PUT', '/api/queues/%2F/amq.objects-t', {}, undefined, { status: 401, body: { error: 'not_authorised', reason: 'Access refused.' } });
    await env.both('GET', q3, undefined, undefined, { status: 404 });
    await env.both('GET', `${q1}?columns=durable,arguments`, undefined, undefined, { status: 200, body: { arguments: { 'x-max-length': 10 }, durable: true } });
    // RabbitMQ 3.10.8 answers 500 for arguments that are not an object: Warren 400.
    expect((await request(env.warren.base, 'PUT', q3, { arguments: 'x' })).status).toBe(400);
    expect((await request(env.warren.base, 'GET', q3)).status).toBe(404);
  });

  it('"exclusive" in the body declares an ordinary queue (the API\'s direct request owns no connection)', async () => {
    await env.both('PUT', '/api/queues/%2F/objects-t-ex', { exclusive: true }, undefined, { status: 201 });
    await env.both('GET', '/api/queues/%2F/objects-t-ex?columns=exclusive', undefined, undefined, { status: 200, body: { exclusive: false } });
    await env.both('DELETE', '/api/queues/%2F/objects-t-ex', undefined, undefined, { status: 204 });
  });

  it('max-queues refuses the next queue with RabbitMQ\'s text', async () => {
    await env.both('PUT', '/api/vhosts/objects-t-lim', undefined, undefined, { status: 201 });
    await env.both('PUT', '/api/vhost-limits/objects-t-lim/max-queues', { value: 1 }, undefined, { status: 204 });
    await env.both('PUT', '/api/queues/objects-t-lim/a', {}, undefined, { status: 201 });
    await env.both('PUT', '/api/queues/objects-t-lim/b', {}, undefined, {
      status: 400,
      body: { error: 'bad_request', reason: "cannot declare queue 'b': queue limit in vhost 'objects-t-lim' (1) is reached" },
    });
    await env.both('DELETE', '/api/vhosts/objects-t-lim', undefined, undefined, { status: 204 });
  });

  it('applies the user\'s configure / read patterns to PUT, DELETE, purge and get', async () => {
    await env.addUser('objects-t-qu', 'management', { configure: '^objects-t-c', write: '^objects-t-w', read: '^objects-t-r' });
    await env.addUser('objects-t-qadm', 'administrator', null);
    const refused = { status: 401, body: { error: 'not_authorised', reason: 'Access refused.' } };
    await env.both('PUT', '/api/queues/%2F/objects-t-cq', {}, 'objects-t-qu', { status: 201 });
    await env.both('PUT', '/api/queues/%2F/objects-t-zq', {}, 'objects-t-qu', refused);
    // A new queue with a dead-letter exchange also needs read on itself and write on the DLX.
    await env.both('PUT', '/api/queues/%2F/objects-t-cq2', { arguments: { 'x-dead-letter-exchange': 'objects-t-wx' } }, 'objects-t-qu', refused);
    await env.both('PUT', '/api/queues/%2F/objects-t-cq3', {}, 'objects-t-qadm', refused);
    await env.both('DELETE', '/api/queues/%2F/objects-t-q2', undefined, 'objects-t-qu', refused);
    await env.both('DELETE', '/api/queues/%2F/objects-t-q2', undefined, 'objects-t-qadm', refused);
    await env.both('DELETE', '/api/queues/%2F/objects-t-q2/contents', undefined, 'objects-t-qu', refused);
    const get = { count: 1, ackmode: 'ack_requeue_true', encoding: 'auto' };
    await env.both('POST', '/api/queues/%2F/objects-t-q2/get', get, 'objects-t-qu', {
      status: 401,
      body: { error: 'not_authorised', reason: "ACCESS_REFUSED - access to queue 'objects-t-q2' in vhost '/' refused for user 'objects-t-qu'" },
    });
    await env.both('POST', '/api/queues/%2F/objects-t-q2/get', get, 'objects-t-qadm', refused);
    await env.both('POST', '/api/queues/%2F/objects-t-q2/actions', { action: 'sync' }, 'objects-t-qu', { status: 401, body: { error: 'not_authorised', reason: 'Not administrator user' } });
    await env.both('DELETE', '/api/queues/%2F/objects-t-cq', undefined, 'objects-t-qu', { status: 204 });
  });
});

describe('get, purge, delete', () => {
  it('POST get: the four ack modes, truncate and the encodings, with RabbitMQ\'s message JSON', async () => {
    const q = 'objects-t-g';
    await env.both('PUT', `/api/queues/%2F/${q}`, {}, undefined, { status: 201 });
    const props = { delivery_mode: 2, headers: { h: 1, s: 'x', n: { a: [1, 2] } }, content_type: 'text/plain', priority: 3, timestamp: 1700000000, message_id: 'm1', correlation_id: 'c', reply_to: 'r', expiration: '60000', type: 't', user_id: 'guest', app_id: 'app', cluster_id: 'cl' };
    await publish(q, 'hello world', props);
    await env.both('POST', '/api/exchanges/%2F/amq.default/publish', { properties: {}, routing_key: q, payload: '/w==', payload_encoding: 'base64' }, undefined, { status: 200 });
    const getPath = `/api/queues/%2F/${q}/get`;
    const first = {
      payload_bytes: 11,
      redelivered: false,
      exchange: '',
      routing_key: q,
      message_count: 1,
      properties: { cluster_id: 'cl', app_id: 'app', user_id: 'guest', type: 't', timestamp: 1700000000, message_id: 'm1', expiration: '60000', reply_to: 'r', correlation_id: 'c', priority: 3, delivery_mode: 2, headers: { h: 1, n: { a: [1, 2] }, s: 'x' }, content_type: 'text/plain' },
      payload: 'hello',
      payload_encoding: 'string',
    };
    // ack_requeue_true: both messages, left in the queue (then redelivered); the first cut to 5 bytes; a body that is not UTF-8 as base64.
    const r = await env.both('POST', getPath, { count: 5, ackmode: 'ack_requeue_true', encoding: 'auto', truncate: 5 }, undefined, {
      status: 200,
      body: [first, { payload_bytes: 1, redelivered: false, exchange: '', routing_key: q, message_count: 0, properties: [], payload: '/w==', payload_encoding: 'base64' }],
    });
    expect(Object.keys((r.body as Array<Record<string, unknown>>)[0].properties as object)[0]).toBe('cluster_id');
    await env.both('POST', getPath, { count: 1, ackmode: 'reject_requeue_true', encoding: 'base64' }, undefined, {
      status: 200,
      body: [{ ...first, redelivered: true, payload: Buffer.from('hello world').toString('base64'), payload_encoding: 'base64' }],
    });
    await env.both('POST', getPath, { count: 0, ackmode: 'ack_requeue_true', encoding: 'auto' }, undefined, { status: 200, body: [] });
    // A count may be a string of digits.
    await env.both('POST', getPath, { count: '1', ackmode: 'ack_requeue_false', encoding: 'auto' }, undefined, {
      status: 200,
      body: [{ ...first, redelivered: true, payload: 'hello world' }],
    });
    await expectStats(env, `/api/queues/%2F/${q}?columns=messages`, { messages: 1 });
    // reject_requeue_false drops (or dead-letters) it; a negative count gets until the queue is empty.
    await env.both('POST', getPath, { count: -1, ackmode: 'reject_requeue_false', encoding: 'auto' }, undefined, {
      status: 200,
      body: [expect.objectContaining({ payload_bytes: 1, redelivered: true })],
    });
    await env.both('POST', getPath, { count: 3, ackmode: 'ack_requeue_true', encoding: 'auto' }, undefined, { status: 200, body: [] });

    const bad = (reason: unknown): { status: number; body: unknown } => ({ status: 400, body: { error: 'bad_request', reason } });
    await env.both('POST', getPath, { count: 1, ackmode: 'ack_requeue_true', encoding: 'utf8' }, undefined, bad('Unsupported encoding. Please use auto or base64.'));
    await env.both('POST', getPath, { count: 1, ackmode: 'ack_requeue_true' }, undefined, bad('[{key_missing,encoding}]'));
    await env.both('POST', getPath, { count: 'x', ackmode: 'ack_requeue_true', encoding: 'auto' }, undefined, bad(['not_integer', 'x']));
    await env.both('POST', getPath, { count: 1, ackmode: 'ack_requeue_true', encoding: 'auto', truncate: 'x' }, undefined, bad(['not_integer', 'x']));
    await env.both('POST', getPath, 'nojson', undefined, bad('not_json'));
    await env.both('POST', '/api/queues/%2F/objects-t-nosuch/get', { count: 1, ackmode: 'ack_requeue_true', encoding: 'auto' }, undefined, {
      status: 404,
      body: { error: 'not_found', reason: "NOT_FOUND - no queue 'objects-t-nosuch' in vhost '/'" },
    });
    await env.both('POST', '/api/queues/objects-t-nosuchv/x/get', { count: 1, ackmode: 'ack_requeue_true', encoding: 'auto' }, undefined, {
      status: 401,
      body: { error: 'not_authorised', reason: 'Access refused.' },
    });
    // RabbitMQ 3.10.8 answers 500 for an unknown ack mode.
    expect((await request(env.warren.base, 'POST', getPath, { count: 1, ackmode: 'bogus', encoding: 'auto' })).status).toBe(400);
  });

  it('reject_requeue_false dead-letters through the queue\'s dead-letter exchange', async () => {
    await env.both('PUT', '/api/queues/%2F/objects-t-dlq', {}, undefined, { status: 201 });
    await env.both('PUT', '/api/queues/%2F/objects-t-src', { arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'objects-t-dlq' } }, undefined, { status: 201 });
    await publish('objects-t-src', 'dead');
    await env.both('POST', '/api/queues/%2F/objects-t-src/get', { count: 1, ackmode: 'reject_requeue_false', encoding: 'auto' }, undefined, { status: 200 });
    const got = await env.both('POST', '/api/queues/%2F/objects-t-dlq/get', { count: 1, ackmode: 'ack_requeue_false', encoding: 'auto' }, undefined, { status: 200 });
    const m = (got.body as Array<{ payload: string; properties: { headers: Record<string, unknown> } }>)[0];
    expect(m.payload).toBe('dead');
    expect(m.properties.headers['x-first-death-reason']).toBe('rejected');
  });

  it('purge empties the queue; delete honours if-empty and if-unused', async () => {
    const q = 'objects-t-pd';
    await env.both('PUT', `/api/queues/%2F/${q}`, {}, undefined, { status: 201 });
    await publish(q, 'a');
    await env.both('DELETE', `/api/queues/%2F/${q}?if-empty=true`, undefined, undefined, { status: 400, body: { error: 'bad_request', reason: `queue '${q}' in vhost '/' not empty` } });
    await env.both('DELETE', `/api/queues/%2F/${q}/contents`, undefined, undefined, { status: 204 });
    await expectStats(env, `/api/queues/%2F/${q}?columns=messages`, { messages: 0 });
    // A consumer makes it "in use" (on both brokers: one consumer each).
    for (const url of [env.warren.amqpUrl, ...(env.ref === undefined ? [] : [env.refAmqp])]) {
      const c = await connect(url);
      const ch = await c.createChannel();
      await ch.consume(q, () => {});
    }
    await env.both('DELETE', `/api/queues/%2F/${q}?if-unused=true`, undefined, undefined, { status: 400, body: { error: 'bad_request', reason: `queue '${q}' in vhost '/' in use` } });
    await env.both('DELETE', `/api/queues/%2F/${q}?if-empty=true`, undefined, undefined, { status: 204 });
    await env.both('GET', `/api/queues/%2F/${q}`, undefined, undefined, { status: 404 });
  });

  it('actions: sync and cancel_sync succeed (no mirrors), others are 400', async () => {
    await env.both('POST', '/api/queues/%2F/objects-t-q1/actions', { action: 'sync' }, undefined, { status: 204 });
    await env.both('POST', '/api/queues/%2F/objects-t-q1/actions', { action: 'cancel_sync' }, undefined, { status: 204 });
    await env.both('POST', '/api/queues/%2F/objects-t-q1/actions', { action: 'foo' }, undefined, { status: 400, body: { error: 'bad_request', reason: ['unknown', 'foo'] } });
    await env.both('POST', '/api/queues/%2F/objects-t-q1/actions', {}, undefined, { status: 400, body: { error: 'bad_request', reason: '[{key_missing,action}]' } });
  });
});

describe('consumers', () => {
  it('a single queue lists its consumers (consumer_details) and the exclusive and single-active consumer tags', async () => {
    const refs: Array<[string, string]> = [[env.warren.base, env.warren.amqpUrl], ...(env.ref === undefined ? [] : ([[env.ref, env.refAmqp]] as Array<[string, string]>))];
    const bodies: Record<string, unknown>[] = [];
    for (const [base, url] of refs) {
      const c = await connect(url);
      const ch = await c.createChannel();
      await ch.assertQueue('objects-t-sac', { durable: false, arguments: { 'x-single-active-consumer': true } });
      await ch.prefetch(3);
      await ch.consume('objects-t-sac', () => {}, { consumerTag: 'objects-t-first' });
      await ch.consume('objects-t-sac', () => {}, { consumerTag: 'objects-t-second' });
      await ch.assertQueue('objects-t-exq', { durable: false });
      await ch.consume('objects-t-exq', () => {}, { consumerTag: 'objects-t-ex', exclusive: true });
      const sac = (await referenceWhen(base, '/api/queues/%2F/objects-t-sac', (b: Record<string, unknown>) => b.consumers === 2 && Array.isArray(b.consumer_details) && b.consumer_details.length === 2)) as Record<string, unknown>;
      expect(sac).toMatchObject({ consumers: 2, single_active_consumer_tag: 'objects-t-first', exclusive_consumer_tag: null });
      const details = sac.consumer_details as Array<Record<string, unknown>>;
      expect(details.map((d) => [d.consumer_tag, d.active, d.activity_status]).sort()).toEqual([
        ['objects-t-first', true, 'single_active'],
        ['objects-t-second', false, 'waiting'],
      ]);
      expect(details[0]).toMatchObject({ ack_required: true, exclusive: false, prefetch_count: 3, queue: { name: 'objects-t-sac', vhost: '/' } });
      const ex = (await referenceWhen(base, '/api/queues/%2F/objects-t-exq', (b: Record<string, unknown>) => b.consumers === 1)) as Record<string, unknown>;
      expect(ex).toMatchObject({ exclusive_consumer_tag: 'objects-t-ex', single_active_consumer_tag: null, consumer_capacity: 1 });
      bodies.push(sac);
      await c.close();
    }
    expectShapeLike('queue-with-consumers', bodies[0], bodies[1], QUEUE_IGNORE);
  });
});

describe('persistence', () => {
  it('durable queues, exchanges and bindings declared through the API survive a restart, with their properties_key', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-objects-'));
    const config = testConfig({ dataDir });
    try {
      let s = await startServices(config, createLogger('silent'));
      let base = `http://127.0.0.1:${s.management.port}`;
      expect((await request(base, 'PUT', '/api/exchanges/%2F/objects-t-px', { type: 'headers', durable: true })).status).toBe(201);
      expect((await request(base, 'PUT', '/api/queues/%2F/objects-t-pq', { durable: true, arguments: { 'x-max-length': 5 } })).status).toBe(201);
      expect((await request(base, 'PUT', '/api/queues/%2F/objects-t-tq', { durable: false })).status).toBe(201);
      const bound = await request(base, 'POST', '/api/bindings/%2F/e/objects-t-px/q/objects-t-pq', { routing_key: 'k', arguments: { 'x-match': 'any', n: 1 } });
      expect(bound.status).toBe(201);
      expect((await request(base, 'POST', '/api/exchanges/%2F/amq.default/publish', { properties: { delivery_mode: 2 }, routing_key: 'objects-t-pq', payload: 'kept', payload_encoding: 'string' })).body).toEqual({ routed: true });
      const before = (await request(base, 'GET', '/api/bindings/%2F/e/objects-t-px/q/objects-t-pq')).body;
      await s.close();
      s = await startServices(config, createLogger('silent'));
      base = `http://127.0.0.1:${s.management.port}`;
      try {
        expect((await request(base, 'GET', '/api/queues/%2F/objects-t-pq?columns=durable,arguments,messages')).body).toEqual({ arguments: { 'x-max-length': 5 }, durable: true, messages: 1 });
        expect((await request(base, 'GET', '/api/queues/%2F/objects-t-tq')).status).toBe(404);
        expect((await request(base, 'GET', '/api/exchanges/%2F/objects-t-px?columns=type,durable')).body).toEqual({ durable: true, type: 'headers' });
        expect((await request(base, 'GET', '/api/bindings/%2F/e/objects-t-px/q/objects-t-pq')).body).toEqual(before);
        expect(bound.location).toBe(`objects-t-pq/${(before as Array<{ properties_key: string }>)[0].properties_key}`);
      } finally {
        await s.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
