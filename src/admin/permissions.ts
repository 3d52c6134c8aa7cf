/**
 * Permissions and topic permissions as the management API, warrenctl and definitions import see
 * them (rabbit_mgmt_wm_permission(s), rabbit_mgmt_wm_topic_permission(s)): administrator-only,
 * RabbitMQ 3.10.8's checks, in its order, and its error bodies. Patterns are compiled (and so
 * validated) by the user store before anything changes.
 */
import type { PermissionRow, TopicPermissionRow } from '../auth/access-table.js';
import { InvalidPatternError } from '../auth/permissions.js';
import type { AdminContext } from './admin-context.js';
import { requireAdministrator, type User } from './authorization.js';
import { badRequest, notFound } from './errors.js';

export type { PermissionRow, TopicPermissionRow } from '../auth/access-table.js';

/** Which rows a listing wants: every row, a user's or a vhost's (a missing user or vhost is 404). */
export interface PermissionFilter {
  user?: string;
  vhost?: string;
}

/** Permission rows (administrators only). */
export function listPermissions(ctx: AdminContext, actor: User, filter: PermissionFilter = {}): PermissionRow[] {
  requireAdministrator(actor);
  checkFilter(ctx, filter);
  return ctx.users.access.permissions(filter);
}

/** One user's permissions in one vhost; 404 when there is no entry (or no such user or vhost). */
export function getPermission(ctx: AdminContext, actor: User, vhost: string, user: string): PermissionRow {
  requireAdministrator(actor);
  const row = ctx.users.access.permissions({ user, vhost })[0];
  if (row === undefined || ctx.users.get(user) === undefined || ctx.broker.getVhost(vhost) === undefined) throw notFound();
  return row;
}

/**
 * set_permissions; true when the user had no entry in the vhost. RabbitMQ's order: the three
 * keys (400 `[{key_missing,read}]`), then the user and the vhost (400 `vhost_or_user_not_found`),
 * then the patterns (400 `["invalid_regexp", pattern, reason]`).
 */
export function setPermission(ctx: AdminContext, actor: User, vhost: string, user: string, body: Record<string, unknown>): boolean {
  requireAdministrator(actor);
  const [configure, write, read] = patterns(body, ['configure', 'write', 'read']);
  existing(ctx, vhost, user);
  const created = !ctx.users.access.canOpen(user, vhost);
  compiled(() => ctx.users.setPermissions(user, vhost, { configure, write, read }));
  return created;
}

/** clear_permissions; 404 when there is no entry. Topic permissions stay, as in RabbitMQ. */
export function clearPermission(ctx: AdminContext, actor: User, vhost: string, user: string): void {
  requireAdministrator(actor);
  if (!ctx.users.clearPermissions(user, vhost)) throw notFound();
}

/** Topic permission rows (administrators only). */
export function listTopicPermissions(ctx: AdminContext, actor: User, filter: PermissionFilter = {}): TopicPermissionRow[] {
  requireAdministrator(actor);
  checkFilter(ctx, filter);
  return ctx.users.access.topicPermissions(filter);
}

/** One user's topic permissions in one vhost (one row per exchange); 404 when there are none. */
export function getTopicPermissions(ctx: AdminContext, actor: User, vhost: string, user: string): TopicPermissionRow[] {
  requireAdministrator(actor);
  const rows = ctx.users.access.topicPermissions({ user, vhost });
  if (rows.length === 0) throw notFound();
  return rows;
}

/** set_topic_permissions; true when the user had no topic permission in the vhost (3.10.8's 201). */
export function setTopicPermission(ctx: AdminContext, actor: User, vhost: string, user: string, body: Record<string, unknown>): boolean {
  requireAdministrator(actor);
  const [exchange, write, read] = patterns(body, ['exchange', 'write', 'read']);
  existing(ctx, vhost, user);
  const created = ctx.users.access.topicPermissions({ user, vhost }).length === 0;
  compiled(() => ctx.users.setTopicPermission(user, vhost, exchange, { write, read }));
  return created;
}

/** clear_topic_permissions for every exchange of the vhost; 404 when there were none. */
export function clearTopicPermissions(ctx: AdminContext, actor: User, vhost: string, user: string): void {
  requireAdministrator(actor);
  if (!ctx.users.clearTopicPermission(user, vhost)) throw notFound();
}

function checkFilter(ctx: AdminContext, filter: PermissionFilter): void {
  if (filter.user !== undefined && ctx.users.get(filter.user) === undefined) throw notFound();
  if (filter.vhost !== undefined && ctx.broker.getVhost(filter.vhost) === undefined) throw notFound();
}

function patterns(body: Record<string, unknown>, keys: string[]): string[] {
  for (const k of keys) if (!(k in body)) throw badRequest(`[{key_missing,${k}}]`);
  return keys.map((k) => {
    const v = body[k];
    if (typeof v !== 'string') throw badRequest(`${k} must be a string`);
    return v;
  });
}

function existing(ctx: AdminContext, vhost: string, user: string): void {
  if (ctx.users.get(user) === undefined || ctx.broker.getVhost(vhost) === undefined) throw badRequest('vhost_or_user_not_found');
}

/** Runs fn, turning a pattern that does not compile into RabbitMQ's 400 `["invalid_regexp", pattern, reason]`. */
export function compiled(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidPatternError) throw badRequest(['invalid_regexp', e.pattern, e.reason]);
    throw e;
  }
}
