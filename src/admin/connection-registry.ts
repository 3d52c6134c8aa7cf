/**
 * How admin/ sees the AMQP connections without importing server/: the server implements
 * ConnectionRegistry and answers with plain data copied at the time of the call, so
 * management code can neither hold on to a live connection nor change one behind its back.
 * Nothing here is kept up to date per message: every value is read from the connection's and
 * channels' own state when listConnections() is called.
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

/** RabbitMQ's channel states (rabbit_channel i(state)): `closing` once channel.close was sent. */
export type ChannelState = 'running' | 'closing';

/** One open channel of a connection. */
export interface ChannelSnapshot {
  /** The channel number. */
  number: number;
  /** Its subscriptions, in the order they were made. */
  consumers: ConsumerSnapshot[];
  state: ChannelState;
  /** basic.qos global=false: the prefetch of consumers created from now on (0 = unlimited). */
  prefetchCount: number;
  /** basic.qos global=true: the limit shared by the channel's consumers (0 = unlimited). */
  globalPrefetchCount: number;
  /**
   * Deliveries waiting for an ack, less those a pending transaction has already acked or
   * rejected (RabbitMQ takes them out of the unacked queue at basic.ack inside a tx).
   */
  messagesUnacknowledged: number;
  /** Confirm mode: publishes not yet confirmed on the wire. */
  messagesUnconfirmed: number;
  /** Tx mode: publishes held until tx.commit. */
  messagesUncommitted: number;
  /** Tx mode: deliveries acked (not rejected) and held until tx.commit. */
  acksUncommitted: number;
  /** confirm.select was sent. */
  confirm: boolean;
  /** tx.select was sent. */
  transactional: boolean;
  /** Its live message_stats counters, to render with stats/render.ts channelStats (read only). */
  stats: Readonly<ChannelCounters>;
}

/**
 * RabbitMQ's connection states (rabbit_reader i(state)): the handshake steps, `running`,
 * `flow` (not read while a queue it publishes to drains), `blocking` (a resource alarm is
 * raised; blocked at its next publish), `blocked` (published during an alarm, not read),
 * `closing`.
 */
export type ConnectionState = 'starting' | 'tuning' | 'opening' | 'running' | 'flow' | 'blocking' | 'blocked' | 'closing';

/** The TLS session of a connection, as Node reports it. */
export interface TlsSnapshot {
  /** `TLSv1.3`, ...; null when unknown. */
  protocol: string | null;
  /** The cipher suite's OpenSSL name (`ECDHE-RSA-AES256-GCM-SHA384`, `TLS_AES_256_GCM_SHA384`); null when unknown. */
  cipher: string | null;
}

/** One AMQP connection. */
export interface ConnectionSnapshot {
  /** RabbitMQ's connection name: `127.0.0.1:54321 -> 127.0.0.1:5672`. */
  name: string;
  peerHost: string;
  peerPort: number;
  /** The server's address and port of the connection (RabbitMQ's host and port). */
  host: string;
  port: number;
  /** The authenticated user; null until connection.start-ok succeeds. */
  user: string | null;
  /** The vhost; null until connection.open succeeds. */
  vhost: string | null;
  /** Its open channels, in the order they were opened. */
  channels: ChannelSnapshot[];
  state: ConnectionState;
  /** When the socket was accepted (ms since the epoch). */
  connectedAt: number;
  /** The SASL mechanism of connection.start-ok ('' before it). */
  authMechanism: string;
  /** connection.start-ok's client-properties ({} before it). */
  clientProperties: FieldTable;
  /** Negotiated at tune-ok. */
  frameMax: number;
  channelMax: number;
  /** The negotiated heartbeat in seconds (RabbitMQ's timeout); 0 = off. */
  heartbeat: number;
  /** Bytes received and sent so far. */
  recvOct: number;
  sendOct: number;
  /** Bytes queued for the socket and not yet written to it. */
  sendPend: number;
  /** null for a plain TCP connection. */
  tls: TlsSnapshot | null;
  /** Its live socket counters, to render with stats/render.ts connectionStats (read only). */
  counters: Readonly<ConnectionCounters>;
}

/** The AMQP server's connections as admin/ may see them. */
export interface ConnectionRegistry {
  /** Every connection, in the order they were accepted. */
  listConnections(): ConnectionSnapshot[];
  /** How many AMQP connections (sockets, handshakes included, as Ranch's active_connections) are open now. */
  readonly connectionCount: number;
  /**
   * Closes the connection of this name with `320 CONNECTION_FORCED - <reason>` (a connection
   * still in its handshake is dropped); false when there is no such connection.
   */
  closeConnection(name: string, reason: string): boolean;
}
