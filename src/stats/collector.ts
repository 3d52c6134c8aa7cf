/**
 * The statistics sampler: one unref'd timer, every collect_statistics_interval (RabbitMQ's
 * default 5 s), reads every queue's, exchange's, channel's and connection's counters, records
 * them in their Series (rates and 10 minutes of samples come from there) and sums each vhost's
 * and the node's totals. Nothing is computed per message: the hot path only increments the
 * counters of counters.ts.
 *
 * Queues and exchanges are found through the broker's vhosts. Channels and connections live in
 * server/, which registers their counters here when they open and removes them when they close;
 * a closed channel's or connection's counts are kept in its vhost's totals, as RabbitMQ keeps them.
 */
import type { Broker } from '../broker/broker.js';
import type { ChannelCounters, ConnectionCounters, NodeCounters } from './counters.js';
import { addChannel, CH, CONN, GAUGE, NODE, Q, readChannel, readConnection, readExchange, readNode, readQueue, VH, X } from './layout.js';
import { retireChannelCells, tickChannelCells } from './fine.js';
import { Series, StatsClock } from './series.js';
import { VhostAggregate } from './vhost-aggregate.js';

/** The node's message counters since it started (RabbitMQ's rabbit_global_counters for AMQP 0-9-1). */
export interface NodeTotals {
  /** Publishes received on channels; in confirm mode; routed to queues (one per queue). */
  publish: number;
  receivedConfirm: number;
  routed: number;
  returnUnroutable: number;
  dropUnroutable: number;
  confirm: number;
  /** Open channels that have published (a gauge). */
  publishers: number;
  get: number;
  getNoAck: number;
  deliver: number;
  deliverNoAck: number;
  getEmpty: number;
  redeliver: number;
  ack: number;
}

/** What a StatsCollector samples and how often. */
export interface StatsCollectorOptions {
  readonly broker: Broker;
  /** collect_statistics_interval, ms. */
  readonly intervalMs: number;
  /** Writes the node's resource gauges (GAUGE layout) at each tick; index.ts reads them from the node's resources. */
  readonly nodeGauges?: (out: Float64Array) => void;
}

/** The sampler and the registry of channel and connection counters (one per node). */
export class StatsCollector {
  readonly intervalMs: number;
  /** The sample times every Series shares. */
  readonly clock: StatsClock;
  /** The node's churn and disk counters (the broker's). */
  readonly node: NodeCounters;
  /** The node's sampled churn and disk counters (NODE layout). */
  readonly nodeSeries = new Series(NODE.WIDTH, true);
  /** The node's sampled resource gauges (GAUGE layout; only with StatsCollectorOptions.nodeGauges). */
  readonly gaugeSeries = new Series(GAUGE.WIDTH, true);
  private readonly nodeGauges: ((out: Float64Array) => void) | undefined;
  /** How long the last sample took, ms (the sampler must stay cheap: 10,000 queues in well under 20 ms). */
  lastSampleMs = 0;
  private readonly broker: Broker;
  private readonly channels = new Set<ChannelCounters>();
  private readonly connections = new Set<ConnectionCounters>();
  private readonly vhosts = new Map<string, VhostAggregate>();
  /** Closed channels' counters, node-wide (CH layout; [CH.WIDTH]: receivedConfirm), kept when their vhost is deleted. */
  private readonly retiredChannels = new Float64Array(CH.WIDTH + 1);
  private timer: NodeJS.Timeout | null = null;
  private readonly scratch = new Float64Array(Math.max(Q.WIDTH, CH.WIDTH, X.WIDTH, CONN.WIDTH, NODE.WIDTH, GAUGE.WIDTH));
  private readonly tickLater = (): void => {
    this.timer = null;
    this.sample();
    this.schedule();
  };

  constructor(opts: StatsCollectorOptions) {
    this.broker = opts.broker;
    this.intervalMs = opts.intervalMs;
    this.node = opts.broker.nodeCounters;
    this.clock = new StatsClock(opts.intervalMs);
    this.nodeGauges = opts.nodeGauges;
    // RabbitMQ drops a deleted vhost's statistics with it.
    opts.broker.onVhostDeleted((name) => this.vhosts.delete(name));
  }

