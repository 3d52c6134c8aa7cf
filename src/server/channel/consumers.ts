import { randomBytes } from 'node:crypto';
import { MethodId, type BasicConsumeArgs, type ChannelMethodHandlers } from '../../amqp/spec.generated.js';
import { Consumer } from '../../broker/consumer.js';
import { REPLY_TO } from '../../broker/direct-reply-to.js';
import { consumerTagReused, exclusiveConsumerInUse } from '../../broker/errors.js';
import type { ChannelQueueCell } from '../../stats/counters.js';
import { requireAccess } from './access-checks.js';
import type { Channel } from './channel.js';

const M = MethodId;

/** A consumer as the server keeps it: the domain consumer plus its tag pre-encoded for basic.deliver. */
export class ServerConsumer extends Consumer {
  tagBytes: Buffer = Buffer.alloc(0);
  /** Its channel×queue statistics cell (deliveries and their acks count there without a lookup); set at basic.consume. */
  cell!: ChannelQueueCell;
}

/** basic.consume and basic.cancel: the channel's handlers. */
export const consumerMethods: Pick<ChannelMethodHandlers<Channel>, 'BasicConsume' | 'BasicCancel'> = {
  BasicConsume(ch, a) {
    if (a.queue === REPLY_TO) { consumeReplyTo(ch, a); return; }
    const name = ch.resolveQueue(a.queue);
    // RabbitMQ: read on the queue before it is looked up.
    requireAccess(ch, 'read', 'queue', name);
    const queue = ch.vhost.getQueue(name, ch.conn);
    const tag = consumerTag(ch, a.consumerTag);
    if (queue.consumers.some((c) => c.exclusive) || (a.exclusive && queue.consumerCount > 0)) {
      throw exclusiveConsumerInUse(queue.name, queue.vhost);
    }
    const args = a.arguments ?? {};
    const prio = args['x-priority'];
    const c = new ServerConsumer(tag, queue, ch, {
      noAck: a.noAck,
      exclusive: a.exclusive,
      priority: typeof prio === 'number' ? prio : typeof prio === 'bigint' ? Number(prio) : 0,
      prefetch: ch.qos.prefetch,
      arguments: args,
    });
    c.tagBytes = Buffer.from(tag, 'utf8');
    c.cell = ch.stats.queueCell(queue);
    ch.consumers.set(tag, c);
    // consume-ok goes out before the first delivery: addConsumer only schedules dispatch.
    if (!a.nowait) ch.send(M.BasicConsumeOk, { consumerTag: tag });
    queue.addConsumer(c);
  },
  BasicCancel(ch, a) {
    const rc = ch.replyConsumer;
    if (rc !== null && rc.tag === a.consumerTag) {
      ch.vhost.directReplyTo.remove(rc);
      ch.replyConsumer = null;
    }
    const c = ch.consumers.get(a.consumerTag);
    if (c !== undefined) {
      ch.consumers.delete(a.consumerTag);
      ch.vhost.consumerRemoved(c);
    }
    if (!a.nowait) ch.send(M.BasicCancelOk, { consumerTag: a.consumerTag });
  },
};

/** The tag a basic.consume asked for, or a server-generated one for ""; 530 when the channel already uses it. */
function consumerTag(ch: Channel, asked: string): string {
  if (asked === '') return 'amq.ctag-' + randomBytes(16).toString('base64url');
  if (ch.consumers.has(asked)) throw consumerTagReused(asked);
  return asked;
}

/** basic.consume of the direct reply-to pseudo-queue: no queue, just a reply address for this channel. */
function consumeReplyTo(ch: Channel, a: BasicConsumeArgs): void {
  const tag = consumerTag(ch, a.consumerTag);
  ch.replyConsumer = ch.vhost.directReplyTo.consume(ch, tag, a.noAck, ch.replyConsumer);
  if (!a.nowait) ch.send(M.BasicConsumeOk, { consumerTag: tag });
}
