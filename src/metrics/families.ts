/**
 * rabbitmq_prometheus's metric families (RabbitMQ 3.10.8's prometheus_rabbitmq_core_metrics_collector,
 * _global_metrics_collector and _alarm_metrics_collector): the same names, types, HELP texts and
 * labels, computed from the samples of a MetricsSource when a scrape asks for them.
 *
 * The core families come in groups named after the RabbitMQ table they are read from
 * (`queue_coarse_metrics`, `channel_metrics`, ...: the names `/metrics/detailed?family=` takes).
 * `/metrics` aggregates: the object groups are summed into one unlabelled sample per metric (a
 * value Warren does not know counts as 0), the node and auth groups keep their rows.
 * `/metrics/per-object` gives one sample per object with its labels (unknown values left out).
 * `/metrics/detailed` gives the requested groups per object with the `rabbitmq_detailed_`
 * prefix, the cluster-wide groups with `rabbitmq_cluster_`, and the identity.
 */
import type {
  AlarmSample,
  AuthAttemptCounters,
  ChannelQueueCounters,
  ChannelQueueExchangeCounters,
  ChannelExchangeCounters,
  ChannelSample,
  ChurnCounters,
  ConnectionSample,
  DeadLetterCounters,
  ExchangeSample,
  GlobalCounters,
  NodeIdentity,
  NodeSample,
  QueueSample,
} from './metrics-source.js';
import type { BuildInfo } from './identity.js';

/** A family's TYPE in the text exposition format. */
export type FamilyType = 'counter' | 'gauge' | 'untyped';

/** One sample: its labels (in output order) and value. */
export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** One metric family as it is exposed. */
export interface Family {
  name: string;
  help: string;
  type: FamilyType;
  samples: Sample[];
}

/** What the core groups are computed from (one scrape's copy). */
export interface CoreInput {
  node: NodeSample;
  queues: readonly QueueSample[];
  channels: readonly ChannelSample[];
  connections: readonly ConnectionSample[];
  churn: ChurnCounters;
  authAttempts: readonly AuthAttemptCounters[];
}

/** How the core groups are selected and shaped. */
export interface CoreOptions {
  /** One sample per object (per-object, detailed) rather than sums (aggregated). */
  perObject: boolean;
  /** Metric name prefix: `rabbitmq_` or `rabbitmq_detailed_`. */
  prefix: string;
  /** The groups wanted (detailed's `family=`); all when undefined. */
  groups?: ReadonlySet<string>;
  /** Only the queues of these vhosts (detailed's `vhost=`); all when undefined. */
  vhosts?: ReadonlySet<string>;
  /** Queues left out of the aggregated queue groups (filter_aggregated_queue_metrics_pattern). */
  aggregatedQueueFilter?: RegExp;
}

type Labels = Record<string, string>;
/** How the aggregated output combines a metric's rows: summed, averaged, or not shown. */
type Combine = 'sum' | 'avg' | 'none';

interface MetricSpec<R> {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  value: (row: R) => number | undefined;
  combine: Combine;
}

interface GroupSpec<R> {
  /** RabbitMQ's table name: the `family=` value of /metrics/detailed. */
  table: string;
  /** The rows, one per object. */
  rows: (input: CoreInput, queues: readonly QueueSample[]) => readonly R[];
  labels: (row: R) => Labels;
  /** Aggregated output: 'sum' combines the rows into one unlabelled sample; 'rows' keeps them; 'omit' leaves the group out. */
  aggregated: 'sum' | 'rows' | 'omit';
  metrics: MetricSpec<R>[];
}

/** A group with its row type erased: what the collector iterates over. */
interface Group {
  table: string;
  collect(input: CoreInput, queues: readonly QueueSample[], perObject: boolean, prefix: string): Family[];
  /** Omitted from the aggregated output. */
  aggregatedOmitted: boolean;
}

function metric<R>(name: string, type: 'counter' | 'gauge', help: string, value: (row: R) => number | undefined, combine: Combine = 'sum'): MetricSpec<R> {
  return { name, type, help, value, combine };
}

