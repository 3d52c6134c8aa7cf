import { fieldTypeOf } from '../../amqp/codec/field-value.js';
import type { FieldTable } from '../../amqp/codec/field-table.js';
import type { PermissionKind, TopicPermissionKind } from '../../auth/permissions.js';
import { accessRefused, topicAccessRefused, type ResourceKind } from '../../broker/errors.js';
import type { Exchange } from '../../broker/exchange/exchange.js';
import type { Channel } from './channel.js';

/**
 * The permission checks of rabbit_channel (3.10.8), as the channel's
 * handlers call them: each asks the channel's PermissionCache and throws
 * RabbitMQ's 403 (which closes the channel only). The order in which a
 * handler calls them is RabbitMQ's (docs/access-control-reference.md).
 */

/** RabbitMQ checks the default exchange ("") under this name (rabbit_channel:check_resource_access). */
export const DEFAULT_EXCHANGE_RESOURCE = 'amq.default';

/** Throws 403 unless the channel's user has `perm` on the queue or exchange `name` ("" exchange: amq.default). */
export function requireAccess(ch: Channel, perm: PermissionKind, kind: ResourceKind, name: string): void {
  const resource = kind === 'exchange' && name === '' ? DEFAULT_EXCHANGE_RESOURCE : name;
  if (!ch.permissions.check(perm, resource)) throw refusal(ch, kind, resource);
}

/** Throws the topic 403 unless the key is allowed through the exchange; only topic exchanges are checked. */
export function requireTopicAccess(ch: Channel, perm: TopicPermissionKind, x: Exchange, key: string): void {
  if (x.type !== 'topic') return;
  if (!ch.permissions.checkTopic(perm, x.name, key)) {
    const conn = ch.conn;
    throw topicAccessRefused(key, x.name, conn.vhost?.name ?? '', conn.user?.name ?? '');
  }
}

/**
 * The exchange name in a longstr argument (`alternate-exchange`,
 * `x-dead-letter-exchange`), or undefined when it is absent or of another
 * type (the vhost then answers with RabbitMQ's 406, which comes first).
 */
export function exchangeArgument(args: FieldTable, key: string): string | undefined {
  if (fieldTypeOf(args, key) !== 'S') return undefined;
  const v = args[key];
  if (typeof v === 'string') return v;
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function refusal(ch: Channel, kind: ResourceKind, resource: string): Error {
  const conn = ch.conn;
  return accessRefused(kind, resource, conn.vhost?.name ?? '', conn.user?.name ?? '');
}
