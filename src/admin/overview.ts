/**
 * GET /api/overview (rabbit_mgmt_wm_overview, rabbit_mgmt_db:overview/3 in 3.10.8): the product and
 * versions, the cluster name, object and queue totals computed from the broker now, and, for
 * monitoring users and administrators, the node, its listeners and web contexts.
 *
 * Visibility as RabbitMQ's: administrators and monitoring users count every vhost, every
 * connection and channel, and see the consumer total; other management users count the
 * queues and exchanges of the vhosts they have permissions in and their own connections and
 * channels, and get no consumer total, node, listeners or contexts.
 */
import type { AdminContext, ListenerInfo } from './admin-context.js';
import { canSeeVhost, seesEverything, type User } from './authorization.js';
import { identityOf } from './cluster-name.js';
import { exchangeTypes } from './node-facts.js';
import { overviewStats } from '../stats/render.js';
import { NO_RANGES, type StatsRanges } from './stats-query.js';

/** The query parameters the overview reads. */
export interface OverviewQuery {
  /** `disable_stats=true`: the short form (no message_stats, queue_totals, listeners). */
  disableStats: boolean;
  /** `enable_queue_totals=true` (echoed, as RabbitMQ does). */
  enableQueueTotals: boolean;
  /** The range parameters (`msg_rates_age` ...: admin/stats-query.ts); none: instant rates only. */
  ranges?: StatsRanges;
}

/** RabbitMQ's default sample retention (rabbitmq_management_agent's sample_retention_policies, in seconds). */
const SAMPLE_RETENTION_POLICIES = { global: [600, 3600, 28800, 86400], basic: [600, 3600], detailed: [600] };

/** Counts the user may see: RabbitMQ's object_totals. */
export interface ObjectTotals {
  /** Administrators and monitoring users only (RabbitMQ leaves it out for others). */
  consumers?: number;
  queues: number;
  exchanges: number;
  connections: number;
  channels: number;
}

/** Message counts over the queues the user may see: RabbitMQ's queue_totals. */
export interface QueueTotals {
  messages: number;
  messagesReady: number;
  messagesUnacknowledged: number;
}

/** The vhosts user's totals cover. */
function visibleVhosts(ctx: AdminContext, user: User): string[] {
  return [...ctx.broker.vhosts.keys()].filter((v) => canSeeVhost(ctx, user, v));
}

/** object_totals for user, from the broker and the AMQP server as they are now. */
export function objectTotals(ctx: AdminContext, user: User): ObjectTotals {
  const all = seesEverything(user);
  let queues = 0;
  let exchanges = 0;
  for (const name of visibleVhosts(ctx, user)) {
    const v = ctx.broker.getVhost(name);
    if (v === undefined) continue;
    queues += v.queues.size;
    // The default exchange "" counts, as in RabbitMQ (which has amq.rabbitmq.trace too: 7 per new vhost, Warren 6).
    exchanges += v.exchanges.size;
  }
  let connections = 0;
  let channels = 0;
  let consumers = 0;
  for (const c of ctx.connections.listConnections()) {
    // RabbitMQ counts connections once they are open (connection_created_stats); others see their own.
    if (c.vhost === null || c.user === null) continue;
    for (const ch of c.channels) consumers += ch.consumers.length;
    if (!all && c.user !== user.name) continue;
    connections++;
    channels += c.channels.length;
  }
  return all ? { consumers, queues, exchanges, connections, channels } : { queues, exchanges, connections, channels };
}

/** queue_totals for user: ready and unacknowledged messages of the queues in the vhosts it may see. */
export function queueTotals(ctx: AdminContext, user: User): QueueTotals {
  let ready = 0;
  let unacked = 0;
  for (const name of visibleVhosts(ctx, user)) {
    const v = ctx.broker.getVhost(name);
    if (v === undefined) continue;
    for (const q of v.queues.values()) {
      ready += q.messageCount;
      unacked += q.unackedCount;
    }
  }
  return { messages: ready + unacked, messagesReady: ready, messagesUnacknowledged: unacked };
}

/** A listener as the overview lists it (rabbit_mgmt_format:listener/1), with socket options like RabbitMQ's defaults. */
export function listenerJson(node: string, l: ListenerInfo): Record<string, unknown> {
  const socketOpts: unknown = l.protocol.startsWith('http')
    ? { cowboy_opts: { sendfile: false }, port: l.port, ...(l.protocol === 'http' ? {} : { protocol: l.protocol }) }
    : { backlog: 128, nodelay: true, linger: [true, 0], exit_on_close: false };
  return { node, protocol: l.protocol, ip_address: l.ip, port: l.port, socket_opts: socketOpts };
}