function group<R>(spec: GroupSpec<R>): Group {
  return {
    table: spec.table,
    aggregatedOmitted: spec.aggregated === 'omit',
    collect(input, queues, perObject, prefix) {
      const rows = spec.rows(input, queues);
      return spec.metrics.map((m) => {
        const family: Family = { name: prefix + m.name, help: m.help, type: m.type, samples: [] };
        if (!perObject && spec.aggregated === 'sum') {
          // RabbitMQ sums the table's rows (undefined counts as nothing); some keys are not summed at all.
          if (m.combine === 'none') return family;
          let sum = 0;
          for (const r of rows) sum += m.value(r) ?? 0;
          const value = m.combine === 'avg' ? (rows.length === 0 ? 0 : sum / rows.length) : sum;
          family.samples.push({ labels: {}, value });
          return family;
        }
        for (const r of rows) {
          const v = m.value(r);
          if (v !== undefined) family.samples.push({ labels: spec.labels(r), value: v });
        }
        return family;
      });
    },
  };
}

const none = (): undefined => undefined;
const one = <T>(row: T): readonly T[] => [row];

type ChannelRow<T> = T & { channel: string };
function perChannel<T>(channels: readonly ChannelSample[], pick: (c: ChannelSample) => readonly T[] | undefined): ChannelRow<T>[] {
  const out: ChannelRow<T>[] = [];
  for (const c of channels) for (const r of pick(c) ?? []) out.push({ ...r, channel: c.name });
  return out;
}

// Warren has no quorum queues: the raft rows are always empty (the aggregated output shows zeros).
type RaftRow = Record<string, never>;

