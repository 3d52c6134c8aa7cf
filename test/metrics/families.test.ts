// The collectors as pure functions of a MetricsSource: what /metrics aggregates, what
// /metrics/per-object and /metrics/detailed give per object, and the filters, on a node state
// made up for the test (no broker, no sockets).
import { describe, expect, it } from 'vitest';
import { buildInfo } from '../../src/metrics/identity.js';
import { acceptsGzip, MetricsRenderer } from '../../src/metrics/metrics-server.js';
import { NO_MESSAGE_COUNTERS, type MessageCounters, type MetricsSource, type QueueSample } from '../../src/metrics/metrics-source.js';
import { parseExposition, sampleValue } from './exposition.js';

const queues: QueueSample[] = [
  { vhost: '/', name: 'orders', ready: 5, unacked: 2, consumers: 1, consumerCapacity: 1, readyBytes: 50, readyRam: 5, pagedOut: 0 },
  { vhost: '/', name: 'amq.gen-1', ready: 1, unacked: 0, consumers: 0, consumerCapacity: 0, readyBytes: 7, readyRam: 1, pagedOut: 0 },
  { vhost: 'other', name: 'jobs', ready: 10, unacked: 0, consumers: 0, consumerCapacity: 0, readyBytes: 100, readyRam: 4, pagedOut: 6 },
];

const counters: MessageCounters = {
  ...NO_MESSAGE_COUNTERS,
  globalCounters: () => ({ ...NO_MESSAGE_COUNTERS.globalCounters(), messagesReceived: 42, messagesDeliveredConsumeManualAck: 7, publishers: 2 }),
  authAttempts: () => [{ protocol: 'amqp091', total: 3, succeeded: 2, failed: 1 }],
};

function fakeSource(): MetricsSource {
  return {
    node: async () => ({ fdUsed: 30, fdTotal: 1024, socketsUsed: 2, socketsTotal: 1024, memUsed: 123456, memLimit: 1000000, diskFree: 5e9, diskFreeLimit: 5e7, uptimeSeconds: 12.5 }),
    alarms: () => ({ fileDescriptorLimit: false, freeDiskSpace: true, memory: false }),
    identity: () => ({ node: 'warren@test', cluster: 'my-cluster', clusterPermanentId: 'rabbitmq-cluster-id-x' }),
    vhosts: () => ['/', 'other'],
    queues: () => queues,
    exchanges: () => [
      { vhost: '/', name: '', type: 'direct', internal: false, bindings: 0 },
      { vhost: '/', name: 'amq.direct', type: 'direct', internal: false, bindings: 0 },
      { vhost: '/', name: 'events', type: 'topic', internal: false, bindings: 3 },
      { vhost: '/', name: 'hidden', type: 'fanout', internal: true, bindings: 1 },
    ],
    sessions: () => ({
      connections: [{ name: '127.0.0.1:1000 -> 127.0.0.1:5672', channels: 2 }],
      channels: [
        { name: '127.0.0.1:1000 -> 127.0.0.1:5672 (1)', consumers: 1, unacked: 2, prefetch: 10 },
        { name: '127.0.0.1:1000 -> 127.0.0.1:5672 (2)', consumers: 0, exchanges: [{ vhost: '/', exchange: 'events', published: 9, confirmed: 9, returnedUnroutable: 0, droppedUnroutable: 1 }] },
      ],
    }),
    counters: () => counters,
  };
}

async function scrape(registry: 'default' | 'per-object' | 'detailed', query = '', opts = { perObject: false, aggregatedQueueFilter: '' }) {
  return parseExposition(await new MetricsRenderer(fakeSource(), opts).render(registry, new URLSearchParams(query)));
}

