/**
 * The counter holders the hot path embeds: one object per queue, exchange, channel and connection
 * (and one per node for churn), plain integer fields that the publish, deliver and ack paths
 * increment on objects they already hold. Every field is initialised here, so V8 keeps one shape
 * per class. Nothing on the hot path reads them: the sampler (collector.ts) reads them every
 * collect_statistics_interval and the renderers (render.ts) at request time.
 *
 * Which object counts what follows RabbitMQ 3.10.8, where every counter is a channel's
 * (rabbit_channel's ?INCR_STATS): a channel counts its publishes, confirms, unroutable messages,
 * deliveries, gets and acks; a queue counts the same deliveries, gets and acks made from it and the
 * publishes routed to it by channels (not dead-lettered copies); an exchange counts the publishes
 * to it (publish_in) and the queues they reached (publish_out, one per queue). Vhost and node
 * totals are not counted here: the sampler sums them.
 *
 * This file imports nothing at run time: broker/ may import it (and only it) of stats/.
 */
import type { Series } from './series.js';
import type { VhostAggregate } from './vhost-aggregate.js';

/** A queue's message_stats counters (the lengths are read from the queue itself). */
export class QueueCounters {
  /** Messages routed to the queue by a channel's publish (RabbitMQ's queue_exchange_stats publish). */
  publish = 0;
  /** basic.get answered with a message, ack required / no-ack. */
  get = 0;
  getNoAck = 0;
  /** basic.deliver to a consumer, ack required / no-ack. */
  deliver = 0;
  deliverNoAck = 0;
  /** Deliveries and gets of messages marked redelivered. */
  redeliver = 0;
  /** Deliveries acknowledged (basic.ack; not nack or reject). */
  ack = 0;
  /** basic.get answered with get-empty. */
  getEmpty = 0;
  /** The sampler's history (owned by collector.ts; null until the first sample). */
  series: Series | null = null;
  /**
   * The channel×exchange that last published to the queue and its channel×queue×exchange cell:
   * the publish path's one-entry cache (a hit costs a compare), vhost.ts enqueueOn keeps it.
   */
  lastSource: ChannelExchangeCell | null = null;
  lastSourceCell: ChannelQueueExchangeCell | null = null;
  /** Publishes of closed channels, by exchange name (RabbitMQ keeps queue_exchange_stats past the channel). */
  retiredIncoming: Map<string, number> | null = null;
}

/** An exchange's message_stats counters. */
export class ExchangeCounters {
  /** Messages published to the exchange by a channel. */
  publishIn = 0;
  /** Queues those messages were routed to (one per queue reached: a fanout to 3 queues counts 3). */
  publishOut = 0;
  /** The sampler's history (owned by collector.ts). */
  series: Series | null = null;
  /** Publishes of closed channels routed to each queue (the exchange's `outgoing` keeps them). */
  retiredOutgoing: Map<FineQueue, number> | null = null;
  /** retiredOutgoing's size at which its deleted queues are pruned next (so churned queues are not kept). */
  retiredPruneAt = 64;
}

/** A channel's message_stats counters. */
export class ChannelCounters {
  publish = 0;
  /** Publishes confirmed with basic.ack (confirm mode; nacks are not counted). */
  confirm = 0;
  /** Unroutable mandatory publishes returned with basic.return. */
  returnUnroutable = 0;
  /** Unroutable publishes without mandatory, dropped. */
  dropUnroutable = 0;
  get = 0;
  getNoAck = 0;
  deliver = 0;
  deliverNoAck = 0;
  redeliver = 0;
  ack = 0;
  getEmpty = 0;
  /** Publishes made in confirm mode (RabbitMQ's messages_received_confirm; assigned at each confirm flush). */
  receivedConfirm = 0;
  /** The sampler's history (owned by collector.ts). */
  series: Series | null = null;
  /** The totals of the channel's vhost (set when the collector registers the channel). */
  vhost: VhostAggregate | null = null;
  /** Per exchange published to, by name (RabbitMQ's channel_exchange_metrics). */
  readonly exchangeCells = new Map<string, ChannelExchangeCell>();
  /** Per queue delivered, got or acked from (channel_queue_metrics). */
  readonly queueCells = new Map<FineQueue, ChannelQueueCell>();
  private lastQueue: FineQueue | null = null;
  private lastQueueCell: ChannelQueueCell | null = null;

  /** The cell of the exchange of this name, made on the first publish to it. */
  exchangeCell(exchange: FineExchange): ChannelExchangeCell {
    let c = this.exchangeCells.get(exchange.name);
    if (c === undefined) this.exchangeCells.set(exchange.name, (c = new ChannelExchangeCell(exchange)));
    // A re-declared exchange of the same name keeps counting in the same row (RabbitMQ keys by name).
    else c.exchange = exchange;
    return c;
  }

  /** The cell of queue q (a consumer holds its own; basic.get and its acks come through here, the last one cached). */
  queueCell(q: FineQueue): ChannelQueueCell {
    if (this.lastQueue === q) return this.lastQueueCell as ChannelQueueCell;
    let c = this.queueCells.get(q);
    if (c === undefined) this.queueCells.set(q, (c = new ChannelQueueCell(q)));
    this.lastQueue = q;
    this.lastQueueCell = c;
    return c;
  }

