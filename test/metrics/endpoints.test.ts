// The Prometheus endpoint of a running Warren, against RabbitMQ 3.10.8's rabbitmq_prometheus:
// the same objects are set up on both (test/metrics/scenario.ts); every family RabbitMQ serves at
// /metrics, /metrics/per-object and /metrics/detailed must be served by Warren with the same TYPE,
// HELP and label names (test/metrics/exposition.ts says how the reference is read or recorded),
// with values from the broker, and the HTTP answers are RabbitMQ's.
// Live reference: WARREN_REFERENCE_PROMETHEUS_URL=http://127.0.0.1:15692 (add WARREN_RECORD_SHAPES=1
// to re-record test/fixtures/rabbitmq-prometheus/*.json); AMQP to it: WARREN_REFERENCE_URL.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_NAME } from '../../src/admin/node-name.js';
import { startBroker, type BrokerHandle } from '../../src/index.js';
import { referenceAmqpUrl } from '../helpers/shape-compare.js';
import { pollUntil } from '../helpers/wait.js';
import { catalogDiff, catalogOf, parseExposition, referenceCatalog, referencePrometheusUrl, sampleValue } from './exposition.js';
import { ALL_DETAILED_FAMILIES, rawRequest, scrapeText, setUpScenario, type Scenario } from './scenario.js';

let warren: BrokerHandle;
let base: string;
let scenario: Scenario;
let reference: Scenario | undefined;

beforeAll(async () => {
  warren = await startBroker();
  base = `http://127.0.0.1:${warren.prometheusPort}`;
  scenario = await setUpScenario(warren.url, 'prom');
  if (referencePrometheusUrl !== undefined) reference = await setUpScenario(referenceAmqpUrl, `prom-${process.pid}`);
});

afterAll(async () => {
  await reference?.cleanup();
  await scenario?.cleanup();
  await warren?.close();
});

/** Warren's text for a path, scraped twice: the scrape telemetry summaries show earlier scrapes only. */
async function warrenText(path: string): Promise<string> {
  await scrapeText(base + path);
  return scrapeText(base + path);
}

/** The reference's text for a path, when a live reference is configured. */
async function referenceText(path: string): Promise<string | undefined> {
  return referencePrometheusUrl === undefined ? undefined : scrapeText(referencePrometheusUrl + path);
}

// Erlang VM families (erlang_vm_*, erlang_mnesia_*): Warren runs no Erlang VM; it serves
// Node.js's process_* and nodejs_* instead.
const notErlang = (name: string): boolean => name.startsWith('erlang_');

// Families Warren serves without samples because it does not know the values (yet), each with why:
const UNKNOWN_PER_OBJECT = new Set([
  // Erlang VM internals of the node (no Erlang VM).
  'rabbitmq_erlang_processes_used',
  'rabbitmq_erlang_gc_runs_total',
  'rabbitmq_erlang_gc_reclaimed_bytes_total',
  'rabbitmq_erlang_scheduler_context_switches_total',
  'rabbitmq_erlang_processes_limit',
  'rabbitmq_erlang_scheduler_run_queue',
  'rabbitmq_erlang_net_ticktime_seconds',
  // File, Mnesia and message store I/O counters: Warren's LevelDB store does not count them.
  ...['io_read_ops', 'io_read_bytes', 'io_write_ops', 'io_write_bytes', 'io_sync_ops', 'io_seek_ops', 'io_reopen_ops'].map((n) => `rabbitmq_${n}_total`),
  ...['schema_db_ram_tx', 'schema_db_disk_tx', 'msg_store_read', 'msg_store_write', 'queue_index_read_ops', 'queue_index_write_ops'].map((n) => `rabbitmq_${n}_total`),
  ...['io_read_time', 'io_write_time', 'io_sync_time', 'io_seek_time'].map((n) => `rabbitmq_${n}_seconds_total`),
  // Erlang process reductions and memory of queues, channels and connections (not processes in Warren).
  'rabbitmq_queue_process_reductions_total',
  'rabbitmq_queue_process_memory_bytes',
  'rabbitmq_channel_process_reductions_total',
  'rabbitmq_connection_process_reductions_total',
  // Queue internals Warren's queues do not track: RAM and persistent body bytes, unacked bytes, disk I/O,
  // the head message's timestamp property.
  'rabbitmq_queue_messages_ram_bytes',
  'rabbitmq_queue_messages_persistent',
  'rabbitmq_queue_messages_persistent_bytes',
  'rabbitmq_queue_messages_bytes',
  'rabbitmq_queue_messages_unacked_bytes',
  'rabbitmq_queue_messages_paged_out_bytes',
  'rabbitmq_queue_head_message_timestamp',
  'rabbitmq_queue_disk_reads_total',
  'rabbitmq_queue_disk_writes_total',
]);
// The aggregated endpoint sums object rows (always a sample), so only the node's own rows can lack one.
const UNKNOWN_AGGREGATED = new Set([...UNKNOWN_PER_OBJECT].filter((n) => /erlang_|io_|schema_db|msg_store|queue_index/.test(n)));
const detailed = (names: ReadonlySet<string>): Set<string> => new Set([...names].map((n) => n.replace(/^rabbitmq_/, 'rabbitmq_detailed_')));

