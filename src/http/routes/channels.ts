/**
 * /api/channels, /api/vhosts/{vhost}/channels, /api/channels/{name} and
 * /api/connections/{name}/channels with RabbitMQ 3.10.8's JSON and rules
 * (rabbit_mgmt_wm_channel(s), rabbit_mgmt_wm_channels_vhost, rabbit_mgmt_wm_connection_channels).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { getChannel, listChannels, listConnectionChannels, type ChannelInfo } from '../../admin/channels.js';
import { badRequest } from '../../admin/errors.js';
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
 * A channel in RabbitMQ 3.10.8's management JSON, keys sorted as its lists have them. Left out:
 * message_stats (the statistics work adds it), idle_since (3.10.8 reports it while the channel
 * has been idle; Warren keeps no per-channel activity time), and Erlang's garbage_collection
 * and reductions. pending_raft_commands counts quorum-queue commands in flight: Warren has none.
 */
export function channelJson(ch: ChannelInfo): Record<string, unknown> {
  return {
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
}

/**
 * One channel (GET /api/channels/{name}): the list's keys plus consumer_details, and the
 * per-exchange and per-queue statistics `publishes` and `deliveries` (empty until the
 * statistics work fills them).
 */
export function channelDetailJson(ch: ChannelInfo): Record<string, unknown> {
  const all: Record<string, unknown> = { ...channelJson(ch), consumer_details: ch.consumerDetails.map(consumerJson), deliveries: [], publishes: [] };
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

  app.get('/api/channels', async (req) => {
    const user = authenticate(admin, req);
    refuseWithoutStats(statsDisabled(req));
    return listReply(req, listChannels(admin, user).map(channelJson), CONNECTION_SORT);
  });
  app.get<VhostParams>('/api/vhosts/:vhost/channels', async (req) => {
    const user = authenticate(admin, req);
    const channels = listChannels(admin, user, req.params.vhost);
    refuseWithoutStats(statsDisabled(req));
    return listReply(req, channels.map(channelJson), CONNECTION_SORT);
  });
  app.get<NameParams>('/api/channels/:name', async (req) => {
    const user = authenticate(admin, req);
    refuseWithoutStats(statsDisabled(req));
    return channelDetailJson(getChannel(admin, user, req.params.name));
  });
  app.get<NameParams>('/api/connections/:name/channels', async (req) =>
    listReply(req, listConnectionChannels(admin, authenticate(admin, req), req.params.name).map(channelJson), CONNECTION_SORT),
  );
}