  /** Starts sampling at the next multiple of the interval (samples are aligned, as RabbitMQ's are). */
  start(): void {
    if (this.timer === null) this.schedule();
  }

  /** Stops sampling. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const now = Date.now();
    const i = this.intervalMs;
    this.timer = setTimeout(this.tickLater, i - (now % i));
    this.timer.unref();
  }

  // ---- registry (server/ calls these when channels and connections come and go) -----------

  /** A channel of vhost opened. */
  addChannel(c: ChannelCounters, vhost: string): void {
    c.vhost = this.aggregate(vhost);
    this.channels.add(c);
    this.node.channelCreated++;
  }

  /** A channel closed: its counts stay in its vhost's totals. Idempotent. */
  removeChannel(c: ChannelCounters): void {
    if (!this.channels.delete(c)) return;
    this.node.channelClosed++;
    retireChannelCells(c);
    if (c.vhost !== null) addChannel(c, c.vhost.retired);
    addChannel(c, this.retiredChannels);
    this.retiredChannels[CH.WIDTH] += c.receivedConfirm;
  }

  /** A connection was accepted (its octets count from the first byte, before it has a vhost). */
  addConnection(c: ConnectionCounters): void {
    this.connections.add(c);
  }

  /** connection.open succeeded on vhost: the connection's octets count in its totals from now on (handshake included). */
  connectionOpened(c: ConnectionCounters, vhost: string): void {
    c.vhost = this.aggregate(vhost);
    this.node.connectionCreated++;
  }

  /** The socket closed: its octets stay in its vhost's totals. Idempotent. */
  removeConnection(c: ConnectionCounters): void {
    if (!this.connections.delete(c)) return;
    this.node.connectionClosed++;
    const v = c.vhost;
    if (v !== null) {
      v.retired[VH.RECV_OCT] += c.recvOct;
      v.retired[VH.SEND_OCT] += c.sendOct;
    }
  }

  /**
   * POST /api/exchanges/{vhost}/{name}/publish: RabbitMQ publishes on a channel of its own with
   * confirms and mandatory, which opens and closes around the one message, so only the vhost's
   * totals (publish, confirm unless nacked, return_unroutable when not routed) and the churn keep it.
   * The exchange and queues count it themselves when the route calls vhost.publish.
   */
  countHttpPublish(vhost: string, routed: boolean, confirmed: boolean): void {
    const r = this.aggregate(vhost).retired;
    r[VH.PUBLISH]++;
    if (confirmed) r[VH.CONFIRM]++;
    if (!routed) r[VH.RETURN_UNROUTABLE]++;
    this.node.channelCreated++;
    this.node.channelClosed++;
  }

  /** The node's totals now: every channel's counters (closed ones and deleted vhosts' included) and the exchanges' routing. */
  nodeTotals(): NodeTotals {
    const t = Float64Array.from(this.retiredChannels);
    let publishers = 0;
    for (const c of this.channels) {
      addChannel(c, t);
      t[CH.WIDTH] += c.receivedConfirm;
      if (c.publish !== 0) publishers++;
    }
    let routed = this.node.routedOfDeleted;
    for (const vh of this.broker.vhosts.values()) for (const x of vh.exchanges.values()) routed += x.stats.publishOut;
    return {
      publish: t[CH.PUBLISH],
      receivedConfirm: t[CH.WIDTH],
      routed,
      returnUnroutable: t[CH.RETURN_UNROUTABLE],
      dropUnroutable: t[CH.DROP_UNROUTABLE],
      confirm: t[CH.CONFIRM],
      publishers,
      get: t[CH.GET],
      getNoAck: t[CH.GET_NO_ACK],
      deliver: t[CH.DELIVER],
      deliverNoAck: t[CH.DELIVER_NO_ACK],
      getEmpty: t[CH.GET_EMPTY],
      redeliver: t[CH.REDELIVER],
      ack: t[CH.ACK],
    };
  }

  /** The open channels' counters (their fine-grained cells: stats/fine.ts). */
  openChannels(): Iterable<ChannelCounters> {
    return this.channels;
  }

  /** A vhost's totals (undefined for a vhost the collector has not seen: nothing counted there yet). */
  vhostAggregate(name: string): VhostAggregate | undefined {
    return this.vhosts.get(name);
  }

