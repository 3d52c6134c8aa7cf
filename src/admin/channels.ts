/**
 * AMQP channels as the management API and warrenctl see them, with RabbitMQ 3.10.8's
 * visibility rules (rabbit_mgmt_wm_channel(s), filter_conn_ch_list): administrators and
 * monitoring users see every channel, other management users those of their own connections.
 */
import type { AdminContext } from './admin-context.js';
import { seesEverything, type User } from './authorization.js';
import type { ChannelSnapshot } from './connection-registry.js';
import { getConnection, listConnections, notAuthorisedObject, openConnections, type ConnectionInfo } from './connections.js';
import { channelConsumers, type ConsumerInfo } from './consumers.js';
import { notFound } from './errors.js';
import { channelDeliveries, channelPublishes } from '../stats/fine.js';
import type { StatsJson } from '../stats/render.js';

/** One channel with what RabbitMQ reports of its connection, and its consumers. */
export interface ChannelInfo extends ChannelSnapshot {
  /** `<connection name> (<number>)`. */
  name: string;
  connectionName: string;
  peerHost: string;
  peerPort: number;
  user: string;
  vhost: string;
  node: string;
  /** Its subscriptions as /api/consumers reports them (consumer_details). */
  consumerDetails: ConsumerInfo[];
}

function channelsOf(conn: ConnectionInfo): ChannelInfo[] {
  return conn.channels.map((ch) => ({
    ...ch,
    name: `${conn.name} (${ch.number})`,
    connectionName: conn.name,
    peerHost: conn.peerHost,
    peerPort: conn.peerPort,
    user: conn.user,
    vhost: conn.vhost,
    node: conn.node,
    consumerDetails: channelConsumers(conn, conn.user, ch),
  }));
}

/**
 * The channels the user may see, of one vhost or all (vhost undefined): 401 without
 * permissions in the vhost (administrators pass), then 404 for a vhost that does not exist.
 */
export function listChannels(ctx: AdminContext, user: User, vhost?: string): ChannelInfo[] {
  return listConnections(ctx, user, vhost).flatMap(channelsOf);
}

/**
 * GET /api/connections/{name}/channels: 404 for no such connection (RabbitMQ 3.10.8 answers
 * 500, a crash), 401 for another user's connection unless administrator or monitoring.
 */
export function listConnectionChannels(ctx: AdminContext, user: User, connection: string): ChannelInfo[] {
  return channelsOf(getConnection(ctx, user, connection));
}

/**
 * One channel by name (`<connection name> (<number>)`): 404 when there is none (RabbitMQ
 * 3.10.8: 500 for a non-monitoring user, a crash), 401 for another user's channel unless
 * administrator or monitoring.
 */
export function getChannel(ctx: AdminContext, user: User, name: string): ChannelInfo {
  for (const conn of openConnections(ctx)) {
    if (!name.startsWith(conn.name)) continue;
    const ch = channelsOf(conn).find((c) => c.name === name);
    if (ch === undefined) continue;
    if (!seesEverything(user) && ch.user !== user.name) throw notAuthorisedObject();
    return ch;
  }
  throw notFound();
}

/** True when single objects carry the fine-grained lists (management.rates_mode = detailed). */
export function detailedRates(ctx: AdminContext): boolean {
  return ctx.broker.config.managementRatesMode === 'detailed';
}

/** RabbitMQ's channel_details of a channel (rabbit_mgmt_format's augment of a channel pid). */
export function channelDetailsJson(conn: ConnectionInfo, number: number): Record<string, unknown> {
  return {
    connection_name: conn.name,
    name: `${conn.name} (${number})`,
    node: conn.node,
    number,
    peer_host: conn.peerHost,
    peer_port: conn.peerPort,
    user: conn.user,
  };
}

/**
 * Every open channel's counters with its channel_details, for the per-channel lists of a queue
 * (deliveries) and an exchange (incoming).
 */
export function channelsWithDetails(ctx: AdminContext): { stats: ChannelSnapshot['stats']; details: Record<string, unknown> }[] {
  return openConnections(ctx).flatMap((conn) => conn.channels.map((ch) => ({ stats: ch.stats, details: channelDetailsJson(conn, ch.number) })));
}

/** GET /api/channels/{name}'s `publishes` (per exchange) and `deliveries` (per queue): empty unless rates_mode is detailed. */
export function channelFineStats(ctx: AdminContext, ch: ChannelInfo): { publishes: StatsJson[]; deliveries: StatsJson[] } {
  if (!detailedRates(ctx)) return { publishes: [], deliveries: [] };
  return { publishes: channelPublishes(ch.stats), deliveries: channelDeliveries(ch.stats) };
}