/** rabbitmq_prometheus's METRICS_RAW, in its order. */
const CORE_GROUPS: readonly Group[] = [
  group<ChurnCounters>({
    table: 'connection_churn_metrics',
    rows: (d) => one(d.churn),
    labels: () => ({}),
    aggregated: 'rows',
    metrics: [
      metric('connections_opened_total', 'counter', 'Total number of connections opened', (c) => c.connectionsOpened),
      metric('connections_closed_total', 'counter', 'Total number of connections closed or terminated', (c) => c.connectionsClosed),
      metric('channels_opened_total', 'counter', 'Total number of channels opened', (c) => c.channelsOpened),
      metric('channels_closed_total', 'counter', 'Total number of channels closed', (c) => c.channelsClosed),
      metric('queues_declared_total', 'counter', 'Total number of queues declared', (c) => c.queuesDeclared),
      metric('queues_created_total', 'counter', 'Total number of queues created', (c) => c.queuesCreated),
      metric('queues_deleted_total', 'counter', 'Total number of queues deleted', (c) => c.queuesDeleted),
    ],
  }),
  group<NodeSample>({
    table: 'node_coarse_metrics',
    rows: (d) => one(d.node),
    labels: () => ({}),
    aggregated: 'rows',
    metrics: [
      metric('process_open_fds', 'gauge', 'Open file descriptors', (n) => n.fdUsed),
      metric('process_open_tcp_sockets', 'gauge', 'Open TCP sockets', (n) => n.socketsUsed),
      metric('process_resident_memory_bytes', 'gauge', 'Memory used in bytes', (n) => n.memUsed),
      metric('disk_space_available_bytes', 'gauge', 'Disk space available in bytes', (n) => n.diskFree),
      // Erlang VM internals: Warren runs no Erlang VM.
      metric('erlang_processes_used', 'gauge', 'Erlang processes used', none),
      metric('erlang_gc_runs_total', 'counter', 'Total number of Erlang garbage collector runs', none),
      metric('erlang_gc_reclaimed_bytes_total', 'counter', 'Total number of bytes of memory reclaimed by Erlang garbage collector', none),
      metric('erlang_scheduler_context_switches_total', 'counter', 'Total number of Erlang scheduler context switches', none),
    ],
  }),
  group<NodeSample>({
    table: 'node_metrics',
    rows: (d) => one(d.node),
    labels: () => ({}),
    aggregated: 'rows',
    metrics: [
      metric('process_max_fds', 'gauge', 'Open file descriptors limit', (n) => n.fdTotal),
      metric('process_max_tcp_sockets', 'gauge', 'Open TCP sockets limit', (n) => n.socketsTotal),
      metric('resident_memory_limit_bytes', 'gauge', 'Memory high watermark in bytes', (n) => n.memLimit),
      metric('disk_space_available_limit_bytes', 'gauge', 'Free disk space low watermark in bytes', (n) => n.diskFreeLimit),
      metric('erlang_processes_limit', 'gauge', 'Erlang processes limit', none),
      metric('erlang_scheduler_run_queue', 'gauge', 'Erlang scheduler run queue', none),
      metric('erlang_net_ticktime_seconds', 'gauge', 'Inter-node heartbeat interval', none),
      metric('erlang_uptime_seconds', 'gauge', 'Node uptime', (n) => n.uptimeSeconds),
    ],
  }),
  // RabbitMQ's file and Mnesia I/O counters: Warren's LevelDB store does not count them.
  group<NodeSample>({
    table: 'node_persister_metrics',
    rows: (d) => one(d.node),
    labels: () => ({}),
    aggregated: 'rows',
    metrics: [
      metric('io_read_ops_total', 'counter', 'Total number of I/O read operations', none),
      metric('io_read_bytes_total', 'counter', 'Total number of I/O bytes read', none),
      metric('io_write_ops_total', 'counter', 'Total number of I/O write operations', none),
      metric('io_write_bytes_total', 'counter', 'Total number of I/O bytes written', none),
      metric('io_sync_ops_total', 'counter', 'Total number of I/O sync operations', none),
      metric('io_seek_ops_total', 'counter', 'Total number of I/O seek operations', none),
      metric('io_reopen_ops_total', 'counter', 'Total number of times files have been reopened', none),
      metric('schema_db_ram_tx_total', 'counter', 'Total number of Schema DB memory transactions', none),
      metric('schema_db_disk_tx_total', 'counter', 'Total number of Schema DB disk transactions', none),
      metric('msg_store_read_total', 'counter', 'Total number of Message Store read operations', none),
      metric('msg_store_write_total', 'counter', 'Total number of Message Store write operations', none),
      metric('queue_index_read_ops_total', 'counter', 'Total number of Queue Index read operations', none),
      metric('queue_index_write_ops_total', 'counter', 'Total number of Queue Index write operations', none),
      metric('io_read_time_seconds_total', 'counter', 'Total I/O read time', none),
      metric('io_write_time_seconds_total', 'counter', 'Total I/O write time', none),
      metric('io_sync_time_seconds_total', 'counter', 'Total I/O sync time', none),
      metric('io_seek_time_seconds_total', 'counter', 'Total I/O seek time', none),
    ],
  }),
  group<RaftRow>({
    table: 'ra_metrics',
    rows: () => [],
    labels: () => ({}),
    aggregated: 'sum',
    metrics: [
      metric('raft_term_total', 'counter', 'Current Raft term number', none),
      metric('raft_log_snapshot_index', 'gauge', 'Raft log snapshot index', none),
      metric('raft_log_last_applied_index', 'gauge', 'Raft log last applied index', none),
      metric('raft_log_commit_index', 'gauge', 'Raft log commit index', none),
      metric('raft_log_last_written_index', 'gauge', 'Raft log last written index', none),
      metric('raft_entry_commit_latency_seconds', 'gauge', 'Time taken for a log entry to be committed', none, 'avg'),
    ],
  }),
  group<AuthAttemptCounters>({
    table: 'auth_attempt_metrics',
    rows: (d) => d.authAttempts,
    labels: (a) => ({ protocol: a.protocol }),
    aggregated: 'rows',
    metrics: [
      metric('auth_attempts_total', 'counter', 'Total number of authorization attempts', (a) => a.total),
      metric('auth_attempts_succeeded_total', 'counter', 'Total number of successful authentication attempts', (a) => a.succeeded),
      metric('auth_attempts_failed_total', 'counter', 'Total number of failed authentication attempts', (a) => a.failed),
    ],
  }),
  // Per source address and user: RabbitMQ keeps these only with track_auth_attempt_source, off by default; so does Warren.
  group<AuthAttemptCounters>({
    table: 'auth_attempt_detailed_metrics',
    rows: () => [],
    labels: (a) => ({ protocol: a.protocol }),
    aggregated: 'omit',
    metrics: [
      metric('auth_attempts_detailed_total', 'counter', 'Total number of authorization attempts with source info', (a) => a.total),
      metric('auth_attempts_detailed_succeeded_total', 'counter', 'Total number of successful authorization attempts with source info', (a) => a.succeeded),
      metric('auth_attempts_detailed_failed_total', 'counter', 'Total number of failed authorization attempts with source info', (a) => a.failed),
    ],
  }),
  group<QueueSample>({
    table: 'queue_coarse_metrics',
    rows: (_d, queues) => queues,
    labels: queueLabels,
    aggregated: 'sum',
    metrics: [
      metric('queue_messages_ready', 'gauge', 'Messages ready to be delivered to consumers', (q) => q.ready),
      metric('queue_messages_unacked', 'gauge', 'Messages delivered to consumers but not yet acknowledged', (q) => q.unacked),
      metric('queue_messages', 'gauge', 'Sum of ready and unacknowledged messages - total queue depth', (q) => q.ready + q.unacked),
      // An Erlang process's work units; Warren's queues are not processes.
      metric('queue_process_reductions_total', 'counter', 'Total number of queue process reductions', none),
    ],
  }),
  group<QueueSample>({
    table: 'queue_consumer_count',
    rows: (_d, queues) => queues,
    labels: queueLabels,
    aggregated: 'sum',
    metrics: [metric('queue_consumers', 'gauge', 'Consumers on a queue', (q) => q.consumers)],
  }),
  group<QueueSample>({
    table: 'queue_metrics',
    rows: (_d, queues) => queues,
    labels: queueLabels,
    aggregated: 'sum',
    metrics: [
      metric('queue_consumers', 'gauge', 'Consumers on a queue', (q) => q.consumers),
      metric('queue_consumer_capacity', 'gauge', 'Consumer capacity', (q) => q.consumerCapacity, 'none'),
      metric('queue_consumer_utilisation', 'gauge', 'Same as consumer capacity', (q) => q.consumerCapacity),
      metric('queue_process_memory_bytes', 'gauge', 'Memory in bytes used by the Erlang queue process', (q) => q.memoryBytes),
      metric('queue_messages_ram', 'gauge', 'Ready and unacknowledged messages stored in memory', (q) => (q.readyRam === undefined ? undefined : q.readyRam + q.unacked)),
      metric('queue_messages_ram_bytes', 'gauge', 'Size of ready and unacknowledged messages stored in memory', (q) => q.ramBytes),
      metric('queue_messages_ready_ram', 'gauge', 'Ready messages stored in memory', (q) => q.readyRam),
      metric('queue_messages_unacked_ram', 'gauge', 'Unacknowledged messages stored in memory', (q) => q.unacked),
      metric('queue_messages_persistent', 'gauge', 'Persistent messages', (q) => q.persistent),
      metric('queue_messages_persistent_bytes', 'gauge', 'Size in bytes of persistent messages', (q) => q.persistentBytes),
      metric('queue_messages_bytes', 'gauge', 'Size in bytes of ready and unacknowledged messages', (q) =>
        q.readyBytes === undefined || q.unackedBytes === undefined ? undefined : q.readyBytes + q.unackedBytes,
      ),
      metric('queue_messages_ready_bytes', 'gauge', 'Size in bytes of ready messages', (q) => q.readyBytes),
      metric('queue_messages_unacked_bytes', 'gauge', 'Size in bytes of all unacknowledged messages', (q) => q.unackedBytes),
      metric('queue_messages_paged_out', 'gauge', 'Messages paged out to disk', (q) => q.pagedOut),
      metric('queue_messages_paged_out_bytes', 'gauge', 'Size in bytes of messages paged out to disk', (q) => q.pagedOutBytes),
      metric('queue_head_message_timestamp', 'gauge', 'Timestamp of the first message in the queue, if any', (q) => q.headMessageTimestamp, 'none'),
      metric('queue_disk_reads_total', 'counter', 'Total number of times queue read messages from disk', (q) => q.diskReads),
      metric('queue_disk_writes_total', 'counter', 'Total number of times queue wrote messages to disk', (q) => q.diskWrites),
    ],
  }),
  group<ChannelSample>({
    table: 'channel_metrics',
    rows: (d) => d.channels,
    labels: (c) => ({ channel: c.name }),
    aggregated: 'sum',
    metrics: [
      metric('channel_consumers', 'gauge', 'Consumers on a channel', (c) => c.consumers),
      metric('channel_messages_unacked', 'gauge', 'Delivered but not yet acknowledged messages', (c) => c.unacked),
      metric('channel_messages_unconfirmed', 'gauge', 'Published but not yet confirmed messages', (c) => c.unconfirmed),
      metric('channel_messages_uncommitted', 'gauge', 'Messages received in a transaction but not yet committed', (c) => c.uncommitted),
      metric('channel_acks_uncommitted', 'gauge', 'Message acknowledgements in a transaction not yet committed', (c) => c.acksUncommitted),
      metric('consumer_prefetch', 'gauge', 'Limit of unacknowledged messages for each consumer', (c) => c.prefetch),
      metric('channel_prefetch', 'gauge', 'Total limit of unacknowledged messages for all consumers on a channel', (c) => c.globalPrefetch),
    ],
  }),
  group<ChannelRow<ChannelExchangeCounters>>({
    table: 'channel_exchange_metrics',
    rows: (d) => perChannel(d.channels, (c) => c.exchanges),
    labels: (r) => ({ channel: r.channel, vhost: r.vhost, exchange: r.exchange }),
    aggregated: 'sum',
    metrics: [
      metric('channel_messages_published_total', 'counter', 'Total number of messages published into an exchange on a channel', (r) => r.published),
      metric('channel_messages_confirmed_total', 'counter', 'Total number of messages published into an exchange and confirmed on the channel', (r) => r.confirmed),
      metric(
        'channel_messages_unroutable_returned_total',
        'counter',
        'Total number of messages published as mandatory into an exchange and returned to the publisher as unroutable',
        (r) => r.returnedUnroutable,
      ),
      metric(
        'channel_messages_unroutable_dropped_total',
        'counter',
        'Total number of messages published as non-mandatory into an exchange and dropped as unroutable',
        (r) => r.droppedUnroutable,
      ),
    ],
  }),
  group<ChannelSample>({
    table: 'channel_process_metrics',
    rows: (d) => d.channels,
    labels: (c) => ({ channel: c.name }),
    aggregated: 'sum',
    metrics: [metric('channel_process_reductions_total', 'counter', 'Total number of channel process reductions', none)],
  }),
  group<ChannelRow<ChannelQueueCounters>>({
    table: 'channel_queue_metrics',
    rows: (d) => perChannel(d.channels, (c) => c.queues),
    labels: (r) => ({ channel: r.channel, vhost: r.vhost, queue: r.queue }),
    aggregated: 'sum',
    metrics: [
      metric('channel_get_ack_total', 'counter', 'Total number of messages fetched with basic.get in manual acknowledgement mode', (r) => r.getAck),
      metric('channel_get_total', 'counter', 'Total number of messages fetched with basic.get in automatic acknowledgement mode', (r) => r.get),
      metric('channel_messages_delivered_ack_total', 'counter', 'Total number of messages delivered to consumers in manual acknowledgement mode', (r) => r.deliveredAck),
      metric('channel_messages_delivered_total', 'counter', 'Total number of messages delivered to consumers in automatic acknowledgement mode', (r) => r.delivered),
      metric('channel_messages_redelivered_total', 'counter', 'Total number of messages redelivered to consumers', (r) => r.redelivered),
      metric('channel_messages_acked_total', 'counter', 'Total number of messages acknowledged by consumers', (r) => r.acked),
      metric('channel_get_empty_total', 'counter', 'Total number of times basic.get operations fetched no message', (r) => r.getEmpty),
    ],
  }),
  // rabbitmq_prometheus labels a connection's rows `channel` too (the connection process's pid).
  group<ConnectionSample>({
    table: 'connection_coarse_metrics',
    rows: (d) => d.connections,
    labels: (c) => ({ channel: c.name }),
    aggregated: 'sum',
    metrics: [
      metric('connection_incoming_bytes_total', 'counter', 'Total number of bytes received on a connection', (c) => c.recvOct),
      metric('connection_outgoing_bytes_total', 'counter', 'Total number of bytes sent on a connection', (c) => c.sendOct),
      metric('connection_process_reductions_total', 'counter', 'Total number of connection process reductions', none),
    ],
  }),
  group<ConnectionSample>({
    table: 'connection_metrics',
    rows: (d) => d.connections,
    labels: (c) => ({ channel: c.name }),
    aggregated: 'sum',
    metrics: [
      metric('connection_incoming_packets_total', 'counter', 'Total number of packets received on a connection', (c) => c.recvCnt),
      metric('connection_outgoing_packets_total', 'counter', 'Total number of packets sent on a connection', (c) => c.sendCnt),
      metric('connection_pending_packets', 'gauge', 'Number of packets waiting to be sent on a connection', (c) => c.sendPend),
      metric('connection_channels', 'gauge', 'Channels on a connection', (c) => c.channels),
    ],
  }),
  group<ChannelRow<ChannelQueueExchangeCounters>>({
    table: 'channel_queue_exchange_metrics',
    rows: (d) => perChannel(d.channels, (c) => c.queueExchanges),
    labels: (r) => ({ channel: r.channel, queue_vhost: r.vhost, queue: r.queue, exchange_vhost: r.vhost, exchange: r.exchange }),
    aggregated: 'sum',
    metrics: [metric('queue_messages_published_total', 'counter', 'Total number of messages published to queues', (r) => r.published)],
  }),
];

