/**
 * Exchanges as the management API sees them (rabbit_mgmt_wm_exchange(s), rabbit_mgmt_wm_exchange_publish
 * in RabbitMQ 3.10.8): listing with RabbitMQ's visibility, declare and delete through the broker's
 * own exchange.declare / exchange.delete (equivalence checks, argument validation, persistence,
 * policies) with rabbit_channel's permission checks, and publishing a message as a mandatory
 * publish over a confirm channel would: `routed` says whether a queue took it.
 */
import type { FieldTable } from '../amqp/codec/field-value.js';
import { encodeProperties, type BasicProperties } from '../amqp/codec/properties.js';
import { isImpersonator } from '../auth/tags.js';
import { expirationNegative, expirationNotInteger, messageTooLarge, userIdMismatch } from '../broker/errors.js';
import type { Exchange } from '../broker/exchange/exchange.js';
import { isKnownExchangeType } from '../broker/exchange/exchange-types.js';
import { Message } from '../broker/message.js';
import { STORE_REFUSED } from '../broker/persistence.js';
import { isStandardExchange, PublishOutcome, type Vhost } from '../broker/vhost.js';
import type { AdminContext } from './admin-context.js';
import { requireVhostAccess, type User } from './authorization.js';
import { AdminError, badRequest, notFound } from './errors.js';
import { jsonArguments, jsonTable } from './json-arguments.js';
import { accessRefusedReply, asHttp, exchangeArgument, httpError, ObjectAccess } from './object-access.js';
import { boolField, checkShortstr, decodeBody, requireKeys, type Body } from './request-body.js';
import { channelExchangeCell, exchangeCellStats, exchangeOutgoing } from '../stats/fine.js';
import { exchangeStats } from '../stats/render.js';
import { channelsWithDetails, detailedRates } from './channels.js';
import { statsRanges, type StatsJson, type StatsRanges } from './stats-query.js';
import { visibleVhosts } from './visibility.js';

/** An exchange as listed. */
export interface ExchangeInfo {
  name: string;
  vhost: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
  /** The policy that applies, if any. */
  policy: string | undefined;
  /** Who declared it: `rmq-internal` for the standard exchanges, the HTTP user for one declared here, else "" (not known). */
  userWhoPerformedAction: string;
  /** Messages published to it, and routed from it (the exchange's own counters). */
  publishIn: number;
  publishOut: number;
  /** Its message_stats in RabbitMQ's JSON (stats/render.ts exchangeStats; `{}` before its first publish), when asked for. */
  stats?: StatsJson;
}

// RabbitMQ records the declaring user with the exchange; Warren knows it for exchanges declared through this API.
const declaredBy = new WeakMap<Exchange, string>();

/** The user RabbitMQ names for exchanges the node creates itself. */
const INTERNAL_USER = 'rmq-internal';

/** One exchange's info; with `stats` (the node and the request's ranges) its message_stats too. */
export function exchangeInfo(x: Exchange, stats?: { ctx: AdminContext; ranges: StatsRanges }): ExchangeInfo {
  const internalOne = x.name === '' || isStandardExchange(x.name);
  return {
    name: x.name,
    vhost: x.vhost,
    type: x.type,
    durable: x.durable,
    autoDelete: x.autoDelete,
    internal: x.internal,
    arguments: x.arguments,
    policy: x.policy?.name,
    userWhoPerformedAction: internalOne ? INTERNAL_USER : (declaredBy.get(x) ?? ''),
    publishIn: x.stats.publishIn,
    publishOut: x.stats.publishOut,
    ...(stats === undefined ? {} : { stats: exchangeStats(stats.ctx.stats, x, stats.ranges) }),
  };
}

/** The vhost, or 404 (GET/DELETE of an object in a missing vhost). */
function vhostOr404(ctx: AdminContext, name: string): Vhost {
  const v = ctx.broker.getVhost(name);
  if (v === undefined) throw notFound();
  return v;
}

/** The vhost for a PUT/POST: 404 `vhost_not_found` when missing (rabbit_mgmt_util:with_vhost_and_props). */
export function vhostForChange(ctx: AdminContext, name: string): Vhost {
  const v = ctx.broker.getVhost(name);
  if (v === undefined) throw new AdminError(404, 'not_found', 'vhost_not_found');
  return v;
}

