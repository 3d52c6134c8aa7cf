import { randomBytes } from 'node:crypto';
import { AmqpError, ChannelError, ConnectionError } from '../amqp/errors.js';
import * as spec from '../amqp/spec.generated.js';
import { Consumer, type ConsumerOwner } from '../broker/consumer.js';
import type { Exchange } from '../broker/exchange/exchange.js';
import { Message } from '../broker/message.js';
import type { QueueEntry } from '../broker/queue/queue-entry.js';
import type { Vhost } from '../broker/vhost.js';
import { STORE_REFUSED, type DurabilityWaiter, type MessageStore } from '../broker/persistence.js';
import type { Connection } from './connection.js';
import { writeDeliver, writeGetOk, writeReturn } from './content-writer.js';
import { decodeProperties } from '../amqp/codec/properties.js';
import { readPublishProps, type PublishProps } from '../amqp/codec/publish-props.js';
import { ContentAssembler } from './content-assembler.js';
import { handleDefinitionMethod } from './definition-methods.js';
import { ConfirmTracker } from './confirm-tracker.js';
import { Transaction, type TxTarget } from './transaction.js';
import { requeueEntries, Unacked } from './unacked.js';
import { FrameHold, type FrameTarget } from './frame-hold.js';
import { AckTimeoutWatch } from './consumer-timeout.js';
import { REPLY_TO, withReplyAddress, type ReplyConsumer } from './direct-reply-to.js';


const M = spec.MethodId;

/** A consumer as the server keeps it: the domain consumer plus its tag pre-encoded for basic.deliver. */
class ServerConsumer extends Consumer {
  tagBytes: Buffer = Buffer.alloc(0);
}

/** Property flag bits of user-id, expiration and reply-to. */
const { userId: USER_ID, expiration: EXPIRATION, replyTo: REPLY_TO_FLAG } = spec.BASIC_PROPERTY_FLAGS;


const scratchProps: PublishProps = { persistent: false, priority: 0, headers: undefined, expiration: -1 };

/**
 * One AMQP channel: content assembly, delivery tags and unacked messages,
 * prefetch, publisher confirms and transactions. Broker operations go to the
 * vhost; AMQP errors thrown by them close this channel (soft) or the
 * connection (hard), which the connection decides.
 */
export class Channel implements ConsumerOwner, DurabilityWaiter, FrameTarget {
  readonly id: number;
  readonly conn: Connection;
  /** 'closing': we sent channel.close and discard everything until close-ok. */
  state: 'open' | 'closing' = 'open';
  readonly consumers = new Map<string, ServerConsumer>();
  /** Unacked deliveries by tag; Map order is tag order (tags only grow). */
  readonly unacked = new Unacked();
  /** basic.qos global=false: prefetch for consumers created from now on. */
  prefetch = 0;
  /** basic.qos global=true: limit shared by all consumers of the channel. */
  globalPrefetch = 0;
  confirm = false;
  /** Publisher confirms (confirm mode). */
  readonly confirms = new ConfirmTracker();
  /** Set by tx.select. */
  private tx: Transaction | null = null;
  private readonly txTarget: TxTarget = {
    route: (exchange, message, mandatory) => this.route(exchange, message, mandatory),
    ack: (tag, multiple) => this.ack(tag, multiple),
    reject: (tag, multiple, requeue) => this.reject(tag, multiple, requeue),
  };
  /** Frames received while a basic.get waits for paged bodies. */
  private readonly heldFrames = new FrameHold();
  private nextTag = 0;
  /** The publish whose content is being assembled. */
  private readonly content = new ContentAssembler();
  /** The channel's most recently declared queue, for "" queue names. */
  lastQueue = '';
  /** Counters for statistics. */
  readonly stats = { published: 0, delivered: 0, acked: 0 };
  /** This channel's amq.rabbitmq.reply-to consumer, if any. */
  private replyConsumer: ReplyConsumer | null = null;
  /** The consumer (delivery acknowledgement) timeout. */
  private readonly ackWatch: AckTimeoutWatch;