function queueLabels(q: QueueSample): Labels {
  return { vhost: q.vhost, queue: q.name };
}

const QUEUE_GROUPS = new Set(['queue_coarse_metrics', 'queue_consumer_count', 'queue_metrics']);

/** The `family=` names /metrics/detailed accepts for the per-object groups, in output order. */
export const CORE_GROUP_NAMES: readonly string[] = CORE_GROUPS.map((g) => g.table);

/** The core families: RabbitMQ's METRICS_RAW groups, selected and shaped by `opts`. */
export function coreFamilies(input: CoreInput, opts: CoreOptions): Family[] {
  const wanted = opts.groups;
  const selected = CORE_GROUPS.filter((g) => {
    if (wanted !== undefined && !wanted.has(g.table)) return false;
    if (!opts.perObject && g.aggregatedOmitted) return false;
    // A subset of queue_metrics (read from the same table): left out when queue_metrics is there.
    if (g.table === 'queue_consumer_count') return wanted !== undefined && !wanted.has('queue_metrics');
    return true;
  });
  const vhosts = opts.vhosts;
  const filter = opts.aggregatedQueueFilter;
  let queues = input.queues;
  if (opts.perObject && vhosts !== undefined) queues = queues.filter((q) => vhosts.has(q.vhost));
  else if (!opts.perObject && filter !== undefined) queues = queues.filter((q) => !filter.test(q.name));
  return selected.flatMap((g) => g.collect(input, QUEUE_GROUPS.has(g.table) ? queues : input.queues, opts.perObject, opts.prefix));
}

