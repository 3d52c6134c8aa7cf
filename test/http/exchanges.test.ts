// /api/exchanges on a real port: declare / get / list / delete / publish with RabbitMQ 3.10.8's JSON
// shape, status codes and error texts (every expectation below was checked against the reference,
// and is again whenever WARREN_REFERENCE_MGMT_URL is set), rabbit_channel's permission checks, the
// broker's own declare path (equivalence, arguments, policies) and nothing changed by a refused request.
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { expectShapeLike } from '../helpers/shape-compare.js';
import { pollUntil } from '../helpers/wait.js';
import { referenceWhen, request, useObjectsTarget } from './objects-target.js';

const env = useObjectsTarget();
const conns: amqp.ChannelModel[] = [];
afterAll(async () => {
  for (const c of conns) await c.close().catch(() => {});
});

// Keys RabbitMQ's answers have that Warren leaves out: none (message_stats included).
const STATS: string[] = [];

describe('declare, get and list', () => {
  it('PUT creates (201) and redeclares (204); GET and the lists give RabbitMQ\'s JSON', async () => {
    await env.both('PUT', '/api/exchanges/%2F/objects-t-x1', { type: 'topic', durable: true, arguments: { 'alternate-exchange': 'amq.fanout' } }, undefined, { status: 201, body: null });
    await env.both('PUT', '/api/exchanges/%2F/objects-t-x1', { type: 'topic', durable: true, arguments: { 'alternate-exchange': 'amq.fanout' } }, undefined, { status: 204 });
    const expected = {
      arguments: { 'alternate-exchange': 'amq.fanout' },
      auto_delete: false,
      durable: true,
      incoming: [],
      internal: false,
      name: 'objects-t-x1',
      outgoing: [],
      type: 'topic',
      user_who_performed_action: 'guest',
      vhost: '/',
    };
    const one = await env.pair('GET', '/api/exchanges/%2F/objects-t-x1');
    expect(one.warren).toEqual({ status: 200, body: expected });
    if (one.reference !== undefined) expect(one.reference.body).toEqual(expected);
    expectShapeLike('exchange', one.warren.body, one.reference?.body, STATS);

    // The default exchange is amq.default in paths and "" in JSON; the standard ones were made by the node.
    await env.both('GET', '/api/exchanges/%2F/amq.default?columns=name,type,durable,user_who_performed_action', undefined, undefined, {
      status: 200,
      body: { durable: true, name: '', type: 'direct', user_who_performed_action: 'rmq-internal' },
    });

    const paged = await env.pair('GET', '/api/exchanges/%2F?page=1&page_size=10&name=objects-t-x&columns=name,type,durable');
    expect(paged.warren.body).toEqual({ filtered_count: 1, item_count: 1, items: [{ durable: true, name: 'objects-t-x1', type: 'topic' }], page: 1, page_count: 1, page_size: 10, total_count: 7 });
    if (paged.reference !== undefined) expect((paged.reference.body as { items: unknown }).items).toEqual([{ durable: true, name: 'objects-t-x1', type: 'topic' }]);

    // One publish through the default exchange, so that the list has an exchange with message_stats.
    await env.both('PUT', '/api/queues/%2F/objects-t-wire-xq', {}, undefined, { status: 201 });
    await env.both('POST', '/api/exchanges/%2F/amq.default/publish', { properties: {}, routing_key: 'objects-t-wire-xq', payload: 'x', payload_encoding: 'string' }, undefined, { status: 200, body: { routed: true } });
    const list = await env.pair('GET', '/api/exchanges/%2F');
    const mine = (b: unknown): unknown => (b as Array<{ name: string }>).find((x) => x.name === 'objects-t-x1');
    expect(mine(list.warren.body)).toEqual({ ...expected, incoming: undefined, outgoing: undefined });
    const dflt = (list.warren.body as Array<Record<string, unknown>>).find((x) => x.name === '');
    expect(dflt?.message_stats).toEqual({ publish_in: 1, publish_in_details: { rate: expect.any(Number) }, publish_out: 1, publish_out_details: { rate: expect.any(Number) } });
    await env.both('DELETE', '/api/queues/%2F/objects-t-wire-xq', undefined, undefined, { status: 204 });
    expectShapeLike('exchanges', list.warren.body, list.reference?.body, STATS);
    const all = (await env.both('GET', '/api/exchanges?columns=name,vhost')).body as Array<{ name: string; vhost: string }>;
    // RabbitMQ's default sort: vhost, then name (bytes: "" first, upper case before lower).
    expect(all.map((x) => x.name)).toEqual(['', 'amq.direct', 'amq.fanout', 'amq.headers', 'amq.match', 'amq.topic', 'objects-t-x1']);
  });

  it('message_stats: publish_in counts publishes, publish_out the queues they reached; ranges, disable_stats and bad ranges as RabbitMQ', async () => {
    const rate = { rate: expect.any(Number) };
    const sides: [string, string][] = [[env.warren.amqpUrl, env.warren.base]];
    if (env.ref !== undefined) sides.push([env.refAmqp, env.ref]);
    for (const [url, base] of sides) {
      const c = await amqp.connect(url);
      conns.push(c);
      const ch = await c.createConfirmChannel();
      await ch.assertExchange('objects-t-wire-fan', 'fanout', { durable: false });
      await ch.assertExchange('objects-t-wire-none', 'fanout', { durable: false });
      for (const q of ['objects-t-wire-f1', 'objects-t-wire-f2']) {
        await ch.assertQueue(q, { durable: false });
        await ch.bindQueue(q, 'objects-t-wire-fan', '');
      }
      for (let i = 0; i < 3; i++) ch.publish('objects-t-wire-fan', '', Buffer.from('x'));
      ch.publish('objects-t-wire-none', '', Buffer.from('x'));
      await ch.waitForConfirms();
      const fan = (await referenceWhen(base, '/api/exchanges/%2F/objects-t-wire-fan', (b: Record<string, unknown>) => {
        // RabbitMQ reports publish_in and publish_out separately, each up to one interval late.
        const ms = b.message_stats as { publish_in?: number; publish_out?: number } | undefined;
        return ms?.publish_in === 3 && ms.publish_out === 6;
      })) as Record<string, unknown>;
      expect(fan.message_stats, base).toEqual({ publish_in: 3, publish_in_details: rate, publish_out: 6, publish_out_details: rate });
      // Published to but routed nowhere: publish_in only.
      const none = (await referenceWhen(base, '/api/exchanges/%2F/objects-t-wire-none', (b: Record<string, unknown>) => b.message_stats !== undefined)) as Record<string, unknown>;
      expect(none.message_stats, base).toEqual({ publish_in: 1, publish_in_details: rate });
      // One exchange keeps its message_stats with disable_stats; the lists drop them (and ignore the ranges).
      const one = (await request(base, 'GET', '/api/exchanges/%2F/objects-t-wire-fan?disable_stats=true')).body as Record<string, unknown>;
      expect(one.message_stats, base).toBeDefined();
      const plain = (await request(base, 'GET', '/api/exchanges/%2F?disable_stats=true&msg_rates_age=30&msg_rates_incr=0')).body as Array<Record<string, unknown>>;
      expect(plain.find((x) => x.name === 'objects-t-wire-fan'), base).toEqual(expect.not.objectContaining({ message_stats: expect.anything() }));
      await c.close();
    }
    // With a range the counts are the newest sample (as RabbitMQ's): wait for the sampler's next tick (5 s interval).
    const ranged = await pollUntil(
      async () => (await request(env.warren.base, 'GET', '/api/exchanges/%2F/objects-t-wire-fan?msg_rates_age=60&msg_rates_incr=5')).body as Record<string, any>,
      (b) => b.message_stats?.publish_in === 3 && b.message_stats?.publish_out === 6,
      { timeoutMs: 12_000, intervalMs: 100 },
    );
    expect(ranged.message_stats.publish_in).toBe(3);
    expect(ranged.message_stats.publish_out_details).toMatchObject({ rate: expect.any(Number), avg_rate: expect.any(Number), avg: expect.any(Number) });
    expect(ranged.message_stats.publish_out_details.samples).toHaveLength(13);
    expect(ranged.message_stats.publish_out_details.samples[0]).toEqual({ sample: 6, timestamp: expect.any(Number) });

    const reason = 'Invalid range parameters: age 30, incr 0';
    await env.both('GET', '/api/exchanges?msg_rates_age=30&msg_rates_incr=0', undefined, undefined, { status: 400, body: { error: 'invalid_range_parameters', reason } });
    await env.both('GET', '/api/exchanges/%2F/objects-t-wire-fan?msg_rates_age=30&msg_rates_incr=0', undefined, undefined, { status: 400, body: { error: 'bad_request', reason } });
    await env.both('GET', '/api/exchanges/%2F/objects-t-wire-nothing?msg_rates_age=30&msg_rates_incr=0', undefined, undefined, { status: 404 });
    await env.both('GET', '/api/exchanges/objects-t-wire-nothing?msg_rates_age=30&msg_rates_incr=0', undefined, undefined, { status: 404 });
    for (const q of ['objects-t-wire-f1', 'objects-t-wire-f2']) await env.both('DELETE', `/api/queues/%2F/${q}`, undefined, undefined, { status: 204 });
    for (const x of ['objects-t-wire-fan', 'objects-t-wire-none']) await env.both('DELETE', `/api/exchanges/%2F/${x}`, undefined, undefined, { status: 204 });
  });

  it('HTTP publishes count in the vhost\'s totals (publish, confirm, return_unroutable) as RabbitMQ\'s own channel does', async () => {
    const totals = async (): Promise<Record<string, number>> => {
      const v = (await request(env.warren.base, 'GET', '/api/vhosts/%2F')).body as { message_stats?: Record<string, number> };
      return v.message_stats ?? {};
    };
    const before = await totals();
    await request(env.warren.base, 'PUT', '/api/queues/%2F/objects-t-wire-hp', {});
    const body = { properties: {}, payload: 'x', payload_encoding: 'string' };
    expect((await request(env.warren.base, 'POST', '/api/exchanges/%2F/amq.default/publish', { ...body, routing_key: 'objects-t-wire-hp' })).body).toEqual({ routed: true });
    expect((await request(env.warren.base, 'POST', '/api/exchanges/%2F/amq.default/publish', { ...body, routing_key: 'objects-t-wire-nowhere' })).body).toEqual({ routed: false });
    const after = await totals();
    const d = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
    expect([d('publish'), d('confirm'), d('return_unroutable'), d('drop_unroutable')]).toEqual([2, 2, 1, 0]);
    await request(env.warren.base, 'DELETE', '/api/queues/%2F/objects-t-wire-hp');
  });

  it('answers 404 for a missing exchange or vhost', async () => {
    const notFound = { status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } };
    await env.both('GET', '/api/exchanges/%2F/objects-t-nosuch', undefined, undefined, notFound);
    await env.both('GET', '/api/exchanges/objects-t-nosuchv/x', undefined, undefined, notFound);
    await env.both('GET', '/api/exchanges/objects-t-nosuchv', undefined, undefined, notFound);
    await env.both('PUT', '/api/exchanges/objects-t-nosuchv/x', { type: 'direct' }, undefined, { status: 404, body: { error: 'not_found', reason: 'vhost_not_found' } });
  });

  it('a policy that matches shows on the exchange', async () => {
    await env.both('PUT', '/api/policies/%2F/objects-t-pol', { pattern: '^objects-t-px$', definition: { 'alternate-exchange': 'amq.direct' }, 'apply-to': 'exchanges' }, undefined, { status: 201 });
    await env.both('PUT', '/api/exchanges/%2F/objects-t-px', { type: 'fanout' }, undefined, { status: 201 });
    // The reference applies policies asynchronously: Warren at once.
    expect((await env.both('GET', '/api/exchanges/%2F/objects-t-px?columns=name,policy')).body).toEqual({ name: 'objects-t-px', policy: 'objects-t-pol' });
    await env.both('DELETE', '/api/policies/%2F/objects-t-pol', undefined, undefined, { status: 204 });
    await env.both('DELETE', '/api/exchanges/%2F/objects-t-px', undefined, undefined, { status: 204 });
  });
});