describe('/metrics (aggregated)', () => {
  it('sums the queue, channel and connection rows into one unlabelled sample per metric', async () => {
    const m = await scrape('default');
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready')).toBe(16);
    expect(sampleValue(m, 'rabbitmq_queue_messages_unacked')).toBe(2);
    expect(sampleValue(m, 'rabbitmq_queue_messages')).toBe(18);
    expect(sampleValue(m, 'rabbitmq_queue_messages_paged_out')).toBe(6);
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready_bytes')).toBe(157);
    // Unknown values count as 0 in a sum, as RabbitMQ's undefined ones do.
    expect(sampleValue(m, 'rabbitmq_queue_messages_unacked_bytes')).toBe(0);
    expect(sampleValue(m, 'rabbitmq_channel_messages_unacked')).toBe(2);
    expect(sampleValue(m, 'rabbitmq_channel_messages_published_total')).toBe(9);
    expect(sampleValue(m, 'rabbitmq_channel_messages_unroutable_dropped_total')).toBe(1);
    expect(sampleValue(m, 'rabbitmq_connection_channels')).toBe(2);
    expect(m.get('rabbitmq_queue_messages_ready')!.samples[0].labels).toEqual({});
    // RabbitMQ does not sum these two: the family is there without a sample.
    expect(m.get('rabbitmq_queue_consumer_capacity')!.samples).toEqual([]);
    expect(m.get('rabbitmq_queue_head_message_timestamp')!.samples).toEqual([]);
    // Per source address only: not in the aggregated output at all.
    expect(m.has('rabbitmq_auth_attempts_detailed_total')).toBe(false);
    // queue_consumer_count is a subset of queue_metrics: only rabbitmq_queue_consumers once.
    expect(sampleValue(m, 'rabbitmq_queue_consumers')).toBe(1);
  });

  it('has the node, the totals, the identity, the global counters and the alarms', async () => {
    const m = await scrape('default');
    expect(sampleValue(m, 'rabbitmq_process_open_fds')).toBe(30);
    expect(sampleValue(m, 'rabbitmq_process_resident_memory_bytes')).toBe(123456);
    expect(sampleValue(m, 'rabbitmq_resident_memory_limit_bytes')).toBe(1000000);
    expect(sampleValue(m, 'rabbitmq_disk_space_available_bytes')).toBe(5e9);
    expect(sampleValue(m, 'rabbitmq_erlang_uptime_seconds')).toBe(12.5);
    expect(m.get('rabbitmq_erlang_processes_used')!.samples).toEqual([]);
    expect(sampleValue(m, 'rabbitmq_queues')).toBe(3);
    expect(sampleValue(m, 'rabbitmq_connections')).toBe(1);
    expect(sampleValue(m, 'rabbitmq_channels')).toBe(2);
    expect(sampleValue(m, 'rabbitmq_consumers')).toBe(1);
    expect(sampleValue(m, 'rabbitmq_global_consumers', { protocol: 'amqp091' })).toBe(1);
    expect(sampleValue(m, 'rabbitmq_global_messages_received_total', { protocol: 'amqp091' })).toBe(42);
    expect(sampleValue(m, 'rabbitmq_global_publishers')).toBe(2);
    expect(sampleValue(m, 'rabbitmq_global_messages_delivered_consume_manual_ack_total', { queue_type: 'rabbit_classic_queue' })).toBe(7);
    expect(sampleValue(m, 'rabbitmq_global_messages_delivered_consume_manual_ack_total', { queue_type: 'rabbit_quorum_queue' })).toBe(0);
    expect(sampleValue(m, 'rabbitmq_auth_attempts_failed_total', { protocol: 'amqp091' })).toBe(1);
    expect(m.get('rabbitmq_alarms_free_disk_space_watermark')).toMatchObject({ type: 'untyped', samples: [{ value: 1 }] });
    expect(sampleValue(m, 'rabbitmq_alarms_memory_used_watermark')).toBe(0);
    expect(m.get('rabbitmq_identity_info')!.samples[0].labels).toEqual({
      rabbitmq_node: 'warren@test',
      rabbitmq_cluster: 'my-cluster',
      rabbitmq_cluster_permanent_id: 'rabbitmq-cluster-id-x',
    });
    expect(m.get('rabbitmq_build_info')!.samples[0].labels).toMatchObject({ rabbitmq_version: '3.10.8', prometheus_plugin_version: '3.10.8' });
    expect(m.get('rabbitmq_build_info')!.samples[0].labels.product_name).toBeUndefined();
    // Node.js's counterpart of erlang_vm_*, and the scrape telemetry.
    expect(m.get('process_start_time_seconds')!.samples).toHaveLength(1);
    expect(m.get('telemetry_scrape_duration_seconds')!.type).toBe('summary');
  });

  it('leaves queues matching filter_aggregated_queue_metrics_pattern out of the queue sums', async () => {
    const m = await scrape('default', '', { perObject: false, aggregatedQueueFilter: '^amq\\.gen-' });
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready')).toBe(15);
    // ...but they are still queues.
    expect(sampleValue(m, 'rabbitmq_queues')).toBe(3);
  });

  it('gives per-object samples with return_per_object_metrics', async () => {
    const m = await scrape('default', '', { perObject: true, aggregatedQueueFilter: '' });
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready', { vhost: 'other', queue: 'jobs' })).toBe(10);
    expect(m.has('rabbitmq_alarms_memory_used_watermark')).toBe(true);
  });
});