  /** Drops the cells of deleted queues (RabbitMQ erases a channel's queue stats when the queue goes); the sampler calls it. */
  pruneDeleted(): void {
    for (const q of this.queueCells.keys()) if (q.deleted) this.queueCells.delete(q);
    if (this.lastQueue?.deleted === true) {
      this.lastQueue = null;
      this.lastQueueCell = null;
    }
    for (const x of this.exchangeCells.values()) for (const q of x.queues.keys()) if (q.deleted) x.queues.delete(q);
  }
}

/** What a fine-grained cell knows of its queue (broker/queue/queue.ts's Queue). */
export interface FineQueue {
  readonly name: string;
  readonly vhost: string;
  readonly deleted: boolean;
  readonly stats: QueueCounters;
}

/** What a fine-grained cell knows of its exchange (broker/exchange/exchange.ts's Exchange). */
export interface FineExchange {
  readonly name: string;
  readonly vhost: string;
  readonly stats: ExchangeCounters;
}

/** A fine-grained cell's rates, per second over the sampler's last interval (collector.ts sets them). */
export class FineRates {
  prev: number[] | null = null;
  rates: number[] | null = null;
}

/**
 * What one channel published to one exchange (channel_exchange_metrics; the channel's `publishes`
 * and the exchange's `incoming`). The publisher caches its last cell: one compare per publish.
 */
export class ChannelExchangeCell {
  publish = 0;
  confirm = 0;
  returnUnroutable = 0;
  dropUnroutable = 0;
  exchange: FineExchange;
  /** Where those publishes were routed, per queue (channel_queue_exchange_metrics). */
  readonly queues = new Map<FineQueue, ChannelQueueExchangeCell>();
  readonly rates = new FineRates();

  constructor(exchange: FineExchange) {
    this.exchange = exchange;
  }

  /** The cell of queue q, made on the first publish routed to it. */
  queueCell(q: FineQueue): ChannelQueueExchangeCell {
    let c = this.queues.get(q);
    if (c === undefined) this.queues.set(q, (c = new ChannelQueueExchangeCell(this, q)));
    return c;
  }

  values(): number[] {
    return [this.publish, this.confirm, this.returnUnroutable, this.dropUnroutable];
  }
}

/** Messages one channel published through one exchange that reached one queue (the queue's `incoming`, the exchange's `outgoing`). */
export class ChannelQueueExchangeCell {
  publish = 0;
  readonly source: ChannelExchangeCell;
  readonly queue: FineQueue;
  readonly rates = new FineRates();

  constructor(source: ChannelExchangeCell, queue: FineQueue) {
    this.source = source;
    this.queue = queue;
  }

  values(): number[] {
    return [this.publish];
  }
}

/** What one channel took from one queue (channel_queue_metrics; the channel's and the queue's `deliveries`). */
export class ChannelQueueCell {
  get = 0;
  getNoAck = 0;
  deliver = 0;
  deliverNoAck = 0;
  redeliver = 0;
  ack = 0;
  getEmpty = 0;
  readonly queue: FineQueue;
  readonly rates = new FineRates();

  constructor(queue: FineQueue) {
    this.queue = queue;
  }

  values(): number[] {
    return [this.get, this.getNoAck, this.deliver, this.deliverNoAck, this.redeliver, this.ack, this.getEmpty];
  }
}

/** A connection's socket counters: RabbitMQ's recv_oct / send_oct and recv_cnt / send_cnt. */
export class ConnectionCounters {
  /** Bytes read from the socket. */
  recvOct = 0;
  /** Bytes handed to the socket. */
  sendOct = 0;
  /** Socket reads ('data' events). */
  recvCnt = 0;
  /** Socket writes. */
  sendCnt = 0;
  /** The sampler's history (owned by collector.ts). */
  series: Series | null = null;
  /** The totals of the connection's vhost (set once connection.open succeeds). */
  vhost: VhostAggregate | null = null;
}

/** The node's churn counters (RabbitMQ's connection_churn_metrics) and its message store's disk operations. */
export class NodeCounters {
  /** Connections opened (connection.open succeeded). */
  connectionCreated = 0;
  /** Connections closed (every accepted socket, as RabbitMQ's reader counts them). */
  connectionClosed = 0;
  channelCreated = 0;
  channelClosed = 0;
  /** Non-passive queue.declare calls (new or existing queue). */
  queueDeclared = 0;
  /** Queues created by queue.declare. */
  queueCreated = 0;
  /** Queues deleted, for any reason (delete, auto-delete, exclusive owner gone, x-expires, vhost deletion). */
  queueDeleted = 0;
  /** publish_out of exchanges deleted so far (with the live ones': RabbitMQ's messages_routed). */
  routedOfDeleted = 0;
  /** Message store reads and writes (RabbitMQ's disk_reads / disk_writes; 0 until the store reports them). */
  diskReads = 0;
  diskWrites = 0;
  /**
   * Login attempts (RabbitMQ's auth_attempt_metrics): AMQP 0-9-1 SASL logins (start-ok answered,
   * whatever the mechanism; an unknown or not offered mechanism is no attempt) and management API
   * requests carrying Basic credentials (warrenctl's local secret not counted: rabbitmqctl logs in
   * through no protocol).
   */
  authAmqpSucceeded = 0;
  authAmqpFailed = 0;
  authHttpSucceeded = 0;
  authHttpFailed = 0;
}
