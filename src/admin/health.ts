/**
 * The health checks (rabbit_mgmt_wm_health_check_*, rabbit_mgmt_wm_healthchecks) and
 * /api/aliveness-test/{vhost} (rabbit_mgmt_wm_aliveness_test): their outcomes with RabbitMQ's
 * bodies. A check answers `{ok: true, body}` (200) or `{ok: false, body}` (503); bad path
 * parameters throw RabbitMQ's 400s. Every check needs a management user (the route
 * authenticates); the aliveness test needs access to the vhost.
 */
import { AmqpError } from '../amqp/errors.js';
import { Message } from '../broker/message.js';
import { accessRefused } from '../broker/errors.js';
import type { Vhost } from '../broker/vhost.js';
import type { AdminContext, ListenerInfo } from './admin-context.js';
import { requireVhostAccess, type User } from './authorization.js';
import { expirationSeconds, expiringListeners } from './certificates.js';
import { identityOf } from './cluster-name.js';
import { AdminError, badRequest, notFound, NotAuthorised } from './errors.js';
import { LOCAL_CREDENTIALS_USER } from './local-credentials.js';
import { nodeListeners } from './overview.js';

/** A check's outcome: 200 with body when ok, else 503 with body. */
export interface CheckResult {
  ok: boolean;
  body: Record<string, unknown>;
}

const OK: CheckResult = { ok: true, body: { status: 'ok' } };

function failed(reason: string, extra: Record<string, unknown> = {}): CheckResult {
  return { ok: false, body: { status: 'failed', reason, ...extra } };
}

/** /health/checks/alarms and /local-alarms (Warren is one node: the cluster's alarms are its own). */
export function alarmsCheck(ctx: AdminContext, local: boolean): CheckResult {
  const resources = ctx.alarms.resources;
  if (resources.length === 0) return OK;
  const node = identityOf(ctx).node;
  const reason = local ? 'There are alarms in effect on the node' : 'There are alarms in effect in the cluster';
  return failed(reason, { alarms: resources.map((resource) => ({ node, resource })) });
}

/** /health/checks/virtual-hosts: a Warren vhost cannot be down while the process answering runs. */
export function virtualHostsCheck(): CheckResult {
  return OK;
}

/**
 * /health/checks/port-listener/{port}: 400 "Invalid port" for a non-integer, 503 with the
 * listening ports when none listens there.
 */
export function portListenerCheck(ctx: AdminContext, raw: string): CheckResult {
  // binary_to_integer/1: an optional sign and digits.
  if (!/^[+-]?\d+$/.test(raw)) throw badRequest('Invalid port');
  const port = Number(raw);
  const listeners = nodeListeners(ctx);
  if (listeners.some((l) => l.port === port)) return { ok: true, body: { status: 'ok', port } };
  return failed('No active listener', { missing: port, ports: listeners.map((l) => l.port) });
}

