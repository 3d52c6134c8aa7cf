import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  expandTopicPattern,
  InvalidPatternError,
  TopicPermissions,
  validatePatterns,
  VhostPermissions,
} from '../../src/auth/permissions.js';
import { AccessTable, VhostAccess } from '../../src/auth/access-table.js';

// The decisions below were observed on RabbitMQ 3.10.8 (docs/access-control-reference.md), user `lim`
// with configure '^(cfg|all)-', write '^(w|all)-', read '^(r|all)-'.
const lim = new VhostPermissions({ configure: '^(cfg|all)-', write: '^(w|all)-', read: '^(r|all)-' });

describe('VhostPermissions', () => {
  it.each([
    ['configure', 'cfg-q', true],
    ['configure', 'none-q', false],
    ['configure', 'amq.gen-rk7B3IGLf13LIDHByEkWNg', false],
    ['write', 'w-x', true],
    ['write', 'amq.default', false],
    ['write', 'r-x', false],
    ['read', 'r-q', true],
    ['read', 'all-q', true],
    ['read', 'w-q', false],
  ] as const)('%s on %s -> %s', (kind, name, allowed) => {
    expect(lim.check(kind, name)).toBe(allowed);
  });

  it('matches anywhere in the name (unanchored, like re:run)', () => {
    const p = new VhostPermissions({ configure: 'foo', write: 'foo$', read: '.*' });
    expect(p.check('configure', 'xfoo-1')).toBe(true);
    expect(p.check('write', 'xfoo-1')).toBe(false);
    expect(p.check('write', 'a.foo')).toBe(true);
    expect(p.check('read', 'anything')).toBe(true);
  });

  it('an empty pattern allows no resource name (RabbitMQ turns it into ^$)', () => {
    const p = new VhostPermissions({ configure: '', write: '', read: '' });
    for (const name of ['q', 'amq.default', 'amq.gen-x', ' ']) {
      expect(p.check('configure', name)).toBe(false);
      expect(p.check('write', name)).toBe(false);
      expect(p.check('read', name)).toBe(false);
    }
  });

  it('keeps the patterns as given, frozen', () => {
    expect(lim.patterns).toEqual({ configure: '^(cfg|all)-', write: '^(w|all)-', read: '^(r|all)-' });
    expect(Object.isFrozen(lim.patterns)).toBe(true);
  });

  it('gives the same answer on repeated checks (no lastIndex state)', () => {
    for (let i = 0; i < 3; i++) expect(lim.check('write', 'w-x')).toBe(true);
  });
});

describe('compilePattern', () => {
  it('refuses what RabbitMQ refuses on set_permissions ("(" -> invalid_regexp)', () => {
    expect(() => compilePattern('(')).toThrow(InvalidPatternError);
    expect(() => new VhostPermissions({ configure: '.*', write: '[', read: '.*' })).toThrow(InvalidPatternError);
    try {
      compilePattern('(');
    } catch (e) {
      expect((e as InvalidPatternError).pattern).toBe('(');
    }
  });

  it('refuses PCRE-only escapes JS would read as a letter, but keeps PCRE literal escapes', () => {
    expect(() => compilePattern('\\Aapp')).toThrow(/PCRE escape \\A/);
    expect(() => compilePattern('app\\Z')).toThrow(InvalidPatternError);
    expect(() => compilePattern('a++')).toThrow(InvalidPatternError);
    expect(compilePattern('\\\\A').test('\\A')).toBe(true); // escaped backslash, then a literal A
    expect(compilePattern('^app\\-1').test('app-1')).toBe(true);
    expect(compilePattern('^a\\_b').test('a_b')).toBe(true);
  });

  it('validatePatterns checks every pattern of a set', () => {
    expect(() => validatePatterns({ write: '.*', read: ')' })).toThrow(InvalidPatternError);
    expect(() => validatePatterns({ configure: '', write: '', read: '' })).not.toThrow();
  });
});

