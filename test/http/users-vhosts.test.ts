// /api/users, /api/whoami, /api/vhosts, /api/permissions, /api/topic-permissions, /api/*-limits
// on a real port: RabbitMQ 3.10.8's status codes, JSON keys and texts (observed on the reference
// broker, rabbitmq-local.sh), and the management tags' rules. With WARREN_TEST_URL (and
// WARREN_TEST_MGMT_URL) it runs against that RabbitMQ; names start with h7t, removed afterwards.
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { call, type ApiResponse } from './access-api.js';

let t: ManagementTarget;
const api = (method: string, path: string, body?: unknown, auth?: string): Promise<ApiResponse> => call(t.base, method, path, body, auth);
const NOT_FOUND = { error: 'Object Not Found', reason: 'Not Found' };
const NOT_ADMIN = { error: 'not_authorised', reason: 'Not administrator user' };

beforeAll(async () => {
  t = await startManagementTarget();
});
const external = process.env.WARREN_TEST_URL !== undefined;
afterAll(async () => {
  if (t?.external) {
    for (const u of ['h7tu1', 'h7tu2', 'h7tu3', 'h7tmgmt', 'h7tp1', 'h7ttp', 'h7tulim']) await api('DELETE', `/api/users/${u}`);
    for (const v of ['h7tv1', 'h7tv2', 'h7tlimv', 'h7tlimq']) await api('DELETE', `/api/vhosts/${v}`);
  }
  await t?.close();
});

describe('/api/users', () => {
  it('PUT creates (201) and updates (204); GET shows RabbitMQ\'s keys; DELETE 204 then 404', async () => {
    expect((await api('PUT', '/api/users/h7tu1', { password: 'pw', tags: 'management' })).status).toBe(201);
    expect((await api('PUT', '/api/users/h7tu1', { password: 'pw', tags: 'management, x' })).status).toBe(204);
    const got = await api('GET', '/api/users/h7tu1');
    expect(got.status).toBe(200);
    expect(Object.keys(got.json as object)).toEqual(['name', 'password_hash', 'hashing_algorithm', 'tags', 'limits']);
    expect(got.json).toMatchObject({ name: 'h7tu1', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: ['management', 'x'], limits: {} });
    expect(got.text).not.toContain('"pw"');
    const all = await api('GET', '/api/users');
    expect((all.json as { name: string }[]).map((u) => u.name)).toEqual(expect.arrayContaining(['guest', 'h7tu1']));
    expect((await api('GET', '/api/whoami', undefined, basic('h7tu1', 'pw'))).json).toEqual({ name: 'h7tu1', tags: ['management', 'x'] });
    expect((await api('DELETE', '/api/users/h7tu1')).status).toBe(204);
    const again = await api('DELETE', '/api/users/h7tu1');
    expect([again.status, again.json]).toEqual([404, NOT_FOUND]);
    expect((await api('GET', '/api/users/h7tu1')).status).toBe(404);
  });

  it('validates as RabbitMQ: tags mandatory, base64 hashes, JSON bodies', async () => {
    expect((await api('PUT', '/api/users/h7tu2', { password: 'pw' })).json).toEqual({ error: 'bad_request', reason: 'tags_not_present' });
    expect((await api('PUT', '/api/users/h7tu2', 'notjson')).json).toEqual({ error: 'bad_request', reason: 'not_json' });
    const bad = await api('PUT', '/api/users/h7tu2', { password_hash: 'abc', hashing_algorithm: 'rabbit_password_hashing_md5', tags: [] });
    expect([bad.status, bad.json]).toEqual([400, { error: 'bad_request', reason: ['not_base64', 'abc'] }]);
    expect((await api('PUT', '/api/users/h7tu2', { password_hash: '', tags: '' })).status).toBe(201);
    expect((await api('GET', '/api/users/h7tu2')).json).toMatchObject({ password_hash: '', tags: [] });
    // An update without a password clears it (3.10.8).
    expect((await api('PUT', '/api/users/h7tu2', { password: 'secret', tags: ' a, b ,,a' })).status).toBe(204);
    expect((await api('GET', '/api/users/h7tu2')).json).toMatchObject({ tags: ['a', 'b', 'a'] });
    expect((await api('PUT', '/api/users/h7tu2', { tags: 'monitoring' })).status).toBe(204);
    expect((await api('GET', '/api/users/h7tu2')).json).toMatchObject({ password_hash: '', tags: ['monitoring'] });
  });

  it('a password_hash with its algorithm logs in with the original password', async () => {
    const hash = hashPassword('s3', 'rabbit_password_hashing_sha512');
    expect((await api('PUT', '/api/users/h7tu3', { password_hash: hash, hashing_algorithm: 'rabbit_password_hashing_sha512', tags: ['administrator'] })).status).toBe(201);
    expect((await api('GET', '/api/whoami', undefined, basic('h7tu3', 's3'))).json).toEqual({ name: 'h7tu3', tags: ['administrator'] });
  });

  it('a management-only user is refused (401 Not administrator user, as 3.10.8) on every admin resource', async () => {
    await api('PUT', '/api/users/h7tmgmt', { password: 'pw', tags: 'management' });
    const m = basic('h7tmgmt', 'pw');
    for (const [method, path, body] of [
      ['PUT', '/api/users/x', { password: 'a', tags: '' }],
      ['GET', '/api/users', undefined],
      ['GET', '/api/users/guest', undefined],
      ['DELETE', '/api/users/guest', undefined],
      ['PUT', '/api/vhosts/nope', undefined],
      ['GET', '/api/permissions', undefined],
      ['PUT', '/api/permissions/%2F/h7tmgmt', { configure: '.*', write: '.*', read: '.*' }],
      ['GET', '/api/topic-permissions', undefined],
      ['PUT', '/api/vhost-limits/%2F/max-queues', { value: 1 }],
      ['PUT', '/api/user-limits/h7tmgmt/max-channels', { value: 1 }],
    ] as const) {
      const r = await api(method, path, body, m);
      expect([method, path, r.status, r.json]).toEqual([method, path, 401, NOT_ADMIN]);
    }
    expect((await api('GET', '/api/vhosts', undefined, m)).json).toEqual([]);
    expect((await api('GET', '/api/users/guest')).status).toBe(200);
  });
});

