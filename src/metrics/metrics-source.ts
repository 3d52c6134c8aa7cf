/**
 * What the Prometheus collectors read, as plain data copied at scrape time. The collectors
 * (families.ts) are pure functions of these samples, so nothing is counted for them on the
 * hot path and a test can hand them any node state it likes. broker-source.ts implements
 * MetricsSource on the running broker; the message counters come through MessageCounters,
 * which the statistics module implements (zeros until it is wired: see NO_MESSAGE_COUNTERS).
 *
 * A field left undefined is a value Warren does not know (an Erlang process's reductions, a
 * counter nobody keeps yet): the per-object output leaves its sample out, the aggregated one
 * sums it as 0, as rabbitmq_prometheus does with RabbitMQ's own `undefined` values.
 */

/** One queue (rabbitmq_prometheus's queue_coarse_metrics and queue_metrics rows). */
export interface QueueSample {
  vhost: string;
  name: string;
  /** messages_ready */
  ready: number;
  /** messages_unacknowledged */
  unacked: number;
  consumers: number;
  /** consumer_capacity (= consumer_utilisation), 0..1. */
  consumerCapacity?: number;
  /** Memory of the queue itself (RabbitMQ: the Erlang queue process). */
  memoryBytes?: number;
  /** Body bytes of the ready messages. */
  readyBytes?: number;
  /** Body bytes of the unacknowledged messages. */
  unackedBytes?: number;
  /** Ready messages whose bodies are held in RAM. */
  readyRam?: number;
  /** Body bytes held in RAM (ready and unacknowledged). */
  ramBytes?: number;
  /** Persistent messages (delivery-mode 2 in a durable queue), and their body bytes. */
  persistent?: number;
  persistentBytes?: number;
  /** Messages whose bodies are paged out to the message store, and their body bytes. */
  pagedOut?: number;
  pagedOutBytes?: number;
  /** The `timestamp` property of the head message, seconds. */
  headMessageTimestamp?: number;
  /** Message store reads and writes of this queue (counters). */
  diskReads?: number;
  diskWrites?: number;
}

/** What one channel did with one exchange (channel_exchange_metrics); counters. */
export interface ChannelExchangeCounters {
  vhost: string;
  exchange: string;
  published: number;
  confirmed: number;
  returnedUnroutable: number;
  droppedUnroutable: number;
}

/** What one channel did with one queue (channel_queue_metrics); counters. */
export interface ChannelQueueCounters {
  vhost: string;
  queue: string;
  /** basic.get with manual ack. */
  getAck: number;
  /** basic.get with auto ack (no-ack). */
  get: number;
  /** basic.deliver to a manual-ack consumer. */
  deliveredAck: number;
  /** basic.deliver to an auto-ack consumer. */
  delivered: number;
  redelivered: number;
  acked: number;
  getEmpty: number;
}

/** Messages one channel published through one exchange into one queue (channel_queue_exchange_metrics). */
export interface ChannelQueueExchangeCounters {
  vhost: string;
  queue: string;
  exchange: string;
  published: number;
}

/** One channel (channel_metrics and the channel_* counters). */
export interface ChannelSample {
  /** RabbitMQ's channel name: `<connection name> (<number>)`; the `channel` label. */
  name: string;
  consumers: number;
  unacked?: number;
  unconfirmed?: number;
  uncommitted?: number;
  acksUncommitted?: number;
  /** Per-consumer prefetch (basic.qos global=false) and the channel's (global=true). */
  prefetch?: number;
  globalPrefetch?: number;
  exchanges?: readonly ChannelExchangeCounters[];
  queues?: readonly ChannelQueueCounters[];
  queueExchanges?: readonly ChannelQueueExchangeCounters[];
}

/** One AMQP connection (connection_coarse_metrics and connection_metrics). */
export interface ConnectionSample {
  /** RabbitMQ's connection name (`127.0.0.1:54321 -> 127.0.0.1:5672`); rabbitmq_prometheus labels it `channel`. */
  name: string;
  channels: number;
  /** Octets and socket operations (counters), and frames waiting to be written. */
  recvOct?: number;
  sendOct?: number;
  recvCnt?: number;
  sendCnt?: number;
  sendPend?: number;
}

/** One exchange, for the detailed endpoint's cluster families. */
export interface ExchangeSample {
  vhost: string;
  name: string;
  type: string;
  internal: boolean;
  /** Bindings with this exchange as their source. */
  bindings: number;
}

