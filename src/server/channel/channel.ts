import { AmqpError, type ChannelError } from '../../amqp/errors.js';
import * as spec from '../../amqp/spec.generated.js';
import type { Consumer, ConsumerOwner } from '../../broker/consumer.js';
import type { ReplyConsumer, ReplyTarget } from '../../broker/direct-reply-to.js';
import { noPreviousQueue, storeWriteFailed, unimplementedMethod } from '../../broker/errors.js';
import type { Message } from '../../broker/message.js';
import type { DurabilityWaiter } from '../../broker/persistence.js';
import type { QueueEntry } from '../../broker/queue/queue-entry.js';
import type { Vhost } from '../../broker/vhost.js';
import type { VhostAccess } from '../../auth/access-table.js';
import { PermissionCache } from '../../auth/permission-cache.js';
import { ChannelCounters } from '../../stats/counters.js';
import type { Connection } from '../connection/connection.js';
import { getMethods } from './basic-get.js';
import { channelMethods } from './channel-methods.js';
import { AckTimeoutWatch } from './consumer-timeout.js';
import { consumerMethods, type ServerConsumer } from './consumers.js';
import { definitionMethods } from './definition-methods.js';
import { deliver, deliverReply, deliveryMethods } from './delivery.js';
import { FrameHold, type FrameTarget } from './frame-hold.js';
import { Publisher, publishMethods } from './publisher.js';
import { Qos, qosMethods } from './qos.js';
import { sendCommitOks, txMethods, type Transaction } from './transaction.js';
import { requeueEntries, Unacked } from './unacked.js';

const M = spec.MethodId;

/**
 * Every method a client may send on a channel, each handled in the file that
 * owns its concern. Typed by the generated ChannelMethodHandlers: a method
 * without a handler, or a handler reading another method's arguments, does not
 * compile. One static table: dispatch makes no closure per channel or message.
 */
const CHANNEL_METHODS: spec.ChannelMethodHandlers<Channel> = {
  ...channelMethods,
  ...publishMethods,
  ...deliveryMethods,
  ...consumerMethods,
  ...getMethods,
  ...qosMethods,
  ...txMethods,
  ...definitionMethods,
};

/**
 * One AMQP channel: its state and what it holds (consumers, unacked
 * deliveries, prefetch, publisher, transaction), the frames it receives
 * dispatched to the method handlers, and its close. Broker operations go to
 * the vhost; AMQP errors thrown by them close this channel (soft) or the
 * connection (hard), which the connection decides.
 */
export class Channel implements ConsumerOwner, DurabilityWaiter, FrameTarget, ReplyTarget {
  readonly id: number;
  readonly conn: Connection;
  /** 'closing': we sent channel.close and discard everything until close-ok. */
  state: 'open' | 'closing' = 'open';
  /** Consumers by tag. */
  readonly consumers = new Map<string, ServerConsumer>();
  /** Unacked deliveries by tag; Map order is tag order (tags only grow). */
  readonly unacked = new Unacked();
  /** basic.qos prefetch limits. */
  readonly qos = new Qos();
  /** Publishing and publisher confirms. */
  readonly publisher: Publisher;
  /** Set by tx.select. */
  tx: Transaction | null = null;
  /** Frames received while a basic.get waits for paged bodies. */
  readonly heldFrames = new FrameHold();
  /** The channel's most recently declared queue, for "" queue names. */
  lastQueue = '';
  /** message_stats counters (the publisher, deliveries, gets and acks increment them; stats/ samples them). */
  readonly stats = new ChannelCounters();
  /** This channel's amq.rabbitmq.reply-to consumer, if any. */
  replyConsumer: ReplyConsumer | null = null;
  /** The consumer (delivery acknowledgement) timeout. */
  readonly ackWatch: AckTimeoutWatch;
  /** This channel's cache of the user's allowed decisions in the vhost (access-checks.ts asks it). */
  readonly permissions: PermissionCache;
  /** The last delivery tag handed out. */
  private lastTag = 0;

  constructor(id: number, conn: Connection) {
    this.id = id;
    this.conn = conn;
    // Channels open only on an open connection, which holds the user's access to its vhost.
    this.permissions = new PermissionCache(conn.access as VhostAccess);
    this.publisher = new Publisher(this);
    this.ackWatch = new AckTimeoutWatch(this, conn.config.consumerTimeout);
  }

  /** The owning connection, for exclusive-queue checks. */
  get connectionOwner(): object {
    return this.conn;
  }

  /** The connection's vhost (set once the connection is open). */
  get vhost(): Vhost {
    return this.conn.vhost as Vhost;
  }

  /** Hands out the next delivery tag (basic.deliver, get-ok). */
  nextDeliveryTag(): number {
    return ++this.lastTag;
  }

  /** The tag the next delivery will get, without using it up (direct reply-to replies). */
  peekDeliveryTag(): number {
    return this.lastTag + 1;
  }

  // ---- frames ------------------------------------------------------------------------------

  /** A method frame for this channel; buf[start..end) is the payload after class/method ids. */
  handleMethod(id: number, buf: Buffer, start: number, end: number): void {
    if (this.heldFrames.active) return this.heldFrames.keep(spec.FRAME_METHOD, id, buf, start, end);
    try {
      this.method(id, buf, start, end);
    } catch (e) {
      // RabbitMQ names the method that caused an error in channel.close / connection.close.
      if (e instanceof AmqpError && e.classId === 0 && e.replyCode !== 505) {
        e.classId = spec.classOf(id);
        e.methodId = spec.methodOf(id);
      }
      throw e;
    }
  }

