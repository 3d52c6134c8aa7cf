// /api/operator-policies on a real port (RabbitMQ 3.10.8's shapes, codes, texts and authorisation),
// and what an operator policy does to real queues: applied on top of the policy at once, the lower
// numeric limit winning, un-applied when cleared. WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682
// runs it against RabbitMQ (management on 15682); WARREN_REFERENCE_MGMT_URL compares the shapes.
import { randomBytes } from 'node:crypto';
import type { Channel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpTracker, drain } from '../helpers/amqp-tracker.js';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { expectShapeLike, fetchJson, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { pollUntil } from '../helpers/wait.js';
import { call, type ApiResponse } from './access-api.js';

let t: ManagementTarget;
let tracker: AmqpTracker;
let ref: string | undefined;
const name = (p: string): string => `params-${p}-${randomBytes(4).toString('hex')}`;
const v = name('v');
const vp = encodeURIComponent(v);
const u = name('u');
/** [vhost, name] of every policy and operator policy a test sets, deleted after the file. */
const created: { kind: 'policies' | 'operator-policies'; vhost: string; name: string }[] = [];

const api = (method: string, path: string, body?: unknown, auth?: string): Promise<ApiResponse> => call(t.base, method, path, body, auth);

beforeAll(async () => {
  t = await startManagementTarget();
  tracker = new AmqpTracker(() => t.amqpUrl);
  ref = referenceMgmtUrl !== undefined && !t.external ? referenceMgmtUrl : undefined;
  await t.addVhost(v);
  if (ref !== undefined) await call(ref, 'PUT', `/api/vhosts/${vp}`);
  await t.addUser(`${u}-mg`, 'pw', ['management'], [v]);
  await t.addUser(`${u}-mon`, 'pw', ['monitoring'], []);
  await t.addUser(`${u}-pm`, 'pw', ['policymaker'], [v]);
});
afterAll(async () => {
  for (const c of created) await api('DELETE', `/api/${c.kind}/${encodeURIComponent(c.vhost)}/${encodeURIComponent(c.name)}`);
  await tracker?.cleanup();
  if (ref !== undefined) await call(ref, 'DELETE', `/api/vhosts/${vp}`);
  await t?.close();
});

/** PUTs a policy or operator policy in vhost (default '/') and records it for cleanup; asserts 201/204. */
async function put(kind: 'policies' | 'operator-policies', policyName: string, body: Record<string, unknown>, vhost = '/'): Promise<void> {
  created.push({ kind, vhost, name: policyName });
  const r = await api('PUT', `/api/${kind}/${encodeURIComponent(vhost)}/${encodeURIComponent(policyName)}`, body);
  expect(r.status, r.text).toBeLessThan(300);
}

async function del(kind: 'policies' | 'operator-policies', policyName: string, vhost = '/'): Promise<void> {
  expect((await api('DELETE', `/api/${kind}/${encodeURIComponent(vhost)}/${encodeURIComponent(policyName)}`)).status).toBe(204);
}

/** Declares a transient queue named with this helper's prefix, deleted after the file. */
async function queue(ch: Channel, prefix: string, args: Record<string, unknown> = {}): Promise<string> {
  const q = name(prefix);
  tracker.queues.add(q);
  await ch.assertQueue(q, { durable: false, arguments: args });
  return q;
}

const exact = (queue: string): string => `^${queue.replace(/[.\\]/g, (c) => `\\${c}`)}$`;

/** Publishes bodies 1..n to q through the default exchange in confirm mode. */
async function publish(ch: Channel & { waitForConfirms(): Promise<void> }, q: string, n: number, from = 1): Promise<void> {
  for (let i = from; i < from + n; i++) ch.sendToQueue(q, Buffer.from(String(i)));
  await ch.waitForConfirms();
}

/** The queue's depth once it is `want` (RabbitMQ applies policies asynchronously: poll), or its depth at the deadline. */
const depthBecomes = (ch: Channel, q: string, want: number): Promise<number> =>
  pollUntil(async () => (await ch.checkQueue(q)).messageCount, (n) => n === want);

describe('/api/operator-policies', () => {
  it('PUT 201 then 204, GET one and the lists in RabbitMQ\'s shape, DELETE 204 then 404', async () => {
    const op = name('op');
    const path = `/api/operator-policies/${vp}/${op}`;
    created.push({ kind: 'operator-policies', vhost: v, name: op });
    const body = { pattern: '^params-', definition: { 'max-length': 2, expires: 60000 } };
    expect((await api('PUT', path, body)).status).toBe(201);
    expect((await api('PUT', path, body)).status).toBe(204);
    const one = await api('GET', path);
    expect(one.status).toBe(200);
    const json = { vhost: v, name: op, pattern: '^params-', 'apply-to': 'all', definition: { expires: 60000, 'max-length': 2 }, priority: 0 };
    expect(one.json).toEqual(json);
    expect((await api('GET', `/api/operator-policies/${vp}`)).json).toEqual([json]);
    expect((await api('GET', '/api/operator-policies')).json).toContainEqual(json);
    // Not a policy.
    expect((await api('GET', `/api/policies/${vp}`)).json).toEqual([]);

    if (ref !== undefined) {
      await call(ref, 'PUT', path, body);
      expectShapeLike('operator-policies-list', (await api('GET', `/api/operator-policies/${vp}`)).json, (await fetchJson(ref, `/api/operator-policies/${vp}`)).json);
      expectShapeLike('operator-policy', one.json, (await fetchJson(ref, path)).json);
      await call(ref, 'DELETE', path);
    } else if (!t.external) {
      expectShapeLike('operator-policies-list', (await api('GET', `/api/operator-policies/${vp}`)).json);
      expectShapeLike('operator-policy', one.json);
    }

    expect((await api('DELETE', path)).status).toBe(204);
    const again = await api('DELETE', path);
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ error: 'Object Not Found', reason: 'Not Found' });
    expect((await api('GET', path)).status).toBe(404);
  });

  it('lists by ascending priority', async () => {
    const [a, b, c] = [name('op-a'), name('op-b'), name('op-c')];
    await put('operator-policies', a, { pattern: '^zz', definition: { 'max-length': 1 }, priority: 5 }, v);
    await put('operator-policies', b, { pattern: '^zz', definition: { 'max-length': 1 }, priority: -1 }, v);
    await put('operator-policies', c, { pattern: '^zz', definition: { 'max-length': 1 }, priority: 2 }, v);
    const names = ((await api('GET', `/api/operator-policies/${vp}`)).json as { name: string }[]).map((p) => p.name);
    expect(names).toEqual([b, c, a]);
    for (const n of [a, b, c]) await del('operator-policies', n, v);
  });

  it('wants a JSON content type: 415 without a body otherwise', async () => {
    const path = `/api/operator-policies/${vp}/${name('ct')}`;
    const body = JSON.stringify({ pattern: 'x', definition: { 'max-length': 'x' } });
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', undefined]) {
      const headers: Record<string, string> = { authorization: basic('guest', 'guest') };
      if (type !== undefined) headers['content-type'] = type;
      const r = await fetch(t.base + path, { method: 'PUT', headers, body });
      expect(r.status, String(type)).toBe(415);
      expect(await r.text()).toBe('');
    }
    const r = await fetch(t.base + path, { method: 'PUT', headers: { authorization: basic('guest', 'guest'), 'content-type': 'application/json; charset=utf-8' }, body });
    expect(r.status).toBe(400);
  });

  it('answers 400 with RabbitMQ\'s validation texts, not HTML-escaped (unlike the policies\')', async () => {
    const path = `/api/operator-policies/${vp}/${name('bad')}`;
    const cases: [unknown, string][] = [
      [{ pattern: 'x', definition: { 'dead-letter-exchange': 'x' } }, 'Validation failed\n\n[{<<"dead-letter-exchange">>,<<"x">>}] are not recognised policy settings\n'],
      [{ pattern: 'x', definition: { overflow: 'reject-publish' } }, 'Validation failed\n\n[{<<"overflow">>,<<"reject-publish">>}] are not recognised policy settings\n'],
      [{ pattern: 'x', definition: { 'max-length': 'x' } }, 'Validation failed\n\n<<"x">> is not a valid maximum length\n'],
      [{ pattern: 'x', definition: { 'message-ttl': -1 } }, 'Validation failed\n\n-1 is not a valid message TTL\n'],
      [{ pattern: 'x', definition: {} }, 'Validation failed\n\nno policy provided\n'],
      [{ pattern: '(', definition: { 'max-length': 1 } }, 'Validation failed\n\npattern should be regular expression but is invalid: {"missing )",1}\n'],
      [{ pattern: 'x', definition: { 'max-length': 1 }, priority: 'a' }, 'Validation failed\n\npriority should be a number, actually was <<"a">>\n'],
      [
        { pattern: '(', definition: { 'max-length': 'x' }, priority: 'p' },
        'Validation failed\n\n<<"x">> is not a valid maximum length\npattern should be regular expression but is invalid: {"missing )",1}\n' +
          'priority should be a number, actually was <<"p">>\n',
      ],
      [{ definition: { 'max-length': 1 } }, '[{key_missing,pattern}]'],
      [{ pattern: 'x' }, '[{key_missing,definition}]'],
      ['xx', 'not_json'],
    ];
    for (const [body, reason] of cases) {
      const r = await api('PUT', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json, JSON.stringify(body)).toEqual({ error: 'bad_request', reason });
    }
    // Warren keeps the policies' wording here (3.12+); RabbitMQ 3.10 lists only queues, exchanges and all.
    const applyTo = await api('PUT', path, { pattern: 'x', definition: { 'max-length': 1 }, 'apply-to': 'foo' });
    expect((applyTo.json as { reason: string }).reason).toMatch(/^Validation failed\n\napply-to 'foo' unrecognised; should be /);
    expect((await api('GET', path)).status).toBe(404);
    const nv = name('novhost');
    const noVhost = await api('PUT', `/api/operator-policies/${nv}/x`, 'xx');
    expect(noVhost.status).toBe(404);
    expect(noVhost.json).toEqual({ error: 'not_found', reason: 'vhost_not_found' });
    expect((await api('GET', `/api/operator-policies/${nv}`)).status).toBe(404);
    expect((await api('GET', `/api/operator-policies/${nv}/x`)).status).toBe(404);
    expect((await api('DELETE', `/api/operator-policies/${nv}/x`)).status).toBe(404);
  });

  it('lists for every management user with access to the vhost; one operator policy is for administrators only', async () => {
    const op = name('auth');
    const path = `/api/operator-policies/${vp}/${op}`;
    await put('operator-policies', op, { pattern: '^zz', definition: { 'max-length': 1 } }, v);
    const row = { vhost: v, name: op, pattern: '^zz', 'apply-to': 'all', definition: { 'max-length': 1 }, priority: 0 };
    const [mg, mon, pm] = [basic(`${u}-mg`, 'pw'), basic(`${u}-mon`, 'pw'), basic(`${u}-pm`, 'pw')];
    for (const who of [mg, pm]) {
      expect((await api('GET', '/api/operator-policies', undefined, who)).json).toContainEqual(row);
      expect((await api('GET', `/api/operator-policies/${vp}`, undefined, who)).json).toEqual([row]);
    }
    // A monitoring user sees every vhost elsewhere, but here only those it has permissions in.
    expect((await api('GET', '/api/operator-policies', undefined, mon)).json).not.toContainEqual(row);
    expect((await api('GET', `/api/operator-policies/${vp}`, undefined, mon)).json).toEqual({ error: 'not_authorised', reason: 'User not authorised to access virtual host' });
    const notAdmin = { error: 'not_authorised', reason: 'Not administrator user' };
    for (const who of [mg, mon, pm]) {
      expect((await api('GET', path, undefined, who)).json).toEqual(notAdmin);
      expect((await api('PUT', path, { pattern: 'x', definition: { 'max-length': 1 } }, who)).json).toEqual(notAdmin);
      expect((await api('DELETE', path, undefined, who)).json).toEqual(notAdmin);
    }
    await del('operator-policies', op, v);
  });
});