describe('topic permissions', () => {
  it('expands {username} and {vhost} verbatim, every occurrence, username first', () => {
    expect(expandTopicPattern('^{username}\\.{vhost}\\.{username}', { username: 'u', vhost: 'v' })).toBe('^u\\.v\\.u');
    expect(expandTopicPattern('^{username}$', { username: 't.u', vhost: '/' })).toBe('^t.u$');
    expect(expandTopicPattern('{username}', { username: '{vhost}', vhost: 'v' })).toBe('v');
  });

  // topicuser in vhost ac: write '^{username}\.', read '^{vhost}\.r' on amq.topic (3.10.8)
  const t = new TopicPermissions({ username: 'topicuser', vhost: 'ac' });
  t.set('amq.topic', { write: '^{username}\\.', read: '^{vhost}\\.r' });

  it.each([
    ['write', 'amq.topic', 'topicuser.a', true],
    ['write', 'amq.topic', 'other.a', false],
    ['write', 'amq.topic', '', false],
    ['read', 'amq.topic', 'ac.r.x', true],
    ['read', 'amq.topic', 'x.y', false],
    ['write', 'all-tx', 'other.a', true], // no topic permission on that exchange: everything allowed
  ] as const)('%s %s %j -> %s', (kind, exchange, rk, allowed) => {
    expect(t.check(kind, exchange, rk)).toBe(allowed);
  });

  it('does not escape the user name: t.u with ^{username}$ allows tXu (3.10.8)', () => {
    const tu = new TopicPermissions({ username: 't.u', vhost: 'ac' });
    tu.set('amq.topic', { write: '^{username}$', read: '' });
    expect(tu.check('write', 'amq.topic', 'tXu')).toBe(true);
    expect(tu.check('write', 'amq.topic', 't.u')).toBe(true);
    // the empty read pattern is ^$: only the empty binding key (3.10.8: bind '' ok, bind 'a' refused)
    expect(tu.check('read', 'amq.topic', '')).toBe(true);
    expect(tu.check('read', 'amq.topic', 'a')).toBe(false);
  });

  it('a user name that breaks the expanded regex matches nothing (3.10.8 crashes the connection with 541)', () => {
    const px = new TopicPermissions({ username: 'p(x', vhost: 'ac' });
    px.set('amq.topic', { write: '^{username}', read: '.*' });
    expect(px.check('write', 'amq.topic', 'p(x.a')).toBe(false);
    expect(px.check('read', 'amq.topic', 'k')).toBe(true);
  });

  it('validates the raw patterns when set and keeps the old entry on failure', () => {
    const x = new TopicPermissions({ username: 'u', vhost: 'v' });
    x.set('amq.topic', { write: '^a', read: '^a' });
    expect(() => x.set('amq.topic', { write: '(', read: '.*' })).toThrow(InvalidPatternError);
    expect(x.get('amq.topic')).toEqual({ write: '^a', read: '^a' });
  });

  it('lists, clears one and clears all', () => {
    const x = new TopicPermissions({ username: 'u', vhost: 'v' });
    x.set('a', { write: '.*', read: '.*' });
    x.set('b', { write: '^b', read: '' });
    expect(x.entries()).toEqual([
      ['a', { write: '.*', read: '.*' }],
      ['b', { write: '^b', read: '' }],
    ]);
    expect(x.clear('a')).toBe(true);
    expect(x.clear('a')).toBe(false);
    expect(x.has('b')).toBe(true);
    expect(x.clear()).toBe(true);
    expect(x.size).toBe(0);
    expect(x.check('write', 'b', 'anything')).toBe(true);
  });
});