describe.skipIf(external)('Warren-only user endpoints (3.10.8 lacks hash_password)', () => {
  it('without-permissions, bulk-delete, hash_password', async () => {
    await api('PUT', '/api/users/h7tbd1', { password: 'pw', tags: '' });
    await api('PUT', '/api/users/h7tbd2', { password: 'pw', tags: '' });
    await api('PUT', '/api/permissions/%2F/h7tbd2', { configure: '', write: '', read: '' });
    const without = ((await api('GET', '/api/users/without-permissions')).json as { name: string }[]).map((u) => u.name);
    expect(without).toContain('h7tbd1');
    expect(without).not.toContain('h7tbd2');
    expect(without).not.toContain('guest');
    expect((await api('POST', '/api/users/bulk-delete', { users: ['h7tbd1', 'h7tbd2', 'nosuch'] })).status).toBe(204);
    expect((await api('GET', '/api/users/h7tbd1')).status).toBe(404);
    expect((await api('GET', '/api/users/h7tbd2')).status).toBe(404);
    const h = (await api('GET', '/api/auth/hash_password/s3cret')).json as { ok: string };
    expect((await api('PUT', '/api/users/h7thash', { password_hash: h.ok, tags: 'management' })).status).toBe(201);
    expect((await api('GET', '/api/whoami', undefined, basic('h7thash', 's3cret'))).status).toBe(200);
    await api('DELETE', '/api/users/h7thash');
  });
});

