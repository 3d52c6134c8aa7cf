// The health checks and /api/aliveness-test/{vhost} against RabbitMQ 3.10.8: credentials required,
// the same bodies and codes for the same requests (run on the reference too with
// WARREN_REFERENCE_MGMT_URL), and the aliveness test's refusals. Names start with node-th and are
// removed from the reference afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as amqp from 'amqplib';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { fetchJson, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { pollUntil } from '../helpers/wait.js';

const VHOST = 'node-thv';
const OTHER = 'node-thv2';
const NONE = basic('node-thnone', 'pw');
const MGMT = basic('node-thmgmt', 'pw');
const ADM = basic('node-thadm', 'pw');

let t: ManagementTarget;
const bases = (): string[] => [t.base, ...(referenceMgmtUrl === undefined ? [] : [referenceMgmtUrl])];

async function put(base: string, p: string, body?: unknown): Promise<void> {
  const r = await fetchJson(base, p, { method: 'PUT', body: body ?? {} });
  if (r.status >= 300) throw new Error(`PUT ${p}: ${r.status} ${JSON.stringify(r.json)}`);
}

async function setUp(base: string): Promise<void> {
  await put(base, `/api/vhosts/${VHOST}`);
  await put(base, `/api/vhosts/${OTHER}`);
  await put(base, '/api/users/node-thnone', { password: 'pw', tags: '' });
  await put(base, '/api/users/node-thmgmt', { password: 'pw', tags: 'management' });
  await put(base, '/api/users/node-thadm', { password: 'pw', tags: 'administrator' });
  await put(base, `/api/permissions/${VHOST}/node-thmgmt`, { configure: '.*', write: '.*', read: '.*' });
}

async function tearDown(base: string): Promise<void> {
  for (const u of ['node-thnone', 'node-thmgmt', 'node-thadm']) await fetchJson(base, `/api/users/${u}`, { method: 'DELETE' });
  for (const v of [VHOST, OTHER]) await fetchJson(base, `/api/vhosts/${v}`, { method: 'DELETE' });
  // The aliveness test leaves its queue (as RabbitMQ's does); the reference is shared.
  await fetchJson(base, '/api/queues/%2F/aliveness-test', { method: 'DELETE' });
}

beforeAll(async () => {
  t = await startManagementTarget();
  for (const b of bases()) await setUp(b);
});

afterAll(async () => {
  if (referenceMgmtUrl !== undefined) await tearDown(referenceMgmtUrl);
  await t?.close();
});

/** The same GET on Warren and (when configured) the reference: [Warren's, reference's or undefined]. */
async function both(p: string, auth?: string): Promise<[{ status: number; json: any }, { status: number; json: any } | undefined]> {
  const w = await fetchJson(t.base, p, { auth });
  const r = referenceMgmtUrl === undefined ? undefined : await fetchJson(referenceMgmtUrl, p, { auth });
  return [w, r];
}

// Checks 3.10.8 has, with bodies that do not depend on the node's ports.
const SAME_AS_3_10_8: [string, number, unknown][] = [
  ['/api/health/checks/alarms', 200, { status: 'ok' }],
  ['/api/health/checks/local-alarms', 200, { status: 'ok' }],
  ['/api/health/checks/virtual-hosts', 200, { status: 'ok' }],
  ['/api/health/checks/protocol-listener/amqp091', 200, { status: 'ok', protocol: 'amqp' }],
  ['/api/health/checks/protocol-listener/AMQP0-9-1', 200, { status: 'ok', protocol: 'amqp' }],
  ['/api/health/checks/protocol-listener/management', 200, { status: 'ok', protocol: 'http' }],
  ['/api/health/checks/protocol-listener/http%2Fprometheus', 200, { status: 'ok', protocol: 'http/prometheus' }],
  ['/api/health/checks/port-listener/abc', 400, { error: 'bad_request', reason: 'Invalid port' }],
  ['/api/health/checks/certificate-expiration/1/weeks', 200, { status: 'ok' }],
  ['/api/health/checks/certificate-expiration/2/MONTHS', 200, { status: 'ok' }],
  ['/api/health/checks/certificate-expiration/1/foo', 400, { error: 'bad_request', reason: 'Time unit not recognised. Supported units: days, weeks, months, years.' }],
  ['/api/health/checks/certificate-expiration/x/days', 400, { error: 'bad_request', reason: 'Invalid expiration value.' }],
  ['/api/health/checks/node-is-quorum-critical', 200, { status: 'ok', reason: 'single node cluster' }],
  ['/api/health/checks/node-is-mirror-sync-critical', 200, { status: 'ok', reason: 'single node cluster' }],
  ['/api/healthchecks/node', 200, { status: 'ok' }],
  ['/api/healthchecks/node/rabbit@elsewhere', 404, { error: 'Object Not Found', reason: 'Not Found' }],
];
// RabbitMQ 3.11+ (is-in-service) and 3.13 (the others); 3.10.8 answers 404 for them.
const NEWER: string[] = ['/api/health/checks/is-in-service', '/api/health/checks/ready-to-serve-clients', '/api/health/checks/below-node-connection-limit'];

