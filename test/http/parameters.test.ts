// /api/parameters and /api/global-parameters on a real port: RabbitMQ 3.10.8's components, shapes,
// codes, texts and authorisation. WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 runs it against
// RabbitMQ's management API (15682); WARREN_REFERENCE_MGMT_URL compares the JSON shapes with it.
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { expectShapeLike, fetchJson, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { call, type ApiResponse } from './access-api.js';

let t: ManagementTarget;
/** The reference for shape comparisons, when it is not the target itself. */
let ref: string | undefined;
const name = (p: string): string => `params-${p}-${randomBytes(4).toString('hex')}`;
const v = name('v');
const vp = encodeURIComponent(v);
const u = name('u');
const PM = basic(`${u}-pm`, 'pw');
const PM_NO_PERMS = basic(`${u}-pm2`, 'pw');
const MGMT = basic(`${u}-mg`, 'pw');
const MON = basic(`${u}-mon`, 'pw');
const globals: string[] = [];

const api = (method: string, path: string, body?: unknown, auth?: string): Promise<ApiResponse> => call(t.base, method, path, body, auth);

/** The same request on the target and on the reference (when comparing shapes); the target's answer. */
async function onBoth(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  if (ref !== undefined) await call(ref, method, path, body);
  return api(method, path, body);
}

beforeAll(async () => {
  t = await startManagementTarget();
  ref = referenceMgmtUrl !== undefined && !t.external ? referenceMgmtUrl : undefined;
  await t.addVhost(v);
  if (ref !== undefined) await call(ref, 'PUT', `/api/vhosts/${vp}`);
  await t.addUser(`${u}-pm`, 'pw', ['policymaker'], [v]);
  await t.addUser(`${u}-pm2`, 'pw', ['policymaker'], []);
  await t.addUser(`${u}-mg`, 'pw', ['management'], [v]);
  await t.addUser(`${u}-mon`, 'pw', ['monitoring'], [v]);
});
afterAll(async () => {
  for (const g of globals) {
    await api('DELETE', `/api/global-parameters/${g}`);
    if (ref !== undefined) await call(ref, 'DELETE', `/api/global-parameters/${g}`);
  }
  if (ref !== undefined) await call(ref, 'DELETE', `/api/vhosts/${vp}`);
  await t?.close();
});

const NOT_FOUND = { error: 'Object Not Found', reason: 'Not Found' };

describe('/api/parameters', () => {
  it('vhost-limits/limits is the vhost\'s limits: PUT 201 then 204, GET one and the lists, /api/vhost-limits agrees', async () => {
    const path = `/api/parameters/vhost-limits/${vp}/limits`;
    expect((await onBoth('PUT', path, { value: { 'max-queues': 7, 'max-connections': 3 } })).status).toBe(201);
    expect((await onBoth('PUT', path, { value: { 'max-queues': 8, 'max-connections': 3 } })).status).toBe(204);
    const row = { value: { 'max-connections': 3, 'max-queues': 8 }, vhost: v, component: 'vhost-limits', name: 'limits' };
    const one = await api('GET', path);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(row);
    expect(Object.keys((one.json as { value: object }).value)).toEqual(['max-connections', 'max-queues']);
    expect((await api('GET', `/api/parameters/vhost-limits/${vp}`)).json).toEqual([row]);
    expect((await api('GET', '/api/parameters/vhost-limits')).json).toContainEqual(row);
    expect((await api('GET', '/api/parameters')).json).toContainEqual(row);
    expect((await api('GET', `/api/vhost-limits/${vp}`)).json).toEqual([{ vhost: v, value: { 'max-connections': 3, 'max-queues': 8 } }]);

    if (ref !== undefined) {
      expectShapeLike('parameters-list', (await api('GET', `/api/parameters/vhost-limits/${vp}`)).json, (await fetchJson(ref, `/api/parameters/vhost-limits/${vp}`)).json);
      expectShapeLike('parameter', one.json, (await fetchJson(ref, path)).json);
    } else if (!t.external) {
      expectShapeLike('parameters-list', (await api('GET', `/api/parameters/vhost-limits/${vp}`)).json);
      expectShapeLike('parameter', one.json);
    }

    // And the other way round: /api/vhost-limits changes the parameter.
    expect((await api('PUT', `/api/vhost-limits/${vp}/max-queues`, { value: 2 })).status).toBe(204);
    expect(((await api('GET', path)).json as { value: unknown }).value).toEqual({ 'max-connections': 3, 'max-queues': 2 });

    expect((await onBoth('DELETE', path)).status).toBe(204);
    expect((await api('GET', `/api/vhost-limits/${vp}`)).json).toEqual([]);
    const gone = await api('DELETE', path);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual(NOT_FOUND);
    expect((await api('GET', path)).json).toEqual(NOT_FOUND);
  });

  it('a vhost-limits parameter limits at once: max-queues 0 refuses the next queue.declare', async () => {
    expect((await api('PUT', `/api/parameters/vhost-limits/${vp}/limits`, { value: { 'max-queues': 0 } })).status).toBe(201);
    const conn = await amqp.connect(`${t.amqpUrl.replace('guest:guest', `${u}-mg:pw`)}/${vp}`);
    conn.on('error', () => {});
    try {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      const q = name('q');
      await expect(ch.assertQueue(q, { durable: false })).rejects.toThrow(
        `PRECONDITION_FAILED - cannot declare queue '${q}': queue limit in vhost '${v}' (0) is reached`,
      );
    } finally {
      await conn.close().catch(() => {});
      await api('DELETE', `/api/parameters/vhost-limits/${vp}/limits`);
    }
  });

  it('validates values as RabbitMQ does (HTML-escaped texts, every problem, unrecognised keys first)', async () => {
    const path = `/api/parameters/vhost-limits/${vp}/limits`;
    const cases: [unknown, string][] = [
      [{ value: { 'max-queues': 'x' } }, 'Validation failed\n\nmax-queues should be a number, actually was &lt;&lt;"x"&gt;&gt;\n'],
      [{ value: { 'max-queuesx': 1 } }, 'Validation failed\n\nUnrecognised terms [{&lt;&lt;"max-queuesx"&gt;&gt;,1}] in limits\n'],
      [{ value: 5 }, 'Validation failed\n\nlimits not a list 5\n'],
      [
        { value: { 'max-connections': 'a', 'max-queues': 'b', zz: 1, aa: 2 } },
        'Validation failed\n\nUnrecognised terms [{&lt;&lt;"aa"&gt;&gt;,2},{&lt;&lt;"zz"&gt;&gt;,1}] in limits\n' +
          'max-queues should be a number, actually was &lt;&lt;"b"&gt;&gt;\nmax-connections should be a number, actually was &lt;&lt;"a"&gt;&gt;\n',
      ],
      [{ valu: 5 }, '[{key_missing,value}]'],
      ['xx', 'not_json'],
    ];
    for (const [body, reason] of cases) {
      const r = await api('PUT', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json, JSON.stringify(body)).toEqual({ error: 'bad_request', reason });
    }
    expect((await api('GET', path)).status).toBe(404);
  });

  it('refuses unknown components (plugins Warren does not have) and policies', async () => {
    for (const component of ['foo', 'federation-upstream', 'shovel']) {
      const r = await api('PUT', `/api/parameters/${component}/${vp}/x`, { value: { uri: 'amqp://' } });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: 'bad_request', reason: `Validation failed\n\ncomponent ${component} not found\n` });
      expect((await api('GET', `/api/parameters/${component}`)).json).toEqual([]);
      expect((await api('GET', `/api/parameters/${component}/${vp}`)).json).toEqual([]);
      expect((await api('GET', `/api/parameters/${component}/${vp}/x`)).json).toEqual(NOT_FOUND);
      expect((await api('DELETE', `/api/parameters/${component}/${vp}/x`)).json).toEqual(NOT_FOUND);
    }
    const policy = await api('PUT', `/api/parameters/policy/${vp}/x`, { value: { pattern: 'x', definition: { 'max-length': 1 } } });
    expect(policy.status).toBe(400);
    expect(policy.json).toEqual({ error: 'bad_request', reason: 'policies may not be set using this method' });
  });

  it('lists policies under component policy only', async () => {
    const p = name('pol');
    expect((await api('PUT', `/api/policies/${vp}/${p}`, { pattern: '^zz', definition: { 'max-length': 5 } })).status).toBe(201);
    const row = { value: { pattern: '^zz', definition: { 'max-length': 5 }, priority: 0, 'apply-to': 'all' }, vhost: v, component: 'policy', name: p };
    expect((await api('GET', '/api/parameters/policy')).json).toContainEqual(row);
    expect((await api('GET', `/api/parameters/policy/${vp}`)).json).toEqual([row]);
    expect((await api('GET', `/api/parameters/policy/${vp}/${p}`)).json).toEqual(row);
    expect((await api('GET', '/api/parameters')).json).not.toContainEqual(row);
    await api('DELETE', `/api/policies/${vp}/${p}`);
  });

  it('keeps the stored-only components as given (exchange-delete-in-progress)', async () => {
    const path = `/api/parameters/exchange-delete-in-progress/${vp}/e1`;
    expect((await api('PUT', path, { value: { b: [1, { d: null, c: 'x' }], a: 1 } })).status).toBe(201);
    const row = { value: { a: 1, b: [1, { c: 'x', d: null }] }, vhost: v, component: 'exchange-delete-in-progress', name: 'e1' };
    expect((await api('GET', path)).json).toEqual(row);
    expect((await api('GET', '/api/parameters/exchange-delete-in-progress')).json).toContainEqual(row);
    // A top-level {} is an empty Erlang proplist to RabbitMQ: shown as [].
    expect((await api('PUT', path, { value: {} })).status).toBe(204);
    expect(((await api('GET', path)).json as { value: unknown }).value).toEqual([]);
    expect((await api('DELETE', path)).status).toBe(204);
    expect((await api('GET', path)).status).toBe(404);
  });

  it('sets operator policies as component operator_policy (priority mandatory, unknown keys refused)', async () => {
    const op = name('op');
    const path = `/api/parameters/operator_policy/${vp}/${op}`;
    const noPriority = await api('PUT', path, { value: { pattern: 'x', definition: { 'max-length': 3 } } });
    expect(noPriority.json).toEqual({ error: 'bad_request', reason: `Validation failed\n\nKey "priority" not found in ${op}\n` });
    const bad = await api('PUT', path, { value: { pattern: '(', definition: { 'max-length': 'x' }, priority: 'p', extra: 1 } });
    expect(bad.json).toEqual({
      error: 'bad_request',
      reason:
        `Validation failed\n\nUnrecognised terms [{&lt;&lt;"extra"&gt;&gt;,1}] in ${op}\n&lt;&lt;"x"&gt;&gt; is not a valid maximum length\n` +
        'pattern should be regular expression but is invalid: {"missing )",1}\npriority should be a number, actually was &lt;&lt;"p"&gt;&gt;\n',
    });
    expect((await api('PUT', path, { value: { pattern: '^zz', definition: { 'max-length': 3 }, priority: 1, 'apply-to': 'queues' } })).status).toBe(201);
    expect((await api('GET', `/api/operator-policies/${vp}/${op}`)).json).toEqual({
      vhost: v,
      name: op,
      pattern: '^zz',
      'apply-to': 'queues',
      definition: { 'max-length': 3 },
      priority: 1,
    });
    const row = (await api('GET', path)).json as { value: Record<string, unknown> };
    expect(row).toMatchObject({ vhost: v, component: 'operator_policy', name: op });
    expect(row.value).toEqual({ pattern: '^zz', definition: { 'max-length': 3 }, priority: 1, 'apply-to': 'queues' });
    expect((await api('GET', '/api/parameters')).json).toContainEqual(row);
    expect((await api('DELETE', path)).status).toBe(204);
    expect((await api('GET', `/api/operator-policies/${vp}/${op}`)).status).toBe(404);
  });

  it('404s for a missing vhost: Object Not Found on GET/DELETE, vhost_not_found on PUT', async () => {
    const nv = name('novhost');
    expect((await api('GET', `/api/parameters/vhost-limits/${nv}`)).json).toEqual(NOT_FOUND);
    expect((await api('GET', `/api/parameters/vhost-limits/${nv}/limits`)).status).toBe(404);
    expect((await api('DELETE', `/api/parameters/vhost-limits/${nv}/limits`)).status).toBe(404);
    const put = await api('PUT', `/api/parameters/vhost-limits/${nv}/limits`, { value: { 'max-queues': 1 } });
    expect(put.status).toBe(404);
    expect(put.json).toEqual({ error: 'not_found', reason: 'vhost_not_found' });
    // The vhost is checked before the body is read.
    expect((await api('PUT', `/api/parameters/vhost-limits/${nv}/limits`, 'xx')).json).toEqual({ error: 'not_found', reason: 'vhost_not_found' });
  });

  it('is for policymakers (with permissions in the vhost) and administrators; lists leave other vhosts out', async () => {
    const path = `/api/parameters/vhost-limits/${vp}/limits`;
    expect((await api('PUT', path, { value: { 'max-connections': 9 } }, PM)).status).toBe(201);
    const row = { value: { 'max-connections': 9 }, vhost: v, component: 'vhost-limits', name: 'limits' };
    expect((await api('GET', path, undefined, PM)).json).toEqual(row);
    expect((await api('GET', '/api/parameters', undefined, PM)).json).toContainEqual(row);
    // Only the vhosts the policymaker has permissions in.
    expect(((await api('GET', '/api/parameters', undefined, PM)).json as { vhost: string }[]).every((r) => r.vhost === v)).toBe(true);
    expect((await api('GET', '/api/parameters', undefined, PM_NO_PERMS)).json).toEqual([]);
    const denied = { error: 'not_authorised', reason: 'User not authorised to access object' };
    expect((await api('GET', `/api/parameters/vhost-limits/${vp}`, undefined, PM_NO_PERMS)).json).toEqual(denied);
    expect((await api('GET', path, undefined, PM_NO_PERMS)).json).toEqual(denied);
    expect((await api('PUT', path, { value: {} }, PM_NO_PERMS)).json).toEqual(denied);
    for (const who of [MGMT, MON]) {
      for (const [m, p] of [['GET', '/api/parameters'], ['GET', '/api/parameters/vhost-limits'], ['GET', path], ['DELETE', path]] as const) {
        const r = await api(m, p, undefined, who);
        expect(r.status, `${m} ${p}`).toBe(401);
        expect(r.json).toEqual(denied);
      }
    }
    expect((await api('DELETE', path, undefined, PM)).status).toBe(204);
  });
});