// rabbit_mgmt_wm_health_check_protocol_listener:normalize_protocol/1's aliases (3.10.8).
const PROTOCOL_ALIASES: Record<string, string> = {
  amqp091: 'amqp', 'amqp0.9.1': 'amqp', 'amqp0-9-1': 'amqp', amqp0_9_1: 'amqp',
  amqp10: 'amqp', 'amqp1.0': 'amqp', 'amqp1-0': 'amqp', amqp1_0: 'amqp', amqps: 'amqp/ssl',
  'mqtt3.1': 'mqtt', 'mqtt3.1.1': 'mqtt', mqtt31: 'mqtt', mqtt311: 'mqtt', mqtt3_1: 'mqtt', mqtt3_1_1: 'mqtt',
  mqtts: 'mqtt/ssl', 'mqtt+tls': 'mqtt/ssl', 'mqtt+ssl': 'mqtt/ssl',
  'stomp1.0': 'stomp', 'stomp1.1': 'stomp', 'stomp1.2': 'stomp', stomp10: 'stomp', stomp11: 'stomp', stomp12: 'stomp',
  stomp1_0: 'stomp', stomp1_1: 'stomp', stomp1_2: 'stomp', stomps: 'stomp/ssl', 'stomp+tls': 'stomp/ssl', 'stomp+ssl': 'stomp/ssl',
  https: 'https', http1: 'http', 'http1.1': 'http', http_api: 'http', management: 'http', management_ui: 'http', ui: 'http',
  cli: 'clustering', distribution: 'clustering',
  webmqtt: 'http/web-mqtt', 'web-mqtt': 'http/web-mqtt', web_mqtt: 'http/web-mqtt',
  'webmqtt/tls': 'https/web-mqtt', 'web-mqtt/tls': 'https/web-mqtt', 'webmqtt/ssl': 'https/web-mqtt', 'web-mqtt/ssl': 'https/web-mqtt',
  'webmqtt+tls': 'https/web-mqtt', 'web-mqtt+tls': 'https/web-mqtt', 'webmqtt+ssl': 'https/web-mqtt', 'web-mqtt+ssl': 'https/web-mqtt',
  webstomp: 'http/web-stomp', 'web-stomp': 'http/web-stomp', web_stomp: 'http/web-stomp',
  'webstomp/tls': 'https/web-stomp', 'web-stomp/tls': 'https/web-stomp', 'webstomp/ssl': 'https/web-stomp', 'web-stomp/ssl': 'https/web-stomp',
  'webstomp+tls': 'https/web-stomp', 'web-stomp+tls': 'https/web-stomp', 'webstomp+ssl': 'https/web-stomp', 'web-stomp+ssl': 'https/web-stomp',
};

/** RabbitMQ's protocol name for a protocol-listener path segment (lower-cased, aliases resolved). */
export function normalizeProtocol(raw: string): string {
  const p = raw.toLowerCase();
  return PROTOCOL_ALIASES[p] ?? p;
}

/** /health/checks/protocol-listener/{protocol}: 503 with the listening protocols when none speaks it. */
export function protocolListenerCheck(ctx: AdminContext, raw: string): CheckResult {
  const protocol = normalizeProtocol(raw);
  const listeners = nodeListeners(ctx);
  if (listeners.some((l) => l.protocol === protocol)) return { ok: true, body: { status: 'ok', protocol } };
  return failed('No active listener', { missing: protocol, protocols: listeners.map((l: ListenerInfo) => l.protocol) });
}

/**
 * /health/checks/certificate-expiration/{within}/{unit}: 400s for a bad number or unit (3.10.8's
 * texts); 503 "Certificates expiring" listing every TLS listener whose certfile or cacertfile has a
 * certificate that expires within the period (admin/certificates.ts reads the files themselves).
 */
export function certificateExpirationCheck(ctx: AdminContext, within: string, unit: string): CheckResult {
  const seconds = expirationSeconds(within, unit);
  const expired = expiringListeners(identityOf(ctx).node, ctx.node?.tlsListeners?.() ?? [], seconds);
  if (expired.length === 0) return OK;
  return failed('Certificates expiring', { expired });
}

/** /health/checks/node-is-quorum-critical and /node-is-mirror-sync-critical: always a single node cluster. */
export function singleNodeCheck(): CheckResult {
  return { ok: true, body: { status: 'ok', reason: 'single node cluster' } };
}

/** /health/checks/is-in-service (RabbitMQ 3.11+): the node serves as long as it answers. */
export function isInServiceCheck(): CheckResult {
  return OK;
}

/** /health/checks/ready-to-serve-clients (RabbitMQ 3.13+): fails only without an AMQP listener. */
export function readyToServeClientsCheck(ctx: AdminContext): CheckResult {
  const amqp = nodeListeners(ctx).filter((l) => l.protocol === 'amqp' || l.protocol === 'amqp/ssl');
  // An in-process context without listener information is serving (its caller is talking to it).
  if (amqp.length === 0 && ctx.node !== undefined) return failed('no active listeners for AMQP/AMQPS');
  return OK;
}

/**
 * /health/checks/below-node-connection-limit (RabbitMQ 3.13+): the open AMQP connections against
 * connection_max, `{status, limit, connections}`; at or past the limit 503 with "node connection
 * limit is reached". `infinity` is never reached (Erlang orders every number before an atom).
 */
export function belowNodeConnectionLimitCheck(ctx: AdminContext): CheckResult {
  const limit = ctx.broker.config.connectionMax;
  const connections = ctx.connections.connectionCount;
  if (limit === 'infinity' || connections < limit) return { ok: true, body: { status: 'ok', limit, connections } };
  return failed('node connection limit is reached', { limit, connections });
}