/** The management API's name for the default exchange in paths. */
function exchangeId(name: string): string {
  return name === 'amq.default' ? '' : name;
}

/**
 * Exchanges of one vhost (404 when it is missing; 401 without access to it) or of every vhost
 * the user may list (administrators: all; others: those they have permissions in). With
 * `statsQuery` (the request's query string) each with its message_stats; a bad range pair is
 * RabbitMQ's 400 invalid_range_parameters (after the 404).
 */
export function listExchanges(ctx: AdminContext, user: User, vhost?: string, statsQuery?: unknown): ExchangeInfo[] {
  const vhosts = vhost === undefined ? visibleVhosts(ctx, user) : [vhostOr404(ctx, authorizedVhost(ctx, user, vhost))];
  const stats = statsQuery === undefined ? undefined : { ctx, ranges: statsRanges(statsQuery, { list: true }) };
  const out: ExchangeInfo[] = [];
  for (const v of vhosts) for (const x of v.exchanges.values()) out.push(exchangeInfo(x, stats));
  return out;
}

function authorizedVhost(ctx: AdminContext, user: User, vhost: string): string {
  requireVhostAccess(ctx, user, vhost);
  return vhost;
}

/** One exchange (`amq.default` names the default exchange), with `statsQuery` its message_stats; 404 when it or its vhost is missing, then 400 for a bad range. */
export function getExchange(ctx: AdminContext, user: User, vhost: string, name: string, statsQuery?: unknown): ExchangeInfo {
  requireVhostAccess(ctx, user, vhost);
  const x = vhostOr404(ctx, vhost).exchanges.get(exchangeId(name));
  if (x === undefined) throw notFound();
  return exchangeInfo(x, statsQuery === undefined ? undefined : { ctx, ranges: statsRanges(statsQuery) });
}

/**
 * PUT /api/exchanges/{vhost}/{name}: exchange.declare with the body's type (default direct),
 * durable, auto_delete, internal (default false) and arguments; true when it was created.
 */
export function putExchange(ctx: AdminContext, user: User, vhost: string, name: string, rawBody: unknown): boolean {
  requireVhostAccess(ctx, user, vhost);
  const v = vhostForChange(ctx, vhost);
  const body = decodeBody(rawBody);
  const id = exchangeId(name);
  const existed = v.exchanges.has(id);
  const type = body.type === undefined ? 'direct' : body.type;
  if (typeof type !== 'string') throw badRequest('type must be a string');
  const durable = boolField(body, 'durable');
  const autoDelete = boolField(body, 'auto_delete');
  const internal = boolField(body, 'internal');
  const args = jsonArguments(body.arguments);
  checkShortstr('exchange', id);
  const access = new ObjectAccess(ctx, user, v);
  const x = asHttp('direct', () => {
    // rabbit_channel's exchange.declare order: the type and the default exchange (the vhost's
    // checks), configure, then for a new exchange the reserved name and read on it / write on its
    // alternate exchange; equivalence last.
    if (id !== '' && isKnownExchangeType(type)) {
      access.require('configure', 'exchange', id);
      if (!existed && !id.startsWith('amq.')) {
        const ae = exchangeArgument(args, 'alternate-exchange');
        if (ae !== undefined) {
          access.require('read', 'exchange', id);
          access.require('write', 'exchange', ae);
        }
      }
    }
    return v.declareExchange(id, type, { passive: false, durable, autoDelete, internal, arguments: args });
  });
  if (!existed) declaredBy.set(x, user.name);
  return !existed;
}

/** DELETE /api/exchanges/{vhost}/{name}[?if-unused=true]: exchange.delete; 404 when it or its vhost is missing. */
export function deleteExchange(ctx: AdminContext, user: User, vhost: string, name: string, ifUnused: boolean): void {
  requireVhostAccess(ctx, user, vhost);
  const v = vhostOr404(ctx, vhost);
  const id = exchangeId(name);
  if (!v.exchanges.has(id)) throw notFound();
  const access = new ObjectAccess(ctx, user, v);
  asHttp('direct', () => {
    // "" and the system exchanges are refused by the vhost before configure is checked.
    if (id !== '' && !isStandardExchange(id)) access.require('configure', 'exchange', id);
    v.deleteExchange(id, ifUnused);
  });
}