describe('health checks', () => {
  it('answer with 3.10.8\'s codes and bodies', async () => {
    for (const [p, status, body] of SAME_AS_3_10_8) {
      const [w, r] = await both(p);
      expect([w.status, w.json], p).toEqual([status, body]);
      if (r !== undefined) expect([r.status, r.json], `${p} on the reference`).toEqual([status, body]);
    }
  });

  it('port-listener and protocol-listener name the node\'s own listeners', async () => {
    const { amqp, management, prometheus } = t.services!;
    for (const port of [amqp.port, management.port, prometheus.port]) {
      expect((await fetchJson(t.base, `/api/health/checks/port-listener/${port}`)).json).toEqual({ status: 'ok', port });
    }
    const missing = await fetchJson(t.base, '/api/health/checks/port-listener/1');
    expect([missing.status, missing.json]).toEqual([503, { status: 'failed', reason: 'No active listener', missing: 1, ports: [amqp.port, management.port, prometheus.port] }]);
    const proto = await fetchJson(t.base, '/api/health/checks/protocol-listener/stomp');
    expect([proto.status, proto.json]).toEqual([503, { status: 'failed', reason: 'No active listener', missing: 'stomp', protocols: ['amqp', 'http', 'http/prometheus'] }]);
    if (referenceMgmtUrl !== undefined) {
      const r = await fetchJson(referenceMgmtUrl, '/api/health/checks/port-listener/1');
      expect(r.status).toBe(503);
      expect(Object.keys(r.json as object).sort()).toEqual(Object.keys(missing.json as object).sort());
    }
  });

  it('the newer checks answer ok', async () => {
    const limit = '/api/health/checks/below-node-connection-limit';
    for (const p of NEWER.filter((x) => x !== limit)) expect((await fetchJson(t.base, p)).json, p).toEqual({ status: 'ok' });
    // RabbitMQ 3.13: the open AMQP connections against connection_max (infinity by default).
    expect((await fetchJson(t.base, limit)).json).toEqual({ status: 'ok', limit: 'infinity', connections: 0 });
  });

  it('below-node-connection-limit fails with 503 once connection_max connections are open', async () => {
    const limited = await startManagementTarget({ connectionMax: 1 });
    const path = '/api/health/checks/below-node-connection-limit';
    try {
      expect((await fetchJson(limited.base, path)).json).toEqual({ status: 'ok', limit: 1, connections: 0 });
      const conn = await amqp.connect(limited.amqpUrl);
      try {
        const r = await fetchJson(limited.base, path);
        expect([r.status, r.json]).toEqual([503, { status: 'failed', reason: 'node connection limit is reached', limit: 1, connections: 1 }]);
      } finally {
        await conn.close();
      }
      expect((await pollUntil(() => fetchJson(limited.base, path), (x) => x.status === 200)).json).toEqual({ status: 'ok', limit: 1, connections: 0 });
    } finally {
      await limited.close();
    }
  });

  it('an alarm fails alarms and local-alarms with 503 and the alarm list', async () => {
    const s = t.services!;
    const node = ((await fetchJson(t.base, '/api/overview')).json as any).node;
    s.diskMonitor.setLimit(Number.MAX_SAFE_INTEGER);
    try {
      const r = await pollUntil(() => fetchJson(t.base, '/api/health/checks/alarms'), (x) => x.status === 503);
      expect(r.json).toEqual({ status: 'failed', reason: 'There are alarms in effect in the cluster', alarms: [{ node, resource: 'disk' }] });
      const local = await fetchJson(t.base, '/api/health/checks/local-alarms');
      expect([local.status, local.json]).toEqual([503, { status: 'failed', reason: 'There are alarms in effect on the node', alarms: [{ node, resource: 'disk' }] }]);
    } finally {
      s.diskMonitor.setLimit(s.config.diskFreeLimit);
    }
    expect((await pollUntil(() => fetchJson(t.base, '/api/health/checks/alarms'), (x) => x.status === 200)).json).toEqual({ status: 'ok' });
  });

  it('need credentials (401 with the challenge) and a management user', async () => {
    for (const base of bases()) {
      for (const p of [...SAME_AS_3_10_8.map(([x]) => x), '/api/health/checks/port-listener/1', `/api/aliveness-test/${VHOST}`]) {
        const anon = await fetch(base + p);
        expect(anon.status, `${base}${p}`).toBe(401);
        expect(anon.headers.get('www-authenticate')).toBe('Basic realm="RabbitMQ Management"');
        const none = await fetchJson(base, p, { auth: NONE });
        expect([none.status, none.json], `${base}${p}`).toEqual([401, { error: 'not_authorised', reason: 'Not management user' }]);
      }
    }
    for (const p of NEWER) expect((await fetch(t.base + p)).status, p).toBe(401);
  });
});

