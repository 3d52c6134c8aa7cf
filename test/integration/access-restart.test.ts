// Users, vhosts (with metadata), permissions, topic permissions and limits survive a restart
// (LevelDB in a temp dir); the default user and vhost are created on first start only.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createLogger, startServices, type BrokerServices } from '../../src/index.js';
import { basic } from '../helpers/management.js';
import { call } from '../http/access-api.js';
import { testConfig } from '../helpers/test-config.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<BrokerServices> {
  const config: Config = testConfig({ dataDir });
  return startServices(config, createLogger('silent'));
}

describe('restart', () => {
  it('keeps users, vhosts, permissions, topic permissions and limits; does not recreate guest', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-access-'));
    dirs.push(dataDir);
    let s = await start(dataDir);
    let base = `http://127.0.0.1:${s.management.port}`;
    const ok = async (method: string, p: string, body?: unknown, auth?: string): Promise<void> => {
      const r = await call(base, method, p, body, auth);
      expect(r.status, `${method} ${p}: ${r.text}`).toBeLessThan(300);
    };
    await ok('PUT', '/api/users/alex', { password: '123', tags: 'administrator' });
    await ok('PUT', '/api/users/app', { password: 'apppw', tags: ['management', 'custom'] });
    await ok('PUT', '/api/vhosts/appv', { description: 'the app', tags: 'a,b', default_queue_type: 'classic' });
    await ok('PUT', '/api/permissions/appv/app', { configure: '^app-', write: '.*', read: '' });
    await ok('PUT', '/api/permissions/%2F/alex', { configure: '.*', write: '.*', read: '.*' });
    await ok('PUT', '/api/topic-permissions/appv/app', { exchange: 'amq.topic', write: '^{username}', read: '.*' });
    await ok('PUT', '/api/vhost-limits/appv/max-queues', { value: 1 });
    await ok('PUT', '/api/vhost-limits/appv/max-connections', { value: 7 });
    await ok('PUT', '/api/user-limits/app/max-channels', { value: 4 });
    // A vhost deleted before the restart stays deleted, with its permissions.
    await ok('PUT', '/api/vhosts/gone');
    await ok('PUT', '/api/permissions/gone/app', { configure: '.*', write: '.*', read: '.*' });
    await ok('DELETE', '/api/vhosts/gone');
    const alexHash = ((await call(base, 'GET', '/api/users/alex')).json as { password_hash: string }).password_hash;
    await ok('DELETE', '/api/users/guest', undefined, basic('alex', '123'));
    await s.close();

    s = await start(dataDir);
    base = `http://127.0.0.1:${s.management.port}`;
    const alex = basic('alex', '123');
    try {
      expect((await call(base, 'GET', '/api/whoami', undefined, basic('guest', 'guest'))).status).toBe(401);
      const users = (await call(base, 'GET', '/api/users', undefined, alex)).json as { name: string }[];
      expect(users.map((u) => u.name)).toEqual(['alex', 'app']);
      expect((await call(base, 'GET', '/api/users/alex', undefined, alex)).json).toMatchObject({ password_hash: alexHash, tags: ['administrator'] });
      expect((await call(base, 'GET', '/api/users/app', undefined, alex)).json).toMatchObject({ tags: ['management', 'custom'], limits: { 'max-channels': 4 } });
      expect((await call(base, 'GET', '/api/vhosts/appv', undefined, alex)).json).toMatchObject({
        description: 'the app',
        tags: ['a', 'b'],
        default_queue_type: 'classic',
      });
      expect(((await call(base, 'GET', '/api/vhosts', undefined, alex)).json as { name: string }[]).map((v) => v.name)).toEqual(['/', 'appv']);
      expect((await call(base, 'GET', '/api/users/app/permissions', undefined, alex)).json).toEqual([
        { user: 'app', vhost: 'appv', configure: '^app-', write: '.*', read: '' },
      ]);
      expect((await call(base, 'GET', '/api/topic-permissions', undefined, alex)).json).toEqual([
        { user: 'app', vhost: 'appv', exchange: 'amq.topic', write: '^{username}', read: '.*' },
      ]);
      expect((await call(base, 'GET', '/api/vhost-limits', undefined, alex)).json).toEqual([{ vhost: 'appv', value: { 'max-connections': 7, 'max-queues': 1 } }]);
      // Guest's permissions went with guest; nothing is left for the deleted vhost.
      const perms = (await call(base, 'GET', '/api/permissions', undefined, alex)).json as { user: string; vhost: string }[];
      expect(perms.map((p) => `${p.user}@${p.vhost}`).sort()).toEqual(['alex@/', 'app@appv']);
      // The recovered user logs in over AMQP, and the recovered limit applies.
      const conn = await amqp.connect(`amqp://app:apppw@127.0.0.1:${s.amqp.port}/appv`);
      try {
        const ch = await conn.createChannel();
        await ch.assertQueue('app-1');
        ch.on('error', () => undefined);
        await expect(ch.assertQueue('app-2')).rejects.toThrow(/queue limit in vhost 'appv' \(1\) is reached/);
      } finally {
        await conn.close();
      }
    } finally {
      await s.close();
    }
    // Third start: the recovered queue did not count against its own limit.
    s = await start(dataDir);
    try {
      expect(s.broker.getVhost('appv')?.queues.has('app-1')).toBe(true);
      expect(s.users.get('guest')).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});

describe('first start', () => {
  it('default_user_tags and default_permissions.* shape the default user', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-access-'));
    dirs.push(dataDir);
    const config: Config = testConfig({
      dataDir,
      defaultUser: 'boss',
      defaultPass: 'pw',
      defaultVhost: 'main',
      defaultUserTags: ['administrator', 'ops'],
      defaultPermissionConfigure: '^cfg',
      defaultPermissionWrite: '.*',
      defaultPermissionRead: '',
    });
    const s = await startServices(config, createLogger('silent'));
    try {
      const base = `http://127.0.0.1:${s.management.port}`;
      const boss = basic('boss', 'pw');
      expect((await call(base, 'GET', '/api/whoami', undefined, boss)).json).toEqual({ name: 'boss', tags: ['administrator', 'ops'] });
      expect((await call(base, 'GET', '/api/permissions', undefined, boss)).json).toEqual([{ user: 'boss', vhost: 'main', configure: '^cfg', write: '.*', read: '' }]);
      expect(((await call(base, 'GET', '/api/vhosts', undefined, boss)).json as { name: string; description: string }[]).map((v) => [v.name, v.description])).toEqual([
        ['main', 'Default virtual host'],
      ]);
    } finally {
      await s.close();
    }
  });
});