describe('refusals', () => {
  it('PUT refuses what rabbit_channel refuses, with RabbitMQ\'s texts, and changes nothing', async () => {
    await env.both('PUT', '/api/exchanges/%2F/objects-t-e1', { type: 'direct', durable: true }, undefined, { status: 201 });
    const bad = (reason: unknown): { status: number; body: unknown } => ({ status: 400, body: { error: 'bad_request', reason } });
    const cases: Array<[unknown, { status: number; body: unknown }]> = [
      [{ type: 'fanout', durable: true }, bad("inequivalent arg 'type' for exchange 'objects-t-e1' in vhost '/': received 'fanout' but current is 'direct'")],
      // A missing type is direct, missing flags are false (the method record's defaults).
      [{ type: 'direct' }, bad("inequivalent arg 'durable' for exchange 'objects-t-e1' in vhost '/': received 'false' but current is 'true'")],
      [{ durable: true, auto_delete: true }, bad("inequivalent arg 'auto_delete' for exchange 'objects-t-e1' in vhost '/': received 'true' but current is 'false'")],
      [{ type: 'direct', durable: 'yes' }, bad(['not_boolean', 'yes'])],
      [{ type: 'direct', durable: 1 }, bad(['not_boolean', 1])],
      [{ type: 'direct', durable: true, arguments: { a: null } }, bad('null_not_allowed')],
      ['notjson', bad('not_json')],
      ['[1]', bad('not_json')],
      ['"s"', bad('invalid payload: the request body JSON-decoded to a string. Is the input doubly-JSON-encoded?')],
    ];
    for (const [body, expected] of cases) await env.both('PUT', '/api/exchanges/%2F/objects-t-e1', body, undefined, expected);
    await env.both('PUT', '/api/exchanges/%2F/objects-t-e2', { type: 'foo' }, undefined, bad("invalid exchange type 'foo'"));
    await env.both('PUT', '/api/exchanges/%2F/objects-t-e2', { type: 'direct', arguments: { 'alternate-exchange': 5 } }, undefined, bad("invalid type 'long' for arg 'alternate-exchange' in exchange 'objects-t-e2' in vhost '/'"));
    // The reserved prefix, the default exchange: rabbit_channel's 403, which the API answers as 401.
    const refused = { status: 401, body: { error: 'not_authorised', reason: 'Access refused.' } };
    await env.both('PUT', '/api/exchanges/%2F/amq.objects-t', { type: 'direct' }, undefined, refused);
    await env.both('PUT', '/api/exchanges/%2F/amq.default', { type: 'direct' }, undefined, refused);
    // An existing amq.* exchange redeclared as it is: fine.
    await env.both('PUT', '/api/exchanges/%2F/amq.direct', { type: 'direct', durable: true }, undefined, { status: 204 });
    // Nothing changed.
    await env.both('GET', '/api/exchanges/%2F/objects-t-e1?columns=type,durable,auto_delete,arguments', undefined, undefined, {
      status: 200,
      body: { arguments: {}, auto_delete: false, durable: true, type: 'direct' },
    });
    await env.both('GET', '/api/exchanges/%2F/objects-t-e2', undefined, undefined, { status: 404 });
  });

  it('answers 400, not RabbitMQ\'s 500, for arguments or a type of the wrong JSON type', async () => {
    for (const body of [{ type: 'direct', arguments: 'x' }, { type: 5 }, { type: 'direct', arguments: [1] }]) {
      const r = await env.both('PUT', '/api/exchanges/%2F/objects-t-e3', body);
      expect(r.status).toBe(400);
    }
    expect((await env.both('GET', '/api/exchanges/%2F/objects-t-e3')).status).toBe(404);
  });

  it('DELETE: if-unused, the system exchanges, a missing one', async () => {
    await env.both('PUT', '/api/exchanges/%2F/objects-t-d1', { type: 'fanout' }, undefined, { status: 201 });
    await env.both('PUT', '/api/queues/%2F/objects-t-dq', {}, undefined, { status: 201 });
    await env.both('POST', '/api/bindings/%2F/e/objects-t-d1/q/objects-t-dq', {}, undefined, { status: 201 });
    await env.both('DELETE', '/api/exchanges/%2F/objects-t-d1?if-unused=true', undefined, undefined, { status: 400, body: { error: 'bad_request', reason: "exchange 'objects-t-d1' in vhost '/' in use" } });
    const refused = { status: 401, body: { error: 'not_authorised', reason: 'Access refused.' } };
    await env.both('DELETE', '/api/exchanges/%2F/amq.direct', undefined, undefined, refused);
    await env.both('DELETE', '/api/exchanges/%2F/amq.default', undefined, undefined, refused);
    await env.both('DELETE', '/api/exchanges/%2F/objects-t-nosuch', undefined, undefined, { status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } });
    // Only the value "true" counts.
    await env.both('DELETE', '/api/exchanges/%2F/objects-t-d1?if-unused=1', undefined, undefined, { status: 204 });
    await env.both('GET', '/api/queues/%2F/objects-t-dq/bindings?columns=source', undefined, undefined, { status: 200, body: [{ source: '' }] });
    await env.both('DELETE', '/api/queues/%2F/objects-t-dq', undefined, undefined, { status: 204 });
    await env.both('PUT', '/api/exchanges/%2F/objects-t-d1', {}, undefined, { status: 201 });
    await env.both('POST', '/api/exchanges/%2F/objects-t-d1', {}, undefined, { status: 405 });
    await env.both('DELETE', '/api/exchanges/%2F/objects-t-d1', undefined, undefined, { status: 204 });
  });

  it('applies the user\'s configure / read / write patterns as rabbit_channel does', async () => {
    await env.addUser('objects-t-u1', 'management', { configure: '^objects-t-c', write: '^objects-t-w', read: '^objects-t-r' });
    await env.addUser('objects-t-adm', 'administrator', null);
    await env.addUser('objects-t-none', 'management', null);
    const refused = { status: 401, body: { error: 'not_authorised', reason: 'Access refused.' } };
    await env.both('PUT', '/api/exchanges/%2F/objects-t-cx', { type: 'fanout' }, 'objects-t-u1', { status: 201 });
    await env.both('PUT', '/api/exchanges/%2F/objects-t-zx', { type: 'fanout' }, 'objects-t-u1', refused);
    // A new exchange with an alternate exchange also needs read on itself and write on the AE.
    await env.both('PUT', '/api/exchanges/%2F/objects-t-cx2', { type: 'fanout', arguments: { 'alternate-exchange': 'objects-t-wx' } }, 'objects-t-u1', refused);
    await env.both('PUT', '/api/exchanges/%2F/objects-t-cx', { type: 'fanout' }, 'objects-t-adm', refused);
    await env.both('PUT', '/api/exchanges/%2F/objects-t-cx', { type: 'fanout' }, 'objects-t-none', { status: 401, body: { error: 'not_authorised', reason: 'User not authorised to access virtual host' } });
    await env.both('DELETE', '/api/exchanges/%2F/objects-t-cx', undefined, 'objects-t-adm', refused);
    await env.both('GET', '/api/exchanges/%2F/objects-t-cx?columns=name,user_who_performed_action', undefined, 'objects-t-u1', {
      status: 200,
      body: { name: 'objects-t-cx', user_who_performed_action: 'objects-t-u1' },
    });
    // A non-administrator lists the vhosts it has permissions in only.
    expect(((await env.both('GET', '/api/exchanges?columns=name', undefined, 'objects-t-none')).body as unknown[]).length).toBe(0);
    await env.both('DELETE', '/api/exchanges/%2F/objects-t-cx', undefined, 'objects-t-u1', { status: 204 });
  });
});