/** The totals /metrics and /metrics/per-object end the core families with. */
export function totalFamilies(t: { connections: number; channels: number; consumers: number; queues: number }): Family[] {
  const gauge = (name: string, help: string, value: number): Family => ({ name: `rabbitmq_${name}`, help, type: 'gauge', samples: [{ labels: {}, value }] });
  return [
    gauge('connections', 'Connections currently open', t.connections),
    gauge('channels', 'Channels currently open', t.channels),
    gauge('consumers', 'Consumers currently connected', t.consumers),
    gauge('queues', 'Queues available', t.queues),
  ];
}

/** The `family=` names of the cluster-wide groups (detailed only, `rabbitmq_cluster_` prefix). */
export const CLUSTER_GROUP_NAMES: readonly string[] = ['vhost_status', 'exchange_bindings', 'exchange_names'];

/** The requested cluster-wide families: vhosts, and exchanges (not internal ones, not the default exchange). */
export function clusterFamilies(groups: ReadonlySet<string>, vhosts: () => readonly string[], exchanges: () => readonly ExchangeSample[]): Family[] {
  const out: Family[] = [];
  const visible = (): ExchangeSample[] => exchanges().filter((x) => !x.internal && x.name !== '');
  const exchangeLabels = (x: ExchangeSample): Labels => ({ vhost: x.vhost, exchange: x.name, type: x.type });
  if (groups.has('vhost_status')) {
    out.push({
      name: 'rabbitmq_cluster_vhost_status',
      help: 'Whether a given vhost is running',
      type: 'gauge',
      samples: vhosts().map((v) => ({ labels: { vhost: v }, value: 1 })),
    });
  }
  if (groups.has('exchange_bindings')) {
    out.push({
      name: 'rabbitmq_cluster_exchange_bindings',
      help: 'Number of bindings for an exchange. This value is cluster-wide.',
      type: 'gauge',
      samples: visible().map((x) => ({ labels: exchangeLabels(x), value: x.bindings })),
    });
  }
  if (groups.has('exchange_names')) {
    out.push({
      name: 'rabbitmq_cluster_exchange_name',
      help: 'Enumerates exchanges without any additional info. This value is cluster-wide. A cheaper alternative to `exchange_bindings`',
      type: 'gauge',
      samples: visible().map((x) => ({ labels: exchangeLabels(x), value: 1 })),
    });
  }
  return out;
}

