/**
 * Vhost and user limits as the management API, warrenctl and definitions import see them
 * (rabbit_mgmt_wm_limit(s), rabbit_mgmt_wm_user_limit(s)), with RabbitMQ 3.10.8's visibility and
 * texts. Values apply at once: the vhost's max-queues to the next queue.declare, the others to the
 * next connection.open / channel.open (checked in server/). A negative value means no limit.
 */
import type { AdminContext } from './admin-context.js';
import { canSeeVhost, requireAdministrator, requireVhostAccess, type User } from './authorization.js';
import { AdminError, badRequest, notFound } from './errors.js';

/** The limit names of a vhost. */
export const VHOST_LIMITS = ['max-connections', 'max-queues'] as const;
/** The limit names of a user. */
export const USER_LIMITS = ['max-connections', 'max-channels'] as const;

/** One row of /api/vhost-limits. */
export interface VhostLimitRow {
  vhost: string;
  value: Record<string, number>;
}

/** One row of /api/user-limits. */
export interface UserLimitRow {
  user: string;
  value: Record<string, number>;
}

/**
 * Vhosts with limits: all of them for administrators and monitoring users, the reachable ones for
 * others; for one vhost, 404 when missing and 401 without access. Vhosts without limits are left out.
 */
export function listVhostLimits(ctx: AdminContext, actor: User, vhost?: string): VhostLimitRow[] {
  if (vhost !== undefined) {
    const v = ctx.broker.getVhost(vhost);
    if (v === undefined) throw notFound();
    requireVhostAccess(ctx, actor, vhost);
    return nonEmpty(v.limits) ? [{ vhost, value: sorted(v.limits) }] : [];
  }
  const rows: VhostLimitRow[] = [];
  for (const v of ctx.broker.vhosts.values()) {
    if (nonEmpty(v.limits) && canSeeVhost(ctx, actor, v.name)) rows.push({ vhost: v.name, value: sorted(v.limits) });
  }
  return rows.sort((a, b) => cmp(a.vhost, b.vhost));
}

/** set_vhost_limits for one name (administrators only): 404 `vhost_not_found`, 400 "Validation failed". */
export function setVhostLimit(ctx: AdminContext, actor: User, vhost: string, name: string, body: Record<string, unknown>): void {
  requireAdministrator(actor);
  if (!('value' in body)) throw badRequest('[{key_missing,value}]');
  const v = ctx.broker.getVhost(vhost);
  if (v === undefined) throw new AdminError(404, 'not_found', 'vhost_not_found');
  const value = body.value;
  if (!(VHOST_LIMITS as readonly string[]).includes(name)) throw validation(`Unrecognised terms [{${term(name)},${term(value)}}] in limits`);
  ctx.broker.setVhostLimits(vhost, { ...v.limits, [name]: limitValue(name, value) });
}

/** clear_vhost_limits for one name (administrators only); a limit that was not set is fine (204). */
export function clearVhostLimit(ctx: AdminContext, actor: User, vhost: string, name: string): void {
  requireAdministrator(actor);
  const v = ctx.broker.getVhost(vhost);
  if (v === undefined) throw notFound();
  ctx.broker.setVhostLimits(vhost, without(v.limits, name));
}

/** Users with limits (3.10.8 shows them to every management user); for one user, 404 when missing. */
export function listUserLimits(ctx: AdminContext, _actor: User, user?: string): UserLimitRow[] {
  const users = user === undefined ? [...ctx.users.users.values()] : [ctx.users.get(user)];
  const rows: UserLimitRow[] = [];
  for (const u of users) {
    if (u === undefined) throw notFound();
    if (nonEmpty(u.limits)) rows.push({ user: u.name, value: sorted(u.limits) });
  }
  return rows.sort((a, b) => cmp(a.user, b.user));
}

/** set_user_limits for one name (administrators only): 400 `["no_such_user", u]`, 400 for an unknown name. */
export function setUserLimit(ctx: AdminContext, actor: User, user: string, name: string, body: Record<string, unknown>): void {
  requireAdministrator(actor);
  if (!('value' in body)) throw badRequest('[{key_missing,value}]');
  const u = ctx.users.get(user);
  if (u === undefined) throw badRequest(['no_such_user', user]);
  const value = body.value;
  if (!(USER_LIMITS as readonly string[]).includes(name)) throw badRequest(`Unrecognised terms [{${term(name)},${term(value)}}] in user-limits`, false);
  ctx.users.update(user, { limits: { ...u.limits, [name]: limitValue(name, value) } });
}

/** clear_user_limits for one name (administrators only); 404 for a missing user, 204 for a limit not set. */
export function clearUserLimit(ctx: AdminContext, actor: User, user: string, name: string): void {
  requireAdministrator(actor);
  const u = ctx.users.get(user);
  if (u === undefined) throw notFound();
  ctx.users.update(user, { limits: without(u.limits, name) });
}

function limitValue(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw validation(`${name} should be a number, actually was ${term(value)}`);
  return value;
}

// RabbitMQ's validation reasons are sent as they are (not HTML-escaped), with blank lines around.
function validation(text: string): AdminError {
  return badRequest(`Validation failed\n\n${text}\n`, false);
}

// The Erlang term RabbitMQ prints for a JSON value: strings are binaries.
function term(v: unknown): string {
  if (typeof v === 'string') return `<<"${v}">>`;
  return JSON.stringify(v) ?? 'undefined';
}

function without<T extends object>(limits: T, name: string): T {
  return Object.fromEntries(Object.entries(limits).filter(([k]) => k !== name)) as T;
}

function nonEmpty(limits: object): boolean {
  return Object.keys(limits).length > 0;
}

function sorted(limits: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(limits).sort(([a], [b]) => cmp(a, b))) if (typeof v === 'number') out[k] = v;
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
