/**
 * What the management API does on exchanges, queues and bindings is what rabbit_channel does for
 * an AMQP client: RabbitMQ 3.10.8 runs declare/delete/bind/purge through
 * rabbit_channel:handle_method as the HTTP user (rabbit_mgmt_util:direct_request), and get and
 * publish over a direct AMQP connection (with_channel). So the same configure/write/read
 * patterns and topic permissions apply, checked in rabbit_channel's order by the admin/
 * functions that call these helpers, and the broker's AMQP errors come back as the HTTP answers
 * RabbitMQ maps them to:
 *
 * - direct requests: 404 `not_found` with the error's text; a refused permission (403) or a
 *   refused vhost (530) is 401 `Access refused.`; anything else 400 with the text;
 * - over a channel (basic.get): 404 and 401 carry the whole reply text (`NOT_FOUND - ...`),
 *   anything else is 400 `<code> <reply text>`;
 * - publish (the channel dies asynchronously): every error is 400 `<code> <reply text>`;
 * - opening the direct connection (missing vhost, no permission entry): 401 `Access refused.`.
 */
import { fieldTypeOf, type FieldTable } from '../amqp/codec/field-value.js';
import { AmqpError, accessRefused, topicAccessRefused, type ResourceKind } from '../broker/errors.js';
import type { Exchange } from '../broker/exchange/exchange.js';
import type { Vhost } from '../broker/vhost.js';
import type { PermissionKind, TopicPermissionKind } from '../auth/permissions.js';
import type { AdminContext } from './admin-context.js';
import type { User } from './authorization.js';
import { AdminError } from './errors.js';

/** RabbitMQ checks the default exchange ("") under this name. */
export const DEFAULT_EXCHANGE_RESOURCE = 'amq.default';

/** How an operation reaches the broker in RabbitMQ, which decides how its errors read. */
export type Via = 'direct' | 'channel' | 'publish';

/** RabbitMQ's 401 for a refused permission in a direct request, and for a refused direct connection. */
export function accessRefusedReply(): AdminError {
  return new AdminError(401, 'not_authorised', 'Access refused.');
}

/**
 * Runs fn and turns the broker's AMQP errors into RabbitMQ's HTTP answers for that path (see
 * the file comment). Other errors pass through (they are Warren bugs: 500).
 */
export function asHttp<T>(via: Via, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw httpError(via, e);
  }
}

/** The HTTP answer for an error thrown by the broker on that path; non-AMQP errors are returned unchanged. */
export function httpError(via: Via, e: unknown): unknown {
  if (!(e instanceof AmqpError)) return e;
  const code = e.replyCode;
  if (via === 'direct') {
    if (code === 404) return new AdminError(404, 'not_found', e.detail, false);
    if (code === 403 || code === 530) return accessRefusedReply();
    return new AdminError(400, 'bad_request', e.detail, false);
  }
  if (via === 'channel') {
    if (code === 404) return new AdminError(404, 'not_found', e.replyText, false);
    if (code === 403) return new AdminError(401, 'not_authorised', e.replyText, false);
  }
  return new AdminError(400, 'bad_request', `${code} ${e.replyText}`, false);
}

/**
 * One user's permissions in one vhost, checked as rabbit_channel checks them. warrenctl's local
 * administrator (a user in no store) is the node's own internal user: nothing is refused to it,
 * as nothing is to rabbitmqctl.
 */
export class ObjectAccess {
  /** True for an actor that is not a stored user (warrenctl's local login). */
  readonly internal: boolean;

  constructor(
    private readonly ctx: AdminContext,
    readonly user: User,
    readonly vhost: Vhost,
  ) {
    this.internal = ctx.users.get(user.name) !== user;
  }

  /** Throws the broker's 403 unless the user has `perm` on the queue or exchange `name` ("" exchange: amq.default). */
  require(perm: PermissionKind, kind: ResourceKind, name: string): void {
    if (this.internal) return;
    const resource = kind === 'exchange' && name === '' ? DEFAULT_EXCHANGE_RESOURCE : name;
    const access = this.ctx.users.access.find(this.user.name, this.vhost.name);
    if (access === undefined || !access.check(perm, resource)) throw accessRefused(kind, resource, this.vhost.name, this.user.name);
  }

  /** Throws the topic 403 unless the key is allowed through x (topic exchanges only). */
  requireTopic(perm: TopicPermissionKind, x: Exchange, key: string): void {
    if (this.internal || x.type !== 'topic') return;
    const access = this.ctx.users.access.find(this.user.name, this.vhost.name);
    if (access !== undefined && !access.checkTopic(perm, x.name, key)) throw topicAccessRefused(key, x.name, this.vhost.name, this.user.name);
  }

  /** What opening the direct connection of get and publish needs: a permission entry in the vhost; else 401 `Access refused.`. */
  requireConnection(): void {
    if (this.internal) return;
    if (!this.ctx.users.canAccessVhost(this.user, this.vhost.name)) throw accessRefusedReply();
  }
}

/** The exchange name of a longstr argument (alternate-exchange, x-dead-letter-exchange), else undefined. */
export function exchangeArgument(args: FieldTable, key: string): string | undefined {
  // Another type: the broker answers with RabbitMQ's 406, which comes first.
  if (fieldTypeOf(args, key) !== 'S') return undefined;
  const v = args[key];
  if (typeof v === 'string') return v;
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}