/** rabbitmq_build_info and rabbitmq_identity_info (every panel of RabbitMQ's dashboards joins on the latter). */
export function identityFamilies(build: BuildInfo, id: NodeIdentity): Family[] {
  const labels: Labels = {};
  // RabbitMQ puts product_name and product_version first, and only when the product is renamed.
  if (build.productName !== undefined) labels.product_name = build.productName;
  if (build.productVersion !== undefined) labels.product_version = build.productVersion;
  Object.assign(labels, {
    rabbitmq_version: build.rabbitmqVersion,
    prometheus_plugin_version: build.prometheusPluginVersion,
    prometheus_client_version: build.prometheusClientVersion,
    erlang_version: build.erlangVersion,
    warren_version: build.warrenVersion,
  });
  return [
    { name: 'rabbitmq_build_info', help: 'RabbitMQ & Erlang/OTP version info', type: 'untyped', samples: [{ labels, value: 1 }] },
    {
      name: 'rabbitmq_identity_info',
      help: 'RabbitMQ node & cluster identity info',
      type: 'untyped',
      samples: [{ labels: { rabbitmq_node: id.node, rabbitmq_cluster: id.cluster, rabbitmq_cluster_permanent_id: id.clusterPermanentId }, value: 1 }],
    },
  ];
}