describe('/api/aliveness-test/{vhost}', () => {
  it('declares the aliveness-test queue, publishes to it and gets the message back', async () => {
    for (const base of bases()) {
      expect(await fetchJson(base, '/api/aliveness-test/%2F'), base).toEqual({ status: 200, json: { status: 'ok' } });
      const q = await fetchJson(base, '/api/queues/%2F/aliveness-test');
      if (base === t.base) {
        // Warren has no /api/queues yet on this branch: look at the broker itself.
        const queue = t.services!.broker.getVhost('/')!.queues.get('aliveness-test')!;
        expect([queue.durable, queue.autoDelete, queue.isExclusive, queue.messageCount]).toEqual([false, false, false, 0]);
      } else {
        expect(q.json).toMatchObject({ name: 'aliveness-test', durable: false, auto_delete: false, exclusive: false });
      }
    }
    // A management user with permissions in the vhost may run it too.
    expect(await fetchJson(t.base, `/api/aliveness-test/${VHOST}`, { auth: MGMT })).toEqual({ status: 200, json: { status: 'ok' } });
  });

  it('answers RabbitMQ\'s 401s, 404 and 400 for missing access, permissions, vhosts and a clashing queue', async () => {
    const cases: [string, string, number, unknown][] = [
      [`/api/aliveness-test/${OTHER}`, MGMT, 401, { error: 'not_authorised', reason: 'User not authorised to access virtual host' }],
      [`/api/aliveness-test/${OTHER}`, ADM, 401, { error: 'not_authorised', reason: 'Access refused.' }],
      ['/api/aliveness-test/node-th-nosuch', ADM, 404, { error: 'Object Not Found', reason: 'Not Found' }],
      ['/api/aliveness-test/node-th-nosuch', MGMT, 404, { error: 'Object Not Found', reason: 'Not Found' }],
    ];
    for (const base of bases()) {
      for (const [p, auth, status, body] of cases) expect([...Object.values(await fetchJson(base, p, { auth }))], `${base}${p}`).toEqual([status, body]);
      // Each permission the three steps need, missing in turn.
      for (const [perm, refused] of [
        [{ configure: '^$', write: '.*', read: '.*' }, `queue 'aliveness-test'`],
        [{ configure: '.*', write: '^$', read: '.*' }, `exchange 'amq.default'`],
        [{ configure: '.*', write: '.*', read: '^$' }, `queue 'aliveness-test'`],
      ] as const) {
        await put(base, `/api/permissions/${VHOST}/node-thmgmt`, perm);
        const r = await fetchJson(base, `/api/aliveness-test/${VHOST}`, { auth: MGMT });
        expect([r.status, r.json], `${base} ${JSON.stringify(perm)}`).toEqual([
          401,
          { error: 'not_authorised', reason: `ACCESS_REFUSED - access to ${refused} in vhost '${VHOST}' refused for user 'node-thmgmt'` },
        ]);
      }
      await put(base, `/api/permissions/${VHOST}/node-thmgmt`, { configure: '.*', write: '.*', read: '.*' });
    }
  });

  it('a durable aliveness-test queue already there is a 400 naming the inequivalent durable flag', async () => {
    const ch = await (await import('amqplib')).connect(`${t.amqpUrl}/${VHOST}`);
    try {
      const c = await ch.createChannel();
      await c.deleteQueue('aliveness-test');
      await c.assertQueue('aliveness-test', { durable: true });
      const r = await fetchJson(t.base, `/api/aliveness-test/${VHOST}`);
      expect([r.status, r.json]).toEqual([
        400,
        {
          error: 'bad_request',
          reason: `406 PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'aliveness-test' in vhost '${VHOST}': received 'false' but current is 'true'`,
        },
      ]);
      await c.deleteQueue('aliveness-test');
    } finally {
      await ch.close();
    }
  });
});
