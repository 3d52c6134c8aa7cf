/**
 * Queues as the management API and warrenctl see them (rabbit_mgmt_wm_queue(s), _queue_purge,
 * _queue_actions in RabbitMQ 3.10.8): listing with RabbitMQ's visibility, declare, delete and
 * purge through the broker's own queue.declare / queue.delete / queue.purge (equivalence checks,
 * argument validation, max-queues, persistence, policies) with rabbit_channel's permission checks.
 * What a queue reports is what Warren knows of it; Erlang process internals are left to the HTTP
 * layer to fill with RabbitMQ's "not known" values.
 */
import type { FieldTable } from '../amqp/codec/field-value.js';
import { decodeProperties } from '../amqp/codec/properties.js';
import { mergeOperatorDefinition } from '../broker/policy.js';
import type { Queue } from '../broker/queue/queue.js';
import type { Vhost } from '../broker/vhost.js';
import type { AdminContext } from './admin-context.js';
import { requireAdministrator, requireVhostAccess, type User } from './authorization.js';
import { listConsumers, type ConsumerInfo } from './consumers.js';
import { badRequest, notFound } from './errors.js';
import { vhostForChange } from './exchanges.js';
import { jsonArguments } from './json-arguments.js';
import { localAdministrator } from './local-credentials.js';
import { asHttp, exchangeArgument, ObjectAccess } from './object-access.js';
import { boolField, decodeBody, requireKeys } from './request-body.js';
import { channelQueueCell, queueCellStats, queueIncoming } from '../stats/fine.js';
import { queueStats } from '../stats/render.js';
import { channelsWithDetails, detailedRates } from './channels.js';
import { statsRanges, type StatsJson, type StatsRanges } from './stats-query.js';
import { visibleVhosts } from './visibility.js';

/** A queue as listed. */
export interface QueueInfo {
  name: string;
  vhost: string;
  durable: boolean;
  autoDelete: boolean;
  exclusive: boolean;
  arguments: FieldTable;
  /** The policy and the operator policy that apply, if any, and their merged definition ({} without one). */
  policy: string | undefined;
  operatorPolicy: string | undefined;
  policyDefinition: Record<string, unknown>;
  messagesReady: number;
  messagesUnacknowledged: number;
  messageBytesReady: number;
  messageBytesUnacknowledged: number;
  /** Ready messages whose bodies are on disk only, and their bytes. */
  messagesPagedOut: number;
  messageBytesPagedOut: number;
  consumers: number;
  /** 1 when a consumer could take a message now, 0 when none could (Warren does not sample it over time as RabbitMQ does). */
  consumerCapacity: number;
  exclusiveConsumerTag: string | null;
  singleActiveConsumerTag: string | null;
  /** The head message's timestamp property (seconds), when it has one and its body is in memory. */
  headMessageTimestamp: number | null;
  /** x-queue-mode (RabbitMQ's backing_queue_status.mode: default or lazy) and x-queue-version (1 or 2). */
  mode: string;
  version: number;
  /** Bytes the queue holds in memory: the bodies of its ready and unacked messages, not paged out. */
  memory: number;
  /**
   * Its statistics in RabbitMQ's JSON (messages_details, messages_ready_details,
   * messages_unacknowledged_details, message_stats once something was counted), when the caller
   * asked for them (stats/render.ts queueStats).
   */
  stats?: StatsJson;
}