describe('/api/global-parameters', () => {
  it('has internal_cluster_id from the first start', async () => {
    const one = await api('GET', '/api/global-parameters/internal_cluster_id');
    expect(one.status).toBe(200);
    expect(one.json).toEqual({ value: expect.stringMatching(/^rabbitmq-cluster-id-[A-Za-z0-9_-]{22}$/), name: 'internal_cluster_id' });
    const all = (await api('GET', '/api/global-parameters')).json as { name: string }[];
    expect(all).toContainEqual(one.json);
    // RabbitMQ 3.10.8 stores no cluster_name until one is set (the default is derived from the node name).
    expect((await api('GET', '/api/global-parameters/cluster_name')).json).toEqual(NOT_FOUND);
    // Other values are any JSON: the shape compared is internal_cluster_id's row.
    const idRow = (rows: unknown): unknown => (rows as { name: string }[]).filter((r) => r.name === 'internal_cluster_id');
    if (ref !== undefined) {
      expectShapeLike('global-parameters-list', idRow(all), idRow((await fetchJson(ref, '/api/global-parameters')).json));
      expectShapeLike('global-parameter', one.json, (await fetchJson(ref, '/api/global-parameters/internal_cluster_id')).json);
    } else if (!t.external) {
      expectShapeLike('global-parameters-list', idRow(all));
      expectShapeLike('global-parameter', one.json);
    }
  });

  it('PUT 201 then 204, any JSON value (a top-level {} becomes []), GET, DELETE 204 then 404', async () => {
    const g = name('g');
    globals.push(g, `${g}-2`);
    expect((await api('PUT', `/api/global-parameters/${g}`, { value: { a: [1, 2, { b: null }] } })).status).toBe(201);
    expect((await api('PUT', `/api/global-parameters/${g}`, { value: { a: [1, 2, { b: null }] } })).status).toBe(204);
    expect((await api('GET', `/api/global-parameters/${g}`)).json).toEqual({ value: { a: [1, 2, { b: null }] }, name: g });
    expect((await api('PUT', `/api/global-parameters/${g}-2`, { value: {} })).status).toBe(201);
    const all = (await api('GET', '/api/global-parameters')).json as { name: string; value: unknown }[];
    expect(all).toContainEqual({ name: g, value: { a: [1, 2, { b: null }] } });
    expect(all).toContainEqual({ name: `${g}-2`, value: [] });
    const missing = await api('PUT', `/api/global-parameters/${g}`, { valu: 1 });
    expect(missing.json).toEqual({ error: 'bad_request', reason: '[{key_missing,value}]' });
    expect((await api('DELETE', `/api/global-parameters/${g}`)).status).toBe(204);
    expect((await api('DELETE', `/api/global-parameters/${g}`)).json).toEqual(NOT_FOUND);
    expect((await api('GET', `/api/global-parameters/${g}`)).json).toEqual(NOT_FOUND);
    expect((await api('DELETE', `/api/global-parameters/${g}-2`)).status).toBe(204);
  });

  it('is for every policymaker (RabbitMQ 3.10.8: no vhost involved) and administrators', async () => {
    const g = name('g');
    globals.push(g);
    expect((await api('PUT', `/api/global-parameters/${g}`, { value: 1 }, PM_NO_PERMS)).status).toBe(201);
    expect((await api('GET', `/api/global-parameters/${g}`, undefined, PM_NO_PERMS)).json).toEqual({ value: 1, name: g });
    expect((await api('GET', '/api/global-parameters', undefined, PM)).json).toContainEqual({ name: g, value: 1 });
    const denied = { error: 'not_authorised', reason: 'User not authorised to access object' };
    for (const who of [MGMT, MON]) {
      expect((await api('GET', '/api/global-parameters', undefined, who)).json).toEqual(denied);
      expect((await api('GET', `/api/global-parameters/${g}`, undefined, who)).json).toEqual(denied);
      expect((await api('PUT', `/api/global-parameters/${g}`, { value: 2 }, who)).json).toEqual(denied);
      expect((await api('DELETE', `/api/global-parameters/${g}`, undefined, who)).json).toEqual(denied);
    }
    expect((await api('DELETE', `/api/global-parameters/${g}`, undefined, PM)).status).toBe(204);
  });
});