describe('the families RabbitMQ serves, with its TYPE, HELP and labels', () => {
  it('/metrics', async () => {
    const w = catalogOf(parseExposition(await warrenText('/metrics')));
    expect(catalogDiff(referenceCatalog('metrics', await referenceText('/metrics')), w, notErlang, UNKNOWN_AGGREGATED)).toEqual([]);
  });

  it('/metrics/per-object', async () => {
    const w = catalogOf(parseExposition(await warrenText('/metrics/per-object')));
    expect(catalogDiff(referenceCatalog('per-object', await referenceText('/metrics/per-object')), w, notErlang, UNKNOWN_PER_OBJECT)).toEqual([]);
  });

  it('/metrics/detailed with every family', async () => {
    const path = `/metrics/detailed?${ALL_DETAILED_FAMILIES}&vhost=%2F`;
    const w = catalogOf(parseExposition(await warrenText(path)));
    expect(catalogDiff(referenceCatalog('detailed', await referenceText(path)), w, notErlang, detailed(UNKNOWN_PER_OBJECT))).toEqual([]);
  });
});

describe('values come from the broker', () => {
  it('per object: queue depths, consumers, channels and connections', async () => {
    const m = parseExposition(await scrapeText(`${base}/metrics/per-object`));
    const ready = { vhost: '/', queue: scenario.ready };
    const busy = { vhost: '/', queue: scenario.busy };
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready', ready)).toBe(3);
    expect(sampleValue(m, 'rabbitmq_queue_messages_unacked', ready)).toBe(0);
    expect(sampleValue(m, 'rabbitmq_queue_messages', ready)).toBe(3);
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready_bytes', ready)).toBe(6);
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready', busy)).toBe(2);
    expect(sampleValue(m, 'rabbitmq_queue_messages_unacked', busy)).toBe(2);
    expect(sampleValue(m, 'rabbitmq_queue_consumers', busy)).toBe(1);
    // Its one consumer is at its prefetch limit: no capacity now.
    expect(sampleValue(m, 'rabbitmq_queue_consumer_capacity', busy)).toBe(0);
    expect(sampleValue(m, 'rabbitmq_queue_consumers', ready)).toBe(0);
    const channels = m.get('rabbitmq_channel_consumers')!.samples;
    expect(channels).toHaveLength(3);
    for (const s of channels) expect(s.labels.channel).toMatch(/^127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ \(\d+\)$/);
    expect(channels.map((s) => s.value).sort()).toEqual([0, 0, 1]);
    expect(m.get('rabbitmq_connection_channels')!.samples.map((s) => s.value)).toEqual([3]);
    expect(sampleValue(m, 'rabbitmq_queues')).toBe(3);
    expect(sampleValue(m, 'rabbitmq_connections')).toBe(1);
    expect(sampleValue(m, 'rabbitmq_channels')).toBe(3);
    expect(sampleValue(m, 'rabbitmq_consumers')).toBe(1);
    // Channel state from the registry's snapshots: the consumer's channel (prefetch 2) holds 2 unacked, the others none.
    expect(m.get('rabbitmq_channel_messages_unacked')!.samples.map((s) => s.value).sort()).toEqual([0, 0, 2]);
    expect(m.get('rabbitmq_consumer_prefetch')!.samples.map((s) => s.value).sort()).toEqual([0, 0, 2]);
    expect(m.get('rabbitmq_connection_incoming_bytes_total')!.samples[0].value).toBeGreaterThan(0);
  });

  it('the reference agrees on the same objects', async () => {
    const ref = reference;
    if (ref === undefined) return; // no live reference in this run: the values above are RabbitMQ's as observed
    // RabbitMQ's queues publish their metrics every collect_statistics_interval (5 s).
    const read = async () => parseExposition(await scrapeText(`${referencePrometheusUrl}/metrics/per-object`));
    const settled = (m: Awaited<ReturnType<typeof read>>): boolean =>
      m.get('rabbitmq_queue_messages_ready')!.samples.some((s) => s.labels.queue === ref.ready && s.value === 3) &&
      m.get('rabbitmq_queue_messages_unacked')!.samples.some((s) => s.labels.queue === ref.busy && s.value === 2);
    const m = await pollUntil(read, settled, { timeoutMs: 15_000, intervalMs: 500 });
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready', { queue: ref.ready })).toBe(3);
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready_bytes', { queue: ref.ready })).toBe(6);
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready', { queue: ref.busy })).toBe(2);
    expect(sampleValue(m, 'rabbitmq_queue_messages_unacked', { queue: ref.busy })).toBe(2);
    expect(sampleValue(m, 'rabbitmq_queue_consumers', { queue: ref.busy })).toBe(1);
    // A time average over its last interval on RabbitMQ (Warren's is an instant): below 1 for a blocked consumer.
    expect(sampleValue(m, 'rabbitmq_queue_consumer_capacity', { queue: ref.busy })).toBeLessThan(1);
  }, 30_000);

  it('aggregated: sums, the node, identity, alarms', async () => {
    const m = parseExposition(await scrapeText(`${base}/metrics`));
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready')).toBe(5);
    expect(sampleValue(m, 'rabbitmq_queue_messages_unacked')).toBe(2);
    expect(sampleValue(m, 'rabbitmq_channel_consumers')).toBe(1);
    expect(sampleValue(m, 'rabbitmq_global_consumers', { protocol: 'amqp091' })).toBe(1);
    expect(sampleValue(m, 'rabbitmq_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(sampleValue(m, 'rabbitmq_disk_space_available_bytes')).toBeGreaterThan(0);
    expect(sampleValue(m, 'rabbitmq_disk_space_available_limit_bytes')).toBe(50_000_000);
    expect(sampleValue(m, 'rabbitmq_process_open_fds')).toBeGreaterThan(0);
    expect(sampleValue(m, 'rabbitmq_process_open_tcp_sockets')).toBe(1);
    expect(sampleValue(m, 'rabbitmq_alarms_free_disk_space_watermark')).toBe(0);
    expect(sampleValue(m, 'rabbitmq_alarms_memory_used_watermark')).toBe(0);
    expect(sampleValue(m, 'rabbitmq_alarms_file_descriptor_limit')).toBe(0);
    const identity = m.get('rabbitmq_identity_info')!.samples[0].labels;
    expect(identity).toMatchObject({ rabbitmq_node: NODE_NAME, rabbitmq_cluster: NODE_NAME });
    expect(identity.rabbitmq_cluster_permanent_id).toMatch(/^rabbitmq-cluster-id-[\w-]{22}$/);
    expect(m.get('rabbitmq_build_info')!.samples[0].labels).toMatchObject({ rabbitmq_version: '3.10.8', prometheus_plugin_version: '3.10.8', erlang_version: `Node.js ${process.versions.node}` });
  });

  it('detailed: the cluster families see the exchange and its binding; vhost= filters queues', async () => {
    const m = parseExposition(await scrapeText(`${base}/metrics/detailed?family=exchange_bindings&family=queue_coarse_metrics&vhost=%2F`));
    expect(sampleValue(m, 'rabbitmq_cluster_exchange_bindings', { exchange: scenario.exchange, type: 'topic' })).toBe(1);
    expect(sampleValue(m, 'rabbitmq_cluster_exchange_bindings', { exchange: 'amq.direct' })).toBe(0);
    expect(sampleValue(m, 'rabbitmq_detailed_queue_messages_ready', { queue: scenario.ready })).toBe(3);
    const none = parseExposition(await scrapeText(`${base}/metrics/detailed?family=queue_coarse_metrics&vhost=nope`));
    expect(none.get('rabbitmq_detailed_queue_messages_ready')!.samples).toEqual([]);
  });
});

describe('HTTP answers as rabbitmq_prometheus gives them', () => {
  // Each case is checked on the reference too when it is live.
  const cases: { what: string; path: string; method?: string; headers?: Record<string, string>; status: number; check?: (r: Awaited<ReturnType<typeof rawRequest>>) => void }[] = [
    {
      what: 'GET /metrics: text format 0.0.4, identity encoding, no authentication',
      path: '/metrics',
      status: 200,
      check: (r) => {
        expect(r.headers['content-type']).toBe('text/plain; version=0.0.4');
        expect(r.headers['content-encoding']).toBe('identity');
        expect(r.body.toString()).toContain('# TYPE rabbitmq_identity_info untyped');
      },
    },
    {
      what: 'gzip when the scraper accepts it',
      path: '/metrics/per-object',
      headers: { 'accept-encoding': 'gzip' },
      status: 200,
      check: (r) => {
        expect(r.headers['content-encoding']).toBe('gzip');
        expect(gunzipSync(r.body).toString()).toContain('rabbitmq_queue_messages_ready{');
      },
    },
    { what: 'a trailing slash', path: '/metrics/', status: 200 },
    { what: '/metrics/default is /metrics', path: '/metrics/default', status: 200 },
    {
      what: 'an unknown registry',
      path: '/metrics/nope',
      status: 404,
      check: (r) => {
        expect(r.headers['content-type']).toBe('text/plain');
        expect(r.body.toString()).toBe('Unknown Registry');
      },
    },
    {
      what: 'another path',
      path: '/api/overview',
      status: 404,
      check: (r) => {
        expect(r.headers['content-type']).toBe('application/json');
        expect(JSON.parse(r.body.toString())).toEqual({ error: 'Object Not Found', reason: 'Not Found' });
      },
    },
    { what: 'a deeper path', path: '/metrics/detailed/x', status: 404 },
    { what: 'HEAD (cowboy_rest without a body)', path: '/metrics', method: 'HEAD', status: 204 },
    { what: 'OPTIONS', path: '/metrics', method: 'OPTIONS', status: 200, check: (r) => expect(r.headers.allow).toBe('HEAD, GET, OPTIONS') },
    { what: 'POST', path: '/metrics', method: 'POST', status: 405, check: (r) => expect(r.headers.allow).toBe('HEAD, GET, OPTIONS') },
    { what: 'DELETE', path: '/metrics/per-object', method: 'DELETE', status: 405 },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const targets = [base, ...(referencePrometheusUrl === undefined ? [] : [referencePrometheusUrl])];
      for (const t of targets) {
        const r = await rawRequest(t + c.path, { method: c.method, headers: c.headers });
        expect(r.status, `${t}${c.path}`).toBe(c.status);
        c.check?.(r);
      }
    });
  }
});