describe('publish', () => {
  it('routes through the broker and says whether a queue took it; the properties arrive as given', async () => {
    await env.both('PUT', '/api/queues/%2F/objects-t-pq', { durable: true }, undefined, { status: 201 });
    const properties = {
      delivery_mode: 2,
      headers: { h: 1, s: 'x', n: { a: [1, 2] } },
      content_type: 'text/plain',
      priority: 3,
      timestamp: 1700000000,
      message_id: 'm1',
      correlation_id: 'c',
      reply_to: 'r',
      expiration: '60000',
      type: 't',
      user_id: 'guest',
      app_id: 'app',
      cluster_id: 'cl',
    };
    const routed = { status: 200, body: { routed: true } };
    await env.both('POST', '/api/exchanges/%2F/amq.default/publish', { properties, routing_key: 'objects-t-pq', payload: 'hello world', payload_encoding: 'string' }, undefined, routed);
    await env.both('POST', '/api/exchanges/%2F/amq.default/publish', { properties: {}, routing_key: 'objects-t-pq', payload: '/w==', payload_encoding: 'base64' }, undefined, routed);
    await env.both('POST', '/api/exchanges/%2F/amq.default/publish', { properties: {}, routing_key: 'objects-t-nothing', payload: 'x', payload_encoding: 'string' }, undefined, {
      status: 200,
      body: { routed: false },
    });
    // An AMQP consumer sees what was published.
    const conn = await amqp.connect(env.warren.amqpUrl);
    conns.push(conn);
    const ch = await conn.createChannel();
    const m = await ch.get('objects-t-pq', { noAck: true });
    expect(m).not.toBe(false);
    if (m === false) return;
    expect(m.content.toString()).toBe('hello world');
    expect(m.fields).toMatchObject({ exchange: '', routingKey: 'objects-t-pq', redelivered: false });
    expect(m.properties).toMatchObject({
      contentType: 'text/plain',
      deliveryMode: 2,
      priority: 3,
      correlationId: 'c',
      replyTo: 'r',
      expiration: '60000',
      messageId: 'm1',
      timestamp: 1700000000,
      type: 't',
      userId: 'guest',
      appId: 'app',
      clusterId: 'cl',
      headers: { h: 1, s: 'x', n: { a: [1, 2] } },
    });
    const second = await ch.get('objects-t-pq', { noAck: true });
    expect(second !== false && [...second.content]).toEqual([0xff]);
    await env.both('DELETE', '/api/queues/%2F/objects-t-pq', undefined, undefined, { status: 204 });
  });

  it('refuses bad bodies and what basic.publish refuses, with RabbitMQ\'s texts', async () => {
    await env.both('PUT', '/api/exchanges/%2F/objects-t-pe', { type: 'direct' }, undefined, { status: 201 });
    const bad = (reason: unknown): { status: number; body: unknown } => ({ status: 400, body: { error: 'bad_request', reason } });
    const msg = (over: Record<string, unknown>): Record<string, unknown> => ({ properties: {}, routing_key: 'k', payload: 'x', payload_encoding: 'string', ...over });
    const cases: Array<[string, unknown, { status: number; body: unknown }]> = [
      ['objects-t-pe', { properties: {}, routing_key: 'k', payload: 'x' }, bad('[{key_missing,payload_encoding}]')],
      ['objects-t-pe', { payload: 'x' }, bad('[{key_missing,routing_key},\n {key_missing,properties},\n {key_missing,payload_encoding}]')],
      ['objects-t-pe', msg({ payload_encoding: 'foo' }), bad(['unsupported_encoding', 'foo'])],
      ['objects-t-pe', msg({ payload: '!!!', payload_encoding: 'base64' }), bad(['not_base64', '!!!'])],
      ['objects-t-pe', msg({ payload: 5 }), bad('payload_not_string')],
      ['objects-t-pe', msg({ properties: { delivery_mode: '2' } }), bad(['not_int', 'delivery_mode'])],
      ['objects-t-pe', msg({ properties: { content_type: 5 } }), bad(['not_string', 'content_type'])],
      ['objects-t-pe', msg({ properties: { headers: { a: null } } }), bad('null_not_allowed')],
      ['objects-t-pe', msg({ properties: { user_id: 'bob' } }), bad("406 PRECONDITION_FAILED - user_id property set to 'bob' but authenticated user was 'guest'")],
      ['objects-t-pe', msg({ properties: { expiration: 'abc' } }), bad("406 PRECONDITION_FAILED - invalid expiration 'abc': no_integer")],
      ['objects-t-pe', msg({ properties: { expiration: '-5' } }), bad("406 PRECONDITION_FAILED - invalid expiration '-5': {value_negative,-5}")],
      ['objects-t-nosuch', msg({}), bad("404 NOT_FOUND - no exchange 'objects-t-nosuch' in vhost '/'")],
    ];
    for (const [x, body, expected] of cases) await env.both('POST', `/api/exchanges/%2F/${x}/publish`, body, undefined, expected);
    // Unknown properties are ignored.
    await env.both('POST', '/api/exchanges/%2F/objects-t-pe/publish', msg({ properties: { bogus: 'x' } }), undefined, { status: 200, body: { routed: false } });
    await env.both('PUT', '/api/exchanges/%2F/objects-t-pi', { type: 'fanout', internal: true }, undefined, { status: 201 });
    await env.both('POST', '/api/exchanges/%2F/objects-t-pi/publish', msg({}), undefined, bad("403 ACCESS_REFUSED - cannot publish to internal exchange 'objects-t-pi' in vhost '/'"));
    // The direct connection to a missing vhost, or for a user without permissions there, is refused.
    const refused = { status: 401, body: { error: 'not_authorised', reason: 'Access refused.' } };
    await env.both('POST', '/api/exchanges/objects-t-nosuchv/x/publish', msg({}), undefined, refused);
    await env.addUser('objects-t-padm', 'administrator', null);
    await env.both('POST', '/api/exchanges/%2F/objects-t-pe/publish', msg({}), 'objects-t-padm', refused);
    await env.addUser('objects-t-pu', 'management', { configure: '', write: '^objects-t-w', read: '' });
    await env.both('POST', '/api/exchanges/%2F/objects-t-pe/publish', msg({}), 'objects-t-pu', bad("403 ACCESS_REFUSED - access to exchange 'objects-t-pe' in vhost '/' refused for user 'objects-t-pu'"));
    await env.both('GET', '/api/exchanges/%2F/objects-t-pe/publish', undefined, undefined, { status: 405 });
    for (const x of ['objects-t-pe', 'objects-t-pi']) await env.both('DELETE', `/api/exchanges/%2F/${x}`, undefined, undefined, { status: 204 });
  });

  it('a queue that refuses the message (reject-publish) makes the publish fail as a nack does', async () => {
    await env.both('PUT', '/api/queues/%2F/objects-t-full', { arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } }, undefined, { status: 201 });
    await env.both('POST', '/api/exchanges/%2F/amq.default/publish', { properties: {}, routing_key: 'objects-t-full', payload: 'x', payload_encoding: 'string' }, undefined, {
      status: 400,
      body: { error: 'bad_request', reason: 'rejected Unable to publish message. Check queue limits.' },
    });
    await env.both('DELETE', '/api/queues/%2F/objects-t-full', undefined, undefined, { status: 204 });
  });
});
