import { writeGetOk } from '../../amqp/frame/content-writer.js';
import { MethodId, type ChannelMethodHandlers } from '../../amqp/spec.generated.js';
import { requireAccess } from './access-checks.js';
import type { Channel } from './channel.js';

/** basic.get: the channel's handler. */
export const getMethods: Pick<ChannelMethodHandlers<Channel>, 'BasicGet'> = {
  BasicGet(ch, a) {
    const queue = ch.resolveQueue(a.queue);
    // RabbitMQ: read on the queue before it is looked up.
    requireAccess(ch, 'read', 'queue', queue);
    get(ch, queue, a.noAck);
  },
};

/**
 * Answers a basic.get with get-ok (the message joins the unacked set unless
 * no-ack) or get-empty. When the next messages' bodies are paged out and being
 * read, the answer waits for them, and the channel's later frames are held
 * (frame-hold.ts) so its replies keep the order of its requests.
 */
function get(ch: Channel, queueName: string, noAck: boolean): void {
  const q = ch.vhost.getQueue(queueName, ch.conn);
  const entry = q.take(noAck);
  if (entry === undefined) {
    if (q.isLoading) {
      ch.heldFrames.start();
      q.whenLoaded(() => ch.heldFrames.release(ch, () => get(ch, queueName, noAck), MethodId.BasicGet));
      return;
    }
    ch.stats.getEmpty++;
    q.stats.getEmpty++;
    ch.stats.queueCell(q).getEmpty++;
    ch.send(MethodId.BasicGetEmpty, { reserved1: '' });
    return;
  }
  const tag = ch.nextDeliveryTag();
  const cs = ch.stats;
  const qs = q.stats;
  const fine = cs.queueCell(q);
  if (!noAck) {
    entry.consumer = null;
    ch.unacked.add(tag, entry);
    ch.ackWatch.delivered(entry);
    cs.get++;
    qs.get++;
    fine.get++;
  } else {
    cs.getNoAck++;
    qs.getNoAck++;
    fine.getNoAck++;
  }
  if (entry.redelivered) {
    cs.redeliver++;
    qs.redeliver++;
    fine.redeliver++;
  }
  writeGetOk(ch.conn.writer, ch.id, tag, entry.redelivered, entry.message, q.messageCount, ch.conn.maxPayload);
}