describe('configuration', () => {
  it('prometheus.path moves the endpoints; return_per_object_metrics makes the aggregated one per object', async () => {
    const b = await startBroker({ prometheusPath: '/prom', prometheusReturnPerObjectMetrics: true });
    try {
      const s = await setUpScenario(b.url, 'cfg');
      const at = `http://127.0.0.1:${b.prometheusPort}`;
      const m = parseExposition(await scrapeText(`${at}/prom`));
      expect(sampleValue(m, 'rabbitmq_queue_messages_ready', { queue: s.ready })).toBe(3);
      expect(m.has('rabbitmq_alarms_memory_used_watermark')).toBe(true);
      expect((await rawRequest(`${at}/prom/detailed?family=vhost_status`)).status).toBe(200);
      expect((await rawRequest(`${at}/metrics`)).status).toBe(404);
      await s.cleanup();
    } finally {
      await b.close();
    }
  });

  it('filter_aggregated_queue_metrics_pattern leaves matching queues out of the sums', async () => {
    const b = await startBroker({ prometheusFilterAggregatedQueueMetricsPattern: '-ready$' });
    try {
      const s = await setUpScenario(b.url, 'flt');
      const m = parseExposition(await scrapeText(`http://127.0.0.1:${b.prometheusPort}/metrics`));
      expect(sampleValue(m, 'rabbitmq_queue_messages_ready')).toBe(2);
      expect(sampleValue(m, 'rabbitmq_queues')).toBe(3);
      await s.cleanup();
    } finally {
      await b.close();
    }
  });

  it('a taken port stops the start', async () => {
    const b = await startBroker();
    try {
      await expect(startBroker({ prometheusPort: b.prometheusPort })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await b.close();
    }
  });
});
