/**
 * AMQP connections as the management API and warrenctl see them, with RabbitMQ 3.10.8's
 * visibility rules (rabbit_mgmt_util filter_conn_ch_list / is_authorized_user): administrators
 * and monitoring users see every connection, other management users only their own; closing
 * one takes an administrator or its own user.
 */
import type { AdminContext } from './admin-context.js';
import { requireVhostAccess, seesEverything, type User } from './authorization.js';
import type { ConnectionSnapshot, TlsSnapshot } from './connection-registry.js';
import { AdminError, notFound, NotAuthorised } from './errors.js';
import { NODE_NAME } from './node-name.js';

/** RabbitMQ's close reason when DELETE /api/connections/{name} has no X-Reason header. */
export const DEFAULT_CLOSE_REASON = 'Closed via management plugin';

/** An open connection: the registry's snapshot with its user and vhost known, and the node. */
export interface ConnectionInfo extends ConnectionSnapshot {
  user: string;
  vhost: string;
  node: string;
}

/** A connection as RabbitMQ's connection tracking lists it (GET /api/connections/username/{u}, disable_stats). */
export interface TrackedConnection {
  name: string;
  vhost: string;
  user: string;
  node: string;
}

/** The TLS session in RabbitMQ's terms (ssl_protocol, ssl_key_exchange, ssl_cipher, ssl_hash). */
export interface TlsDetails {
  protocol: string;
  keyExchange: string;
  cipher: string;
  hash: string;
}

/** RabbitMQ's 401 when a user reaches for another user's connection or channel. */
export function notAuthorisedObject(): AdminError {
  return new NotAuthorised('User not authorised to access object');
}

function isAdministrator(user: User): boolean {
  return user.tags.includes('administrator');
}

/**
 * The connections RabbitMQ's management lists: those that finished connection.open (its
 * connection_created event comes at open), closing ones until their socket is gone.
 */
export function openConnections(ctx: AdminContext): ConnectionInfo[] {
  const out: ConnectionInfo[] = [];
  for (const c of ctx.connections.listConnections()) {
    if (c.user === null || c.vhost === null) continue;
    out.push({ ...c, user: c.user, vhost: c.vhost, node: NODE_NAME });
  }
  return out;
}

/**
 * The connections the user may see, of one vhost or all (vhost undefined). A vhost is checked
 * as RabbitMQ's is_authorized_vhost first (401 without permissions there, unless administrator),
 * then for existence (404).
 */
export function listConnections(ctx: AdminContext, user: User, vhost?: string): ConnectionInfo[] {
  if (vhost !== undefined) {
    requireVhostAccess(ctx, user, vhost);
    if (ctx.broker.getVhost(vhost) === undefined) throw notFound();
  }
  const all = seesEverything(user);
  return openConnections(ctx).filter((c) => (vhost === undefined || c.vhost === vhost) && (all || c.user === user.name));
}

/**
 * One connection by name: 404 when there is none (RabbitMQ 3.10.8 answers a non-monitoring
 * user 500 there, a crash of its authorisation check), 401 for another user's connection
 * unless the user is an administrator or monitoring.
 */
export function getConnection(ctx: AdminContext, user: User, name: string): ConnectionInfo {
  const c = openConnections(ctx).find((x) => x.name === name);
  if (c === undefined) throw notFound();
  if (!seesEverything(user) && c.user !== user.name) throw notAuthorisedObject();
  return c;
}

/**
 * Closes a connection with `320 CONNECTION_FORCED - <reason>`: administrators any, other users
 * their own (401; monitoring users too); 404 when there is none.
 */
export function closeConnection(ctx: AdminContext, user: User, name: string, reason: string = DEFAULT_CLOSE_REASON): void {
  const c = openConnections(ctx).find((x) => x.name === name);
  if (c === undefined) throw notFound();
  if (!isAdministrator(user) && c.user !== user.name) throw notAuthorisedObject();
  ctx.connections.closeConnection(c.name, reason);
}

/** The tracked form of a connection. */
export function trackedConnection(c: ConnectionInfo): TrackedConnection {
  return { name: c.name, vhost: c.vhost, user: c.user, node: c.node };
}

/**
 * GET /api/connections/username/{u}: the user's connections in their tracked form.
 * Administrators and monitoring users may ask for anyone, others for themselves (RabbitMQ
 * 3.10.8 answers them 500 either way, a crash of its authorisation check; this is what that
 * check means to do).
 */
export function listUserConnections(ctx: AdminContext, actor: User, username: string): TrackedConnection[] {
  if (!seesEverything(actor) && actor.name !== username) throw notAuthorisedObject();
  return openConnections(ctx)
    .filter((c) => c.user === username)
    .map(trackedConnection);
}

/**
 * DELETE /api/connections/username/{u}: closes every connection of the user with the reason;
 * returns how many. Administrators for anyone, others for themselves (RabbitMQ 3.10.8: 500 for
 * non-administrators, as above).
 */
export function closeUserConnections(ctx: AdminContext, actor: User, username: string, reason: string = DEFAULT_CLOSE_REASON): number {
  if (!isAdministrator(actor) && actor.name !== username) throw notAuthorisedObject();
  const conns = openConnections(ctx).filter((c) => c.user === username);
  for (const c of conns) ctx.connections.closeConnection(c.name, reason);
  return conns.length;
}

/**
 * A TLS session in the terms of Erlang's ssl:connection_information, which RabbitMQ reports:
 * `tlsv1.3`; key exchange `ecdhe_rsa` (`any` for TLS 1.3 suites), cipher `aes_256_gcm`, and the
 * MAC as hash (`aead` for GCM, CCM and ChaCha20-Poly1305 suites, else `sha`, `sha256`, ...).
 * The suite is read from its IANA name (`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`).
 */
export function tlsDetails(tls: TlsSnapshot): TlsDetails {
  const protocol = (tls.protocol ?? '').toLowerCase();
  const suite = (tls.cipher ?? '').replace(/^TLS_/, '');
  const withAt = suite.indexOf('_WITH_');
  const keyExchange = withAt < 0 ? 'any' : suite.slice(0, withAt).toLowerCase();
  const parts = (withAt < 0 ? suite : suite.slice(withAt + 6)).split('_').filter((p) => p !== '');
  const last = parts.at(-1) ?? '';
  const macPart = /^(SHA\d*|MD5)$/.test(last) ? last.toLowerCase() : '';
  const cipherParts = macPart === '' ? parts : parts.slice(0, -1);
  const cipher = cipherParts.join('_').toLowerCase();
  const aead = /(gcm|ccm|poly1305)/.test(cipher);
  return { protocol, keyExchange, cipher, hash: aead ? 'aead' : macPart };
}