/** RabbitMQ's sort of listeners and contexts: by the given keys in turn. */
function sortBy<T extends Record<string, unknown>>(items: T[], keys: readonly string[]): T[] {
  // Erlang term order: numbers by value, before strings.
  const cmp = (a: unknown, b: unknown): number => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    const x = String(a);
    const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return items.sort((a, b) => {
    for (const k of keys) {
      const c = cmp(a[k], b[k]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The web contexts (the HTTP listeners' "applications") as /api/overview and /api/nodes list them; `node` only on the overview's. */
export function webContexts(ctx: AdminContext, listeners: readonly ListenerInfo[], withNode: boolean): Record<string, unknown>[] {
  const { node, product } = identityOf(ctx);
  const out = listeners
    .filter((l) => l.protocol.startsWith('http'))
    .map((l) => {
      const c: Record<string, unknown> = {
        ...(withNode ? { ssl_opts: [], node } : {}),
        description: l.protocol === 'http' ? `${product.product} Management` : `${product.product} Prometheus`,
        path: '/',
        cowboy_opts: '[{sendfile,false}]',
        port: String(l.port),
      };
      if (l.protocol !== 'http') c.protocol = `'${l.protocol}'`;
      return c;
    });
  return withNode ? sortBy(out, ['description', 'port', 'node']) : out;
}

/** The listeners of the node right now. */
export function nodeListeners(ctx: AdminContext): readonly ListenerInfo[] {
  return ctx.node?.listeners() ?? [];
}

/**
 * The overview for user. message_stats (its vhosts' totals), churn_rates and the rates and
 * samples of queue_totals come from the statistics sampler (stats/render.ts overviewStats).
 */
export function overview(ctx: AdminContext, user: User, query: OverviewQuery): Record<string, unknown> {
  const id = identityOf(ctx);
  const p = id.product;
  const all = seesEverything(user);
  const head: Record<string, unknown> = {
    management_version: p.rabbitmqVersion,
    rates_mode: ctx.broker.config.managementRatesMode,
    sample_retention_policies: SAMPLE_RETENTION_POLICIES,
    exchange_types: exchangeTypes('sorted'),
    product_version: p.version,
    product_name: p.product,
    rabbitmq_version: p.rabbitmqVersion,
    cluster_name: id.clusterName,
    erlang_version: p.runtimeVersion,
    erlang_full_version: p.runtimeFullVersion,
    release_series_support_status: 'supported',
    disable_stats: query.disableStats,
    enable_queue_totals: query.enableQueueTotals,
    warren_version: p.warrenVersion,
  };
  const totals = objectTotals(ctx, user);
  if (query.disableStats) {
    // rabbit_mgmt_wm_overview with disable_stats: node and a short object_totals (consumers and channels left out).
    const short: Record<string, number> = { queues: totals.queues, exchanges: totals.exchanges };
    if (all) short.connections = totals.connections;
    return { ...head, node: id.node, object_totals: short };
  }
  const q = queueTotals(ctx, user);
  const stats = overviewStats(ctx.stats, visibleVhosts(ctx, user), query.ranges ?? NO_RANGES);
  const body: Record<string, unknown> = {
    ...head,
    message_stats: stats.message_stats,
    churn_rates: stats.churn_rates,
    // The sampler's queue_totals (rates, samples) once a visible vhost had a queue; the counts now before that.
    queue_totals: Array.isArray(stats.queue_totals)
      ? {
          messages: q.messages,
          messages_details: { rate: 0.0 },
          messages_ready: q.messagesReady,
          messages_ready_details: { rate: 0.0 },
          messages_unacknowledged: q.messagesUnacknowledged,
          messages_unacknowledged_details: { rate: 0.0 },
        }
      : stats.queue_totals,
    object_totals: totals,
    statistics_db_event_queue: 0,
  };
  if (!all) return body;
  const listeners = nodeListeners(ctx);
  return {
    ...body,
    node: id.node,
    listeners: sortBy(
      listeners.map((l) => listenerJson(id.node, l)),
      ['protocol', 'port', 'node'],
    ),
    contexts: webContexts(ctx, listeners, true),
    // Warren's own node fact (extra key): how long the statistics sampler's last tick took, ms (the scale bench reads it).
    warren_stats_sample_ms: Math.round(ctx.stats.lastSampleMs * 1000) / 1000,
  };
}
