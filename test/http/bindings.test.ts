// Bindings in the management API on a real port: create (201 + Location), get, list (all, per vhost,
// per source / destination / queue, between two) and delete, with RabbitMQ 3.10.8's JSON, its
// properties_key (equal to RabbitMQ's for the same binding, AMQP-declared ones with typed arguments
// too), the default exchange's implicit bindings, rabbit_channel's permission checks and error texts.
// Expectations were checked against the reference and are again whenever WARREN_REFERENCE_MGMT_URL is set.
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { expectShapeLike } from '../helpers/shape-compare.js';
import { useObjectsTarget } from './objects-target.js';

const env = useObjectsTarget();
const conns: amqp.ChannelModel[] = [];
afterAll(async () => {
  for (const c of conns) await c.close().catch(() => {});
});

const bad = (reason: unknown): { status: number; body: unknown } => ({ status: 400, body: { error: 'bad_request', reason } });
const refused = { status: 401, body: { error: 'not_authorised', reason: 'Access refused.' } };
const notFound = { status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } };

function binding(source: string, destination: string, routingKey: string, args: Record<string, unknown>, propertiesKey: string, destinationType = 'queue'): Record<string, unknown> {
  return { source, vhost: '/', destination, destination_type: destinationType, routing_key: routingKey, arguments: args, properties_key: propertiesKey };
}

