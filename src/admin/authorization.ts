/**
 * RabbitMQ's management authentication and authorisation rules (rabbit_mgmt_util
 * is_authorized*), with its 401 texts: who may use the API at all, and who may see or
 * change what in which vhost.
 */
import { isLoopback } from '../auth/loopback.js';
import type { User } from '../auth/users.js';
import type { AdminContext } from './admin-context.js';
import { AdminError, loginFailed, notAdministrator, NotAuthorised } from './errors.js';

export type { User } from '../auth/users.js';

// Tags that may use the management API at all (RabbitMQ: management and every tag that implies it).
const MANAGEMENT_TAGS = new Set(['management', 'policymaker', 'monitoring', 'administrator']);

/**
 * The management user with this name and password, connecting from remoteAddress; throws
 * RabbitMQ's 401s for a wrong password, a loopback-only user from elsewhere and a user
 * without a management tag.
 */
export function authenticateUser(ctx: AdminContext, name: string, password: string, remoteAddress: string | undefined): User {
  // RabbitMQ's auth_attempt_metrics for protocol http (rabbit_mgmt_util:is_authorized): each request with
  // credentials. The failures are counted here; a success is counted by the caller once the resource's own
  // check (the user's tags and vhosts) passed too, as RabbitMQ counts it (http/auth.ts).
  const counters = ctx.broker.nodeCounters;
  const user = ctx.users.authenticate(name, password);
  if (user === null) {
    counters.authHttpFailed++;
    throw loginFailed();
  }
  // RabbitMQ applies loopback_users to the management API too.
  if (ctx.loopbackUsers.includes(user.name) && !isLoopback(remoteAddress)) {
    counters.authHttpFailed++;
    throw new AdminError(401, 'not_authorized', 'User can only log in via localhost');
  }
  if (!user.tags.some((t) => MANAGEMENT_TAGS.has(t))) {
    counters.authHttpFailed++;
    throw new AdminError(401, 'not_authorised', 'Not management user');
  }
  return user;
}

/**
 * Counts a request whose credentials authenticateUser accepted: succeeded, or failed when the
 * resource's own check refused the user (`refused`: a NotAuthorised), as RabbitMQ's is_authorized does.
 */
export function countHttpLogin(ctx: AdminContext, refused: boolean): void {
  const counters = ctx.broker.nodeCounters;
  if (refused) counters.authHttpFailed++;
  else counters.authHttpSucceeded++;
}

function isAdministrator(user: User): boolean {
  return user.tags.includes('administrator');
}

/** RabbitMQ's is_authorized_admin: users, vhosts, permissions and limits are changed by administrators only (others: 401). */
export function requireAdministrator(user: User): void {
  if (!isAdministrator(user)) throw notAdministrator();
}

/** Administrators and monitoring users see every vhost's objects and every user's connections. */
export function seesEverything(user: User): boolean {
  return isAdministrator(user) || user.tags.includes('monitoring');
}

/** Administrators and monitoring users see every vhost; others those they have permissions in (list_visible_vhosts). */
export function canSeeVhost(ctx: AdminContext, user: User, vhost: string): boolean {
  return seesEverything(user) || ctx.users.canAccessVhost(user, vhost);
}

/**
 * RabbitMQ's is_authorized_vhost: administrators pass, others need permissions
 * in the vhost; a vhost that does not exist passes (the route answers 404).
 */
export function requireVhostAccess(ctx: AdminContext, user: User, vhost: string): void {
  if (isAdministrator(user) || ctx.broker.getVhost(vhost) === undefined || ctx.users.canAccessVhost(user, vhost)) return;
  throw new NotAuthorised('User not authorised to access virtual host');
}

/** RabbitMQ's is_authorized_policies: administrators, or policymakers with access to the vhost. */
export function requirePolicymaker(ctx: AdminContext, user: User, vhost: string): void {
  if (isAdministrator(user)) return;
  const vhostOk = ctx.broker.getVhost(vhost) === undefined || ctx.users.canAccessVhost(user, vhost);
  if (user.tags.includes('policymaker') && vhostOk) return;
  throw new NotAuthorised('User not authorised to access object');
}

/**
 * RabbitMQ's filter_vhost (runtime parameters, operator policies): administrators see every
 * vhost's rows, everyone else (monitoring users too) only those of vhosts they have permissions in.
 */
export function listsVhost(ctx: AdminContext, user: User, vhost: string): boolean {
  return isAdministrator(user) || ctx.users.canAccessVhost(user, vhost);
}

/** RabbitMQ's is_authorized_global_parameters (and the vhost-less parameter lists): the policymaker or administrator tag. */
export function requirePolicymakerTag(user: User): void {
  if (isAdministrator(user) || user.tags.includes('policymaker')) return;
  throw new NotAuthorised('User not authorised to access object');
}