  private method(id: number, buf: Buffer, start: number, end: number): void {
    if (this.state === 'closing') {
      // Discard until close-ok (spec); a crossing channel.close gets its close-ok.
      if (id === M.ChannelCloseOk) this.conn.channelFinished(this);
      else if (id === M.ChannelClose) this.send(M.ChannelCloseOk, {});
      return;
    }
    const content = this.publisher.content;
    if (content.isActive) throw content.outOfPlace();
    if (spec.dispatchChannelMethod(this, id, buf, start, end, CHANNEL_METHODS)) return;
    // Not a method a server receives: still decoded first (a malformed or unknown one is a 501 / 540 of its own).
    spec.decodeMethod(buf, start - 4, end);
    throw unimplementedMethod(spec.methodName(id));
  }

  /** A content header frame (payload buf[start..end)). */
  handleHeader(buf: Buffer, start: number, end: number): void {
    if (this.heldFrames.active) return this.heldFrames.keep(spec.FRAME_HEADER, 0, buf, start, end);
    if (this.state === 'closing') return;
    this.publisher.header(buf, start, end);
  }

  /** A content body frame. */
  handleBody(buf: Buffer, start: number, end: number): void {
    if (this.heldFrames.active) return this.heldFrames.keep(spec.FRAME_BODY, 0, buf, start, end);
    if (this.state === 'closing') return;
    this.publisher.body(buf, start, end);
  }

  // ---- ConsumerOwner, ReplyTarget ------------------------------------------------------------

  /** True when the channel, its socket and its global prefetch can take another delivery for c now. */
  canDeliver(c: Consumer): boolean {
    // A full socket is recorded by the writer itself, which resumes consumers once it drains.
    return this.state === 'open' && this.conn.writer.writable && this.qos.allows(c, this.unacked.size);
  }

  /** basic.deliver to a consumer of this channel. */
  deliver(c: Consumer, entry: QueueEntry): void {
    deliver(this, c, entry);
  }

  /** A direct reply-to reply for this channel's reply consumer; false once the channel is closing. */
  deliverReply(tagBytes: Buffer, message: Message): boolean {
    return deliverReply(this, tagBytes, message);
  }

  /** The queue was deleted: tell clients that understand basic.cancel from the server. */
  cancelledByBroker(c: Consumer): void {
    if (this.consumers.get(c.tag) !== c) return;
    this.consumers.delete(c.tag);
    if (this.state === 'open' && this.conn.capabilities.consumer_cancel_notify === true) {
      this.send(M.BasicCancel, { consumerTag: c.tag, nowait: true });
    }
  }

  // ---- DurabilityWaiter --------------------------------------------------------------------

  /** Publishes (confirm mode) or commits (tx mode) up to token are on disk. */
  durable(token: number): void {
    if (this.state !== 'open') return;
    if (this.publisher.confirm) {
      this.publisher.confirms.release(token);
      this.conn.confirmPending(this);
      return;
    }
    sendCommitOks(this, token);
  }

  /** The write failed (the store raised its alarm): nack the confirms; a commit fails the connection. */
  failed(token: number): void {
    if (this.state !== 'open') return;
    if (this.publisher.confirm) {
      this.publisher.confirms.fail(token);
      this.conn.confirmPending(this);
      return;
    }
    this.conn.closeWithError(storeWriteFailed());
  }

  /** Called by the connection before each flush: one basic.ack covers every confirm of the tick. */
  flushConfirms(): void {
    this.publisher.flushConfirms();
  }

  // ---- everything else ---------------------------------------------------------------------

  /** "" means the channel's most recently declared queue (404 when there is none). */
  resolveQueue(name: string): string {
    if (name !== '') return name;
    if (this.lastQueue === '') throw noPreviousQueue();
    return this.lastQueue;
  }

  /** FrameTarget: false once the connection is closing or closed. */
  get connectionOpen(): boolean {
    return this.conn.state === 'open';
  }

  /** FrameTarget: a connection error from deferred frame processing. */
  failConnection(e: AmqpError): void {
    this.conn.closeWithError(e);
  }

  /** Sends a method frame on this channel. */
  send(id: number, args: object): void {
    this.conn.writer.write(spec.encodeMethodFrame(this.id, id, args));
  }

  /** A soft error: close the channel with its code and text, then wait for close-ok. */
  closeWithError(e: AmqpError): void {
    this.teardown();
    this.state = 'closing';
    this.send(M.ChannelClose, { replyCode: e.replyCode, replyText: e.replyText, classId: e.classId, methodId: e.methodId });
  }

  /** A delivery stayed unacknowledged past the consumer timeout: close the channel (its messages are requeued). */
  ackTimedOut(e: ChannelError): void {
    if (this.state !== 'open') return;
    this.closeWithError(e);
  }

  /**
   * Releases everything the channel holds: consumers are cancelled (auto-delete
   * queues may go) and unacked messages return to their queues, redelivered.
   */
  teardown(): void {
    this.publisher.content.reset();
    this.tx = null;
    this.ackWatch.stop();
    const vh = this.conn.vhost;
    if (this.replyConsumer !== null) {
      vh?.directReplyTo.remove(this.replyConsumer);
      this.replyConsumer = null;
    }
    for (const c of this.consumers.values()) vh?.consumerRemoved(c);
    this.consumers.clear();
    if (this.unacked.size > 0) requeueEntries(this.unacked.takeAll());
  }
}
