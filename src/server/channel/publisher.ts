import { AmqpError } from '../../amqp/errors.js';
import { decodeProperties } from '../../amqp/codec/properties.js';
import { readPublishProps, type PublishProps } from '../../amqp/codec/publish-props.js';
import { writeReturn } from '../../amqp/frame/content-writer.js';
import * as spec from '../../amqp/spec.generated.js';
import {
  expirationNegative,
  expirationNotInteger,
  internalError,
  notImplementedArg,
  txToConfirm,
  userIdMismatch,
} from '../../broker/errors.js';
import type { Exchange } from '../../broker/exchange/exchange.js';
import { Message } from '../../broker/message.js';
import { STORE_REFUSED, type MessageStore } from '../../broker/persistence.js';
import type { Queue } from '../../broker/queue/queue.js';
import { Deque } from '../../broker/queue/deque.js';
import { PublishOutcome, type CongestionSlot } from '../../broker/vhost.js';
import type { ChannelExchangeCell } from '../../stats/counters.js';
import { isImpersonator } from '../../auth/tags.js';
import { requireAccess, requireTopicAccess } from './access-checks.js';
import type { Channel } from './channel.js';
import { ConfirmTracker } from './confirm-tracker.js';
import { ContentAssembler } from './content-assembler.js';
import { withReplyAddress } from './reply-to.js';

const M = spec.MethodId;

/** Consecutive confirm-mode publishes to one exchange: sequence numbers first..last, not yet settled. */
class ConfirmRun {
  readonly cell: ChannelExchangeCell;
  first: number;
  last: number;

  constructor(cell: ChannelExchangeCell, seq: number) {
    this.cell = cell;
    this.first = seq;
    this.last = seq;
  }
}
const { ROUTED, REFUSED, CONGESTED } = PublishOutcome;
/** Property flag bits of user-id, expiration and reply-to. */
const { userId: USER_ID, expiration: EXPIRATION, replyTo: REPLY_TO_FLAG } = spec.BASIC_PROPERTY_FLAGS;
/** basic.return's reply code (and name, its text) for an unroutable mandatory message. */
const NO_ROUTE = 312;
/** One scratch for every channel's publish properties: read and used before the next publish starts. */
const scratchProps: PublishProps = { persistent: false, priority: 0, headers: undefined, expiration: -1 };

/** basic.publish and confirm.select: the channel's handlers. */
export const publishMethods: Pick<spec.ChannelMethodHandlers<Channel>, 'BasicPublish' | 'ConfirmSelect'> = {
  BasicPublish(ch, a, payload, argsStart) {
    // RabbitMQ does not implement immediate (class and method named: it is raised outside the method).
    if (a.immediate) throw notImplementedArg('immediate=true', spec.classOf(M.BasicPublish), spec.methodOf(M.BasicPublish));
    ch.publisher.content.start(a, payload, argsStart);
  },
  ConfirmSelect(ch, a) {
    if (ch.tx !== null) throw txToConfirm();
    ch.publisher.confirm = true;
    if (!a.nowait) ch.send(M.ConfirmSelectOk, {});
  },
};

/**
 * A channel's publishing: the content of each basic.publish assembled into one
 * message, its properties checked as RabbitMQ does, routed through the vhost
 * (or held by a transaction), and in confirm mode its publisher confirm: acked
 * once routed, or once durable when a durable queue stored it; nacked when a
 * queue refused it. A congested queue throttles the connection; an unroutable
 * mandatory message goes back as basic.return.
 */
export class Publisher {
  /** Set by confirm.select. */
  confirm = false;
  /** Publisher confirms (confirm mode). */
  readonly confirms = new ConfirmTracker();
  /** The publish whose content is being assembled. */
  readonly content = new ContentAssembler();
  private readonly ch: Channel;
  /** Where vhost.publish names a congested queue (and finds the channel×exchange cell); reused for every message. */
  private readonly congestion: CongestionSlot = { congestedQueue: null, source: null };
  /** The exchange of the last publish and its channel×exchange cell (the fine-grained stats' one-entry cache). */
  private lastExchange: Exchange | null = null;
  private lastCell: ChannelExchangeCell | null = null;
  /** Confirm-mode publishes not yet confirmed, as runs of consecutive sequence numbers per cell (per-exchange confirms). */
  private readonly confirmRuns = new Deque<ConfirmRun>(4);

  constructor(ch: Channel) {
    this.ch = ch;
  }

  /** A content header frame (payload buf[start..end)). */
  header(buf: Buffer, start: number, end: number): void {
    if (this.content.header(buf, start, end, this.ch.conn.config.maxMessageSize)) this.complete();
  }

  /** A content body frame. */
  body(buf: Buffer, start: number, end: number): void {
    if (this.content.body(buf, start, end)) this.complete();
  }

  /**
   * Routes a publish (now, or at tx.commit); returns the vhost's PublishOutcome bits. Counted as
   * RabbitMQ's deliver_to_queues counts: publish, and return_unroutable or drop_unroutable.
   */
  route(exchange: Exchange, message: Message, mandatory: boolean): number {
    const ch = this.ch;
    let cell = this.lastCell as ChannelExchangeCell;
    if (this.lastExchange !== exchange) {
      cell = ch.stats.exchangeCell(exchange);
      this.lastExchange = exchange;
      this.lastCell = cell;
      this.congestion.source = cell;
    }
    const outcome = ch.vhost.publish(exchange, message, this.congestion);
    ch.stats.publish++;
    cell.publish++;
    if ((outcome & CONGESTED) !== 0) {
      ch.conn.flow.throttle(this.congestion.congestedQueue as Queue);
      this.congestion.congestedQueue = null;
    }
    if ((outcome & ROUTED) === 0) {
      if (mandatory) {
        // RabbitMQ: the basic.return goes before the confirm.
        writeReturn(ch.conn.writer, ch.id, NO_ROUTE, 'NO_ROUTE', message, ch.conn.maxPayload);
        ch.stats.returnUnroutable++;
        cell.returnUnroutable++;
      } else {
        ch.stats.dropUnroutable++;
        cell.dropUnroutable++;
      }
    }
    return outcome;
  }

