/**
 * HTTP Basic authentication and RabbitMQ's management authorisation checks
 * (rabbit_mgmt_util is_authorized*), with its 401 bodies.
 */
import type { FastifyRequest } from 'fastify';
import type { User } from '../auth/users.js';
import type { Broker } from '../broker/broker.js';
import { AdminError } from '../admin/errors.js';
import { isLoopback } from '../auth/loopback.js';

/** A 401 without a body: what RabbitMQ answers a request with no credentials (plus the challenge header). */
export class MissingCredentials extends AdminError {
  constructor() {
    super(401, '', '');
  }
}

// Tags that may use the management API at all (RabbitMQ: management and every tag that implies it).
const MANAGEMENT_TAGS = new Set(['management', 'policymaker', 'monitoring', 'administrator']);

/** The user named by the request's Basic credentials; throws RabbitMQ's 401s. */
export function authenticate(broker: Broker, req: FastifyRequest): User {
  const header = req.headers.authorization;
  const m = header === undefined ? null : /^Basic\s+(\S+)\s*$/i.exec(header);
  if (m === null) throw new MissingCredentials();
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? null : broker.users.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
  if (user === null) throw new AdminError(401, 'not_authorized', 'Login failed');
  // RabbitMQ applies loopback_users to the management API too.
  if (broker.config.loopbackUsers.includes(user.name) && !isLoopback(req.socket.remoteAddress)) {
    throw new AdminError(401, 'not_authorized', 'User can only log in via localhost');
  }
  if (!user.tags.some((t) => MANAGEMENT_TAGS.has(t))) throw new AdminError(401, 'not_authorised', 'Not management user');
  return user;
}

/** True for the administrator tag. */
export function isAdministrator(user: User): boolean {
  return user.tags.includes('administrator');
}

/** Administrators and monitoring users see every vhost; others those they have permissions in (list_visible_vhosts). */
export function canSeeVhost(broker: Broker, user: User, vhost: string): boolean {
  return isAdministrator(user) || user.tags.includes('monitoring') || broker.users.canAccessVhost(user, vhost);
}

/**
 * RabbitMQ's is_authorized_vhost: administrators pass, others need permissions
 * in the vhost; a vhost that does not exist passes (the route answers 404).
 */
export function requireVhostAccess(broker: Broker, user: User, vhost: string): void {
  if (isAdministrator(user) || broker.getVhost(vhost) === undefined || broker.users.canAccessVhost(user, vhost)) return;
  throw new AdminError(401, 'not_authorised', 'User not authorised to access virtual host');
}

/** RabbitMQ's is_authorized_policies: administrators, or policymakers with access to the vhost. */
export function requirePolicymaker(broker: Broker, user: User, vhost: string): void {
  if (isAdministrator(user)) return;
  const vhostOk = broker.getVhost(vhost) === undefined || broker.users.canAccessVhost(user, vhost);
  if (user.tags.includes('policymaker') && vhostOk) return;
  throw new AdminError(401, 'not_authorised', 'User not authorised to access object');
}

