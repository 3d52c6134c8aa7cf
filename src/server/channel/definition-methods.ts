import type { FieldTable } from '../../amqp/codec/field-table.js';
import { MethodId, type ChannelMethodHandlers } from '../../amqp/spec.generated.js';
import { REPLY_TO } from '../../broker/direct-reply-to.js';
import { isKnownExchangeType } from '../../broker/exchange/exchange-types.js';
import { generateQueueName, isStandardExchange } from '../../broker/vhost.js';
import { exchangeArgument, requireAccess, requireTopicAccess } from './access-checks.js';
import type { Channel } from './channel.js';

const M = MethodId;

/**
 * exchange.* and queue.* methods: declarations, bindings, purge and delete.
 * Errors are thrown by the vhost with RabbitMQ's codes and texts; the channel
 * decides what they close. Permissions are checked here, before the vhost
 * looks for the object (a user without the permission gets 403 even for a
 * missing one), in rabbit_channel's order; each check below says where
 * RabbitMQ puts it relative to the vhost's own refusals.
 */
export const definitionMethods: Pick<
  ChannelMethodHandlers<Channel>,
  | 'ExchangeDeclare'
  | 'ExchangeDelete'
  | 'ExchangeBind'
  | 'ExchangeUnbind'
  | 'QueueDeclare'
  | 'QueueBind'
  | 'QueueUnbind'
  | 'QueuePurge'
  | 'QueueDelete'
> = {
  ExchangeDeclare(ch, a) {
    // RabbitMQ: type check, then the default-exchange refusal (both the vhost's), then configure,
    // then (new exchange only) the reserved name, then read on it and write on its alternate exchange.
    if (!a.passive && a.exchange !== '' && isKnownExchangeType(a.type)) {
      requireAccess(ch, 'configure', 'exchange', a.exchange);
      if (!ch.vhost.exchanges.has(a.exchange) && !a.exchange.startsWith('amq.')) {
        const ae = exchangeArgument(a.arguments ?? {}, 'alternate-exchange');
        if (ae !== undefined) {
          requireAccess(ch, 'read', 'exchange', a.exchange);
          requireAccess(ch, 'write', 'exchange', ae);
        }
      }
    }
    ch.vhost.declareExchange(a.exchange, a.type, {
      passive: a.passive,
      durable: a.durable,
      autoDelete: a.autoDelete,
      internal: a.internal,
      arguments: a.arguments ?? {},
    });
    if (!a.nowait) ch.send(M.ExchangeDeclareOk, {});
  },
  ExchangeDelete(ch, a) {
    // RabbitMQ: "" and the system exchanges are refused (by the vhost) before configure is checked.
    if (a.exchange !== '' && !isStandardExchange(a.exchange)) requireAccess(ch, 'configure', 'exchange', a.exchange);
    ch.vhost.deleteExchange(a.exchange, a.ifUnused);
    if (!a.nowait) ch.send(M.ExchangeDeleteOk, {});
  },
  ExchangeBind(ch, a) {
    checkExchangeBinding(ch, a.destination, a.source, a.routingKey);
    ch.vhost.bindExchange(a.destination, a.source, a.routingKey, a.arguments ?? {});
    if (!a.nowait) ch.send(M.ExchangeBindOk, {});
  },
  ExchangeUnbind(ch, a) {
    checkExchangeBinding(ch, a.destination, a.source, a.routingKey);
    // RabbitMQ 3.10.8: a missing destination or source is unbind-ok, not 404 (as queue.unbind).
    const xs = ch.vhost.exchanges;
    if (xs.has(a.destination) && xs.has(a.source)) ch.vhost.unbindExchange(a.destination, a.source, a.routingKey, a.arguments ?? {});
    if (!a.nowait) ch.send(M.ExchangeUnbindOk, {});
  },
  QueueDeclare(ch, a) {
    // RabbitMQ: the direct reply-to pseudo-queue and live reply addresses "exist", empty, with one consumer.
    if (a.queue.startsWith(REPLY_TO) && ch.vhost.directReplyTo.exists(a.queue)) {
      ch.lastQueue = a.queue;
      if (!a.nowait) ch.send(M.QueueDeclareOk, { queue: a.queue, messageCount: 0, consumerCount: 1 });
      return;
    }
    const name = a.passive && a.queue === '' ? ch.resolveQueue('') : a.queue;
    // RabbitMQ: the reserved amq.* name is refused (by the vhost) before configure; a server-named
    // queue is checked under its generated name.
    const serverName = name === '' && !a.passive ? generateQueueName() : undefined;
    const declaring = !a.passive && !name.startsWith('amq.');
    if (declaring) checkQueueDeclare(ch, serverName ?? name, a.arguments ?? {});
    // RabbitMQ's churn: every active declare that passed the name and permission checks, and the queues it creates.
    const churn = ch.vhost.nodeCounters;
    const existed = ch.vhost.queues.has(name);
    if (declaring) churn.queueDeclared++;
    const q = ch.vhost.declareQueue(
      name,
      { passive: a.passive, durable: a.durable, exclusive: a.exclusive, autoDelete: a.autoDelete, arguments: a.arguments ?? {} },
      ch.conn,
      serverName,
    );
    if (declaring && !existed) churn.queueCreated++;
    if (q.isExclusive && q.exclusiveOwner === ch.conn) ch.conn.ownExclusive(q);
    ch.lastQueue = q.name;
    if (!a.nowait) ch.send(M.QueueDeclareOk, { queue: q.name, messageCount: q.messageCount, consumerCount: q.consumerCount });
  },
  QueueBind(ch, a) {
    const queue = ch.resolveQueue(a.queue);
    // Spec: an empty queue name and routing key both mean the last declared queue.
    const key = a.queue === '' && a.routingKey === '' ? queue : a.routingKey;
    checkQueueBinding(ch, queue, a.exchange, key);
    ch.vhost.bindQueue(queue, a.exchange, key, a.arguments ?? {}, ch.conn);
    if (!a.nowait) ch.send(M.QueueBindOk, {});
  },
  QueueUnbind(ch, a) {
    const queue = ch.resolveQueue(a.queue);
    checkQueueBinding(ch, queue, a.exchange, a.routingKey);
    ch.vhost.unbindQueue(queue, a.exchange, a.routingKey, a.arguments ?? {});
    // queue.unbind has no no-wait flag.
    ch.send(M.QueueUnbindOk, {});
  },
  QueuePurge(ch, a) {
    const queue = ch.resolveQueue(a.queue);
    requireAccess(ch, 'read', 'queue', queue);
    const n = ch.vhost.purgeQueue(queue, ch.conn);
    if (!a.nowait) ch.send(M.QueuePurgeOk, { messageCount: n });
  },
  QueueDelete(ch, a) {
    const queue = ch.resolveQueue(a.queue);
    requireAccess(ch, 'configure', 'queue', queue);
    const n = ch.vhost.deleteQueue(queue, a.ifUnused, a.ifEmpty, ch.conn);
    if (!a.nowait) ch.send(M.QueueDeleteOk, { messageCount: n });
  },
};