describe('create, get, list, delete', () => {
  it('POST answers 201 with the Location of the new binding; GET of it and the lists show it with its properties_key', async () => {
    await env.both('PUT', '/api/exchanges/%2F/objects-t-x1', { type: 'direct', durable: true }, undefined, { status: 201 });
    await env.both('PUT', '/api/exchanges/%2F/objects-t-x2', { type: 'fanout', durable: true }, undefined, { status: 201 });
    await env.both('PUT', '/api/queues/%2F/objects-t-q1', { durable: true }, undefined, { status: 201 });
    const post = (path: string, body: unknown, location: string): Promise<unknown> => env.both('POST', path, body, undefined, { status: 201, body: null, location });
    const q = '/api/bindings/%2F/e/objects-t-x1/q/objects-t-q1';
    await post(q, { routing_key: 'k1' }, 'objects-t-q1/k1');
    await post(q, { routing_key: 'k1', arguments: { x: 1 } }, 'objects-t-q1/k1~9nmLZQ');
    await post(q, { routing_key: '', arguments: {} }, 'objects-t-q1/~');
    // A repeated binding is no new binding, and still 201.
    await post(q, {}, 'objects-t-q1/~');
    await post(q, { routing_key: 'a b/é', arguments: { s: 'v', n: { a: [1, 2.5, true] } } }, 'objects-t-q1/a%2Bb%252F%25C3%25A9~poUbrA');
    await post(q, { routing_key: 'a~b' }, 'objects-t-q1/a%257Eb');
    await post('/api/bindings/%2F/e/objects-t-x1/e/objects-t-x2', { routing_key: 'kk', arguments: { a: 1 } }, 'objects-t-x2/kk~Ajat_Q');

    const toQueue = [
      binding('objects-t-x1', 'objects-t-q1', '', {}, '~'),
      binding('objects-t-x1', 'objects-t-q1', 'a b/é', { n: { a: [1, 2.5, true] }, s: 'v' }, 'a+b%2F%C3%A9~poUbrA'),
      binding('objects-t-x1', 'objects-t-q1', 'a~b', {}, 'a%7Eb'),
      binding('objects-t-x1', 'objects-t-q1', 'k1', {}, 'k1'),
      binding('objects-t-x1', 'objects-t-q1', 'k1', { x: 1 }, 'k1~9nmLZQ'),
    ];
    const toExchange = binding('objects-t-x1', 'objects-t-x2', 'kk', { a: 1 }, 'kk~Ajat_Q', 'exchange');
    const implicit = binding('', 'objects-t-q1', 'objects-t-q1', {}, 'objects-t-q1');
    const ok = (body: unknown): { status: number; body: unknown } => ({ status: 200, body });
    const between = await env.both('GET', q, undefined, undefined, ok(toQueue));
    expectShapeLike('bindings', between.body, undefined === env.ref ? undefined : (await env.pair('GET', q)).reference?.body);
    await env.both('GET', '/api/bindings/%2F/e/objects-t-x1/e/objects-t-x2', undefined, undefined, ok([toExchange]));
    // The lists sort by vhost, source, destination, routing key, properties_key; exchange destinations included.
    await env.both('GET', '/api/exchanges/%2F/objects-t-x1/bindings/source', undefined, undefined, ok([...toQueue, toExchange]));
    await env.both('GET', '/api/exchanges/%2F/objects-t-x2/bindings/destination', undefined, undefined, ok([toExchange]));
    await env.both('GET', '/api/exchanges/%2F/objects-t-x1/bindings/destination', undefined, undefined, ok([]));
    await env.both('GET', '/api/queues/%2F/objects-t-q1/bindings', undefined, undefined, ok([implicit, ...toQueue]));
    const all = (await env.both('GET', '/api/bindings/%2F')).body as Array<Record<string, unknown>>;
    expect(all).toEqual([implicit, ...toQueue, toExchange]);
    expect(((await env.both('GET', '/api/bindings')).body as unknown[]).length).toBe(7);

    // One binding by its properties_key (as a path segment: escaped once more).
    await env.both('GET', `${q}/k1`, undefined, undefined, ok(toQueue[3]));
    await env.both('GET', `${q}/k1~9nmLZQ`, undefined, undefined, ok(toQueue[4]));
    await env.both('GET', `${q}/~`, undefined, undefined, ok(toQueue[0]));
    await env.both('GET', `${q}/a%257Eb`, undefined, undefined, ok(toQueue[2]));
    await env.both('GET', `${q}/a%2Bb%252F%25C3%25A9~poUbrA`, undefined, undefined, ok(toQueue[1]));
    await env.both('GET', `${q}/k1?columns=routing_key,properties_key`, undefined, undefined, ok({ routing_key: 'k1', properties_key: 'k1' }));
    for (const props of ['k1~wrong', 'k2', 'a~b~c']) await env.both('GET', `${q}/${props}`, undefined, undefined, notFound);
    await env.both('PUT', `${q}/k1`, {}, undefined, { status: 405 });

    await env.both('DELETE', `${q}/k1~9nmLZQ`, undefined, undefined, { status: 204 });
    await env.both('DELETE', `${q}/k1~9nmLZQ`, undefined, undefined, notFound);
    await env.both('DELETE', '/api/bindings/%2F/e/objects-t-x1/e/objects-t-x2/kk~Ajat_Q', undefined, undefined, { status: 204 });
    await env.both('GET', '/api/bindings/%2F/e/objects-t-x1/e/objects-t-x2', undefined, undefined, ok([]));
    // The sort and columns parameters (bindings are never paged).
    await env.both('GET', `${q}?columns=routing_key&sort=routing_key&sort_reverse=true`, undefined, undefined, ok([{ routing_key: 'k1' }, { routing_key: 'a~b' }, { routing_key: 'a b/é' }, { routing_key: '' }]));
  });

  it('the default exchange binds every queue by its name: listed, found, never removable', async () => {
    const implicit = binding('', 'objects-t-q1', 'objects-t-q1', {}, 'objects-t-q1');
    await env.both('GET', '/api/bindings/%2F/e/amq.default/q/objects-t-q1', undefined, undefined, { status: 200, body: [implicit] });
    await env.both('GET', '/api/bindings/%2F/e/amq.default/q/objects-t-q1/objects-t-q1', undefined, undefined, { status: 200, body: implicit });
    const source = (await env.both('GET', '/api/exchanges/%2F/amq.default/bindings/source')).body as Array<Record<string, unknown>>;
    expect(source).toContainEqual(implicit);
    await env.both('POST', '/api/bindings/%2F/e/amq.default/q/objects-t-q1', {}, undefined, refused);
    await env.both('DELETE', '/api/bindings/%2F/e/amq.default/q/objects-t-q1/objects-t-q1', undefined, undefined, refused);
    // RabbitMQ lists the implicit binding of a queue it does not check exists.
    await env.both('GET', '/api/queues/%2F/objects-t-nosuchq/bindings', undefined, undefined, { status: 200, body: [binding('', 'objects-t-nosuchq', 'objects-t-nosuchq', {}, 'objects-t-nosuchq')] });
  });

  it('lists for missing objects are empty; the vhost list is 404 for a missing vhost', async () => {
    for (const p of [
      '/api/queues/objects-t-nosuchv/q/bindings',
      '/api/exchanges/objects-t-nosuchv/x/bindings/source',
      '/api/exchanges/%2F/objects-t-nosuch/bindings/source',
      '/api/bindings/%2F/e/objects-t-x1/q/objects-t-nosuch',
      '/api/bindings/%2F/e/objects-t-nosuch/q/objects-t-q1',
      '/api/bindings/objects-t-nosuchv/e/x/q/q',
    ]) {
      await env.both('GET', p, undefined, undefined, { status: 200, body: [] });
    }
    await env.both('GET', '/api/bindings/objects-t-nosuchv', undefined, undefined, notFound);
  });
});