describe('/api/vhosts', () => {
  it('the default vhost has RabbitMQ\'s description and shape', async () => {
    const r = await api('GET', '/api/vhosts/%2F');
    expect(r.json).toMatchObject({ name: '/', description: 'Default virtual host', tags: [], default_queue_type: 'undefined', metadata: { description: 'Default virtual host', tags: [] }, tracing: false });
    expect(Object.keys(r.json as object)).toEqual(['name', 'description', 'tags', 'default_queue_type', 'metadata', 'tracing', 'cluster_state']);
  });

  it('PUT 201/204 with metadata, grants the creator permissions; DELETE 204 then 404', async () => {
    expect((await api('PUT', '/api/vhosts/h7tv1')).status).toBe(201);
    expect((await api('GET', '/api/permissions/h7tv1/guest')).json).toEqual({ user: 'guest', vhost: 'h7tv1', configure: '.*', write: '.*', read: '.*' });
    expect((await api('PUT', '/api/vhosts/h7tv1', { description: 'd1', tags: 'a, b,,c', default_queue_type: 'quorum' })).status).toBe(204);
    expect((await api('GET', '/api/vhosts/h7tv1')).json).toMatchObject({ description: 'd1', tags: ['a', 'b', '', 'c'], metadata: { description: 'd1', tags: ['a', 'b', '', 'c'] } });
    // 3.10.8 ignores default_queue_type (it came in 3.11); Warren keeps it, as 3.13 does.
    if (!t.external) expect((await api('GET', '/api/vhosts/h7tv1')).json).toMatchObject({ default_queue_type: 'quorum', metadata: { default_queue_type: 'quorum' } });
    const names = ((await api('GET', '/api/vhosts')).json as { name: string }[]).map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['/', 'h7tv1']));
    expect(names).toEqual([...names].sort());
    expect((await api('DELETE', '/api/vhosts/h7tv1')).status).toBe(204);
    expect((await api('DELETE', '/api/vhosts/h7tv1')).json).toEqual(NOT_FOUND);
    expect((await api('GET', '/api/users/guest/permissions')).json).not.toContainEqual(expect.objectContaining({ vhost: 'h7tv1' }));
  });

  it.skipIf(external)('deleting a vhost deletes its queues, exchanges and policies', async () => {
    await api('PUT', '/api/vhosts/h7tv2');
    const conn = await amqp.connect(t.amqpUrl + '/h7tv2');
    const ch = await conn.createChannel();
    await ch.assertQueue('q', { durable: true });
    await ch.assertExchange('x', 'fanout', { durable: true });
    await ch.bindQueue('q', 'x', '');
    await conn.close();
    await api('PUT', '/api/policies/h7tv2/p', { pattern: '.*', definition: { 'message-ttl': 5 } });
    const broker = t.services!.broker;
    const v = broker.getVhost('h7tv2')!;
    expect([v.queues.size, v.policies.size]).toEqual([1, 1]);
    expect((await api('DELETE', '/api/vhosts/h7tv2')).status).toBe(204);
    expect(broker.getVhost('h7tv2')).toBeUndefined();
    expect([v.queues.size, v.exchanges.has('x'), v.policies.size]).toEqual([0, false, 0]);
    await api('PUT', '/api/vhosts/h7tv2');
    expect([...broker.getVhost('h7tv2')!.queues.keys()]).toEqual([]);
    await api('DELETE', '/api/vhosts/h7tv2');
  });
});