describe('operator policies over AMQP', () => {
  it('max-length 2 truncates an existing queue at once (drop-head) and limits it until cleared', async () => {
    const conn = await tracker.connect();
    const ch = await conn.createConfirmChannel();
    const q = await queue(ch, 'op-trunc');
    await publish(ch, q, 5);
    const op = name('op');
    await put('operator-policies', op, { pattern: exact(q), definition: { 'max-length': 2 }, 'apply-to': 'queues' });
    expect(await depthBecomes(ch, q, 2)).toBe(2);
    await publish(ch, q, 3, 6);
    expect((await ch.checkQueue(q)).messageCount).toBe(2);
    expect(await drain(ch, q)).toEqual(['7', '8']);

    await del('operator-policies', op);
    // RabbitMQ applies the change asynchronously: publish until the limit is gone.
    expect(await pollUntil(async () => {
      await publish(ch, q, 1, 100);
      return (await ch.checkQueue(q)).messageCount;
    }, (n) => n > 2)).toBeGreaterThan(2);
  });

  it('with a policy too, the lower max-length applies whichever sets it; clearing one leaves the other', async () => {
    const conn = await tracker.connect();
    const ch = await conn.createConfirmChannel();
    const q = await queue(ch, 'op-merge');
    const pol = name('pol');
    const op = name('op');
    await put('policies', pol, { pattern: exact(q), definition: { 'max-length': 5, 'message-ttl': 60000 } });
    await put('operator-policies', op, { pattern: exact(q), definition: { 'max-length': 2 } });
    await publish(ch, q, 10);
    expect(await depthBecomes(ch, q, 2)).toBe(2);
    if (!t.external) {
      const queue = t.services!.broker.getVhost('/')!.queues.get(q)!;
      expect(queue.policyName).toBe(pol);
      expect(queue.operatorPolicyName).toBe(op);
      expect(queue.effectivePolicyDefinition).toEqual({ 'max-length': 2, 'message-ttl': 60000 });
      expect(queue.settings.maxLength).toBe(2);
      expect(queue.settings.messageTtl).toBe(60000);
    }

    // The operator policy's value higher than the policy's: the policy's wins.
    await put('operator-policies', op, { pattern: exact(q), definition: { 'max-length': 7 } });
    await publish(ch, q, 10);
    expect(await depthBecomes(ch, q, 5)).toBe(5);
    if (!t.external) expect(t.services!.broker.getVhost('/')!.queues.get(q)!.effectivePolicyDefinition).toEqual({ 'max-length': 5, 'message-ttl': 60000 });

    // Without the policy, the operator policy alone.
    await del('policies', pol);
    await publish(ch, q, 10);
    expect(await depthBecomes(ch, q, 7)).toBe(7);
    if (!t.external) {
      const queue = t.services!.broker.getVhost('/')!.queues.get(q)!;
      expect(queue.policyName).toBeUndefined();
      expect(queue.effectivePolicyDefinition).toEqual({ 'max-length': 7 });
    }
    await del('operator-policies', op);
    if (!t.external) {
      const queue = t.services!.broker.getVhost('/')!.queues.get(q)!;
      expect(queue.operatorPolicyName).toBeUndefined();
      expect(queue.effectivePolicyDefinition).toBeUndefined();
    }
  });

  it('a lower x-max-length argument still wins over the operator policy', async () => {
    const conn = await tracker.connect();
    const ch = await conn.createConfirmChannel();
    const q = await queue(ch, 'op-arg', { 'x-max-length': 1 });
    await put('operator-policies', name('op'), { pattern: exact(q), definition: { 'max-length': 3 } });
    await publish(ch, q, 5);
    expect((await ch.checkQueue(q)).messageCount).toBe(1);
    expect(await drain(ch, q)).toEqual(['5']);
  });

  it('applies to queues declared after it, and only to those its pattern and apply-to match', async () => {
    const conn = await tracker.connect();
    const ch = await conn.createConfirmChannel();
    const base = name('later');
    await put('operator-policies', name('op'), { pattern: `^${base}\\.q`, definition: { 'max-length': 1 }, 'apply-to': 'queues' });
    await put('operator-policies', name('op-x'), { pattern: `^${base}\\.other`, definition: { 'max-length': 1 }, 'apply-to': 'exchanges' });
    const q = `${base}.q`;
    const other = `${base}.other`;
    for (const n of [q, other]) {
      tracker.queues.add(n);
      await ch.assertQueue(n, { durable: false });
    }
    await publish(ch, q, 3);
    await publish(ch, other, 3);
    expect((await ch.checkQueue(q)).messageCount).toBe(1);
    expect((await ch.checkQueue(other)).messageCount).toBe(3);
  });
});