// ---- publish -------------------------------------------------------------------------------

const STRING_PROPERTIES: ReadonlyArray<[string, keyof BasicProperties]> = [
  ['content_type', 'contentType'],
  ['content_encoding', 'contentEncoding'],
  ['correlation_id', 'correlationId'],
  ['reply_to', 'replyTo'],
  ['expiration', 'expiration'],
  ['message_id', 'messageId'],
  ['type', 'type'],
  ['user_id', 'userId'],
  ['app_id', 'appId'],
  ['cluster_id', 'clusterId'],
];

/** rabbit_mgmt_format:to_basic_properties: the JSON properties as AMQP basic properties (unknown keys ignored). */
export function basicProperties(json: unknown): BasicProperties {
  if (json === undefined) return {};
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badRequest('properties must be a JSON object');
  const j = json as Record<string, unknown>;
  const p: BasicProperties = {};
  if (j.headers !== undefined) {
    if (typeof j.headers !== 'object' || j.headers === null || Array.isArray(j.headers)) throw badRequest(j.headers === null ? 'null_not_allowed' : 'headers must be a JSON object');
    p.headers = jsonTable(j.headers as Record<string, unknown>);
  }
  const octet = (key: string): number | undefined => {
    const v = j[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) throw badRequest(['not_int', key]);
    return v;
  };
  p.deliveryMode = octet('delivery_mode');
  p.priority = octet('priority');
  if (j.timestamp !== undefined) {
    const t = j.timestamp;
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) throw badRequest(['not_int', 'timestamp']);
    p.timestamp = t;
  }
  for (const [key, prop] of STRING_PROPERTIES) {
    const v = j[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw badRequest(['not_string', key]);
    checkShortstr(key, v);
    (p as Record<string, unknown>)[prop] = v;
  }
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}

function payloadBytes(body: Body): Buffer {
  const payload = body.payload;
  if (typeof payload !== 'string') throw badRequest('payload_not_string');
  const enc = body.payload_encoding;
  if (enc === 'string') return Buffer.from(payload, 'utf8');
  if (enc === 'base64') {
    // rabbit_mgmt_util:b64decode_or_throw: only the base64 alphabet, padded to a multiple of 4.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 !== 0) throw badRequest(['not_base64', payload]);
    return Buffer.from(payload, 'base64');
  }
  throw badRequest(['unsupported_encoding', enc ?? null]);
}

/** The message as the broker holds it: `[exchange][routing key][properties][body]` in one buffer. */
function buildMessage(exchange: string, routingKey: string, props: BasicProperties, body: Buffer): Message {
  const ex = Buffer.from(exchange, 'utf8');
  const rk = Buffer.from(routingKey, 'utf8');
  const propsBytes = encodeProperties(props);
  const keysLength = 2 + ex.length + rk.length;
  const raw = Buffer.allocUnsafe(keysLength + propsBytes.length + body.length);
  raw[0] = ex.length;
  ex.copy(raw, 1);
  raw[1 + ex.length] = rk.length;
  rk.copy(raw, 2 + ex.length);
  propsBytes.copy(raw, keysLength);
  body.copy(raw, keysLength + propsBytes.length);
  const ttl = props.expiration === undefined ? -1 : Number(props.expiration);
  return new Message(exchange, routingKey, raw, keysLength, propsBytes.length, props.deliveryMode === 2, props.priority ?? 0, props.headers, ttl);
}

/** RabbitMQ's answer when the publish is nacked (x-overflow reject-publish, a store failure). */
function rejected(): AdminError {
  return new AdminError(400, 'bad_request', 'rejected Unable to publish message. Check queue limits.', false);
}

/**
 * POST /api/exchanges/{vhost}/{name}/publish: publishes the body's payload (`string` or `base64`)
 * with its routing key and properties, mandatory, and answers once the broker would confirm it
 * (a persistent message in a durable queue: once it is on disk). Resolves with whether it was
 * routed to a queue.
 */