describe('VhostAccess', () => {
  it('connection.open needs an entry; an entry of three empty patterns is enough (3.10.8)', () => {
    const a = new VhostAccess('empty', 'ac');
    expect(a.hasEntry).toBe(false);
    expect(a.check('read', 'q')).toBe(false);
    a.setPermissions({ configure: '', write: '', read: '' });
    expect(a.hasEntry).toBe(true);
    expect(a.check('read', 'q')).toBe(false);
  });

  it('bumps the generation on every change, not on a no-op clear', () => {
    const a = new VhostAccess('u', 'v');
    const g0 = a.generation;
    a.setPermissions({ configure: '.*', write: '.*', read: '.*' });
    a.setTopicPermission('amq.topic', { write: '.*', read: '.*' });
    expect(a.clearTopicPermission('nope')).toBe(false);
    const g1 = a.generation;
    expect(g1).toBe(g0 + 2);
    a.clearTopicPermission('amq.topic');
    a.revoke();
    expect(a.generation).toBe(g1 + 2);
    expect(a.hasEntry).toBe(false);
  });

  it('a bad pattern changes nothing, not even the generation', () => {
    const a = new VhostAccess('u', 'v');
    a.setPermissions({ configure: '.*', write: '.*', read: '.*' });
    const g = a.generation;
    expect(() => a.setPermissions({ configure: '(', write: '', read: '' })).toThrow(InvalidPatternError);
    expect(a.generation).toBe(g);
    expect(a.check('configure', 'q')).toBe(true);
  });
});

describe('AccessTable', () => {
  it('hands out one object per user x vhost that later changes update in place', () => {
    const t = new AccessTable();
    const held = t.access('alex', '/');
    expect(t.canOpen('alex', '/')).toBe(false);
    t.setPermissions('alex', '/', { configure: '.*', write: '.*', read: '.*' });
    expect(t.canOpen('alex', '/')).toBe(true);
    expect(held.check('write', 'x')).toBe(true);
    expect(t.clearPermissions('alex', '/')).toBe(true);
    expect(t.clearPermissions('alex', '/')).toBe(false);
    expect(held.check('write', 'x')).toBe(false);
    t.setPermissions('alex', '/', { configure: '', write: '^x$', read: '' });
    expect(held.check('write', 'x')).toBe(true);
  });

  it('lists permissions and topic permissions, filtered by user or vhost', () => {
    const t = new AccessTable();
    t.setPermissions('a', '/', { configure: '.*', write: '.*', read: '.*' });
    t.setPermissions('a', 'v', { configure: '', write: '', read: '' });
    t.setPermissions('b', 'v', { configure: '^b', write: '^b', read: '' });
    t.setTopicPermission('b', 'v', 'amq.topic', { write: '^{username}', read: '' });
    expect(t.permissions({ vhost: 'v' }).map((r) => r.user)).toEqual(['a', 'b']);
    expect(t.permissions({ user: 'a' }).map((r) => r.vhost)).toEqual(['/', 'v']);
    expect(t.permissions({ user: 'b', vhost: 'v' })).toEqual([{ user: 'b', vhost: 'v', configure: '^b', write: '^b', read: '' }]);
    expect(t.topicPermissions()).toEqual([{ user: 'b', vhost: 'v', exchange: 'amq.topic', write: '^{username}', read: '' }]);
  });

  it('clear_permissions keeps topic permissions; clear_topic_permissions is separate', () => {
    const t = new AccessTable();
    t.setPermissions('b', 'v', { configure: '.*', write: '.*', read: '.*' });
    t.setTopicPermission('b', 'v', 'amq.topic', { write: '^b', read: '' });
    t.clearPermissions('b', 'v');
    expect(t.topicPermissions()).toHaveLength(1);
    expect(t.clearTopicPermission('b', 'v')).toBe(true);
    expect(t.topicPermissions()).toHaveLength(0);
  });

  it('deleting a user or a vhost revokes the objects live connections hold', () => {
    const t = new AccessTable();
    t.setPermissions('a', '/', { configure: '.*', write: '.*', read: '.*' });
    t.setPermissions('a', 'v', { configure: '.*', write: '.*', read: '.*' });
    t.setPermissions('b', 'v', { configure: '.*', write: '.*', read: '.*' });
    const aRoot = t.access('a', '/');
    const bV = t.access('b', 'v');
    t.deleteVhost('v');
    expect(bV.check('read', 'q')).toBe(false);
    expect(t.permissions()).toEqual([{ user: 'a', vhost: '/', configure: '.*', write: '.*', read: '.*' }]);
    t.deleteUser('a');
    expect(aRoot.check('read', 'q')).toBe(false);
    expect(t.permissions()).toEqual([]);
    // a user created again with the same name starts from nothing
    expect(t.canOpen('a', '/')).toBe(false);
  });
});
