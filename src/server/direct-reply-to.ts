import { randomBytes } from 'node:crypto';
import { ChannelError } from '../amqp/errors.js';
import type { Message } from '../broker/message.js';
import type { Channel } from './channel.js';
import { decodeProperties } from '../amqp/codec/properties.js';
import { rewriteMessage } from './message-rewrite.js';

/** The pseudo-queue a client consumes from (no-ack) and names as reply_to. */
export const REPLY_TO = 'amq.rabbitmq.reply-to';
/** Reply addresses are REPLY_TO + '.' + an opaque key. */
export const REPLY_TO_PREFIX = REPLY_TO + '.';

/**
 * A publish whose reply_to is amq.rabbitmq.reply-to carries the publishing
 * channel's reply address instead (RabbitMQ maybe_set_fast_reply_to); 406 when
 * that channel has no reply consumer. Other messages are returned as they are.
 */
export function withReplyAddress(message: Message, rc: ReplyConsumer | null): Message {
  const start = message.keysLength;
  if (decodeProperties(message.raw, start, start + message.propsLength).replyTo !== REPLY_TO) return message;
  if (rc === null) throw new ChannelError(406, 'fast reply consumer does not exist', 60, 40);
  return rewriteMessage(message, message.exchange, message.routingKey, (props) => {
    props.replyTo = rc.address;
  });
}

/** One channel's amq.rabbitmq.reply-to consumer. */
export interface ReplyConsumer {
  readonly channel: Channel;
  readonly tag: string;
  readonly tagBytes: Buffer;
  /** The reply_to the channel's requests carry: REPLY_TO_PREFIX + key. */
  readonly address: string;
}

/**
 * RabbitMQ's direct reply-to (https://www.rabbitmq.com/docs/direct-reply-to):
 * a channel consuming amq.rabbitmq.reply-to in no-ack mode gets a reply
 * address; requests it publishes with reply_to amq.rabbitmq.reply-to carry that
 * address instead, and a reply published to the default exchange with it as
 * routing key goes straight to the consumer, with no queue. One registry per
 * AMQP server (addresses work across connections and vhosts, as RabbitMQ's
 * pid-based ones do); vhosts reach it through their directReply hook, which
 * is only consulted when the default exchange finds no queue.
 */
export class DirectReplyTo {
  private readonly byAddress = new Map<string, ReplyConsumer>();

  /** Vhost.directReply: delivers a message whose routing key is a reply address; false when nobody has it. */
  readonly deliver = (message: Message): boolean => {
    const rc = this.byAddress.get(message.routingKey);
    return rc !== undefined && rc.channel.deliverReply(rc.tagBytes, message);
  };

  /** basic.consume of amq.rabbitmq.reply-to on ch (errors as RabbitMQ 3.10.8). */
  consume(ch: Channel, tag: string, noAck: boolean, current: ReplyConsumer | null): ReplyConsumer {
    if (!noAck) throw new ChannelError(406, 'reply consumer cannot acknowledge');
    if (current !== null) throw new ChannelError(406, 'reply consumer already set');
    const address = REPLY_TO_PREFIX + randomBytes(18).toString('base64url');
    const rc: ReplyConsumer = { channel: ch, tag, tagBytes: Buffer.from(tag, 'utf8'), address };
    this.byAddress.set(address, rc);
    return rc;
  }

  /** The consumer was cancelled or its channel closed: its address becomes unroutable. */
  remove(rc: ReplyConsumer): void {
    if (this.byAddress.get(rc.address) === rc) this.byAddress.delete(rc.address);
  }

  /**
   * queue.declare of the pseudo-queue (always "exists", 0 messages, 1
   * consumer) or of a live reply address; false for anything else, which then
   * takes the normal path (404 / 403 reserved prefix).
   */
  exists(name: string): boolean {
    return name === REPLY_TO || this.byAddress.has(name);
  }
}