  private aggregate(name: string): VhostAggregate {
    let a = this.vhosts.get(name);
    if (a === undefined) this.vhosts.set(name, (a = new VhostAggregate(name)));
    return a;
  }

  // ---- the sampler ---------------------------------------------------------------------------

  /** Takes one sample of everything (the timer calls it; tests may call it with their own clock). */
  sample(now: number = Date.now()): void {
    const started = performance.now();
    const clock = this.clock;
    const i = this.intervalMs;
    let t = Math.round(now / i) * i;
    if (clock.tick >= 0 && t <= clock.timeOf(clock.tick)) t = clock.timeOf(clock.tick) + 1;
    const tick = clock.advance(t);
    // Each object is read once: its values go to its own series and into its vhost's totals.
    const live = new Set<VhostAggregate>();
    for (const vh of this.broker.vhosts.values()) {
      const a = this.aggregate(vh.name);
      a.sums.set(a.retired);
      live.add(a);
    }
    const v = this.scratch;
    const seconds = i / 1000;
    for (const c of this.channels) {
      readChannel(c, v);
      (c.series ??= new Series(CH.WIDTH, false)).record(clock, tick, v);
      if (c.vhost !== null) addChannel(c, c.vhost.sums);
      if (c.exchangeCells.size !== 0 || c.queueCells.size !== 0) tickChannelCells(c, seconds);
    }
    for (const c of this.connections) {
      readConnection(c, v);
      (c.series ??= new Series(CONN.WIDTH, true)).record(clock, tick, v);
      const sums = c.vhost?.sums;
      if (sums !== undefined) {
        sums[VH.RECV_OCT] += v[CONN.RECV_OCT];
        sums[VH.SEND_OCT] += v[CONN.SEND_OCT];
      }
    }
    for (const vh of this.broker.vhosts.values()) {
      const a = this.aggregate(vh.name);
      const sums = a.sums;
      let ready = 0;
      let unacked = 0;
      for (const q of vh.queues.values()) {
        readQueue(q, v);
        (q.stats.series ??= new Series(Q.WIDTH, false)).record(clock, tick, v);
        ready += v[Q.READY];
        unacked += v[Q.UNACKED];
      }
      sums[VH.READY] = ready;
      sums[VH.UNACKED] = unacked;
      if (vh.queues.size !== 0) a.hadQueue = true;
      for (const x of vh.exchanges.values()) {
        readExchange(x, v);
        (x.stats.series ??= new Series(X.WIDTH, false)).record(clock, tick, v);
      }
    }
    for (const a of live) a.series.record(clock, tick, a.sums);
    readNode(this.node, v);
    this.nodeSeries.record(clock, tick, v);
    if (this.nodeGauges !== undefined) {
      this.nodeGauges(v);
      this.gaugeSeries.record(clock, tick, v);
    }
    this.lastSampleMs = performance.now() - started;
  }

  /**
   * Every vhost's totals now (VH layout): closed channels' and connections' counts, plus the live
   * ones', plus the queues' lengths. One pass over the channels, connections and queues, for the
   * sampler and for a request that shows vhost totals (so they are current, not a tick old).
   */
  liveTotals(): Map<VhostAggregate, Float64Array> {
    const out = new Map<VhostAggregate, Float64Array>();
    for (const vh of this.broker.vhosts.values()) {
      const a = this.aggregate(vh.name);
      const sums = Float64Array.from(a.retired);
      if (vh.queues.size !== 0) a.hadQueue = true;
      for (const q of vh.queues.values()) {
        sums[VH.READY] += q.messageCount;
        sums[VH.UNACKED] += q.unackedCount;
      }
      out.set(a, sums);
    }
    for (const c of this.channels) {
      const sums = c.vhost === null ? undefined : out.get(c.vhost);
      if (sums !== undefined) addChannel(c, sums);
    }
    for (const c of this.connections) {
      const sums = c.vhost === null ? undefined : out.get(c.vhost);
      if (sums !== undefined) {
        sums[VH.RECV_OCT] += c.recvOct;
        sums[VH.SEND_OCT] += c.sendOct;
      }
    }
    return out;
  }
}
