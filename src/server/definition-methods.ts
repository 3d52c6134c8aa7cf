import * as spec from '../amqp/spec.generated.js';
import type { Channel } from './channel.js';
import { REPLY_TO } from './direct-reply-to.js';

const M = spec.MethodId;

/**
 * exchange.* and queue.* methods: declarations, bindings, purge and delete.
 * Returns false for any other method. Errors are thrown by the vhost with
 * RabbitMQ's codes and texts; the channel decides what they close.
 */
export function handleDefinitionMethod(ch: Channel, id: number, a: any): boolean {
  switch (id) {
    case M.ExchangeDeclare: {
      ch.vhost.declareExchange(a.exchange, a.type, {
        passive: a.passive,
        durable: a.durable,
        autoDelete: a.autoDelete,
        internal: a.internal,
        arguments: a.arguments ?? {},
      });
      if (!a.nowait) ch.send(M.ExchangeDeclareOk, {});
      return true;
    }
    case M.ExchangeDelete:
      ch.vhost.deleteExchange(a.exchange, a.ifUnused);
      if (!a.nowait) ch.send(M.ExchangeDeleteOk, {});
      return true;
    case M.ExchangeBind:
      ch.vhost.bindExchange(a.destination, a.source, a.routingKey, a.arguments ?? {});
      if (!a.nowait) ch.send(M.ExchangeBindOk, {});
      return true;
    case M.ExchangeUnbind:
      ch.vhost.unbindExchange(a.destination, a.source, a.routingKey, a.arguments ?? {});
      if (!a.nowait) ch.send(M.ExchangeUnbindOk, {});
      return true;

    case M.QueueDeclare: {
      // RabbitMQ: the direct reply-to pseudo-queue and live reply addresses "exist", empty, with one consumer.
      if (a.queue.startsWith(REPLY_TO) && ch.conn.directReplyTo.exists(a.queue)) {
        ch.lastQueue = a.queue;
        if (!a.nowait) ch.send(M.QueueDeclareOk, { queue: a.queue, messageCount: 0, consumerCount: 1 });
        return true;
      }
      const name = a.passive && a.queue === '' ? ch.resolveQueue('') : a.queue;
      const q = ch.vhost.declareQueue(
        name,
        { passive: a.passive, durable: a.durable, exclusive: a.exclusive, autoDelete: a.autoDelete, arguments: a.arguments ?? {} },
        ch.conn,
      );
      if (q.isExclusive && q.exclusiveOwner === ch.conn) ch.conn.ownExclusive(q);
      ch.lastQueue = q.name;
      if (!a.nowait) {
        ch.send(M.QueueDeclareOk, { queue: q.name, messageCount: q.messageCount, consumerCount: q.consumerCount });
      }
      return true;
    }
    case M.QueueBind: {
      const queue = ch.resolveQueue(a.queue);
      // Spec: an empty queue name and routing key both mean the last declared queue.
      const key = a.queue === '' && a.routingKey === '' ? queue : a.routingKey;
      ch.vhost.bindQueue(queue, a.exchange, key, a.arguments ?? {}, ch.conn);
      if (!a.nowait) ch.send(M.QueueBindOk, {});
      return true;
    }
    case M.QueueUnbind:
      ch.vhost.unbindQueue(ch.resolveQueue(a.queue), a.exchange, a.routingKey, a.arguments ?? {});
      ch.send(M.QueueUnbindOk, {});
      return true;
    case M.QueuePurge: {
      const n = ch.vhost.purgeQueue(ch.resolveQueue(a.queue), ch.conn);
      if (!a.nowait) ch.send(M.QueuePurgeOk, { messageCount: n });
      return true;
    }
    case M.QueueDelete: {
      const n = ch.vhost.deleteQueue(ch.resolveQueue(a.queue), a.ifUnused, a.ifEmpty, ch.conn);
      if (!a.nowait) ch.send(M.QueueDeleteOk, { messageCount: n });
      return true;
    }

    default:
    return false;
  }
}