describe('refusals', () => {
  it('POST refuses what queue.bind / exchange.bind refuse, with RabbitMQ\'s texts', async () => {
    await env.both('POST', '/api/bindings/%2F/e/objects-t-nosuch/q/objects-t-q1', {}, undefined, { status: 404, body: { error: 'not_found', reason: "no exchange 'objects-t-nosuch' in vhost '/'" } });
    await env.both('POST', '/api/bindings/%2F/e/objects-t-x1/q/objects-t-nosuch', {}, undefined, { status: 404, body: { error: 'not_found', reason: "no queue 'objects-t-nosuch' in vhost '/'" } });
    await env.both('POST', '/api/bindings/%2F/e/objects-t-x1/e/objects-t-nosuch', {}, undefined, { status: 404, body: { error: 'not_found', reason: "no exchange 'objects-t-nosuch' in vhost '/'" } });
    await env.both('POST', '/api/bindings/objects-t-nosuchv/e/x/q/q', {}, undefined, { status: 404, body: { error: 'not_found', reason: 'vhost_not_found' } });
    await env.both('POST', '/api/bindings/%2F/e/objects-t-x1/e/amq.default', {}, undefined, refused);
    await env.both('POST', '/api/bindings/%2F/e/amq.headers/q/objects-t-q1', { arguments: { 'x-match': 'bogus' } }, undefined, bad('Invalid x-match field value <<"bogus">>; expected all, any, all-with-x, or any-with-x'));
    await env.both('POST', '/api/bindings/%2F/e/amq.headers/q/objects-t-q1', { arguments: { 'x-match': 1 } }, undefined, bad('Invalid x-match field type long (value 1); expected longstr'));
    // RabbitMQ 3.10.8 answers 500 (or stores garbage) for these: Warren 400, and binds nothing.
    for (const body of ['notjson', { routing_key: 5 }, { routing_key: null }, { arguments: 'x' }]) {
      const r = await env.pair('POST', '/api/bindings/%2F/e/objects-t-x1/q/objects-t-q1', body);
      expect(r.warren.status, JSON.stringify(body)).toBe(400);
    }
    await env.both('GET', '/api/bindings/%2F/e/objects-t-x1/q/objects-t-q1?columns=routing_key', undefined, undefined, {
      status: 200,
      body: env.ref === undefined ? [{ routing_key: '' }, { routing_key: 'a b/é' }, { routing_key: 'a~b' }, { routing_key: 'k1' }] : expect.anything(),
    });
  });

  it('checks write on the destination and read on the source (with topic permissions) as rabbit_channel does', async () => {
    await env.addUser('objects-t-bu', 'management', { configure: '^objects-t-c', write: '^objects-t-w', read: '^objects-t-r' });
    await env.both('PUT', '/api/exchanges/%2F/objects-t-rx', { type: 'topic' }, undefined, { status: 201 });
    await env.both('PUT', '/api/queues/%2F/objects-t-wq', {}, undefined, { status: 201 });
    await env.both('POST', '/api/bindings/%2F/e/objects-t-rx/q/objects-t-wq', { routing_key: 'a.b' }, 'objects-t-bu', { status: 201 });
    await env.both('POST', '/api/bindings/%2F/e/objects-t-x1/q/objects-t-wq', {}, 'objects-t-bu', refused);
    await env.both('POST', '/api/bindings/%2F/e/objects-t-rx/q/objects-t-q1', {}, 'objects-t-bu', refused);
    await env.both('PUT', '/api/topic-permissions/%2F/objects-t-bu', { exchange: 'objects-t-rx', write: '.*', read: '^a\\.' }, undefined, { status: 201 });
    await env.both('POST', '/api/bindings/%2F/e/objects-t-rx/q/objects-t-wq', { routing_key: 'b.c' }, 'objects-t-bu', refused);
    await env.both('DELETE', '/api/bindings/%2F/e/objects-t-rx/q/objects-t-wq/a.b', undefined, 'objects-t-bu', { status: 204 });
    await env.both('DELETE', '/api/bindings/%2F/e/objects-t-x1/q/objects-t-q1/k1', undefined, 'objects-t-bu', refused);
  });
});

