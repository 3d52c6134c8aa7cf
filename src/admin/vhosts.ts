/**
 * Virtual hosts as the management API, warrenctl and definitions import see them
 * (rabbit_mgmt_wm_vhost, rabbit_mgmt_wm_vhosts): RabbitMQ 3.10.8's visibility, validation and
 * semantics. Deleting a vhost goes through Broker.deleteVhost, whose listeners drop the users'
 * permissions there and close its connections.
 */
import type { VhostMetadata } from '../broker/persistence.js';
import { vhostStats, type StatsJson } from '../stats/render.js';
import type { AdminContext } from './admin-context.js';
import { canSeeVhost, requireAdministrator, type User } from './authorization.js';
import { badRequest, notFound } from './errors.js';
import { statsRanges } from './stats-query.js';

/** A vhost as listed: its name and metadata. */
export interface VhostInfo {
  name: string;
  metadata: VhostMetadata;
  /**
   * Its statistics in RabbitMQ's JSON (send_oct, recv_oct, messages..., message_stats, each with
   * _details; absent until something was counted there), when the caller asked for them.
   */
  stats?: StatsJson;
}

/** The body of PUT /api/vhosts/{name} (JSON as received; every field optional). */
export interface VhostInput {
  description?: unknown;
  tags?: unknown;
  default_queue_type?: unknown;
  /** RabbitMQ 3.10's name for it (its API reads the key without underscores; rabbitmqctl sends it). */
  defaultqueuetype?: unknown;
}

/** The queue types a vhost's default may name (RabbitMQ 3.11+). */
export const QUEUE_TYPES = ['classic', 'quorum', 'stream'] as const;

/**
 * The vhosts the actor may see (administrators and monitoring users: all; others those they have
 * permissions in), by name. With `query` (the request's query string: range parameters) each
 * carries its statistics (RabbitMQ's rabbit_mgmt_db:augment_vhosts); a bad range is a 400.
 */
export function listVhosts(ctx: AdminContext, actor: User, query?: unknown): VhostInfo[] {
  const ranges = query === undefined ? undefined : statsRanges(query, { list: true });
  const totals = ranges === undefined ? undefined : ctx.stats.liveTotals();
  const out: VhostInfo[] = [];
  for (const v of ctx.broker.vhosts.values()) {
    if (!canSeeVhost(ctx, actor, v.name)) continue;
    const i = info(v.name, v.metadata);
    if (ranges !== undefined && totals !== undefined) i.stats = vhostStats(ctx.stats, v.name, ranges, totals);
    out.push(i);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One vhost (3.10.8: administrators only, 401 for others even with permissions); 404 when missing. With `query`, its statistics too. */
export function getVhost(ctx: AdminContext, actor: User, name: string, query?: unknown): VhostInfo {
  requireAdministrator(actor);
  const v = ctx.broker.getVhost(name);
  if (v === undefined) throw notFound();
  const i = info(v.name, v.metadata);
  if (query !== undefined) i.stats = vhostStats(ctx.stats, v.name, statsRanges(query), ctx.stats.liveTotals());
  return i;
}

/**
 * Creates a vhost or replaces its metadata (a field not given goes back to its default, as in
 * RabbitMQ); true when created. The creating user gets full permissions in a new vhost
 * (RabbitMQ's management does this). Tags: a string is split on commas and trimmed, empty parts
 * kept (3.10.8: `"a, b,,c"` -> `["a","b","","c"]`); an array is kept as is.
 */
export function putVhost(ctx: AdminContext, actor: User, name: string, input: VhostInput): boolean {
  requireAdministrator(actor);
  const metadata = parseMetadata(input);
  if (ctx.broker.getVhost(name) !== undefined) {
    ctx.broker.updateVhost(name, { ...metadata, defaultQueueType: metadata.defaultQueueType });
    return false;
  }
  ctx.broker.addVhost(name, metadata);
  ctx.users.setPermissions(actor.name, name, { configure: '.*', write: '.*', read: '.*' });
  return true;
}

/** Deletes a vhost and everything in it (administrators only); 404 when missing. */
export function deleteVhost(ctx: AdminContext, actor: User, name: string): void {
  requireAdministrator(actor);
  if (!ctx.broker.deleteVhost(name)) throw notFound();
}

/** Validates a body's metadata fields (shared with definitions import). */
export function parseMetadata(input: VhostInput): VhostMetadata {
  const { description = '', tags = [] } = input;
  const dqt = input.default_queue_type ?? input.defaultqueuetype;
  if (typeof description !== 'string') throw badRequest('description must be a string');
  let list: string[];
  if (typeof tags === 'string') list = tags === '' ? [] : tags.split(',').map((t) => t.trim());
  else if (Array.isArray(tags) && tags.every((t) => typeof t === 'string')) list = [...tags];
  else throw badRequest('tags must be a comma-separated string or an array of strings');
  const out: VhostMetadata = { description, tags: list };
  if (dqt !== undefined && dqt !== 'undefined') {
    if (typeof dqt !== 'string' || !(QUEUE_TYPES as readonly string[]).includes(dqt)) throw badRequest(`invalid default_queue_type: ${JSON.stringify(dqt)}`);
    out.defaultQueueType = dqt;
  }
  return out;
}

function info(name: string, m: VhostMetadata): VhostInfo {
  return { name, metadata: { ...m, tags: [...m.tags] } };
}