  constructor(id: number, conn: Connection) {
    this.id = id;
    this.conn = conn;
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

  // ---- frames ------------------------------------------------------------------------------

  /** A method frame for this channel; buf[start..end) is the payload after class/method ids. */
  handleMethod(id: number, buf: Buffer, start: number, end: number): void {
    if (this.heldFrames.active) return this.heldFrames.keep(spec.FRAME_METHOD, id, buf, start, end);
    try {
      this.method(id, buf, start, end);
    } catch (e) {
      // RabbitMQ names the method that caused an error in channel.close / connection.close.
      if (e instanceof AmqpError && e.classId === 0 && e.replyCode !== 505) {
        e.classId = id >>> 16;
        e.methodId = id & 0xffff;
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
    if (this.content.isActive) throw this.content.outOfPlace();
    switch (id) {
      case M.BasicPublish: {
        const a = spec.decodeBasicPublish(buf, start, end);
        if (a.immediate) throw new ConnectionError(540, 'immediate=true', 60, 40);
        return this.content.start(a, buf, start);
      }
      case M.BasicAck: {
        const a = spec.decodeBasicAck(buf, start, end);
        if (this.tx !== null) return this.tx.hold({ kind: 'ack', tag: a.deliveryTag, multiple: a.multiple });
        return this.ack(a.deliveryTag, a.multiple);
      }
      default: {
        const m = spec.decodeMethod(buf, start - 4, end);
        return this.dispatchMethod(m.id, m.args);
      }
    }
  }

  /** A content header frame (payload buf[start..end)). */
  handleHeader(buf: Buffer, start: number, end: number): void {
    if (this.heldFrames.active) return this.heldFrames.keep(spec.FRAME_HEADER, 0, buf, start, end);
    if (this.state === 'closing') return;
    if (this.content.header(buf, start, end, this.conn.config.maxMessageSize)) this.completePublish();
  }

  /** A content body frame. */
  handleBody(buf: Buffer, start: number, end: number): void {
    if (this.heldFrames.active) return this.heldFrames.keep(spec.FRAME_BODY, 0, buf, start, end);
    if (this.state === 'closing') return;
    if (this.content.body(buf, start, end)) this.completePublish();
  }

  // ---- publishing --------------------------------------------------------------------------

  private completePublish(): void {
    const p = this.content;
    const mbuf = p.take();
    let props: PublishProps;
    const flags = p.propsLength >= 2 ? mbuf.readUInt16BE(p.keysLength) : 0;
    try {
      if ((flags & (USER_ID | EXPIRATION)) !== 0) {
        this.checkPublishProps(mbuf.subarray(p.keysLength, p.keysLength + p.propsLength));
      }
      props = readPublishProps(mbuf, p.keysLength, p.propsLength, scratchProps);
    } catch (e) {
      // RabbitMQ answers properties it cannot decode with a bare 541 INTERNAL_ERROR on the connection.
      if (e instanceof AmqpError && e.replyCode === 502) throw new ConnectionError(541, '');
      throw e;
    }
    let message = new Message(
      p.exchange,
      p.routingKey,
      mbuf,
      p.keysLength,
      p.propsLength,
      props.persistent,
      props.priority,
      props.headers,
      props.expiration,
    );
    let exchange: Exchange;
    try {
      exchange = this.vhost.exchangeForPublish(p.exchange);
    } catch (e) {
      if (e instanceof AmqpError) {
        e.classId = 60;
        e.methodId = 40;
      }
      throw e;
    }
    if ((flags & REPLY_TO_FLAG) !== 0) message = withReplyAddress(message, this.replyConsumer);
    this.stats.published++;
    if (this.tx !== null) {
      this.tx.hold({ kind: 'publish', exchange, message, mandatory: p.mandatory });
      return;
    }
    const refused = this.route(exchange, message, p.mandatory);
    if (this.confirm) {
      const seq = this.confirms.next();
      // x-overflow reject-publish: nacked if any queue it was routed to refused it (RabbitMQ).
      if (refused) this.confirms.nack(seq);
      else {
        // Persistence: a message written to a durable queue is confirmed once its batch is on disk.
        const sid = message.storeId;
        if (sid > 0) {
          this.confirms.hold(seq);
          (this.conn.messageStore as MessageStore).waitDurable(this, seq);
        } else if (sid === STORE_REFUSED) this.confirms.nack(seq);
      }
      this.conn.confirmPending(this);
    }
  }

  /** DurabilityWaiter: publishes (confirm mode) or commits (tx mode) up to token are on disk. */
  durable(token: number): void {
    if (this.state !== 'open') return;
    if (this.confirm) {
      this.confirms.release(token);
      this.conn.confirmPending(this);
      return;
    }
    this.sendCommitOks(token);
  }

  /** DurabilityWaiter: the write failed (the store raised its alarm): nack the confirms; a commit fails the connection. */
  failed(token: number): void {
    if (this.state !== 'open') return;
    if (this.confirm) {
      this.confirms.fail(token);
      this.conn.confirmPending(this);
      return;
    }
    this.conn.closeWithError(new ConnectionError(541, 'message store write failed; transaction not committed'));
  }

  /** RabbitMQ validates user-id (must be the connection's user) and expiration (a non-negative integer string). */
  private checkPublishProps(raw: Buffer): void {
    const props = decodeProperties(raw, 0, raw.length);
    const user = this.conn.user?.name ?? '';
    if (props.userId !== undefined && props.userId !== user) {
      throw new ChannelError(406, `user_id property set to '${props.userId}' but authenticated user was '${user}'`, 60, 40);
    }
    const exp = props.expiration;
    if (exp !== undefined) {
      if (!/^-?\d+$/.test(exp)) throw new ChannelError(406, `invalid expiration '${exp}': no_integer`, 60, 40);
      const n = Number(exp);
      if (n < 0) throw new ChannelError(406, `invalid expiration '${exp}': {value_negative,${n}}`, 60, 40);
    }
  }

  /** Routes a publish; returns true when a queue refused it (x-overflow reject-publish). */
  private route(exchange: Exchange, message: Message, mandatory: boolean): boolean {
    const vh = this.vhost;
    const routed = vh.publish(exchange, message);
    if (vh.congestedQueue !== null) {
      this.conn.throttle(vh.congestedQueue);
      vh.congestedQueue = null;
    }
    if (routed === 0 && mandatory) {
      // RabbitMQ: the basic.return goes before the confirm.
      writeReturn(this.conn.writer, this.id, 312, 'NO_ROUTE', message, this.conn.maxPayload);
    }
    const refused = vh.publishRefused;
    vh.publishRefused = false;
    return refused;
  }

  /** Called by the connection before each flush: one basic.ack covers every confirm of the tick. */
  flushConfirms(): void {
    if (this.state !== 'open' || !this.confirms.hasPending) return;
    this.confirms.flush(this.sendConfirm);
  }

  private readonly sendConfirm = (ack: boolean, deliveryTag: number, multiple: boolean): void => {
    if (ack) this.send(M.BasicAck, { deliveryTag, multiple });
    else this.send(M.BasicNack, { deliveryTag, multiple, requeue: false });
  };

  // ---- deliveries (ConsumerOwner) --------------------------------------------------------------

  /** True when the channel and socket can take another delivery for c now. */
  canDeliver(c: Consumer): boolean {
    if (this.state !== 'open') return false;
    if (!this.conn.writer.writable) {
      this.conn.deliveryBlocked = true;
      return false;
    }
    return c.noAck || this.globalPrefetch === 0 || this.unacked.size < this.globalPrefetch;
  }

  /** basic.deliver to a consumer of this channel. */
  deliver(c: Consumer, entry: QueueEntry): void {
    const tag = ++this.nextTag;
    if (!c.noAck) {
      this.unacked.add(tag, entry);
      this.ackWatch.delivered(entry);
    }
    this.stats.delivered++;
    writeDeliver(this.conn.writer, this.id, (c as ServerConsumer).tagBytes, tag, entry.redelivered, entry.message, this.conn.maxPayload);
  }

  /** A direct reply-to reply for this channel's reply consumer; false once the channel is closing. */
  deliverReply(tagBytes: Buffer, message: Message): boolean {
    if (this.state !== 'open') return false;
    this.stats.delivered++;
    // RabbitMQ 3.10 (deliver_reply) sends the next tag without consuming it: replies need no ack.
    writeDeliver(this.conn.writer, this.id, tagBytes, this.nextTag + 1, false, message, this.conn.maxPayload);
    return true;
  }

  /** The queue was deleted: tell clients that understand basic.cancel from the server. */
  cancelledByBroker(c: Consumer): void {
    if (this.consumers.get(c.tag) !== c) return;
    this.consumers.delete(c.tag);
    if (this.state === 'open' && this.conn.capabilities.consumer_cancel_notify === true) {
      this.send(M.BasicCancel, { consumerTag: c.tag, nowait: true });
    }
  }

  // ---- acknowledgements --------------------------------------------------------------------

  private ack(tag: number, multiple: boolean): void {
    const entries = this.unacked.collect(tag, multiple);
    for (const e of entries) e.queue.settle(e);
    this.stats.acked += entries.length;
    this.afterSettle();
  }

  private reject(tag: number, multiple: boolean, requeue: boolean): void {
    const entries = this.unacked.collect(tag, multiple);
    if (requeue) requeueEntries(entries);
    else for (const e of entries) e.queue.reject(e);
    this.afterSettle();
  }

  /** Capacity was freed: let this channel's consumers' queues deliver again. */
  private afterSettle(): void {
    for (const c of this.consumers.values()) c.queue.scheduleDispatch();
  }

  // ---- everything else ---------------------------------------------------------------------

  private dispatchMethod(id: number, a: any): void {
    const vh = this.vhost;
    const owner = this.conn;
    switch (id) {
      case M.ChannelClose:
        this.teardown();
        this.send(M.ChannelCloseOk, {});
        this.conn.channelFinished(this);
        return;
      case M.ChannelCloseOk:
        return; // not closing: nothing to finish
      case M.ChannelFlow:
        if (!a.active) throw new ConnectionError(540, 'active=false');
        return this.send(M.ChannelFlowOk, { active: true });
      case M.ChannelOpen:
        throw new ConnectionError(504, "second 'channel.open' seen");
      case M.AccessRequest:
        return this.send(M.AccessRequestOk, { reserved1: 1 });

      case M.BasicQos:
        if (a.prefetchSize !== 0) throw new ConnectionError(540, `prefetch_size!=0 (${a.prefetchSize})`);
        if (a.global) this.globalPrefetch = a.prefetchCount;
        else this.prefetch = a.prefetchCount;
        this.send(M.BasicQosOk, {});
        this.afterSettle();
        return;
      case M.BasicConsume:
        return this.consume(a);
      case M.BasicCancel: {
        if (this.replyConsumer !== null && this.replyConsumer.tag === a.consumerTag) {
          this.conn.directReplyTo.remove(this.replyConsumer);
          this.replyConsumer = null;
        }
        const c = this.consumers.get(a.consumerTag);
        if (c !== undefined) {
          this.consumers.delete(a.consumerTag);
          vh.consumerRemoved(c);
        }
        if (!a.nowait) this.send(M.BasicCancelOk, { consumerTag: a.consumerTag });
        return;
      }
      case M.BasicGet:
        return this.get(this.resolveQueue(a.queue), a.noAck);
      case M.BasicReject:
        if (this.tx !== null) return this.tx.hold({ kind: 'reject', tag: a.deliveryTag, multiple: false, requeue: a.requeue });
        return this.reject(a.deliveryTag, false, a.requeue);
      case M.BasicNack:
        if (this.tx !== null) return this.tx.hold({ kind: 'reject', tag: a.deliveryTag, multiple: a.multiple, requeue: a.requeue });
        return this.reject(a.deliveryTag, a.multiple, a.requeue);
      case M.BasicRecover:
      case M.BasicRecoverAsync:
        if (!a.requeue) throw new ConnectionError(540, 'requeue=false');
        requeueEntries(this.unacked.takeAll());
        if (id === M.BasicRecover) this.send(M.BasicRecoverOk, {});
        return;

      case M.ConfirmSelect:
        if (this.tx !== null) throw new ChannelError(406, 'cannot switch from tx to confirm mode');
        this.confirm = true;
        if (!a.nowait) this.send(M.ConfirmSelectOk, {});
        return;
      case M.TxSelect:
        if (this.confirm) throw new ChannelError(406, 'cannot switch from confirm to tx mode');
        if (this.tx === null) this.tx = new Transaction();
        return this.send(M.TxSelectOk, {});
      case M.TxCommit:
        if (this.tx === null) throw new ChannelError(406, 'channel is not transactional');
        return this.answerCommit(this.tx.commit(this.txTarget));
      case M.TxRollback:
        if (this.tx === null) throw new ChannelError(406, 'channel is not transactional');
        this.tx.rollback();
        return this.send(M.TxRollbackOk, {});
      default:
        if (handleDefinitionMethod(this, id, a)) return;
        throw new ConnectionError(540, `unimplemented method '${spec.METHOD_NAMES[id] ?? id}'`);
    }
  }

  private consume(a: spec.BasicConsumeArgs): void {
    if (a.queue === REPLY_TO) return this.consumeReplyTo(a);
    const queue = this.vhost.getQueue(this.resolveQueue(a.queue), this.conn);
    let tag = a.consumerTag;
    if (tag === '') tag = 'amq.ctag-' + randomBytes(16).toString('base64url');
    else if (this.consumers.has(tag)) throw new ConnectionError(530, `attempt to reuse consumer tag '${tag}'`);
    if (queue.consumers.some((c) => c.exclusive) || (a.exclusive && queue.consumerCount > 0)) {
      throw new ChannelError(403, `queue '${queue.name}' in vhost '${queue.vhost}' in exclusive use`);
    }
    const args = a.arguments ?? {};
    const prio = args['x-priority'];
    const c = new ServerConsumer(tag, queue, this, {
      noAck: a.noAck,
      exclusive: a.exclusive,
      priority: typeof prio === 'number' ? prio : typeof prio === 'bigint' ? Number(prio) : 0,
      prefetch: this.prefetch,
      arguments: args,
    });
    c.tagBytes = Buffer.from(tag, 'utf8');
    this.consumers.set(tag, c);
    // consume-ok goes out before the first delivery: addConsumer only schedules dispatch.
    if (!a.nowait) this.send(M.BasicConsumeOk, { consumerTag: tag });
    queue.addConsumer(c);
  }

  /** basic.consume of the direct reply-to pseudo-queue: no queue, just a reply address for this channel. */
  private consumeReplyTo(a: spec.BasicConsumeArgs): void {
    let tag = a.consumerTag;
    if (tag === '') tag = 'amq.ctag-' + randomBytes(16).toString('base64url');
    else if (this.consumers.has(tag)) throw new ConnectionError(530, `attempt to reuse consumer tag '${tag}'`);
    this.replyConsumer = this.conn.directReplyTo.consume(this, tag, a.noAck, this.replyConsumer);
    if (!a.nowait) this.send(M.BasicConsumeOk, { consumerTag: tag });
  }

  private get(queueName: string, noAck: boolean): void {
    const q = this.vhost.getQueue(queueName, this.conn);
    const entry = q.take(noAck);
    if (entry === undefined) {
      if (q.isLoading) {
        // The next messages' bodies are paged out and being read: answer once they are in, and hold
        // this channel's later frames until then so its replies keep their order.
        this.heldFrames.start();
        q.whenLoaded(() => this.heldFrames.release(this, () => this.get(queueName, noAck), M.BasicGet));
        return;
      }
      this.send(M.BasicGetEmpty, { reserved1: '' });
      return;
    }
    const tag = ++this.nextTag;
    if (!noAck) {
      entry.consumer = null;
      this.unacked.add(tag, entry);
      this.ackWatch.delivered(entry);
    }
    writeGetOk(this.conn.writer, this.id, tag, entry.redelivered, entry.message, q.messageCount, this.conn.maxPayload);
  }

  /** tx.commit-ok once commit n's writes are durable (and after the commit-oks before it). */
  private answerCommit(n: number): void {
    const store = this.conn.messageStore;
    // Resource alarm: persistent messages of this commit may not have been written.
    if (store !== undefined && store.alarm) return this.failed(n);
    if (store !== undefined && (this.tx as Transaction).mustWait(n, store.hasPendingWrites)) {
      store.waitDurable(this, n);
      return;
    }
    this.sendCommitOks(n);
  }

  private sendCommitOks(n: number): void {
    for (let due = this.tx?.answerUpTo(n) ?? 0; due > 0; due--) this.send(M.TxCommitOk, {});
  }

  /** "" means the channel's most recently declared queue (404 when there is none). */
  resolveQueue(name: string): string {
    if (name !== '') return name;
    if (this.lastQueue === '') throw new ChannelError(404, 'no previously declared queue');
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
    this.content.reset();
    this.tx = null;
    this.ackWatch.stop();
    if (this.replyConsumer !== null) {
      this.conn.directReplyTo.remove(this.replyConsumer);
      this.replyConsumer = null;
    }
    const vh = this.conn.vhost;
    for (const c of this.consumers.values()) vh?.consumerRemoved(c);
    this.consumers.clear();
    if (this.unacked.size > 0) requeueEntries(this.unacked.takeAll());
  }
}