describe('properties_key of AMQP bindings', () => {
  it('equals RabbitMQ\'s for arguments of every field type, as a client sent them', async () => {
    const expected: Array<[string, string]> = [
      ['a b/é+', 'a+b%2F%C3%A9%2B~EAqDRw'],
      ['a b~c/é', 'a+b%7Ec%2F%C3%A9'],
      ['k0', 'k0'],
      ['k1', 'k1~Sv-IRA'],
      ['k2', 'k2~X2GEfg'],
      ['k3', 'k3~KO6tkg'],
      ['k4', 'k4~9e6uBw'],
      ['k5', 'k5~-VGr7Q'],
      ['k6', 'k6~7WA6LA'],
    ];
    const argsets: Array<Record<string, unknown>> = [
      {},
      { a: 1 },
      { s: 'str', n: 300, big: 2 ** 40, neg: -5, f: 1.5, b: true },
      { 'x-match': 'any', h: 'v' },
      { t: { k: 'v', n: 1 }, arr: [1, 'a', true], e: [], et: {} },
      {
        ts: { '!': 'timestamp', value: 1700000000 },
        dec: { '!': 'decimal', value: { places: 2, digits: 12345 } },
        fl: { '!': 'float', value: 2.5 },
        v: null,
        buf: Buffer.from([0xff, 0, 0x41]),
      },
      { z: 1, a: 2, m: 3 },
    ];
    const targets: Array<[string, string]> = [[env.warren.base, env.warren.amqpUrl], ...(env.ref === undefined ? [] : ([[env.ref, env.refAmqp]] as Array<[string, string]>))];
    for (const [base, url] of targets) {
      const c = await amqp.connect(url);
      conns.push(c);
      const ch = await c.createChannel();
      await ch.assertExchange('objects-t-hx', 'headers', { durable: false });
      await ch.assertQueue('objects-t-hq', { durable: false });
      for (const [n, args] of argsets.entries()) await ch.bindQueue('objects-t-hq', 'objects-t-hx', `k${n}`, args);
      await ch.bindQueue('objects-t-hq', 'objects-t-hx', 'a b/é+', { x: 1 });
      await ch.bindQueue('objects-t-hq', 'objects-t-hx', 'a b~c/é', {});
      const r = await fetch(`${base}/api/bindings/%2F/e/objects-t-hx/q/objects-t-hq`, { headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } });
      const got = ((await r.json()) as Array<{ routing_key: string; properties_key: string }>).map((b) => [b.routing_key, b.properties_key]);
      expect(got, base).toEqual(expected);
      // The key finds the binding, and deletes it.
      const del = await fetch(`${base}/api/bindings/%2F/e/objects-t-hx/q/objects-t-hq/${encodeURIComponent('k5~-VGr7Q')}`, { method: 'DELETE', headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } });
      expect(del.status, base).toBe(204);
      await ch.deleteExchange('objects-t-hx');
      await ch.deleteQueue('objects-t-hq');
      await c.close();
    }
  });
});