/** The node's resources (node_coarse_metrics and node_metrics). */
export interface NodeSample {
  fdUsed?: number;
  fdTotal?: number;
  socketsUsed?: number;
  socketsTotal?: number;
  /** Resident set size, bytes. */
  memUsed: number;
  /** The memory high watermark, bytes. */
  memLimit: number;
  diskFree?: number;
  diskFreeLimit: number;
  uptimeSeconds: number;
}

/** Which resource alarms are in effect. */
export interface AlarmSample {
  fileDescriptorLimit: boolean;
  freeDiskSpace: boolean;
  memory: boolean;
}

/** The node's identity, as rabbitmq_identity_info gives it. */
export interface NodeIdentity {
  node: string;
  cluster: string;
  clusterPermanentId: string;
}

/** RabbitMQ's connection_churn_metrics: counters since the node started. */
export interface ChurnCounters {
  connectionsOpened: number;
  connectionsClosed: number;
  channelsOpened: number;
  channelsClosed: number;
  queuesDeclared: number;
  queuesCreated: number;
  queuesDeleted: number;
}

/** Dead-lettered message counters of classic queues for one dead_letter_strategy. */
export interface DeadLetterCounters {
  expired: number;
  rejected: number;
  maxlen: number;
}

/**
 * RabbitMQ's rabbit_global_counters for AMQP 0-9-1 (the `rabbitmq_global_*` families) since the
 * node started. The queue-type ones are classic queues' (Warren has no quorum queues or streams,
 * which report 0).
 */
export interface GlobalCounters {
  messagesReceived: number;
  messagesReceivedConfirm: number;
  messagesRouted: number;
  messagesUnroutableDropped: number;
  messagesUnroutableReturned: number;
  messagesConfirmed: number;
  /** Channels that have published (a gauge). */
  publishers: number;
  messagesDelivered: number;
  messagesDeliveredConsumeManualAck: number;
  messagesDeliveredConsumeAutoAck: number;
  messagesDeliveredGetManualAck: number;
  messagesDeliveredGetAutoAck: number;
  messagesGetEmpty: number;
  messagesRedelivered: number;
  messagesAcknowledged: number;
  /** Queues without a dead-letter exchange ("disabled") and with one ("at_most_once"). */
  deadLettered: { disabled: DeadLetterCounters; atMostOnce: DeadLetterCounters };
}

/** Login attempts by protocol ("amqp091", "http"); counters. */
export interface AuthAttemptCounters {
  protocol: string;
  total: number;
  succeeded: number;
  failed: number;
}

/**
 * The message and churn counters the statistics module keeps. This is the one place where the
 * metrics read them: implement it on the stats module's node totals and hand it to
 * brokerMetricsSource (src/index.ts).
 */
export interface MessageCounters {
  globalCounters(): GlobalCounters;
  churn(): ChurnCounters;
  authAttempts(): readonly AuthAttemptCounters[];
}

const zeroDeadLetters = (): DeadLetterCounters => ({ expired: 0, rejected: 0, maxlen: 0 });

/** MessageCounters before the statistics module is wired in: every counter 0, no auth attempts. */
export const NO_MESSAGE_COUNTERS: MessageCounters = {
  globalCounters: () => ({
    messagesReceived: 0,
    messagesReceivedConfirm: 0,
    messagesRouted: 0,
    messagesUnroutableDropped: 0,
    messagesUnroutableReturned: 0,
    messagesConfirmed: 0,
    publishers: 0,
    messagesDelivered: 0,
    messagesDeliveredConsumeManualAck: 0,
    messagesDeliveredConsumeAutoAck: 0,
    messagesDeliveredGetManualAck: 0,
    messagesDeliveredGetAutoAck: 0,
    messagesGetEmpty: 0,
    messagesRedelivered: 0,
    messagesAcknowledged: 0,
    deadLettered: { disabled: zeroDeadLetters(), atMostOnce: zeroDeadLetters() },
  }),
  churn: () => ({
    connectionsOpened: 0,
    connectionsClosed: 0,
    channelsOpened: 0,
    channelsClosed: 0,
    queuesDeclared: 0,
    queuesCreated: 0,
    queuesDeleted: 0,
  }),
  authAttempts: () => [],
};

/** Everything a scrape reads; each call copies the current state. */
export interface MetricsSource {
  node(): Promise<NodeSample>;
  alarms(): AlarmSample;
  identity(): NodeIdentity;
  /** The vhosts' names. */
  vhosts(): string[];
  queues(): QueueSample[];
  exchanges(): ExchangeSample[];
  /** The AMQP connections and their channels, from one snapshot. */
  sessions(): { connections: ConnectionSample[]; channels: ChannelSample[] };
  counters(): MessageCounters;
}