describe('/metrics/per-object', () => {
  it('labels queues with vhost and queue, channels and connections with channel', async () => {
    const m = await scrape('per-object');
    expect(m.get('rabbitmq_queue_messages_ready')!.samples.map((s) => [s.labels, s.value])).toEqual([
      [{ vhost: '/', queue: 'orders' }, 5],
      [{ vhost: '/', queue: 'amq.gen-1' }, 1],
      [{ vhost: 'other', queue: 'jobs' }, 10],
    ]);
    expect(sampleValue(m, 'rabbitmq_queue_consumer_capacity', { queue: 'orders' })).toBe(1);
    expect(sampleValue(m, 'rabbitmq_queue_messages_ready_ram', { queue: 'jobs' })).toBe(4);
    expect(sampleValue(m, 'rabbitmq_channel_consumers', { channel: '127.0.0.1:1000 -> 127.0.0.1:5672 (1)' })).toBe(1);
    expect(sampleValue(m, 'rabbitmq_consumer_prefetch', { channel: '127.0.0.1:1000 -> 127.0.0.1:5672 (1)' })).toBe(10);
    expect(sampleValue(m, 'rabbitmq_channel_messages_published_total', { channel: '127.0.0.1:1000 -> 127.0.0.1:5672 (2)', vhost: '/', exchange: 'events' })).toBe(9);
    expect(sampleValue(m, 'rabbitmq_connection_channels', { channel: '127.0.0.1:1000 -> 127.0.0.1:5672' })).toBe(2);
    // Values Warren does not know have no sample (RabbitMQ leaves undefined ones out too).
    expect(m.get('rabbitmq_queue_messages_unacked_bytes')!.samples).toEqual([]);
    expect(m.get('rabbitmq_channel_messages_unacked')!.samples).toHaveLength(1);
    // No quorum queues, so no raft rows; the detailed auth family is there, empty.
    expect(m.get('rabbitmq_raft_term_total')!.samples).toEqual([]);
    expect(m.get('rabbitmq_auth_attempts_detailed_total')!.samples).toEqual([]);
    // The per-object registry has no alarm collector (as RabbitMQ's).
    expect(m.has('rabbitmq_alarms_memory_used_watermark')).toBe(false);
    expect(sampleValue(m, 'rabbitmq_queues')).toBe(3);
  });
});

