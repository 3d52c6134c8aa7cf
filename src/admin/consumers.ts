/**
 * Consumers as the management API and warrenctl see them: gathered from the
 * AMQP server's open channels, with RabbitMQ's visibility rules.
 */
import type { FieldTable } from '../amqp/codec/field-value.js';
import type { AdminContext } from './admin-context.js';
import type { ChannelSnapshot, ConnectionSnapshot } from './connection-registry.js';
import { seesEverything, type User } from './authorization.js';
import { notFound } from './errors.js';
import { NODE_NAME } from './node-name.js';

/**
 * RabbitMQ's activity_status: `up` for a consumer of an ordinary queue, and for
 * a single-active-consumer queue `single_active` (the one receiving) or `waiting`.
 */
export type ActivityStatus = 'up' | 'single_active' | 'waiting';

/** The channel a consumer lives on (RabbitMQ's channel_details). */
export interface ConsumerChannel {
  /** `<connection name> (<number>)` as RabbitMQ names channels. */
  name: string;
  number: number;
  connectionName: string;
  peerHost: string;
  peerPort: number;
  user: string;
  node: string;
}

/** One basic.consume subscription. */
export interface ConsumerInfo {
  tag: string;
  queue: string;
  vhost: string;
  channel: ConsumerChannel;
  ackRequired: boolean;
  exclusive: boolean;
  /** Per-consumer prefetch (basic.qos global=false when it subscribed); 0 = unlimited. */
  prefetchCount: number;
  arguments: FieldTable;
  active: boolean;
  activityStatus: ActivityStatus;
}

/**
 * Consumers of one vhost, or of every vhost when vhost is undefined (404 for a
 * missing vhost), in connection, channel and subscription order. As RabbitMQ
 * 3.10 (rabbit_mgmt_wm_consumers filter_user), administrators and monitoring
 * users see all of them, other management users only those on their own
 * connections; no vhost permission is required.
 */
export function listConsumers(ctx: AdminContext, user: User, vhost?: string): ConsumerInfo[] {
  if (vhost !== undefined && ctx.broker.getVhost(vhost) === undefined) throw notFound();
  const seesAll = seesEverything(user);
  const out: ConsumerInfo[] = [];
  for (const conn of ctx.connections.listConnections()) {
    const connUser = conn.user;
    // Connections still in the handshake have no consumers and are not listed.
    if (conn.vhost === null || connUser === null) continue;
    if (vhost !== undefined && conn.vhost !== vhost) continue;
    if (!seesAll && connUser !== user.name) continue;
    for (const ch of conn.channels) out.push(...channelConsumers(conn, connUser, ch));
  }
  return out;
}

/** The consumers of one channel of conn (whose user is `user`), in subscription order. */
export function channelConsumers(conn: ConnectionSnapshot, user: string, ch: ChannelSnapshot): ConsumerInfo[] {
  if (ch.consumers.length === 0) return [];
  const channel: ConsumerChannel = {
    name: `${conn.name} (${ch.number})`,
    number: ch.number,
    connectionName: conn.name,
    peerHost: conn.peerHost,
    peerPort: conn.peerPort,
    user,
    node: NODE_NAME,
  };
  return ch.consumers.map((c) => ({
    tag: c.tag,
    queue: c.queue,
    vhost: c.vhost,
    channel,
    ackRequired: c.ackRequired,
    exclusive: c.exclusive,
    prefetchCount: c.prefetchCount,
    arguments: c.arguments,
    active: c.active,
    activityStatus: !c.active ? 'waiting' : c.singleActiveConsumer ? 'single_active' : 'up',
  }));
}