/**
 * queue.declare (not passive): configure on the queue; for a queue that does not exist yet with
 * an x-dead-letter-exchange, read on the queue and write on the DLX ("" is amq.default).
 */
function checkQueueDeclare(ch: Channel, name: string, args: FieldTable): void {
  requireAccess(ch, 'configure', 'queue', name);
  if (ch.vhost.queues.has(name)) return;
  const dlx = exchangeArgument(args, 'x-dead-letter-exchange');
  if (dlx === undefined) return;
  requireAccess(ch, 'read', 'queue', name);
  requireAccess(ch, 'write', 'exchange', dlx);
}

/**
 * queue.bind / unbind (rabbit_channel:binding_action): write on the queue, the "" source refused
 * (by the vhost) before read on the exchange, then topic read on the key when the exchange is a
 * topic exchange; existence is the vhost's, last.
 */
function checkQueueBinding(ch: Channel, queue: string, exchange: string, key: string): void {
  requireAccess(ch, 'write', 'queue', queue);
  if (exchange === '') return;
  requireAccess(ch, 'read', 'exchange', exchange);
  const x = ch.vhost.exchanges.get(exchange);
  if (x !== undefined) requireTopicAccess(ch, 'read', x, key);
}

/** exchange.bind / unbind: write on the destination ("" is amq.default), then as queue bindings for the source. */
function checkExchangeBinding(ch: Channel, destination: string, source: string, key: string): void {
  requireAccess(ch, 'write', 'exchange', destination);
  if (destination === '' || source === '') return;
  requireAccess(ch, 'read', 'exchange', source);
  const x = ch.vhost.exchanges.get(source);
  if (x !== undefined) requireTopicAccess(ch, 'read', x, key);
}