const PROTOCOL = 'amqp091';
const QUEUE_TYPES = ['rabbit_classic_queue', 'rabbit_quorum_queue', 'rabbit_stream_queue'] as const;

/**
 * The `rabbitmq_global_*` families of rabbit_global_counters, in its (alphabetical) order and with
 * its label sets; Warren's queues are all classic queues, the quorum and stream rows stay 0.
 */
export function globalFamilies(g: GlobalCounters, consumers: number): Family[] {
  const name = (n: string): string => `rabbitmq_global_${n}`;
  const protocolOnly = (n: string, type: 'counter' | 'gauge', help: string, value: number): Family => ({
    name: name(n),
    help,
    type,
    samples: [{ labels: { protocol: PROTOCOL }, value }],
  });
  const byQueueType = (n: string, help: string, classic: number): Family => ({
    name: name(n),
    help,
    type: 'counter',
    samples: QUEUE_TYPES.map((t) => ({ labels: { protocol: PROTOCOL, queue_type: t }, value: t === 'rabbit_classic_queue' ? classic : 0 })),
  });
  type Strategy = 'at_least_once' | 'at_most_once' | 'disabled';
  const classicDl = (s: Strategy): DeadLetterCounters | undefined => (s === 'disabled' ? g.deadLettered.disabled : s === 'at_most_once' ? g.deadLettered.atMostOnce : undefined);
  // The (queue_type, dead_letter_strategy) pairs RabbitMQ 3.10.8 initialises each counter for.
  const deadLettered = (n: string, help: string, pairs: readonly [string, Strategy][], pick: (c: DeadLetterCounters) => number): Family => ({
    name: name(n),
    help,
    type: 'counter',
    samples: pairs.map(([t, s]) => {
      const c = t === 'rabbit_classic_queue' ? classicDl(s) : undefined;
      return { labels: { queue_type: t, dead_letter_strategy: s }, value: c === undefined ? 0 : pick(c) };
    }),
  });
  const classic: [string, Strategy][] = [
    ['rabbit_classic_queue', 'at_most_once'],
    ['rabbit_classic_queue', 'disabled'],
  ];
  const quorumAll: [string, Strategy][] = [
    ['rabbit_quorum_queue', 'at_least_once'],
    ['rabbit_quorum_queue', 'at_most_once'],
    ['rabbit_quorum_queue', 'disabled'],
  ];
  const quorumNoAtLeastOnce: [string, Strategy][] = [
    ['rabbit_quorum_queue', 'at_most_once'],
    ['rabbit_quorum_queue', 'disabled'],
  ];
  return [
    protocolOnly('consumers', 'gauge', 'Current number of consumers', consumers),
    byQueueType('messages_acknowledged_total', 'Total number of messages acknowledged by consumers', g.messagesAcknowledged),
    protocolOnly('messages_confirmed_total', 'counter', 'Total number of messages confirmed to publishers', g.messagesConfirmed),
    deadLettered('messages_dead_lettered_confirmed_total', 'Total number of messages dead-lettered and confirmed by target queues', [['rabbit_quorum_queue', 'at_least_once']], () => 0),
    deadLettered('messages_dead_lettered_delivery_limit_total', 'Total number of messages dead-lettered due to delivery-limit exceeded', quorumAll, () => 0),
    deadLettered('messages_dead_lettered_expired_total', 'Total number of messages dead-lettered due to message TTL exceeded', [...classic, ...quorumAll], (c) => c.expired),
    deadLettered(
      'messages_dead_lettered_maxlen_total',
      'Total number of messages dead-lettered due to overflow drop-head or reject-publish-dlx',
      [...classic, ...quorumNoAtLeastOnce],
      (c) => c.maxlen,
    ),
    deadLettered('messages_dead_lettered_rejected_total', 'Total number of messages dead-lettered due to basic.reject or basic.nack', [...classic, ...quorumAll], (c) => c.rejected),
    byQueueType(
      'messages_delivered_consume_auto_ack_total',
      'Total number of messages delivered to consumers using basic.consume with automatic acknowledgment',
      g.messagesDeliveredConsumeAutoAck,
    ),
    byQueueType(
      'messages_delivered_consume_manual_ack_total',
      'Total number of messages delivered to consumers using basic.consume with manual acknowledgment',
      g.messagesDeliveredConsumeManualAck,
    ),
    byQueueType('messages_delivered_get_auto_ack_total', 'Total number of messages delivered to consumers using basic.get with automatic acknowledgment', g.messagesDeliveredGetAutoAck),
    byQueueType('messages_delivered_get_manual_ack_total', 'Total number of messages delivered to consumers using basic.get with manual acknowledgment', g.messagesDeliveredGetManualAck),
    byQueueType('messages_delivered_total', 'Total number of messages delivered to consumers', g.messagesDelivered),
    byQueueType('messages_get_empty_total', 'Total number of times basic.get operations fetched no message', g.messagesGetEmpty),
    protocolOnly('messages_received_confirm_total', 'counter', 'Total number of messages received from publishers expecting confirmations', g.messagesReceivedConfirm),
    protocolOnly('messages_received_total', 'counter', 'Total number of messages received from publishers', g.messagesReceived),
    byQueueType('messages_redelivered_total', 'Total number of messages redelivered to consumers', g.messagesRedelivered),
    protocolOnly('messages_routed_total', 'counter', 'Total number of messages routed to queues or streams', g.messagesRouted),
    protocolOnly(
      'messages_unroutable_dropped_total',
      'counter',
      'Total number of messages published as non-mandatory into an exchange and dropped as unroutable',
      g.messagesUnroutableDropped,
    ),
    protocolOnly(
      'messages_unroutable_returned_total',
      'counter',
      'Total number of messages published as mandatory into an exchange and returned to the publisher as unroutable',
      g.messagesUnroutableReturned,
    ),
    protocolOnly('publishers', 'gauge', 'Current number of publishers', g.publishers),
  ];
}

/** The three `rabbitmq_alarms_*` families (untyped, 0 or 1). */
export function alarmFamilies(a: AlarmSample): Family[] {
  const alarm = (n: string, help: string, on: boolean): Family => ({ name: `rabbitmq_alarms_${n}`, help, type: 'untyped', samples: [{ labels: {}, value: on ? 1 : 0 }] });
  return [
    alarm('file_descriptor_limit', 'is 1 if file descriptor limit alarm is in effect', a.fileDescriptorLimit),
    alarm('free_disk_space_watermark', 'is 1 if free disk space watermark alarm is in effect', a.freeDiskSpace),
    alarm('memory_used_watermark', 'is 1 if VM memory watermark alarm is in effect', a.memory),
  ];
}