describe('/api/permissions and /api/topic-permissions', () => {
  it('PUT 201 then 204, GET, lists, DELETE 204 then 404, RabbitMQ\'s 400s', async () => {
    await api('PUT', '/api/users/h7tp1', { password: 'pw', tags: '' });
    expect((await api('PUT', '/api/permissions/%2F/h7tp1', { configure: '.*', write: '^w', read: '' })).status).toBe(201);
    expect((await api('PUT', '/api/permissions/%2F/h7tp1', { configure: '.*', write: '^w', read: 'x' })).status).toBe(204);
    expect((await api('GET', '/api/permissions/%2F/h7tp1')).json).toEqual({ user: 'h7tp1', vhost: '/', configure: '.*', write: '^w', read: 'x' });
    expect((await api('GET', '/api/users/h7tp1/permissions')).json).toEqual([{ user: 'h7tp1', vhost: '/', configure: '.*', write: '^w', read: 'x' }]);
    expect((await api('GET', '/api/vhosts/%2F/permissions')).json).toContainEqual({ user: 'h7tp1', vhost: '/', configure: '.*', write: '^w', read: 'x' });
    expect((await api('GET', '/api/permissions')).json).toContainEqual({ user: 'h7tp1', vhost: '/', configure: '.*', write: '^w', read: 'x' });
    expect((await api('PUT', '/api/permissions/%2F/h7tp1', { configure: '.*', write: '^w' })).json).toEqual({ error: 'bad_request', reason: '[{key_missing,read}]' });
    expect((await api('PUT', '/api/permissions/nov/h7tp1', { configure: '', write: '', read: '' })).json).toEqual({ error: 'bad_request', reason: 'vhost_or_user_not_found' });
    expect((await api('PUT', '/api/permissions/%2F/nouser', { configure: '', write: '', read: '' })).json).toEqual({ error: 'bad_request', reason: 'vhost_or_user_not_found' });
    const re = await api('PUT', '/api/permissions/%2F/h7tp1', { configure: '(', write: '', read: '' });
    expect([re.status, (re.json as { reason: unknown[] }).reason[0]]).toEqual([400, 'invalid_regexp']);
    expect((await api('GET', '/api/users/nouser/permissions')).json).toEqual(NOT_FOUND);
    expect((await api('DELETE', '/api/permissions/%2F/h7tp1')).status).toBe(204);
    expect((await api('DELETE', '/api/permissions/%2F/h7tp1')).status).toBe(404);
  });

  it('topic permissions: 201 for the first exchange, 204 after; rows per exchange; DELETE clears all', async () => {
    await api('PUT', '/api/users/h7ttp', { password: 'pw', tags: '' });
    expect((await api('PUT', '/api/topic-permissions/%2F/h7ttp', { exchange: 'amq.topic', write: '^{username}', read: '.*' })).status).toBe(201);
    expect((await api('PUT', '/api/topic-permissions/%2F/h7ttp', { exchange: 't2', write: '^x', read: '.*' })).status).toBe(204);
    const rows = (await api('GET', '/api/topic-permissions/%2F/h7ttp')).json as object[];
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual({ user: 'h7ttp', vhost: '/', exchange: 'amq.topic', write: '^{username}', read: '.*' });
    expect((await api('GET', '/api/users/h7ttp/topic-permissions')).json).toHaveLength(2);
    expect((await api('PUT', '/api/topic-permissions/%2F/h7ttp', { write: '', read: '' })).json).toEqual({ error: 'bad_request', reason: '[{key_missing,exchange}]' });
    expect((await api('DELETE', '/api/topic-permissions/%2F/h7ttp')).status).toBe(204);
    expect((await api('DELETE', '/api/topic-permissions/%2F/h7ttp')).status).toBe(404);
    expect((await api('GET', '/api/topic-permissions/%2F/h7ttp')).status).toBe(404);
  });
});

