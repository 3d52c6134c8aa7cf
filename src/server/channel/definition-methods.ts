import { MethodId, type ChannelMethodHandlers } from '../../amqp/spec.generated.js';
import { REPLY_TO } from '../../broker/direct-reply-to.js';
import type { Channel } from './channel.js';

const M = MethodId;

/**
 * exchange.* and queue.* methods: declarations, bindings, purge and delete.
 * Errors are thrown by the vhost with RabbitMQ's codes and texts; the channel
 * decides what they close.
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
    ch.vhost.deleteExchange(a.exchange, a.ifUnused);
    if (!a.nowait) ch.send(M.ExchangeDeleteOk, {});
  },
  ExchangeBind(ch, a) {
    ch.vhost.bindExchange(a.destination, a.source, a.routingKey, a.arguments ?? {});
    if (!a.nowait) ch.send(M.ExchangeBindOk, {});
  },
  ExchangeUnbind(ch, a) {
    ch.vhost.unbindExchange(a.destination, a.source, a.routingKey, a.arguments ?? {});
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
    const q = ch.vhost.declareQueue(
      name,
      { passive: a.passive, durable: a.durable, exclusive: a.exclusive, autoDelete: a.autoDelete, arguments: a.arguments ?? {} },
      ch.conn,
    );
    if (q.isExclusive && q.exclusiveOwner === ch.conn) ch.conn.ownExclusive(q);
    ch.lastQueue = q.name;
    if (!a.nowait) ch.send(M.QueueDeclareOk, { queue: q.name, messageCount: q.messageCount, consumerCount: q.consumerCount });
  },
  QueueBind(ch, a) {
    const queue = ch.resolveQueue(a.queue);
    // Spec: an empty queue name and routing key both mean the last declared queue.
    const key = a.queue === '' && a.routingKey === '' ? queue : a.routingKey;
    ch.vhost.bindQueue(queue, a.exchange, key, a.arguments ?? {}, ch.conn);
    if (!a.nowait) ch.send(M.QueueBindOk, {});
  },
  QueueUnbind(ch, a) {
    ch.vhost.unbindQueue(ch.resolveQueue(a.queue), a.exchange, a.routingKey, a.arguments ?? {});
    // queue.unbind has no no-wait flag.
    ch.send(M.QueueUnbindOk, {});
  },
  QueuePurge(ch, a) {
    const n = ch.vhost.purgeQueue(ch.resolveQueue(a.queue), ch.conn);
    if (!a.nowait) ch.send(M.QueuePurgeOk, { messageCount: n });
  },
  QueueDelete(ch, a) {
    const n = ch.vhost.deleteQueue(ch.resolveQueue(a.queue), a.ifUnused, a.ifEmpty, ch.conn);
    if (!a.nowait) ch.send(M.QueueDeleteOk, { messageCount: n });
  },
};