function argString(args: FieldTable, key: string): string | undefined {
  const v = args[key];
  return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function headTimestamp(q: Queue): number | null {
  const e = q.head;
  if (e === undefined) return null;
  const m = e.message;
  try {
    const t = decodeProperties(m.raw, m.keysLength, m.keysLength + m.propsLength).timestamp;
    return t ?? null;
  } catch {
    return null;
  }
}

/** One queue's info; with `ranges` (and the node's statistics), its statistics too. */
export function queueInfo(v: Vhost, q: Queue, stats?: { ctx: AdminContext; ranges: StatsRanges }): QueueInfo {
  const consumers = q.consumers;
  const exclusive = consumers.find((c) => c.exclusive);
  const sac = q.settings.singleActiveConsumer ? consumers.find((c) => c.active) : undefined;
  const policy = q.policyName === undefined ? undefined : v.policies.get(q.policyName);
  const operatorPolicy = q.operatorPolicyName === undefined ? undefined : v.operatorPolicies.get(q.operatorPolicyName);
  const mode = argString(q.arguments, 'x-queue-mode') ?? (typeof policy?.definition['queue-mode'] === 'string' ? policy.definition['queue-mode'] : 'default');
  const versionArg = q.arguments['x-queue-version'];
  const ram = q.messageBytes - q.messageBytesPaged + q.unackedBytes;
  return {
    name: q.name,
    vhost: q.vhost,
    durable: q.durable,
    autoDelete: q.autoDelete,
    exclusive: q.isExclusive,
    arguments: q.arguments,
    policy: q.policyName,
    operatorPolicy: q.operatorPolicyName,
    // RabbitMQ's effective definition: the operator policy's numeric limits win when lower.
    policyDefinition: { ...(mergeOperatorDefinition(policy?.definition, operatorPolicy?.definition) ?? {}) },
    messagesReady: q.messageCount,
    messagesUnacknowledged: q.unackedCount,
    messageBytesReady: q.messageBytes,
    messageBytesUnacknowledged: q.unackedBytes,
    messagesPagedOut: q.messagesPaged,
    messageBytesPagedOut: q.messageBytesPaged,
    consumers: consumers.length,
    consumerCapacity: consumers.some((c) => c.active && c.hasCapacity()) ? 1 : 0,
    exclusiveConsumerTag: exclusive?.tag ?? null,
    singleActiveConsumerTag: sac?.tag ?? null,
    headMessageTimestamp: headTimestamp(q),
    mode: mode === 'lazy' ? 'lazy' : 'default',
    version: typeof versionArg === 'number' && versionArg === 2 ? 2 : 1,
    memory: ram,
    ...(stats === undefined ? {} : { stats: queueStats(stats.ctx.stats, q, stats.ranges) }),
  };
}

function vhostOr404(ctx: AdminContext, name: string): Vhost {
  const v = ctx.broker.getVhost(name);
  if (v === undefined) throw notFound();
  return v;
}

/**
 * Queues of one vhost (404 when missing; 401 without access) or of every vhost the user may list,
 * unrendered: `queues` are the broker's own Queue objects (which carry `vhost` and `name` as the
 * JSON has them, so a list can be sorted, filtered and paged on them) and `info` makes one's
 * QueueInfo, only for what is answered. With `statsQuery` (the request's query string: its range
 * parameters, admin/stats-query.ts) each with its statistics; a bad range is RabbitMQ's 400
 * invalid_range_parameters, after the 404.
 */
export function listQueues(ctx: AdminContext, user: User, vhost?: string, statsQuery?: unknown): { queues: Queue[]; info: (q: Queue) => QueueInfo } {
  let vhosts: Vhost[];
  if (vhost === undefined) vhosts = visibleVhosts(ctx, user);
  else {
    requireVhostAccess(ctx, user, vhost);
    vhosts = [vhostOr404(ctx, vhost)];
  }
  const stats = statsQuery === undefined ? undefined : { ctx, ranges: statsRanges(statsQuery, { lengthsCeil: true, list: true }) };
  const queues: Queue[] = [];
  const byName = new Map<string, Vhost>();
  for (const v of vhosts) {
    byName.set(v.name, v);
    for (const q of v.queues.values()) queues.push(q);
  }
  return { queues, info: (q) => queueInfo(byName.get(q.vhost) ?? vhostOr404(ctx, q.vhost), q, stats) };
}

/** True when a vhost of this name exists (the `/api/queues/detailed` path is a vhost's in 3.10.8 when one is called that). */
export function vhostExists(ctx: AdminContext, name: string): boolean {
  return ctx.broker.getVhost(name) !== undefined;
}

/**
 * One queue with its consumers (consumer_details), with `statsQuery` (the request's range
 * parameters) its statistics too; 404 when it or its vhost is missing, then 400 for a bad range.
 */
export function getQueue(ctx: AdminContext, user: User, vhost: string, name: string, statsQuery?: unknown): { queue: QueueInfo; consumers: ConsumerInfo[] } {
  requireVhostAccess(ctx, user, vhost);
  const v = vhostOr404(ctx, vhost);
  const q = v.queues.get(name);
  if (q === undefined) throw notFound();
  // A queue's consumer_details list every consumer, whoever's connection it is on.
  const consumers = listConsumers(ctx, localAdministrator(), vhost).filter((c) => c.queue === name);
  const stats = statsQuery === undefined ? undefined : { ctx, ranges: statsRanges(statsQuery, { lengthsCeil: true }) };
  return { queue: queueInfo(v, q, stats), consumers };
}

// The "connection" that owns what the API declares: RabbitMQ's direct requests have none, so an
// exclusive: true in the body declares an ordinary queue there too.
const API_OWNER = Object.freeze({ owner: 'management API' });

/**
 * PUT /api/queues/{vhost}/{name}: queue.declare with the body's durable, auto_delete (default
 * false) and arguments; true when it was created.
 */
export function putQueue(ctx: AdminContext, user: User, vhost: string, name: string, rawBody: unknown): boolean {
  requireVhostAccess(ctx, user, vhost);
  const n = Buffer.byteLength(name, 'utf8');
  // rabbit_parameter_validation:amqp091_queue_name, before the vhost is looked at (its text ends with a newline).
  if (n > 255) throw badRequest(`queue should be less than 255 bytes, actually was ${n}\n`);
  const v = vhostForChange(ctx, vhost);
  const body = decodeBody(rawBody);
  const durable = boolField(body, 'durable');
  const autoDelete = boolField(body, 'auto_delete');
  const args = jsonArguments(body.arguments);
  const existed = v.queues.has(name);
  const access = new ObjectAccess(ctx, user, v);
  asHttp('direct', () => {
    // rabbit_channel's queue.declare order: the reserved amq.* name (the vhost's check) before
    // configure; for a new queue with a dead-letter exchange, read on it and write on the DLX.
    if (!name.startsWith('amq.')) {
      access.require('configure', 'queue', name);
      const dlx = existed ? undefined : exchangeArgument(args, 'x-dead-letter-exchange');
      if (dlx !== undefined) {
        access.require('read', 'queue', name);
        access.require('write', 'exchange', dlx);
      }
    }
    // RabbitMQ's churn, as for an AMQP queue.declare (its management declares on a channel of its own, which is not counted).
    const churn = ctx.broker.nodeCounters;
    churn.queueDeclared++;
    v.declareQueue(name, { passive: false, durable, exclusive: false, autoDelete, arguments: args }, API_OWNER);
    if (!existed) churn.queueCreated++;
  });
  return !existed;
}

/**
 * DELETE /api/queues/{vhost}/{name}[?if-empty=true&if-unused=true]: queue.delete; 404 when it
 * or its vhost is missing. Resolves with the number of ready messages it had.
 */
export function deleteQueue(ctx: AdminContext, user: User, vhost: string, name: string, opts: { ifEmpty: boolean; ifUnused: boolean }): number {
  requireVhostAccess(ctx, user, vhost);
  const v = vhostOr404(ctx, vhost);
  if (!v.queues.has(name)) throw notFound();
  const access = new ObjectAccess(ctx, user, v);
  return asHttp('direct', () => {
    access.require('configure', 'queue', name);
    return v.deleteQueue(name, opts.ifUnused, opts.ifEmpty, API_OWNER);
  });
}

/** DELETE /api/queues/{vhost}/{name}/contents: queue.purge; 404 when it or its vhost is missing. Returns how many went. */
export function purgeQueue(ctx: AdminContext, user: User, vhost: string, name: string): number {
  requireVhostAccess(ctx, user, vhost);
  const v = vhostOr404(ctx, vhost);
  if (!v.queues.has(name)) throw notFound();
  const access = new ObjectAccess(ctx, user, v);
  return asHttp('direct', () => {
    access.require('read', 'queue', name);
    return v.purgeQueue(name, API_OWNER);
  });
}

/**
 * POST /api/queues/{vhost}/{name}/actions (administrators only): RabbitMQ 3.10's actions are
 * `sync` and `cancel_sync` of classic mirrored queues; Warren has no mirrors, so both succeed
 * doing nothing, as they do on an unmirrored RabbitMQ queue. Other actions are 400.
 */
export function queueAction(ctx: AdminContext, user: User, vhost: string, name: string, rawBody: unknown): void {
  requireAdministrator(user);
  const v = vhostOr404(ctx, vhost);
  if (!v.queues.has(name)) throw notFound();
  const body = decodeBody(rawBody);
  requireKeys(body, ['action']);
  const action = body.action;
  if (action === 'sync' || action === 'cancel_sync') return;
  throw badRequest(['unknown', action ?? null]);
}


/**
 * GET /api/queues/{vhost}/{name}'s `deliveries` (per channel that took messages from it) and
 * `incoming` (per exchange that routed publishes to it): empty unless rates_mode is detailed.
 * Called after getQueue (which checked access and existence).
 */
export function queueFineStats(ctx: AdminContext, vhost: string, name: string): { deliveries: StatsJson[]; incoming: StatsJson[] } {
  const q = ctx.broker.getVhost(vhost)?.queues.get(name);
  if (q === undefined || !detailedRates(ctx)) return { deliveries: [], incoming: [] };
  const deliveries: StatsJson[] = [];
  for (const ch of channelsWithDetails(ctx)) {
    const cell = channelQueueCell(ch.stats, q);
    if (cell !== undefined) deliveries.push({ stats: queueCellStats(cell), channel_details: ch.details });
  }
  return { deliveries, incoming: queueIncoming(ctx.stats.openChannels(), q) };
}