/** /api/healthchecks/node[/{node}] (3.10.8's deprecated check): 404 for another node's name. */
export function legacyNodeCheck(ctx: AdminContext, node?: string): CheckResult {
  if (node !== undefined && node !== identityOf(ctx).node) throw notFound();
  return OK;
}

const ALIVENESS_QUEUE = 'aliveness-test';
const ALIVENESS_BODY = Buffer.from('test_message');
// The "connection" the aliveness test declares with: not exclusive, so any owner object works.
const ALIVENESS_OWNER = {};

/** A transient message with no properties, published to the default exchange with routing key `queue`. */
function plainMessage(routingKey: string, body: Buffer): Message {
  const rk = Buffer.from(routingKey, 'utf8');
  // Message.raw: [exchange shortstr ""][routing key shortstr][property flags 0x0000, no list][body].
  const raw = Buffer.concat([Buffer.from([0, rk.length]), rk, Buffer.from([0, 0]), body]);
  return new Message('', routingKey, raw, 2 + rk.length, 2, false, 0, undefined, -1);
}

/** The channel-level refusal RabbitMQ's direct client reports (with_channel's exception mapping). */
function channelFailure(e: AmqpError): AdminError {
  if (e.replyCode === 404) return new AdminError(404, 'Object Not Found', e.replyText);
  if (e.replyCode === 403) return new AdminError(401, 'not_authorised', e.replyText);
  return badRequest(`${e.replyCode} ${e.replyText}`);
}

/** What the user may do in the vhost, as the channel would check it; throws 403 as the channel would. */
function checkPermission(ctx: AdminContext, user: User, vhost: Vhost, kind: 'configure' | 'write' | 'read', resourceKind: 'queue' | 'exchange', name: string): void {
  // warrenctl's local administrator is the operator on this machine: it is in no user store.
  if (user.name === LOCAL_CREDENTIALS_USER && ctx.users.get(user.name) === undefined) return;
  const access = ctx.users.access.find(user.name, vhost.name);
  if (access === undefined || !access.check(kind, name)) throw accessRefused(resourceKind, name, vhost.name, user.name);
}

/**
 * /api/aliveness-test/{vhost}: as RabbitMQ, as the requesting user, declares the (transient)
 * `aliveness-test` queue, publishes "test_message" to it through the default exchange and gets
 * it back without ack; the queue stays (a frequent probe should not churn definitions).
 * 401 without access to the vhost ("Access refused." for an administrator without permissions
 * there, as its AMQP connection would be refused), the channel's refusals as RabbitMQ's
 * with_channel reports them, 404 for a missing vhost, 503 when the message does not come back.
 */
export function alivenessTest(ctx: AdminContext, user: User, vhostName: string): CheckResult {
  requireVhostAccess(ctx, user, vhostName);
  const vhost = ctx.broker.getVhost(vhostName);
  if (vhost === undefined) throw notFound();
  const local = user.name === LOCAL_CREDENTIALS_USER && ctx.users.get(user.name) === undefined;
  if (!local && !ctx.users.canAccessVhost(user, vhostName)) throw new NotAuthorised('Access refused.');
  try {
    checkPermission(ctx, user, vhost, 'configure', 'queue', ALIVENESS_QUEUE);
    const q = vhost.declareQueue(ALIVENESS_QUEUE, { passive: false, durable: false, exclusive: false, autoDelete: false, arguments: {} }, ALIVENESS_OWNER);
    // Publishing to the default exchange is a write on amq.default (3.10.8).
    checkPermission(ctx, user, vhost, 'write', 'exchange', 'amq.default');
    vhost.publish(vhost.defaultExchange, plainMessage(ALIVENESS_QUEUE, ALIVENESS_BODY));
    checkPermission(ctx, user, vhost, 'read', 'queue', ALIVENESS_QUEUE);
    const entry = q.take(true);
    if (entry === undefined) return failed('aliveness-test queue is empty');
    return OK;
  } catch (e) {
    if (e instanceof AmqpError) throw channelFailure(e);
    throw e;
  }
}