export async function publishMessage(ctx: AdminContext, user: User, vhost: string, name: string, rawBody: unknown): Promise<boolean> {
  requireVhostAccess(ctx, user, vhost);
  const body = decodeBody(rawBody);
  requireKeys(body, ['routing_key', 'properties', 'payload', 'payload_encoding']);
  if (typeof body.payload !== 'string') throw badRequest('payload_not_string');
  const v = ctx.broker.getVhost(vhost);
  // RabbitMQ opens a direct connection to the vhost first: a missing vhost or no permission entry is refused.
  if (v === undefined) throw accessRefusedReply();
  const access = new ObjectAccess(ctx, user, v);
  access.requireConnection();
  const routingKey = body.routing_key;
  if (typeof routingKey !== 'string') throw badRequest('routing_key must be a string');
  checkShortstr('routing_key', routingKey);
  const props = basicProperties(body.properties);
  const payload = payloadBytes(body);
  const id = exchangeId(name);
  let outcome: number;
  let message: Message;
  try {
    // rabbit_channel's basic.publish order: size, write on the exchange, its existence, internal,
    // topic write on the routing key, then user-id and expiration.
    const max = ctx.broker.config.maxMessageSize;
    if (payload.length > max) throw messageTooLarge(payload.length, max);
    access.require('write', 'exchange', id);
    const x = v.exchangeForPublish(id);
    access.requireTopic('write', x, routingKey);
    checkPublishProperties(ctx, user, props);
    message = buildMessage(id, routingKey, props, payload);
    outcome = v.publish(x, message);
  } catch (e) {
    throw httpError('publish', e);
  }
  const routed = (outcome & PublishOutcome.ROUTED) !== 0;
  // The vhost's totals and the churn keep the publish (its own channel's publish, confirm or nack, return).
  if ((outcome & PublishOutcome.REFUSED) !== 0 || message.storeId === STORE_REFUSED) {
    ctx.stats.countHttpPublish(vhost, routed, false);
    throw rejected();
  }
  if (message.storeId > 0) {
    try {
      await durable(ctx);
    } catch (e) {
      ctx.stats.countHttpPublish(vhost, routed, false);
      throw e;
    }
  }
  ctx.stats.countHttpPublish(vhost, routed, true);
  return routed;
}

function checkPublishProperties(ctx: AdminContext, user: User, props: BasicProperties): void {
  // RabbitMQ: only the impersonator tag allows another user-id. warrenctl's local login acts as the node itself.
  const internal = ctx.users.get(user.name) !== user;
  if (props.userId !== undefined && props.userId !== user.name && !internal && !isImpersonator(user.tags)) throw userIdMismatch(props.userId, user.name);
  const exp = props.expiration;
  if (exp !== undefined) {
    if (!/^-?\d+$/.test(exp)) throw expirationNotInteger(exp);
    const n = Number(exp);
    if (n < 0) throw expirationNegative(exp, n);
  }
}

/** Resolves once everything stored so far is on disk; a failed write is RabbitMQ's nack answer. */
function durable(ctx: AdminContext): Promise<void> {
  const store = ctx.broker.store.messages;
  if (store === undefined) return Promise.resolve();
  return new Promise((resolve, reject) => {
    store.waitDurable({ durable: () => resolve(), failed: () => reject(rejected()) }, 0);
  });
}

/**
 * GET /api/exchanges/{vhost}/{name}'s `incoming` (per channel that published to it) and
 * `outgoing` (per queue its publishes reached): empty unless rates_mode is detailed. Called after
 * getExchange (which checked access and existence).
 */
export function exchangeFineStats(ctx: AdminContext, vhost: string, name: string): { incoming: StatsJson[]; outgoing: StatsJson[] } {
  const x = ctx.broker.getVhost(vhost)?.exchanges.get(exchangeId(name));
  if (x === undefined || !detailedRates(ctx)) return { incoming: [], outgoing: [] };
  const incoming: StatsJson[] = [];
  for (const ch of channelsWithDetails(ctx)) {
    const cell = channelExchangeCell(ch.stats, x.vhost, x.name);
    if (cell !== undefined) incoming.push({ stats: exchangeCellStats(cell), channel_details: ch.details });
  }
  return { incoming, outgoing: exchangeOutgoing(ctx.stats.openChannels(), x) };
}
