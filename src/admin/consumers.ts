/**
 * Consumers as the management API and warrenctl see them: gathered from the
 * AMQP server's open channels, with RabbitMQ's visibility rules.
 */
import { NODE_NAME } from './node-name.js';
import type { User } from '../auth/users.js';
import type { Broker } from '../broker/broker.js';
import type { FieldTable } from '../broker/field-table-types.js';
import type { AmqpServer } from '../server/amqp-server.js';
import { notFound } from './errors.js';

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
export function listConsumers(broker: Broker, server: AmqpServer, user: User, vhost?: string): ConsumerInfo[] {
  if (vhost !== undefined && broker.getVhost(vhost) === undefined) throw notFound();
  const seesAll = user.tags.includes('administrator') || user.tags.includes('monitoring');
  const out: ConsumerInfo[] = [];
  for (const conn of server.connections) {
    const connUser = conn.user?.name;
    if (conn.vhost === null || connUser === undefined) continue;
    if (vhost !== undefined && conn.vhost.name !== vhost) continue;
    if (!seesAll && connUser !== user.name) continue;
    for (const ch of conn.openChannels) {
      if (ch.consumers.size === 0) continue;
      const channel: ConsumerChannel = {
        name: `${conn.name} (${ch.id})`,
        number: ch.id,
        connectionName: conn.name,
        peerHost: conn.peerHost,
        peerPort: conn.peerPort,
        user: connUser,
        node: NODE_NAME,
      };
      for (const c of ch.consumers.values()) {
        const single = c.queue.settings.singleActiveConsumer;
        out.push({
          tag: c.tag,
          queue: c.queue.name,
          vhost: c.queue.vhost,
          channel,
          ackRequired: !c.noAck,
          exclusive: c.exclusive,
          prefetchCount: c.prefetch,
          arguments: c.arguments,
          active: c.active,
          activityStatus: !c.active ? 'waiting' : single ? 'single_active' : 'up',
        });
      }
    }
  }
  return out;
}
