// GET /api/definitions: RabbitMQ's export format (keys and shapes as 3.10.8 writes them, vhosts with
// 3.13's metadata), users with hashes; exclusive queues and amq.* exchanges left out.
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { call } from './access-api.js';

let t: ManagementTarget;
beforeAll(async () => {
  t = await startManagementTarget();
});
afterAll(async () => {
  await t?.close();
});

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('GET /api/definitions', () => {
  it('exports users, vhosts, permissions, policies, queues, exchanges and bindings', async () => {
    const api = (m: string, p: string, b?: unknown): ReturnType<typeof call> => call(t.base, m, p, b);
    await api('PUT', '/api/users/dx', { password: 'pw', tags: 'monitoring' });
    await api('PUT', '/api/vhosts/dv', { description: 'dd', tags: 'a' });
    await api('PUT', '/api/permissions/dv/dx', { configure: '^d', write: '.*', read: '' });
    await api('PUT', '/api/topic-permissions/dv/dx', { exchange: 'amq.topic', write: 'w', read: 'r' });
    await api('PUT', '/api/vhost-limits/dv/max-queues', { value: 9 });
    await api('PUT', '/api/policies/dv/p1', { pattern: '^q', definition: { 'message-ttl': 5 } });
    const conn = await amqp.connect(t.amqpUrl + '/dv');
    const ch = await conn.createChannel();
    await ch.assertQueue('q1', { durable: true, arguments: { 'x-max-length': 5 } });
    await ch.assertQueue('excl', { exclusive: true });
    await ch.assertExchange('x1', 'topic', { durable: true });
    await ch.bindQueue('q1', 'x1', 'a.#');
    await ch.bindQueue('excl', 'x1', 'b');
    await ch.bindQueue('q1', 'amq.direct', 'k');

    const r = await call(t.base, 'GET', '/api/definitions?download=defs.json');
    await conn.close();
    expect(r.status).toBe(200);
    const d = r.json as Record<string, unknown[]>;
    expect(Object.keys(d)).toEqual([
      'rabbit_version', 'rabbitmq_version', 'product_name', 'product_version', 'users', 'vhosts', 'permissions',
      'topic_permissions', 'parameters', 'global_parameters', 'policies', 'queues', 'exchanges', 'bindings',
    ]);
    expect(d.users).toContainEqual({ name: 'dx', password_hash: expect.any(String), hashing_algorithm: 'rabbit_password_hashing_sha256', tags: ['monitoring'], limits: {} });
    expect(d.vhosts).toContainEqual({ name: 'dv', description: 'dd', tags: ['a'], limits: { 'max-queues': 9 }, metadata: { description: 'dd', tags: ['a'] } });
    expect(d.permissions).toContainEqual({ user: 'dx', vhost: 'dv', configure: '^d', write: '.*', read: '' });
    expect(d.topic_permissions).toEqual([{ user: 'dx', vhost: 'dv', exchange: 'amq.topic', write: 'w', read: 'r' }]);
    expect(d.policies).toEqual([{ vhost: 'dv', name: 'p1', pattern: '^q', 'apply-to': 'all', definition: { 'message-ttl': 5 }, priority: 0 }]);
    expect(d.queues).toEqual([{ name: 'q1', vhost: 'dv', durable: true, auto_delete: false, arguments: { 'x-max-length': 5 } }]);
    expect(d.exchanges).toEqual([{ name: 'x1', vhost: 'dv', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} }]);
    expect(d.bindings).toEqual(
      expect.arrayContaining([
        { source: 'x1', vhost: 'dv', destination: 'q1', destination_type: 'queue', routing_key: 'a.#', arguments: {} },
        { source: 'amq.direct', vhost: 'dv', destination: 'q1', destination_type: 'queue', routing_key: 'k', arguments: {} },
      ]),
    );
    expect(d.bindings).toHaveLength(2);
    expect((await call(t.base, 'GET', '/api/definitions', undefined, basic('dx', 'pw'))).json).toEqual({ error: 'not_authorised', reason: 'Not administrator user' });

    // Per vhost, as 3.10.8: no `vhost` on queues, exchanges and bindings (policies keep it).
    const v = (await call(t.base, 'GET', '/api/definitions/dv')).json as Record<string, unknown[]>;
    expect(Object.keys(v)).toEqual(['rabbit_version', 'parameters', 'policies', 'queues', 'exchanges', 'bindings']);
    expect(v.queues).toEqual([{ name: 'q1', durable: true, auto_delete: false, arguments: { 'x-max-length': 5 } }]);
    expect(v.policies).toEqual([{ vhost: 'dv', name: 'p1', pattern: '^q', 'apply-to': 'all', definition: { 'message-ttl': 5 }, priority: 0 }]);
    expect(v.bindings).toContainEqual({ source: 'x1', destination: 'q1', destination_type: 'queue', routing_key: 'a.#', arguments: {} });
    expect((await call(t.base, 'GET', '/api/definitions/nosuch')).status).toBe(404);
  });
});
