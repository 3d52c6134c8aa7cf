// The admin lists (users, permissions, topic permissions, policies, limits, vhosts) take RabbitMQ
// 3.10.8's list parameters: sort, sort_reverse and columns everywhere (rabbit_mgmt_util:reply_list),
// paging only on /api/vhosts (reply_list_or_paginate); the others ignore page= and answer the whole
// list. Runs against RabbitMQ's API too: WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';

let t: ManagementTarget;
const P = 'alists-';

async function get(path: string): Promise<unknown> {
  const r = await fetch(`${t.base}${path}`, { headers: { authorization: basic('guest', 'guest') } });
  expect(r.status, path).toBe(200);
  return r.json();
}

async function put(path: string, body: unknown): Promise<void> {
  const r = await fetch(`${t.base}${path}`, {
    method: 'PUT',
    headers: { authorization: basic('guest', 'guest'), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect([201, 204], `${path}: ${await r.text()}`).toContain(r.status);
}

const ours = (rows: unknown, key = 'name'): unknown[] =>
  (rows as Record<string, unknown>[]).filter((r) => String(r[key]).startsWith(P));

beforeAll(async () => {
  t = await startManagementTarget();
  await t.addUser(`${P}b`, 'pw', [], ['/']);
  await t.addUser(`${P}a`, 'pw', ['monitoring'], ['/']);
  await t.addUser(`${P}c`, 'pw', [], []);
  await t.addVhost(`${P}v1`);
  await t.addVhost(`${P}v2`);
  await put(`/api/policies/%2F/${P}p2`, { pattern: '^x', definition: { 'max-length': 1 }, priority: 1 });
  await put(`/api/policies/%2F/${P}p1`, { pattern: '^y', definition: { 'max-length': 2 }, priority: 2 });
});

afterAll(async () => {
  if (t === undefined) return;
  for (const p of ['p1', 'p2']) await fetch(`${t.base}/api/policies/%2F/${P}${p}`, { method: 'DELETE', headers: { authorization: basic('guest', 'guest') } });
  await t.close();
});

describe('reply_list lists', () => {
  it('/api/users sorts (sort_reverse) and keeps only the asked columns; page= is ignored', async () => {
    expect(ours(await get('/api/users?sort=name&sort_reverse=true&columns=name'))).toEqual([{ name: `${P}c` }, { name: `${P}b` }, { name: `${P}a` }]);
    expect(ours(await get('/api/users?sort=tags&columns=name,tags')).map((u) => (u as { name: string }).name)).toEqual([`${P}b`, `${P}c`, `${P}a`]);
    const paged = await get('/api/users?page=1&page_size=1');
    expect(Array.isArray(paged)).toBe(true);
    expect(ours(paged)).toHaveLength(3);
  });

  it('/api/users/without-permissions and /api/permissions take columns and sort', async () => {
    expect(ours(await get('/api/users/without-permissions?columns=name'))).toEqual([{ name: `${P}c` }]);
    const perms = ours(await get('/api/permissions?sort=user&sort_reverse=true&columns=user,vhost'), 'user');
    expect(perms).toEqual([{ user: `${P}b`, vhost: '/' }, { user: `${P}a`, vhost: '/' }]);
    expect(ours(await get(`/api/users/${P}a/permissions?columns=vhost,user`), 'user')).toEqual([{ vhost: '/', user: `${P}a` }]);
    expect(ours(await get('/api/vhosts/%2F/permissions?sort=user&columns=user'), 'user')).toEqual([{ user: `${P}a` }, { user: `${P}b` }]);
  });

  it('/api/policies sorts by priority and picks columns', async () => {
    expect(ours(await get('/api/policies?sort=priority&sort_reverse=true&columns=name,priority'))).toEqual([
      { name: `${P}p1`, priority: 2 },
      { name: `${P}p2`, priority: 1 },
    ]);
    // As rabbit_mgmt_util:reply_list: columns first, so sorting by a dropped key falls back to the name.
    expect(ours(await get('/api/policies/%2F?sort=priority&columns=name'))).toEqual([{ name: `${P}p1` }, { name: `${P}p2` }]);
  });

  it('/api/vhosts pages and filters by name as RabbitMQ does', async () => {
    const page = (await get(`/api/vhosts?page=1&page_size=1&name=${P}&sort=name&sort_reverse=true&columns=name`)) as Record<string, unknown>;
    expect(page.items).toEqual([{ name: `${P}v2` }]);
    expect([page.filtered_count, page.item_count, page.page, page.page_count, page.page_size]).toEqual([2, 1, 1, 2, 1]);
    expect(ours(await get('/api/vhosts?columns=name'))).toEqual([{ name: `${P}v1` }, { name: `${P}v2` }]);
  });
});
