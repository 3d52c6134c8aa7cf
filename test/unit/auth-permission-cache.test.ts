import { describe, expect, it, vi } from 'vitest';
import { VhostAccess } from '../../src/auth/access-table.js';
import { DEFAULT_PERMISSION_CACHE_SIZE, PermissionCache } from '../../src/auth/permission-cache.js';

function accessWith(write = '.*'): VhostAccess {
  const a = new VhostAccess('u', 'v');
  a.setPermissions({ configure: '^c', write, read: '^r' });
  return a;
}

describe('PermissionCache', () => {
  it('answers like the access object', () => {
    const c = new PermissionCache(accessWith('^w'));
    expect(c.check('write', 'w-x')).toBe(true);
    expect(c.check('write', 'x')).toBe(false);
    expect(c.check('configure', 'c1')).toBe(true);
    expect(c.check('read', 'c1')).toBe(false);
    expect(c.check('read', 'r1')).toBe(true);
  });

  it('a hit does not evaluate the pattern again', () => {
    const a = accessWith();
    const c = new PermissionCache(a);
    const spy = vi.spyOn(a, 'check');
    for (let i = 0; i < 1000; i++) expect(c.check('write', 'ex')).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('caches only allowed decisions (a refusal is asked again)', () => {
    const a = accessWith('^w');
    const c = new PermissionCache(a);
    const spy = vi.spyOn(a, 'check');
    c.check('write', 'x');
    c.check('write', 'x');
    expect(spy).toHaveBeenCalledTimes(2);
    expect(c.size).toBe(0);
  });

  it('keeps kinds apart: write on a name says nothing about read on it', () => {
    const c = new PermissionCache(accessWith());
    expect(c.check('write', 'r1')).toBe(true);
    expect(c.check('read', 'x')).toBe(false);
    expect(c.check('configure', 'r1')).toBe(false);
  });

  it(`is bounded (RabbitMQ: ${DEFAULT_PERMISSION_CACHE_SIZE} per list) and drops the oldest first`, () => {
    const a = accessWith();
    const c = new PermissionCache(a);
    for (let i = 0; i < 20; i++) c.check('write', `x${i}`);
    expect(c.size).toBe(DEFAULT_PERMISSION_CACHE_SIZE);
    const spy = vi.spyOn(a, 'check');
    c.check('write', 'x19'); // newest: still cached
    expect(spy).not.toHaveBeenCalled();
    c.check('write', 'x0'); // oldest: evicted long ago
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('a permission change empties the cache on the next check: a revoked write is refused at once', () => {
    const a = accessWith();
    const c = new PermissionCache(a);
    expect(c.check('write', 'ex')).toBe(true);
    a.setPermissions({ configure: '', write: '', read: '' });
    expect(c.check('write', 'ex')).toBe(false);
    expect(c.size).toBe(0);
    a.setPermissions({ configure: '', write: '^ex$', read: '' });
    expect(c.check('write', 'ex')).toBe(true);
    a.revoke();
    expect(c.check('write', 'ex')).toBe(false);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new PermissionCache(accessWith(), 0)).toThrow(RangeError);
  });
});

describe('PermissionCache topic decisions', () => {
  function topicAccess(): VhostAccess {
    const a = accessWith();
    a.setTopicPermission('amq.topic', { write: '^{username}\\.', read: '^{vhost}\\.' });
    return a;
  }

  it('checks the routing key on exchanges with a topic permission, allows anything elsewhere', () => {
    const c = new PermissionCache(topicAccess());
    expect(c.checkTopic('write', 'amq.topic', 'u.a')).toBe(true);
    expect(c.checkTopic('write', 'amq.topic', 'x.a')).toBe(false);
    expect(c.checkTopic('read', 'amq.topic', 'v.a')).toBe(true);
    expect(c.checkTopic('read', 'amq.topic', 'u.a')).toBe(false);
    expect(c.checkTopic('write', 'other', 'x.a')).toBe(true);
    expect(c.size).toBe(2);
  });

  it('caches per exchange and routing key, bounded on both', () => {
    const a = topicAccess();
    for (let i = 0; i < 20; i++) a.setTopicPermission(`t${i}`, { write: '.*', read: '.*' });
    const c = new PermissionCache(a, 4);
    for (let i = 0; i < 20; i++) for (let k = 0; k < 10; k++) c.checkTopic('write', `t${i}`, `k${k}`);
    expect(c.size).toBe(16);
    const spy = vi.spyOn(a.topics, 'check');
    expect(c.checkTopic('write', 't19', 'k9')).toBe(true);
    expect(spy).not.toHaveBeenCalled();
  });

  it('a topic permission change empties the cache', () => {
    const a = topicAccess();
    const c = new PermissionCache(a);
    expect(c.checkTopic('write', 'amq.topic', 'u.a')).toBe(true);
    a.setTopicPermission('amq.topic', { write: '^nothing$', read: '' });
    expect(c.checkTopic('write', 'amq.topic', 'u.a')).toBe(false);
    a.clearTopicPermission('amq.topic');
    expect(c.checkTopic('write', 'amq.topic', 'u.a')).toBe(true);
  });
});