describe('/api/vhost-limits and /api/user-limits', () => {
  it('PUT 204, GET rows, RabbitMQ\'s validation texts, DELETE 204', async () => {
    await api('PUT', '/api/vhosts/h7tlimv');
    expect((await api('PUT', '/api/vhost-limits/h7tlimv/max-queues', { value: 1 })).status).toBe(204);
    expect((await api('PUT', '/api/vhost-limits/h7tlimv/max-connections', { value: 5 })).status).toBe(204);
    expect((await api('GET', '/api/vhost-limits/h7tlimv')).json).toEqual([{ vhost: 'h7tlimv', value: { 'max-connections': 5, 'max-queues': 1 } }]);
    expect((await api('GET', '/api/vhost-limits')).json).toContainEqual({ vhost: 'h7tlimv', value: { 'max-connections': 5, 'max-queues': 1 } });
    expect((await api('PUT', '/api/vhost-limits/h7tlimv/max-foo', { value: 1 })).json).toEqual({
      error: 'bad_request',
      reason: 'Validation failed\n\nUnrecognised terms [{<<"max-foo">>,1}] in limits\n',
    });
    expect((await api('PUT', '/api/vhost-limits/h7tlimv/max-queues', { value: 'x' })).json).toEqual({
      error: 'bad_request',
      reason: 'Validation failed\n\nmax-queues should be a number, actually was <<"x">>\n',
    });
    expect((await api('PUT', '/api/vhost-limits/h7tlimv/max-queues', {})).json).toEqual({ error: 'bad_request', reason: '[{key_missing,value}]' });
    expect((await api('PUT', '/api/vhost-limits/nov/max-queues', { value: 1 })).json).toEqual({ error: 'not_found', reason: 'vhost_not_found' });
    expect((await api('GET', '/api/vhost-limits/nov')).json).toEqual(NOT_FOUND);
    expect((await api('GET', '/api/vhost-limits/h7tlimv/max-queues')).status).toBe(405);

    await api('PUT', '/api/users/h7tulim', { password: 'pw', tags: '' });
    expect((await api('PUT', '/api/user-limits/h7tulim/max-channels', { value: 3 })).status).toBe(204);
    expect((await api('PUT', '/api/user-limits/h7tulim/max-connections', { value: 2 })).status).toBe(204);
    expect((await api('GET', '/api/user-limits/h7tulim')).json).toEqual([{ user: 'h7tulim', value: { 'max-channels': 3, 'max-connections': 2 } }]);
    expect((await api('GET', '/api/users/h7tulim')).json).toMatchObject({ limits: { 'max-channels': 3, 'max-connections': 2 } });
    expect((await api('PUT', '/api/user-limits/h7tulim/max-queues', { value: 3 })).json).toEqual({ error: 'bad_request', reason: 'Unrecognised terms [{<<"max-queues">>,3}] in user-limits' });
    expect((await api('PUT', '/api/user-limits/nouser/max-channels', { value: 3 })).json).toEqual({ error: 'bad_request', reason: ['no_such_user', 'nouser'] });
    expect((await api('GET', '/api/user-limits/guest')).json).toEqual([]);
    expect((await api('DELETE', '/api/user-limits/h7tulim/max-channels')).status).toBe(204);
    expect((await api('DELETE', '/api/user-limits/h7tulim/max-channels')).status).toBe(204);
    expect((await api('GET', '/api/user-limits/h7tulim')).json).toEqual([{ user: 'h7tulim', value: { 'max-connections': 2 } }]);
  });

  it('max-queues refuses a new queue with 406 and RabbitMQ\'s text; existing queues redeclare', async () => {
    await api('PUT', '/api/vhosts/h7tlimq');
    await api('PUT', '/api/vhost-limits/h7tlimq/max-queues', { value: 1 });
    const conn = await amqp.connect(t.amqpUrl + '/h7tlimq');
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue('q1');
      await ch.assertQueue('q1');
      const closed = new Promise<Error>((resolve) => ch.on('error', resolve));
      await expect(ch.assertQueue('q2')).rejects.toThrow();
      expect((await closed).message).toContain("PRECONDITION_FAILED - cannot declare queue 'q2': queue limit in vhost 'h7tlimq' (1) is reached");
      await api('DELETE', '/api/vhost-limits/h7tlimq/max-queues');
      const ch2 = await conn.createChannel();
      await ch2.assertQueue('q2');
    } finally {
      await conn.close();
    }
  });
});
