// POST /api/definitions[/{vhost}]: RabbitMQ's format merged in; a bad file is refused (400, RabbitMQ's
// body, the first problem) before anything changes; a file exported by RabbitMQ 3.10.8 imports
// unchanged and its users log in with their original passwords.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { call } from './access-api.js';

const FIXTURE = readFileSync(new URL('../fixtures/rabbitmq-3.10.8-definitions.json', import.meta.url), 'utf8');

let a: ManagementTarget;
let b: ManagementTarget;
beforeAll(async () => {
  a = await startManagementTarget();
  b = await startManagementTarget();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

// amqplib's options form: its URL parsing does not decode non-ASCII passwords.
function amqpUrl(t: ManagementTarget, username: string, password: string, vhost: string): amqp.Options.Connect {
  const u = new URL(t.amqpUrl);
  return { protocol: 'amqp', hostname: u.hostname, port: Number(u.port), username, password, vhost };
}

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('POST /api/definitions', () => {
  it('round-trips an export into a second broker; users log in with their passwords', async () => {
    const api = (m: string, p: string, body?: unknown): ReturnType<typeof call> => call(a.base, m, p, body);
    await api('PUT', '/api/users/rt', { password: 'rt-pw', tags: 'management' });
    await api('PUT', '/api/vhosts/rtv', { description: 'round trip', tags: 'x' });
    await api('PUT', '/api/permissions/rtv/rt', { configure: '.*', write: '.*', read: '.*' });
    await api('PUT', '/api/topic-permissions/rtv/rt', { exchange: 'amq.topic', write: 'w', read: 'r' });
    await api('PUT', '/api/vhost-limits/rtv/max-queues', { value: 7 });
    await api('PUT', '/api/policies/rtv/p1', { pattern: '^q', definition: { 'message-ttl': 60000 }, priority: 2 });
    const conn = await amqp.connect(a.amqpUrl + '/rtv');
    const ch = await conn.createChannel();
    await ch.assertQueue('q1', { durable: true, arguments: { 'x-max-length': 5 } });
    await ch.assertExchange('x1', 'topic', { durable: true });
    await ch.assertExchange('x2', 'fanout', { durable: true });
    await ch.bindQueue('q1', 'x1', 'a.#');
    await ch.bindExchange('x2', 'x1', 'b.*');
    await conn.close();
    const exported = (await api('GET', '/api/definitions')).json as Record<string, unknown>;

    const r = await call(b.base, 'POST', '/api/definitions', exported);
    expect(r.status).toBe(204);
    const again = (await call(b.base, 'GET', '/api/definitions')).json as Record<string, unknown[]>;
    const byName = (rows: unknown[]): unknown[] => [...rows].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
    for (const k of ['vhosts', 'permissions', 'topic_permissions', 'policies', 'queues', 'exchanges', 'bindings']) {
      expect(byName(again[k]), k).toEqual(byName((exported as Record<string, unknown[]>)[k]));
    }
    const rt = again.users.find((u) => (u as { name: string }).name === 'rt');
    expect(rt).toEqual((exported.users as unknown[]).find((u) => (u as { name: string }).name === 'rt'));

    const c2 = await amqp.connect(amqpUrl(b, 'rt', 'rt-pw', 'rtv'));
    const ch2 = await c2.createChannel();
    expect((await ch2.checkQueue('q1')).queue).toBe('q1');
    ch2.publish('x1', 'a.b', Buffer.from('hi'));
    await new Promise((res) => setTimeout(res, 50));
    expect((await ch2.get('q1', { noAck: true })) || undefined).toMatchObject({ content: Buffer.from('hi') });
    await c2.close();
    // Importing again changes nothing and is fine.
    expect((await call(b.base, 'POST', '/api/definitions', exported)).status).toBe(204);
  });

  it('imports the file RabbitMQ 3.10.8 exported, unchanged; its users log in with their original passwords', async () => {
    const r = await call(b.base, 'POST', '/api/definitions', FIXTURE);
    expect(r.status).toBe(204);
    const alice = await amqp.connect(amqpUrl(b, 'alice', 'alice-secret', 'fixture'));
    await alice.close();
    const bob = await amqp.connect(amqpUrl(b, 'bob', 'pässwörd ünïcode', 'fixture'));
    await bob.close();
    // dave (sha512) has a management tag; erin (md5) gets a permission first.
    expect((await call(b.base, 'GET', '/api/whoami', undefined, basic('dave', 'dave-sha512'))).json).toEqual({ name: 'dave', tags: ['management', 'impersonator'] });
    expect((await call(b.base, 'PUT', '/api/permissions/fixture/erin', { configure: '', write: '', read: '' }, basic('alice', 'alice-secret'))).status).toBe(201);
    const erin = await amqp.connect(amqpUrl(b, 'erin', 'erin-md5', 'fixture'));
    await erin.close();
    await expect(amqp.connect(amqpUrl(b, 'erin', 'erin-md5x', 'fixture'))).rejects.toThrow();
    const tp = (await call(b.base, 'GET', '/api/topic-permissions/fixture/bob')).json;
    expect(tp).toEqual([{ user: 'bob', vhost: 'fixture', exchange: 'amq.topic', write: '^{username}\\.', read: '^{vhost}\\.' }]);
  });

  it('accepts a file larger than 1 MiB (RabbitMQ: 20 MiB)', async () => {
    const policies = Array.from({ length: 6000 }, (_, i) => ({ vhost: '/', name: `big-${i}`, pattern: `^big-${i}-${'x'.repeat(150)}$`, 'apply-to': 'queues', definition: { 'message-ttl': 1000 }, priority: 0 }));
    const body = JSON.stringify({ policies });
    expect(body.length).toBeGreaterThan(1024 * 1024);
    expect((await call(b.base, 'POST', '/api/definitions', body)).status).toBe(204);
    expect(((await call(b.base, 'GET', '/api/policies/%2F')).json as unknown[]).length).toBeGreaterThanOrEqual(6000);
  });

  it('gives the importing user full permissions on the vhosts it creates', async () => {
    const r = await call(a.base, 'POST', '/api/definitions', { vhosts: [{ name: 'made-by-import' }] });
    expect(r.status).toBe(204);
    expect((await call(a.base, 'GET', '/api/permissions/made-by-import/guest')).json).toEqual({
      user: 'guest', vhost: 'made-by-import', configure: '.*', write: '.*', read: '.*',
    });
  });

  it('refuses a bad file with RabbitMQ\'s body, naming the first problem, and changes nothing', async () => {
    const before = (await call(a.base, 'GET', '/api/definitions')).json;
    const bad = async (body: unknown, reason: unknown): Promise<void> => {
      const r = await call(a.base, 'POST', '/api/definitions', body);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: 'bad_request', reason });
    };
    await bad('{"users": [', 'failed_to_parse_json');
    const ok = { users: [{ name: 'newbie', password_hash: '', tags: [] }], vhosts: [{ name: 'fresh' }], queues: [{ name: 'fq', vhost: 'fresh', durable: true, auto_delete: false, arguments: {} }] };
    await bad({ ...ok, permissions: [{ user: 'newbie', vhost: 'nope', configure: '', write: '', read: '' }] }, ['no_such_vhost', 'nope']);
    await bad({ ...ok, permissions: [{ user: 'ghost', vhost: 'fresh', configure: '', write: '', read: '' }] }, ['no_such_user', 'ghost']);
    await bad({ ...ok, bindings: [{ source: 'missing', vhost: 'fresh', destination: 'fq', destination_type: 'queue', routing_key: '', arguments: {} }] }, ['no_such_exchange', 'fresh', 'missing']);
    await bad({ ...ok, users: [{ name: 'h', password_hash: 'abc', tags: [] }] }, ['not_base64', 'abc']);
    await bad({ ...ok, users: [{ name: 'h', password_hash: '', hashing_algorithm: 'rabbit_password_hashing_bogus', tags: [] }] }, ['unknown_hashing_algorithm', 'rabbit_password_hashing_bogus']);
    const two = [{ name: 'q-a', vhost: 'fresh' }, { name: 'q-b', vhost: 'fresh' }];
    await bad({ ...ok, vhosts: [{ name: 'fresh', limits: { 'max-queues': 2 } }], queues: [...ok.queues, ...two] }, ['queue_limit_exceeded', 'fresh', 2]);
    expect((await call(a.base, 'GET', '/api/definitions')).json).toEqual(before);
    expect((await call(a.base, 'GET', '/api/users/newbie')).status).toBe(404);
  });

  it('imports one vhost\'s shape with POST /api/definitions/{vhost}; administrators only', async () => {
    await call(a.base, 'PUT', '/api/vhosts/one');
    const doc = { queues: [{ name: 'oq', durable: true, auto_delete: false, arguments: {} }], exchanges: [{ name: 'ox', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} }], bindings: [{ source: 'ox', destination: 'oq', destination_type: 'queue', routing_key: 'k', arguments: {} }], policies: [] };
    expect((await call(a.base, 'POST', '/api/definitions/one', doc)).status).toBe(204);
    const v = (await call(a.base, 'GET', '/api/definitions/one')).json as Record<string, unknown[]>;
    expect(v.queues).toEqual([{ name: 'oq', durable: true, auto_delete: false, arguments: {} }]);
    expect(v.bindings).toEqual([{ source: 'ox', destination: 'oq', destination_type: 'queue', routing_key: 'k', arguments: {} }]);
    expect((await call(a.base, 'POST', '/api/definitions/none', doc)).status).toBe(404);
    await call(a.base, 'PUT', '/api/users/mon', { password: 'mon-pw', tags: 'monitoring' });
    expect((await call(a.base, 'POST', '/api/definitions', {}, basic('mon', 'mon-pw'))).json).toEqual({ error: 'not_authorised', reason: 'Not administrator user' });
  });
});

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('load_definitions', () => {
  it('imports the file at boot, before the listeners open; nobody is granted the vhosts it creates', async () => {
    const file = new URL('../fixtures/rabbitmq-3.10.8-definitions.json', import.meta.url).pathname;
    const t = await startManagementTarget({ loadDefinitions: file });
    try {
      // dave has no permissions in /: authenticated, then refused the vhost (not "Login was refused").
      const dave = await amqp.connect(amqpUrl(t, 'dave', 'dave-sha512', '/')).then(
        async (c) => c.close().then(() => 'connected'),
        (e: unknown) => (e instanceof Error ? e.message : 'failed'),
      );
      expect(dave).not.toMatch(/Login was refused/);
      const alice = await amqp.connect(amqpUrl(t, 'alice', 'alice-secret', 'fixture'));
      await alice.close();
      const perms = (await call(t.base, 'GET', '/api/vhosts/fixture/permissions', undefined, basic('alice', 'alice-secret'))).json as { user: string }[];
      expect(perms.map((p) => p.user).sort()).toEqual(['alice', 'bob']);
    } finally {
      await t.close();
    }
  });

  it('refuses to start with a bad file', async () => {
    const dir = mkdtempSync(`${tmpdir()}/warren-load-`);
    const file = `${dir}/bad.json`;
    writeFileSync(file, JSON.stringify({ permissions: [{ user: 'guest', vhost: 'nope', configure: '', write: '', read: '' }] }));
    try {
      await expect(startManagementTarget({ loadDefinitions: file })).rejects.toThrow(/load_definitions: .* refused/);
      await expect(startManagementTarget({ loadDefinitions: `${dir}/missing.json` })).rejects.toThrow(/load_definitions: cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