describe('/metrics/detailed', () => {
  it('gives only the families asked for, with the detailed prefix, plus the identity', async () => {
    const m = await scrape('detailed', 'family=queue_coarse_metrics&family=no_such_family');
    const names = [...m.keys()].filter((n) => !n.startsWith('telemetry_'));
    expect(names).toEqual([
      'rabbitmq_detailed_queue_messages_ready',
      'rabbitmq_detailed_queue_messages_unacked',
      'rabbitmq_detailed_queue_messages',
      'rabbitmq_detailed_queue_process_reductions_total',
      'rabbitmq_build_info',
      'rabbitmq_identity_info',
    ]);
    expect(m.get('rabbitmq_detailed_queue_messages_ready')!.samples).toHaveLength(3);
  });

  it('without family= gives the identity only', async () => {
    const m = await scrape('detailed');
    expect([...m.keys()].filter((n) => !n.startsWith('telemetry_'))).toEqual(['rabbitmq_build_info', 'rabbitmq_identity_info']);
  });

  it('vhost= selects the queues of existing vhosts; naming none that exists selects none', async () => {
    const other = await scrape('detailed', 'family=queue_coarse_metrics&vhost=other');
    expect(other.get('rabbitmq_detailed_queue_messages_ready')!.samples.map((s) => s.labels.queue)).toEqual(['jobs']);
    const both = await scrape('detailed', 'family=queue_coarse_metrics&vhost=other&vhost=%2F');
    expect(both.get('rabbitmq_detailed_queue_messages_ready')!.samples).toHaveLength(3);
    const missing = await scrape('detailed', 'family=queue_coarse_metrics&vhost=nope');
    expect(missing.get('rabbitmq_detailed_queue_messages_ready')!.samples).toEqual([]);
  });

  it('queue_consumer_count alone gives rabbitmq_detailed_queue_consumers; with queue_metrics it is not repeated', async () => {
    const alone = await scrape('detailed', 'family=queue_consumer_count');
    expect(sampleValue(alone, 'rabbitmq_detailed_queue_consumers', { queue: 'orders' })).toBe(1);
    const both = await scrape('detailed', 'family=queue_consumer_count&family=queue_metrics');
    expect(both.get('rabbitmq_detailed_queue_consumers')!.samples).toHaveLength(3);
  });

  it('the cluster families list vhosts and exchanges (not internal ones, not the default exchange)', async () => {
    const m = await scrape('detailed', 'family=vhost_status&family=exchange_bindings&family=exchange_names');
    expect(m.get('rabbitmq_cluster_vhost_status')!.samples.map((s) => [s.labels.vhost, s.value])).toEqual([
      ['/', 1],
      ['other', 1],
    ]);
    expect(m.get('rabbitmq_cluster_exchange_bindings')!.samples).toEqual([
      { name: 'rabbitmq_cluster_exchange_bindings', labels: { vhost: '/', exchange: 'amq.direct', type: 'direct' }, value: 0 },
      { name: 'rabbitmq_cluster_exchange_bindings', labels: { vhost: '/', exchange: 'events', type: 'topic' }, value: 3 },
    ]);
    expect(m.get('rabbitmq_cluster_exchange_name')!.samples.map((s) => s.labels.exchange)).toEqual(['amq.direct', 'events']);
  });
});

describe('identity and encoding', () => {
  it('a renamed product adds product_name and product_version to rabbitmq_build_info, first', () => {
    const b = buildInfo({ product: 'Warren', version: '0.1.0', rabbitmqVersion: '3.10.8', erlangVersion: '25.2.3' });
    expect(Object.keys(b).slice(0, 2)).toEqual(['productName', 'productVersion']);
    expect(b).toMatchObject({ productName: 'Warren', productVersion: '0.1.0', rabbitmqVersion: '3.10.8' });
  });

  it('label values are escaped (backslash, quote, newline)', async () => {
    const odd: QueueSample = { vhost: 'v"1', name: 'a\\b\nc', ready: 1, unacked: 0, consumers: 0 };
    const source = { ...fakeSource(), queues: () => [odd] };
    const text = await new MetricsRenderer(source, { perObject: false, aggregatedQueueFilter: '' }).render('per-object');
    expect(text).toContain('rabbitmq_queue_messages_ready{vhost="v\\"1",queue="a\\\\b\\nc"} 1');
    expect(sampleValue(parseExposition(text), 'rabbitmq_queue_messages_ready', { vhost: 'v"1', queue: 'a\\b\nc' })).toBe(1);
  });

  it('gzip is used when the scraper accepts it at least as much as identity', () => {
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0.5, identity')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
  });
});
