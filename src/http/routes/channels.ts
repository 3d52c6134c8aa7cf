/**
 * /api/channels, /api/vhosts/{vhost}/channels, /api/channels/{name} and
 * /api/connections/{name}/channels with RabbitMQ 3.10.8's JSON and rules
 * (rabbit_mgmt_wm_channel(s), rabbit_mgmt_wm_channels_vhost, rabbit_mgmt_wm_connection_channels).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { channelFineStats, getChannel, listChannels, listConnectionChannels, type ChannelInfo } from '../../admin/channels.js';
import { badRequest } from '../../admin/errors.js';
import { channelStatistics, statsRanges, type StatsJson } from '../../admin/stats-query.js';
import { authenticate } from '../auth.js';
import { listReply } from '../list-query.js';
import { sendError } from '../send-error.js';
import { CONNECTION_SORT, ipText, statsDisabled } from './connections.js';
import { consumerJson } from './consumers.js';

/** What the channel routes need. */
export interface ChannelRouteOptions {
  admin: AdminContext;
}

/**
 * A channel in RabbitMQ 3.10.8's management JSON, keys sorted as its lists have them, with its
 * message_stats (`stats`: admin/stats-query.ts channelStatistics). Left out: idle_since (3.10.8 reports it while the channel
 * has been idle; Warren keeps no per-channel activity time), and Erlang's garbage_collection
 * and reductions. pending_raft_commands counts quorum-queue commands in flight: Warren has none.
 */
export function channelJson(ch: ChannelInfo, stats: StatsJson = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    acks_uncommitted: ch.acksUncommitted,
    confirm: ch.confirm,
    connection_details: { name: ch.connectionName, peer_host: ipText(ch.peerHost), peer_port: ch.peerPort },
    consumer_count: ch.consumers.length,
    global_prefetch_count: ch.globalPrefetchCount,
    messages_unacknowledged: ch.messagesUnacknowledged,
    messages_uncommitted: ch.messagesUncommitted,
    messages_unconfirmed: ch.messagesUnconfirmed,
    name: ch.name,
    node: ch.node,
    number: ch.number,
    pending_raft_commands: 0,
    prefetch_count: ch.prefetchCount,
    state: ch.state,
    transactional: ch.transactional,
    user: ch.user,
    user_who_performed_action: ch.user,
    vhost: ch.vhost,
  };
  // RabbitMQ's lists put message_stats after the sorted keys.
  if (stats.message_stats !== undefined) out.message_stats = stats.message_stats;
  return out;
}

/**
 * One channel (GET /api/channels/{name}): the list's keys plus consumer_details, and the
 * per-exchange and per-queue statistics `publishes` and `deliveries` (admin/channels.ts
 * channelFineStats: empty unless management.rates_mode is detailed, as RabbitMQ's).
 */
export function channelDetailJson(ch: ChannelInfo, stats: StatsJson = {}, fine: { publishes: unknown[]; deliveries: unknown[] } = { publishes: [], deliveries: [] }): Record<string, unknown> {
  const all: Record<string, unknown> = { ...channelJson(ch, stats), consumer_details: ch.consumerDetails.map(consumerJson), deliveries: fine.deliveries, publishes: fine.publishes };
  return Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]]));
}

// RabbitMQ 3.10.8 with ?disable_stats=true: channels exist only as statistics.
function refuseWithoutStats(disabled: boolean): void {
  if (disabled) throw badRequest('Stats in management UI are disabled on this node');
}

type NameParams = { Params: { name: string } };
type VhostParams = { Params: { vhost: string } };

/** Registers the channel routes. */
export async function channelRoutes(app: FastifyInstance, opts: ChannelRouteOptions): Promise<void> {
  const { admin } = opts;
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  // Each channel with its message_stats; a bad range pair is RabbitMQ's bad_request (lists included).
  const withStats = (req: FastifyRequest, channels: ChannelInfo[]): Record<string, unknown>[] => {
    const ranges = statsRanges(req.query);
    return channels.map((ch) => channelJson(ch, channelStatistics(admin, ch, ranges)));
  };
  app.get('/api/channels', async (req) => {
    const user = authenticate(admin, req);
    refuseWithoutStats(statsDisabled(req));
    return listReply(req, withStats(req, listChannels(admin, user)), CONNECTION_SORT);
  });
  app.get<VhostParams>('/api/vhosts/:vhost/channels', async (req) => {
    const user = authenticate(admin, req);
    const channels = listChannels(admin, user, req.params.vhost);
    refuseWithoutStats(statsDisabled(req));
    return listReply(req, withStats(req, channels), CONNECTION_SORT);
  });
  app.get<NameParams>('/api/channels/:name', async (req) => {
    const user = authenticate(admin, req);
    refuseWithoutStats(statsDisabled(req));
    const ranges = statsRanges(req.query);
    const ch = getChannel(admin, user, req.params.name);
    return channelDetailJson(ch, channelStatistics(admin, ch, ranges), channelFineStats(admin, ch));
  });
  app.get<NameParams>('/api/connections/:name/channels', async (req) => {
    const user = authenticate(admin, req);
    return listReply(req, withStats(req, listConnectionChannels(admin, user, req.params.name)), CONNECTION_SORT);
  });
}
