// /api/overview and the broker's identity (connection.start server-properties, definitions export)
// against RabbitMQ 3.10.8: the same users, vhost, queues, messages and connections are set up on
// Warren and (with WARREN_REFERENCE_MGMT_URL) on the reference, the same paths fetched on both,
// shapes compared (test/helpers/shape-compare.ts) and Warren's values asserted. Names start with
// node-t and are removed from the reference afterwards.
import { readFileSync } from 'node:fs';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { expectShapeLike, fetchJson, referenceAmqpUrl, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { waitFor } from '../helpers/wait.js';

const PKG_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const VHOST = 'node-tv1';
const MGMT = basic('node-tmgmt', 'pw');
const MON = basic('node-tmon', 'pw');
const NONE = basic('node-tnone', 'pw');

/** One broker's side of the test: its management base URL, AMQP URL and what the test opened there. */
interface Side {
  base: string;
  amqpUrl: string;
  connections: ChannelModel[];
}

let t: ManagementTarget;
let warren: Side;
let reference: Side | undefined;

async function put(base: string, path: string, body?: unknown): Promise<void> {
  const r = await fetchJson(base, path, { method: 'PUT', body: body ?? {} });
  if (r.status >= 300) throw new Error(`PUT ${path}: ${r.status} ${JSON.stringify(r.json)}`);
}

/**
 * The same objects on one broker: users node-tmgmt (management, permissions in node-tv1 only),
 * node-tmon (monitoring), node-tnone (no tags); queues node-tq1 in / (3 messages) and node-tq2 in
 * node-tv1 (1 message, 1 unacked by a consumer of node-tmgmt's connection with 2 channels); and one
 * guest connection with one channel.
 */
async function setUp(side: Side, vhostPath: string): Promise<void> {
  await put(side.base, `/api/vhosts/${VHOST}`);
  await put(side.base, '/api/users/node-tmgmt', { password: 'pw', tags: 'management' });
  await put(side.base, '/api/users/node-tmon', { password: 'pw', tags: 'monitoring' });
  await put(side.base, '/api/users/node-tnone', { password: 'pw', tags: '' });
  await put(side.base, `/api/permissions/${VHOST}/node-tmgmt`, { configure: '.*', write: '.*', read: '.*' });
  const guest = await amqp.connect(side.amqpUrl);
  side.connections.push(guest);
  const ch = await guest.createConfirmChannel();
  await ch.assertQueue('node-tq1', { durable: false });
  for (const body of ['a', 'b', 'c']) ch.sendToQueue('node-tq1', Buffer.from(body));
  await ch.waitForConfirms();
  const url = new URL(side.amqpUrl);
  url.username = 'node-tmgmt';
  url.password = 'pw';
  url.pathname = vhostPath;
  const mine = await amqp.connect(url.toString());
  side.connections.push(mine);
  const c1 = await mine.createConfirmChannel();
  await mine.createChannel();
  await c1.assertQueue('node-tq2', { durable: false });
  for (const body of ['x', 'y']) c1.sendToQueue('node-tq2', Buffer.from(body));
  await c1.waitForConfirms();
  await c1.prefetch(1);
  let got = 0;
  await c1.consume('node-tq2', () => got++, { noAck: false });
  await waitFor(() => got === 1, 'the consumer of node-tq2 to hold one message');
}

async function tearDown(side: Side): Promise<void> {
  for (const c of side.connections) await c.close().catch(() => undefined);
  for (const u of ['node-tmgmt', 'node-tmon', 'node-tnone']) await fetchJson(side.base, `/api/users/${u}`, { method: 'DELETE' });
  await fetchJson(side.base, `/api/vhosts/${VHOST}`, { method: 'DELETE' });
  await fetchJson(side.base, '/api/queues/%2F/node-tq1', { method: 'DELETE' });
}

/** GET path on Warren and, when configured, on the reference. */
async function both(path: string, auth?: string): Promise<{ w: { status: number; json: any }; r?: { status: number; json: any } }> {
  const w = await fetchJson(warren.base, path, { auth });
  const r = reference === undefined ? undefined : await fetchJson(reference.base, path, { auth });
  return { w, r };
}

beforeAll(async () => {
  t = await startManagementTarget();
  warren = { base: t.base, amqpUrl: t.amqpUrl, connections: [] };
  await setUp(warren, `/${VHOST}`);
  if (referenceMgmtUrl !== undefined) {
    reference = { base: referenceMgmtUrl, amqpUrl: referenceAmqpUrl, connections: [] };
    await setUp(reference, `/${VHOST}`);
    // RabbitMQ's statistics arrive every 5 s (collect_statistics_interval): wait until its totals show the queues.
    await waitFor(
      async () => ((await fetchJson(reference!.base, '/api/overview')).json as any)?.queue_totals?.messages_unacknowledged >= 1,
      'the reference to report the unacked message',
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  }
}, 60_000);

afterAll(async () => {
  if (reference !== undefined) await tearDown(reference);
  for (const c of warren?.connections ?? []) await c.close().catch(() => undefined);
  await t?.close();
});

// Keys of RabbitMQ's overview Warren leaves out on purpose: none (message_stats and churn_rates come from stats/).
const OVERVIEW_IGNORE: string[] = [];

describe('/api/overview', () => {
  it('an administrator sees RabbitMQ 3.10.8\'s keys, the identity and totals computed from the broker', async () => {
    const { w, r } = await both('/api/overview');
    expect(w.status).toBe(200);
    if (r !== undefined) expect(r.status).toBe(200);
    expectShapeLike('overview-administrator', w.json, r?.json, OVERVIEW_IGNORE);
    const o = w.json;
    expect(o).toMatchObject({
      management_version: '3.10.8',
      rates_mode: 'basic',
      product_name: 'RabbitMQ',
      product_version: '3.10.8',
      rabbitmq_version: '3.10.8',
      warren_version: PKG_VERSION,
      // RabbitMQ's default cluster name is the node name.
      cluster_name: o.node,
      disable_stats: false,
      enable_queue_totals: false,
      statistics_db_event_queue: 0,
      sample_retention_policies: { global: [600, 3600, 28800, 86400], basic: [600, 3600], detailed: [600] },
    });
    expect(o.node).toMatch(/^warren@/);
    expect(o.exchange_types.map((x: any) => x.name)).toEqual(['direct', 'fanout', 'headers', 'topic']);
    expect(o.exchange_types[0]).toEqual({ name: 'direct', description: 'AMQP direct exchange, as per the AMQP specification', enabled: true });
    // Two vhosts of six exchanges each ("" and five amq.*), two queues, both connections and all three channels, one consumer.
    expect(o.object_totals).toEqual({ consumers: 1, queues: 2, exchanges: 12, connections: 2, channels: 3 });
    // The setUp's traffic, over both vhosts (the rates are the sampler's: whatever the last interval saw).
    expect(o.message_stats).toMatchObject({ publish: 5, confirm: 5, deliver: 1, deliver_get: 1, ack: 0, publish_details: { rate: expect.any(Number) } });
    expect(o.churn_rates).toMatchObject({ connection_created: 2, channel_created: 3, queue_declared: 2, queue_created: 2 });
    const rate = { rate: expect.any(Number) };
    expect(o.queue_totals).toEqual({
      messages: 5,
      messages_details: rate,
      messages_ready: 4,
      messages_ready_details: rate,
      messages_unacknowledged: 1,
      messages_unacknowledged_details: rate,
    });
    const { amqp: a, management: m, prometheus: p } = t.services!;
    // RabbitMQ's also lists its Erlang distribution listener ("clustering"); Warren has none.
    expect(o.listeners).toEqual([
      { node: o.node, protocol: 'amqp', ip_address: a.host, port: a.port, socket_opts: { backlog: 128, nodelay: true, linger: [true, 0], exit_on_close: false } },
      { node: o.node, protocol: 'http', ip_address: m.host, port: m.port, socket_opts: { cowboy_opts: { sendfile: false }, port: m.port } },
      {
        node: o.node,
        protocol: 'http/prometheus',
        ip_address: p.host,
        port: p.port,
        socket_opts: { cowboy_opts: { sendfile: false }, port: p.port, protocol: 'http/prometheus' },
      },
    ]);
    // Warren's extra node fact: the statistics sampler's last tick, ms.
    expect(o.warren_stats_sample_ms).toEqual(expect.any(Number));
    expect(o.warren_stats_sample_ms).toBeGreaterThanOrEqual(0);
    expect(o.contexts).toEqual([
      { ssl_opts: [], node: o.node, description: 'RabbitMQ Management', path: '/', cowboy_opts: '[{sendfile,false}]', port: String(m.port) },
      { ssl_opts: [], node: o.node, description: 'RabbitMQ Prometheus', path: '/', cowboy_opts: '[{sendfile,false}]', port: String(p.port), protocol: "'http/prometheus'" },
    ]);
  });

  it('a monitoring user sees what an administrator sees', async () => {
    const { w, r } = await both('/api/overview', MON);
    expect(w.status).toBe(200);
    expectShapeLike('overview-monitoring', w.json, r?.json, OVERVIEW_IGNORE);
    expect(w.json.object_totals).toEqual({ consumers: 1, queues: 2, exchanges: 12, connections: 2, channels: 3 });
    expect(w.json.node).toMatch(/^warren@/);
  });

  it('a management user gets the totals of its vhosts and its own connections, no consumers, node, listeners or contexts', async () => {
    const { w, r } = await both('/api/overview', MGMT);
    expect(w.status).toBe(200);
    expectShapeLike('overview-management', w.json, r?.json, OVERVIEW_IGNORE);
    if (r !== undefined) {
      // RabbitMQ's keys exactly, apart from the two left out above and Warren's warren_version.
      const keys = (o: object) => Object.keys(o).filter((k) => !['message_stats', 'churn_rates', 'warren_version'].includes(k)).sort();
      expect(keys(w.json)).toEqual(keys(r.json));
      expect(Object.keys(r.json.object_totals).sort()).toEqual(['channels', 'connections', 'exchanges', 'queues']);
    }
    for (const k of ['node', 'listeners', 'contexts']) expect(w.json).not.toHaveProperty(k);
    expect(w.json.object_totals).toEqual({ queues: 1, exchanges: 6, connections: 1, channels: 2 });
    expect(w.json.queue_totals).toMatchObject({ messages: 2, messages_ready: 1, messages_unacknowledged: 1 });
  });

  it('?disable_stats=true gives the short form', async () => {
    const { w, r } = await both('/api/overview?disable_stats=true');
    expectShapeLike('overview-disable-stats', w.json, r?.json);
    if (r !== undefined) expect(Object.keys(w.json).filter((k) => k !== 'warren_version').sort()).toEqual(Object.keys(r.json).sort());
    expect(w.json).toMatchObject({ disable_stats: true, object_totals: { queues: 2, exchanges: 12, connections: 2 } });
    const mgmt = await both('/api/overview?disable_stats=true', MGMT);
    expect(mgmt.w.json.object_totals).toEqual({ queues: 1, exchanges: 6 });
    if (mgmt.r !== undefined) expect(Object.keys(mgmt.r.json.object_totals).sort()).toEqual(['exchanges', 'queues']);
  });

  it('401 without credentials (with the Basic challenge) and for a user without a management tag', async () => {
    for (const base of [warren.base, ...(reference ? [reference.base] : [])]) {
      const anon = await fetch(`${base}/api/overview`);
      expect(anon.status).toBe(401);
      expect(anon.headers.get('www-authenticate')).toBe('Basic realm="RabbitMQ Management"');
      const none = await fetchJson(base, '/api/overview', { auth: NONE });
      expect([none.status, none.json]).toEqual([401, { error: 'not_authorised', reason: 'Not management user' }]);
    }
  });
});

describe('identity', () => {
  it('connection.start announces RabbitMQ 3.10.8 with RabbitMQ\'s keys, and names Warren in platform, information and warren_version', async () => {
    const conn = await amqp.connect(t.amqpUrl);
    const props = (conn.connection as any).serverProperties;
    await conn.close();
    expect(props).toMatchObject({ product: 'RabbitMQ', version: '3.10.8', warren_version: PKG_VERSION });
    expect(props.platform).toBe(`Warren ${PKG_VERSION} on Node.js ${process.version}`);
    expect(props.information).toContain(`Warren ${PKG_VERSION}`);
    expect(props.information).toContain('RabbitMQ 3.10.8');
    expect(props.cluster_name).toBe(((await fetchJson(t.base, '/api/cluster-name')).json as any).name);
    if (reference !== undefined) {
      const ref = await amqp.connect(reference.amqpUrl);
      const refProps = (ref.connection as any).serverProperties;
      await ref.close();
      // Every key RabbitMQ sends, with the same capabilities.
      expect(Object.keys(props)).toEqual(expect.arrayContaining(Object.keys(refProps)));
      expect(props.capabilities).toEqual(refProps.capabilities);
      expect([refProps.product, refProps.version]).toEqual(['RabbitMQ', '3.10.8']);
    }
  });

  it('the metrics name the same product, node and cluster', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${t.services!.prometheus.port}/metrics`)).text();
    const node = ((await fetchJson(t.base, '/api/overview')).json as any).node;
    expect(metrics).toMatch(/^rabbitmq_build_info\{rabbitmq_version="3\.10\.8",/m);
    expect(metrics).not.toMatch(/^rabbitmq_build_info\{product_name=/m);
    expect(metrics).toMatch(new RegExp(`^rabbitmq_identity_info\\{rabbitmq_node="${node}",rabbitmq_cluster="${node}",`, 'm'));
  });

  it('the definitions export names the same product', async () => {
    const d = (await fetchJson(t.base, '/api/definitions')).json as any;
    expect([d.product_name, d.product_version]).toEqual(['RabbitMQ', '3.10.8']);
  });

  it('server_properties.product = Warren announces Warren with its own version; rabbitmq_version stays 3.10.8', async () => {
    const w = await startManagementTarget({ serverPropertiesProduct: 'Warren' });
    try {
      const conn = await amqp.connect(w.amqpUrl);
      const props = (conn.connection as any).serverProperties;
      await conn.close();
      expect(props).toMatchObject({ product: 'Warren', version: PKG_VERSION, warren_version: PKG_VERSION });
      const o = (await fetchJson(w.base, '/api/overview')).json as any;
      expect([o.product_name, o.product_version, o.rabbitmq_version, o.management_version]).toEqual(['Warren', PKG_VERSION, '3.10.8', '3.10.8']);
      expect(o.contexts[0].description).toBe('Warren Management');
      const d = (await fetchJson(w.base, '/api/definitions')).json as any;
      expect([d.product_name, d.product_version]).toEqual(['Warren', PKG_VERSION]);
      // rabbitmq_build_info names the renamed product as RabbitMQ's does (product_name/product_version labels first).
      const metrics = await (await fetch(`http://127.0.0.1:${w.services!.prometheus.port}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^rabbitmq_build_info\\{product_name="Warren",product_version="${PKG_VERSION.replace(/\./g, '\\.')}",rabbitmq_version="3\\.10\\.8",`, 'm'));
    } finally {
      await w.close();
    }
  });
});
