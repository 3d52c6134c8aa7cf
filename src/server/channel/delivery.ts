import { writeDeliver } from '../../amqp/frame/content-writer.js';
import { MethodId, type ChannelMethodHandlers } from '../../amqp/spec.generated.js';
import type { Consumer } from '../../broker/consumer.js';
import { notImplementedArg } from '../../broker/errors.js';
import type { Message } from '../../broker/message.js';
import type { QueueEntry } from '../../broker/queue/queue-entry.js';
import type { Channel } from './channel.js';
import type { ServerConsumer } from './consumers.js';
import { requeueEntries } from './unacked.js';

/**
 * A channel's deliveries and their settlement: basic.deliver to its consumers
 * (and direct reply-to replies), delivery tags, the unacked set, and
 * basic.ack / reject / nack / recover. In tx mode settlements are held until
 * tx.commit.
 */
export const deliveryMethods: Pick<
  ChannelMethodHandlers<Channel>,
  'BasicAck' | 'BasicReject' | 'BasicNack' | 'BasicRecover' | 'BasicRecoverAsync'
> = {
  BasicAck(ch, a) {
    if (ch.tx !== null) { ch.tx.hold({ kind: 'ack', tag: a.deliveryTag, multiple: a.multiple }); return; }
    ack(ch, a.deliveryTag, a.multiple);
  },
  BasicReject(ch, a) {
    if (ch.tx !== null) { ch.tx.hold({ kind: 'reject', tag: a.deliveryTag, multiple: false, requeue: a.requeue }); return; }
    reject(ch, a.deliveryTag, false, a.requeue);
  },
  BasicNack(ch, a) {
    if (ch.tx !== null) { ch.tx.hold({ kind: 'reject', tag: a.deliveryTag, multiple: a.multiple, requeue: a.requeue }); return; }
    reject(ch, a.deliveryTag, a.multiple, a.requeue);
  },
  BasicRecover(ch, a) {
    recover(ch, a.requeue);
    ch.send(MethodId.BasicRecoverOk, {});
  },
  BasicRecoverAsync(ch, a) {
    recover(ch, a.requeue);
  },
};

/** RabbitMQ implements only requeue=true: every unacked delivery goes back, redelivered. */
function recover(ch: Channel, requeue: boolean): void {
  if (!requeue) throw notImplementedArg('requeue=false');
  requeueEntries(ch.unacked.takeAll());
}

/** basic.deliver of entry to c (a consumer of ch); a delivery that needs an ack gets a tag and joins the unacked set. */
export function deliver(ch: Channel, c: Consumer, entry: QueueEntry): void {
  const tag = ch.nextDeliveryTag();
  const cs = ch.stats;
  const qs = entry.queue.stats;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- a channel's consumers are all ServerConsumers (consumers.ts makes them)
  const sc = c as ServerConsumer;
  // The channel×queue cell the consumer holds (channel_queue_metrics): no lookup.
  const fine = sc.cell;
  if (!c.noAck) {
    ch.unacked.add(tag, entry);
    ch.ackWatch.delivered(entry);
    cs.deliver++;
    qs.deliver++;
    fine.deliver++;
  } else {
    cs.deliverNoAck++;
    qs.deliverNoAck++;
    fine.deliverNoAck++;
  }
  // RabbitMQ's redeliver, without a branch: the flag as 0 or 1.
  const again = +entry.redelivered;
  cs.redeliver += again;
  qs.redeliver += again;
  fine.redeliver += again;
  const conn = ch.conn;
  writeDeliver(conn.writer, ch.id, sc.tagBytes, tag, entry.redelivered, entry.message, conn.maxPayload);
}

/** A direct reply-to reply for ch's reply consumer; false once the channel is closing. */
export function deliverReply(ch: Channel, tagBytes: Buffer, message: Message): boolean {
  if (ch.state !== 'open') return false;
  // RabbitMQ 3.10 counts no statistics for direct reply-to replies (no queue delivered them).
  // RabbitMQ 3.10 (deliver_reply) sends the next tag without consuming it: replies need no ack.
  writeDeliver(ch.conn.writer, ch.id, tagBytes, ch.peekDeliveryTag(), false, message, ch.conn.maxPayload);
  return true;
}

/** Settles the deliveries an ack names. */
export function ack(ch: Channel, tag: number, multiple: boolean): void {
  const entries = ch.unacked.collect(tag, multiple);
  const cs = ch.stats;
  for (const e of entries) {
    // A delivery's consumer holds its channel×queue cell; a basic.get's comes from the channel (last one cached).
    // Read before settle, which detaches the entry from its consumer.
    const c = e.consumer;
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- a channel's consumers are all ServerConsumers
    (c !== null ? (c as ServerConsumer).cell : cs.queueCell(e.queue)).ack++;
    e.queue.settle(e);
  }
  cs.ack += entries.length;
  afterSettle(ch);
}

/** Requeues or rejects (dead-letters or drops) the deliveries a reject or nack names. */
export function reject(ch: Channel, tag: number, multiple: boolean, requeue: boolean): void {
  const entries = ch.unacked.collect(tag, multiple);
  if (requeue) requeueEntries(entries);
  else for (const e of entries) e.queue.reject(e);
  afterSettle(ch);
}

/** Capacity was freed: let the channel's consumers' queues deliver again. */
export function afterSettle(ch: Channel): void {
  for (const c of ch.consumers.values()) c.queue.scheduleDispatch();
}
