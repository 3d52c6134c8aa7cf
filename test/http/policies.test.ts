// /api/policies on a real port, with RabbitMQ's shapes, codes and texts.
// WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 runs it against RabbitMQ's management API (15682).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/amqp-tracker.js';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';

let t: ManagementTarget;
const created: string[] = [];
const GUEST = basic('guest', 'guest');

beforeAll(async () => {
  t = await startManagementTarget();
});
afterAll(async () => {
  for (const name of created) await api('DELETE', `/api/policies/%2F/${encodeURIComponent(name)}`);
  await t?.close();
});

async function api(method: string, path: string, body?: unknown, auth: string | null = GUEST): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth !== null) headers.authorization = auth;
  const r = await fetch(t.base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text, headers: r.headers };
}

function policyName(prefix: string): string {
  const name = uniq(prefix);
  created.push(name);
  return name;
}

describe('/api/policies', () => {
  it('PUT creates (201), PUT again updates (204), GET returns RabbitMQ\'s shape, DELETE 204 then 404', async () => {
    const name = policyName('crud');
    const path = `/api/policies/%2F/${encodeURIComponent(name)}`;
    expect((await api('PUT', path, { pattern: `^${name}`, definition: { 'message-ttl': 1000, 'max-length': 5 } })).status).toBe(201);
    const got = await api('GET', path);
    expect(got.status).toBe(200);
    expect(got.json).toEqual({ vhost: '/', name, pattern: `^${name}`, 'apply-to': 'all', definition: { 'max-length': 5, 'message-ttl': 1000 }, priority: 0 });
    expect(Object.keys((got.json as { definition: object }).definition)).toEqual(['max-length', 'message-ttl']);

    expect((await api('PUT', path, { pattern: `^${name}`, definition: { 'message-ttl': 5 }, priority: 7, 'apply-to': 'queues' })).status).toBe(204);
    expect((await api('GET', path)).json).toMatchObject({ definition: { 'message-ttl': 5 }, priority: 7, 'apply-to': 'queues' });

    const all = await api('GET', '/api/policies');
    expect(all.status).toBe(200);
    expect(all.json).toContainEqual({ vhost: '/', name, pattern: `^${name}`, 'apply-to': 'queues', definition: { 'message-ttl': 5 }, priority: 7 });
    expect((await api('GET', '/api/policies/%2F')).json).toContainEqual(expect.objectContaining({ name }));

    expect((await api('DELETE', path)).status).toBe(204);
    const again = await api('DELETE', path);
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ error: 'Object Not Found', reason: 'Not Found' });
    const gone = await api('GET', path);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: 'Object Not Found', reason: 'Not Found' });
  });

  it('answers 400 bad_request with RabbitMQ\'s validation texts (HTML-escaped, as RabbitMQ sends them)', async () => {
    const path = `/api/policies/%2F/${encodeURIComponent(policyName('bad'))}`;
    const cases: [unknown, string][] = [
      [{ pattern: 'x', definition: { 'message-ttl': -1 } }, 'Validation failed\n\n-1 is not a valid message TTL\n'],
      [{ pattern: 'x', definition: { 'max-length': 'x' } }, 'Validation failed\n\n&lt;&lt;"x"&gt;&gt; is not a valid maximum length\n'],
      [{ pattern: 'x', definition: { overflow: 'foo' } }, 'Validation failed\n\n&lt;&lt;"foo"&gt;&gt; is not a valid overflow value\n'],
      [{ pattern: 'x', definition: { foo: 1, bar: 'x' } }, 'Validation failed\n\n[{&lt;&lt;"bar"&gt;&gt;,&lt;&lt;"x"&gt;&gt;},{&lt;&lt;"foo"&gt;&gt;,1}] are not recognised policy settings\n'],
      [{ pattern: 'x', definition: {} }, 'Validation failed\n\nno policy provided\n'],
      [{ pattern: '(', definition: { 'message-ttl': 1 } }, 'Validation failed\n\npattern should be regular expression but is invalid: {"missing )",1}\n'],
      [{ pattern: 'x', definition: { 'max-length': 'x' }, priority: 'a' }, 'Validation failed\n\n&lt;&lt;"x"&gt;&gt; is not a valid maximum length\npriority should be a number, actually was &lt;&lt;"a"&gt;&gt;\n'],
      [{ definition: { 'message-ttl': 1 } }, '[{key_missing,pattern}]'],
      [{ pattern: 'x' }, '[{key_missing,definition}]'],
      ['notjson', 'not_json'],
      ['[]', 'not_json'],
    ];
    for (const [body, reason] of cases) {
      const r = await api('PUT', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json, JSON.stringify(body)).toEqual({ error: 'bad_request', reason });
    }
    expect((await api('GET', path)).status).toBe(404);
  });

  it('rejects an unknown apply-to (RabbitMQ 3.12+ wording; 3.10 lists only queues, exchanges, all)', async () => {
    const r = await api('PUT', `/api/policies/%2F/${encodeURIComponent(policyName('applyto'))}`, { pattern: 'x', definition: { 'message-ttl': 1 }, 'apply-to': 'foo' });
    expect(r.status).toBe(400);
    expect((r.json as { reason: string }).reason).toMatch(/^Validation failed\n\napply-to 'foo' unrecognised; should be /);
  });

  it('404s for a missing vhost: Object Not Found on GET/DELETE, vhost_not_found on PUT', async () => {
    const vh = uniq('novhost');
    expect((await api('GET', `/api/policies/${vh}`)).json).toEqual({ error: 'Object Not Found', reason: 'Not Found' });
    expect((await api('GET', `/api/policies/${vh}/p`)).status).toBe(404);
    expect((await api('DELETE', `/api/policies/${vh}/p`)).status).toBe(404);
    const put = await api('PUT', `/api/policies/${vh}/p`, { pattern: 'x', definition: { 'message-ttl': 1 } });
    expect(put.status).toBe(404);
    expect(put.json).toEqual({ error: 'not_found', reason: 'vhost_not_found' });
  });

  it('authenticates with Basic auth and needs administrator or policymaker to read or change a policy', async () => {
    const name = policyName('auth');
    const path = `/api/policies/%2F/${encodeURIComponent(name)}`;
    const body = { pattern: `^${name}`, definition: { 'message-ttl': 1 } };

    const none = await api('GET', '/api/policies', undefined, null);
    expect(none.status).toBe(401);
    expect(none.text).toBe('');
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="RabbitMQ Management"');
    const bad = await api('GET', '/api/policies', undefined, basic('guest', 'wrong'));
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ error: 'not_authorized', reason: 'Login failed' });

    const u = uniq('u');
    await t.addUser(`${u}-none`, 'pw', [], ['/']);
    await t.addUser(`${u}-mgmt`, 'pw', ['management'], ['/']);
    await t.addUser(`${u}-pm`, 'pw', ['policymaker'], ['/']);
    const as = (who: string): string => basic(`${u}-${who}`, 'pw');

    for (const [method, p] of [['GET', '/api/policies'], ['GET', path], ['PUT', path], ['DELETE', path]] as const) {
      const r = await api(method, p, method === 'PUT' ? body : undefined, as('none'));
      expect(r.status, `${method} ${p}`).toBe(401);
      expect(r.json).toEqual({ error: 'not_authorised', reason: 'Not management user' });
    }
    expect((await api('GET', '/api/policies/%2F', undefined, as('mgmt'))).status).toBe(200);
    const denied = await api('PUT', path, body, as('mgmt'));
    expect(denied.status).toBe(401);
    expect(denied.json).toEqual({ error: 'not_authorised', reason: 'User not authorised to access object' });

    expect((await api('PUT', path, body, as('pm'))).status).toBe(201);
    expect((await api('GET', '/api/policies', undefined, as('mgmt'))).json).toContainEqual(expect.objectContaining({ name }));
    expect((await api('GET', path, undefined, as('mgmt'))).status).toBe(401);
    expect((await api('GET', path, undefined, as('pm'))).status).toBe(200);
    expect((await api('DELETE', path, undefined, as('pm'))).status).toBe(204);

    // A policymaker without permissions in a vhost may not touch its policies, nor list them.
    const vh = uniq('vh');
    await t.addVhost(vh);
    const other = await api('PUT', `/api/policies/${vh}/p`, body, as('pm'));
    expect(other.status).toBe(401);
    expect(other.json).toEqual({ error: 'not_authorised', reason: 'User not authorised to access object' });
    const list = await api('GET', `/api/policies/${vh}`, undefined, as('pm'));
    expect(list.status).toBe(401);
    expect(list.json).toEqual({ error: 'not_authorised', reason: 'User not authorised to access virtual host' });
  });
});
