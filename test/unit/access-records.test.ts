// Users, permissions, topic permissions and vhost settings through LevelStore (a real LevelDB in
// a temp dir) and MemoryStore, and the UserStore -> Store wiring of src/user-persistence.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { UserStore } from '../../src/auth/users.js';
import type { Store } from '../../src/broker/persistence.js';
import { vhostKey } from '../../src/store/keys.js';
import { LevelStore } from '../../src/store/level-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { persistUsers, recoverUsers } from '../../src/user-persistence.js';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function level(dir?: string): Promise<LevelStore> {
  if (dir === undefined) dirs.push((dir = await mkdtemp(path.join(os.tmpdir(), 'warren-access-rec-'))));
  const s = new LevelStore(dir, silent);
  await s.open();
  return s;
}

function fill(store: Store): UserStore {
  const users = new UserStore();
  persistUsers(users, store);
  users.add('a', 'pw', ['administrator']);
  users.add('b', 'pw', ['management']);
  users.update('b', { limits: { 'max-channels': 2 } });
  users.setPermissions('a', '/', { configure: '.*', write: '.*', read: '.*' });
  users.setPermissions('b', '/', { configure: '', write: 'w', read: 'r' });
  users.setPermissions('b', 'v', { configure: '.*', write: '.*', read: '.*' });
  users.setTopicPermission('b', '/', 'amq.topic', { write: '^{username}', read: '.*' });
  users.setTopicPermission('b', '/', 't2', { write: 'x', read: 'y' });
  users.setTopicPermission('a', '/', 't3', { write: 'x', read: 'y' });
  users.clearTopicPermission('b', '/', 't2');
  users.delete('a');
  users.deleteVhost('v');
  store.putVhost('v', { metadata: { description: 'd', tags: ['x'], defaultQueueType: 'quorum' }, limits: { 'max-queues': 3 } });
  return users;
}

async function check(store: Store, before: UserStore): Promise<void> {
  const defs = await store.loadDefinitions();
  expect(defs.users.map((u) => u.name)).toEqual(['b']);
  expect(defs.users[0]).toEqual({ name: 'b', passwordHash: before.get('b')?.passwordHash, hashingAlgorithm: 'rabbit_password_hashing_sha256', tags: ['management'], limits: { 'max-channels': 2 } });
  expect(defs.permissions).toEqual([{ user: 'b', vhost: '/', configure: '', write: 'w', read: 'r' }]);
  expect(defs.topicPermissions).toEqual([{ user: 'b', vhost: '/', exchange: 'amq.topic', write: '^{username}', read: '.*' }]);
  expect(defs.vhostRecords).toEqual([{ name: 'v', metadata: { description: 'd', tags: ['x'], defaultQueueType: 'quorum' }, limits: { 'max-queues': 3 } }]);
  const users = new UserStore();
  expect(recoverUsers(users, defs, () => undefined)).toBe(true);
  expect(users.authenticate('b', 'pw')?.name).toBe('b');
  expect(users.access.find('b', '/')?.check('write', 'w-1')).toBe(true);
  expect(users.access.find('b', '/')?.checkTopic('write', 'amq.topic', 'b.x')).toBe(true);
}

describe('access records', () => {
  it('LevelStore: written as they change, read back after a reopen', async () => {
    let s = await level();
    const users = fill(s);
    await s.close();
    s = await level(s.location);
    try {
      await check(s, users);
    } finally {
      await s.close();
    }
  });

  it('MemoryStore keeps the same', async () => {
    const s = new MemoryStore();
    await check(s, fill(s));
  });

  it('a vhost record written before metadata existed reads with defaults', async () => {
    const s = await level();
    try {
      await s.database.put(vhostKey('old'), Buffer.from(JSON.stringify({ name: 'old' })));
      expect((await s.loadDefinitions()).vhostRecords).toEqual([{ name: 'old', metadata: { description: '', tags: [] }, limits: {} }]);
    } finally {
      await s.close();
    }
  });
});
