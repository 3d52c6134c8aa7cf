import { randomBytes } from 'node:crypto';
import { replyConsumerAlreadySet, replyConsumerCannotAck } from './errors.js';
import type { Message } from './message.js';

/** The pseudo-queue a client consumes from (no-ack) and names as reply_to. */
export const REPLY_TO = 'amq.rabbitmq.reply-to';
/** Reply addresses are REPLY_TO + '.' + an opaque key. */
export const REPLY_TO_PREFIX = REPLY_TO + '.';

/** What a reply consumer's replies are handed to: in practice its server channel. */
export interface ReplyTarget {
  /** Sends a reply to the consumer whose tag is tagBytes (UTF-8); false once the channel is closing. */
  deliverReply(tagBytes: Buffer, message: Message): boolean;
}

/** One channel's amq.rabbitmq.reply-to consumer. */
export interface ReplyConsumer {
  readonly target: ReplyTarget;
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
 * routing key goes straight to the consumer, with no queue. Every vhost is
 * created with one (Vhost.directReplyTo); publish consults it only when the
 * default exchange finds no queue. RabbitMQ's pid-based addresses work across
 * vhosts: a broker keeps that by handing all its vhosts the same registry.
 */
export class DirectReplyTo {
  private readonly byAddress = new Map<string, ReplyConsumer>();

  /** Delivers a message whose routing key is a reply address; false when nobody has it. */
  deliver(message: Message): boolean {
    const rc = this.byAddress.get(message.routingKey);
    return rc !== undefined && rc.target.deliverReply(rc.tagBytes, message);
  }

  /** basic.consume of amq.rabbitmq.reply-to on target's channel (errors as RabbitMQ 3.10.8). */
  consume(target: ReplyTarget, tag: string, noAck: boolean, current: ReplyConsumer | null): ReplyConsumer {
    if (!noAck) throw replyConsumerCannotAck();
    if (current !== null) throw replyConsumerAlreadySet();
    const address = REPLY_TO_PREFIX + randomBytes(18).toString('base64url');
    const rc: ReplyConsumer = { target, tag, tagBytes: Buffer.from(tag, 'utf8'), address };
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