  /** Called by the connection before each flush: one basic.ack covers every confirm of the tick. */
  flushConfirms(): void {
    if (this.ch.state !== 'open' || !this.confirms.hasPending) return;
    this.confirms.flush(this.sendConfirm);
    // Once per flush, not per message: RabbitMQ's confirm counts the publishes acked.
    const s = this.ch.stats;
    s.confirm = this.confirms.acked;
    s.receivedConfirm = this.confirms.sequenced;
    // The same per exchange: the runs settled on the wire so far (nacks were taken off in sendConfirm).
    const settled = this.confirms.settled;
    const runs = this.confirmRuns;
    while (runs.length !== 0) {
      const r = runs.peek() as ConfirmRun;
      if (r.first > settled) break;
      const upTo = r.last < settled ? r.last : settled;
      r.cell.confirm += upTo - r.first + 1;
      if (upTo === r.last) runs.shift();
      else r.first = upTo + 1;
    }
  }

  private readonly sendConfirm = (ack: boolean, deliveryTag: number, multiple: boolean): void => {
    if (ack) this.ch.send(M.BasicAck, { deliveryTag, multiple });
    else {
      this.ch.send(M.BasicNack, { deliveryTag, multiple, requeue: false });
      // A nack is no confirm: taken off its exchange's count ahead of its run (rare: reject-publish, a failed write).
      const runs = this.confirmRuns;
      for (let i = 0; i < runs.length; i++) {
        const r = runs.at(i) as ConfirmRun;
        if (deliveryTag >= r.first && deliveryTag <= r.last) {
          r.cell.confirm--;
          break;
        }
      }
    }
  };

  private complete(): void {
    const ch = this.ch;
    const p = this.content;
    const mbuf = p.take();
    // RabbitMQ's order: write on the exchange, its existence, internal, topic write on the routing key,
    // then the properties (user-id, expiration).
    let exchange: Exchange;
    try {
      requireAccess(ch, 'write', 'exchange', p.exchange);
      exchange = ch.vhost.exchangeForPublish(p.exchange);
      requireTopicAccess(ch, 'write', exchange, p.routingKey);
    } catch (e) {
      // Raised on the content's last frame, it still names basic.publish.
      if (e instanceof AmqpError) {
        e.classId = spec.classOf(M.BasicPublish);
        e.methodId = spec.methodOf(M.BasicPublish);
      }
      throw e;
    }
    let props: PublishProps;
    const flags = p.propsLength >= 2 ? mbuf.readUInt16BE(p.keysLength) : 0;
    try {
      if ((flags & (USER_ID | EXPIRATION)) !== 0) this.checkProps(mbuf.subarray(p.keysLength, p.keysLength + p.propsLength));
      props = readPublishProps(mbuf, p.keysLength, p.propsLength, scratchProps);
    } catch (e) {
      // RabbitMQ answers properties it cannot decode with a bare 541 INTERNAL_ERROR on the connection.
      if (e instanceof AmqpError && e.replyCode === 502) throw Object.assign(internalError(), { cause: e });
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
    if ((flags & REPLY_TO_FLAG) !== 0) message = withReplyAddress(message, ch.replyConsumer);
    if (ch.tx !== null) {
      ch.tx.hold({ kind: 'publish', exchange, message, mandatory: p.mandatory });
      return;
    }
    const outcome = this.route(exchange, message, p.mandatory);
    if (this.confirm) this.confirmPublish(message, outcome);
  }

  private confirmPublish(message: Message, outcome: number): void {
    const seq = this.confirms.next();
    // Per-exchange confirms: extend the last run (one compare) or start one when the exchange changed.
    const cell = this.lastCell as ChannelExchangeCell;
    const runs = this.confirmRuns;
    const tail = runs.at(runs.length - 1);
    if (tail !== undefined && tail.cell === cell && tail.last === seq - 1) tail.last = seq;
    else runs.push(new ConfirmRun(cell, seq));
    // x-overflow reject-publish: nacked if any queue it was routed to refused it (RabbitMQ).
    if ((outcome & REFUSED) !== 0) this.confirms.nack(seq);
    else {
      // Persistence: a message written to a durable queue is confirmed once its batch is on disk.
      const sid = message.storeId;
      if (sid > 0) {
        this.confirms.hold(seq);
        (this.ch.conn.messageStore as MessageStore).waitDurable(this.ch, seq);
      } else if (sid === STORE_REFUSED) this.confirms.nack(seq);
    }
    this.ch.conn.confirmPending(this.ch);
  }

  /** RabbitMQ validates user-id (must be the connection's user) and expiration (a non-negative integer string). */
  private checkProps(raw: Buffer): void {
    const props = decodeProperties(raw, 0, raw.length);
    const user = this.ch.conn.user;
    const name = user?.name ?? '';
    // RabbitMQ: only the impersonator tag allows another user-id (administrator is not enough).
    if (props.userId !== undefined && props.userId !== name && !isImpersonator(user?.tags ?? [])) throw userIdMismatch(props.userId, name);
    const exp = props.expiration;
    if (exp !== undefined) {
      if (!/^-?\d+$/.test(exp)) throw expirationNotInteger(exp);
      const n = Number(exp);
      if (n < 0) throw expirationNegative(exp, n);
    }
  }
}
