/**
 * How admin/ sees the AMQP connections without importing server/: the server implements
 * ConnectionRegistry and answers with plain data copied at the time of the call, so
 * management code can neither hold on to a live connection nor change one behind its back.
 */
import type { FieldTable } from '../amqp/codec/field-value.js';
import type { ChannelCounters, ConnectionCounters } from '../stats/counters.js';

/** One basic.consume subscription on a channel. */
export interface ConsumerSnapshot {
  tag: string;
  queue: string;
  vhost: string;
  /** False for basic.consume no-ack. */
  ackRequired: boolean;
  exclusive: boolean;
  /** Per-consumer prefetch (basic.qos global=false when it subscribed); 0 = unlimited. */
  prefetchCount: number;
  arguments: FieldTable;
  /** False while it waits behind another consumer of a single-active-consumer queue. */
  active: boolean;
  /** True when its queue has x-single-active-consumer. */
  singleActiveConsumer: boolean;
}

/** One open channel of a connection. */
export interface ChannelSnapshot {
  /** The channel number. */
  number: number;
  /** Its subscriptions, in the order they were made. */
  consumers: ConsumerSnapshot[];
  /** Its live message_stats counters, to render with stats/render.ts channelStats (read only). */
  stats: Readonly<ChannelCounters>;
}

/** One AMQP connection. */
export interface ConnectionSnapshot {
  /** RabbitMQ's connection name: `127.0.0.1:54321 -> 127.0.0.1:5672`. */
  name: string;
  peerHost: string;
  peerPort: number;
  /** The authenticated user; null until connection.start-ok succeeds. */
  user: string | null;
  /** The vhost; null until connection.open succeeds. */
  vhost: string | null;
  /** Its open channels, in the order they were opened. */
  channels: ChannelSnapshot[];
  /** Its live socket counters, to render with stats/render.ts connectionStats (read only). */
  counters: Readonly<ConnectionCounters>;
}

/** The AMQP server's connections as admin/ may see them. */
export interface ConnectionRegistry {
  /** Every connection, in the order they were accepted. */
  listConnections(): ConnectionSnapshot[];
}
