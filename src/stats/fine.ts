/**
 * Fine-grained statistics (RabbitMQ's channel_exchange_metrics, channel_queue_metrics and
 * channel_queue_exchange_metrics): the per-pair cells of counters.ts, their rates (taken by the
 * sampler each interval, never on the hot path), what a closed channel leaves behind, and the
 * JSON lists of the single-object management answers: a channel's `publishes` (per exchange) and
 * `deliveries` (per queue), a queue's `incoming` (per exchange) and `deliveries` (per channel),
 * an exchange's `incoming` (per channel) and `outgoing` (per queue). Each element is RabbitMQ
 * 3.10.8's `{stats: {count, count_details: {rate}}, <id>}` (rabbit_mgmt_db:detail_stats).
 */
import type { ChannelCounters, ChannelExchangeCell, ChannelQueueCell, FineQueue, FineRates } from './counters.js';
import type { StatsJson } from './render.js';

/** Records a cell's values and its rates per second since the last tick. */
function tick(r: FineRates, v: number[], seconds: number): void {
  const prev = r.prev;
  if (prev !== null) r.rates = v.map((x, i) => (x - prev[i]) / seconds);
  r.prev = v;
}

/** The sampler's tick for one channel's cells: deleted queues' cells dropped, the rest's rates taken. */
export function tickChannelCells(c: ChannelCounters, seconds: number): void {
  c.pruneDeleted();
  for (const x of c.exchangeCells.values()) {
    tick(x.rates, x.values(), seconds);
    for (const qx of x.queues.values()) tick(qx.rates, qx.values(), seconds);
  }
  for (const q of c.queueCells.values()) tick(q.rates, q.values(), seconds);
}

/**
 * A channel closed: its publishes per queue and exchange stay in the queue's `incoming` and the
 * exchange's `outgoing` (RabbitMQ's queue_exchange_stats outlive the channel); its per-channel
 * rows go with it.
 */
export function retireChannelCells(c: ChannelCounters): void {
  for (const x of c.exchangeCells.values()) {
    const xs = x.exchange.stats;
    for (const qx of x.queues.values()) {
      const q = qx.queue;
      if (q.deleted || qx.publish === 0) continue;
      const inc = (q.stats.retiredIncoming ??= new Map<string, number>());
      inc.set(x.exchange.name, (inc.get(x.exchange.name) ?? 0) + qx.publish);
      const out = (xs.retiredOutgoing ??= new Map<FineQueue, number>());
      if (out.size >= xs.retiredPruneAt) pruneRetired(xs, out);
      out.set(q, (out.get(q) ?? 0) + qx.publish);
    }
  }
}

/**
 * Drops the deleted queues from an exchange's retired outgoing counts (a churning client's exclusive
 * queues are deleted just after its channels retire into them). Amortised: the next prune waits
 * until the map has doubled, so each retirement costs O(1) and the map stays within twice the live
 * queues it names.
 */
function pruneRetired(xs: { retiredPruneAt: number }, out: Map<FineQueue, number>): void {
  for (const q of out.keys()) if (q.deleted) out.delete(q);
  xs.retiredPruneAt = Math.max(64, out.size * 2);
}

const FINE_NAMES = ['publish', 'confirm', 'return_unroutable', 'drop_unroutable'] as const;
const DELIVER_NAMES = ['get', 'get_no_ack', 'deliver', 'deliver_no_ack', 'redeliver', 'ack', 'get_empty'] as const;

function statsOf(names: readonly string[], values: readonly number[], rates: readonly number[] | null): StatsJson {
  const out: StatsJson = {};
  names.forEach((n, i) => {
    out[n] = values[i];
    out[`${n}_details`] = { rate: rates === null ? 0.0 : rates[i] };
  });
  return out;
}

/** A channel×exchange cell's stats (rabbit_mgmt_data_compat: drop_unroutable always there). */
export function exchangeCellStats(x: ChannelExchangeCell): StatsJson {
  return statsOf(FINE_NAMES, x.values(), x.rates.rates);
}

/** A channel×queue cell's stats: the deliver/get group with deliver_get, get_empty filled in. */
export function queueCellStats(q: ChannelQueueCell): StatsJson {
  const v = q.values();
  const r = q.rates.rates;
  const out = statsOf(DELIVER_NAMES.slice(0, 6), v.slice(0, 6), r === null ? null : r.slice(0, 6));
  out.deliver_get = v[0] + v[1] + v[2] + v[3];
  out.deliver_get_details = { rate: r === null ? 0.0 : r[0] + r[1] + r[2] + r[3] };
  out.get_empty = v[6];
  out.get_empty_details = { rate: r === null ? 0.0 : r[6] };
  return out;
}

/** `{name, vhost}`, RabbitMQ's format_detail_id of a resource. */
function resource(r: { readonly name: string; readonly vhost: string }): { name: string; vhost: string } {
  return { name: r.name, vhost: r.vhost };
}

/** A channel's `publishes`: one element per exchange it published to. */
export function channelPublishes(c: Readonly<ChannelCounters>): StatsJson[] {
  return [...c.exchangeCells.values()].map((x) => ({ stats: exchangeCellStats(x), exchange: resource(x.exchange) }));
}

/** A channel's `deliveries`: one element per (live) queue it took messages from. */
export function channelDeliveries(c: Readonly<ChannelCounters>): StatsJson[] {
  const out: StatsJson[] = [];
  for (const q of c.queueCells.values()) if (!q.queue.deleted) out.push({ stats: queueCellStats(q), queue: resource(q.queue) });
  return out;
}

/** The channel's cell for queue q, if it took anything from it. */
export function channelQueueCell(c: Readonly<ChannelCounters>, q: FineQueue): ChannelQueueCell | undefined {
  return c.queueCells.get(q);
}

/** The channel's cell for the exchange of this vhost and name, if it published to it. */
export function channelExchangeCell(c: Readonly<ChannelCounters>, vhost: string, name: string): ChannelExchangeCell | undefined {
  const x = c.exchangeCells.get(name);
  return x !== undefined && x.exchange.vhost === vhost ? x : undefined;
}

/** Publish counts and rates summed by a key. */
class Sums<K> {
  readonly counts = new Map<K, number>();
  readonly rates = new Map<K, number>();
  add(k: K, count: number, rate: number): void {
    this.counts.set(k, (this.counts.get(k) ?? 0) + count);
    this.rates.set(k, (this.rates.get(k) ?? 0) + rate);
  }
}

const publishStats = (count: number, rate: number): StatsJson => ({ publish: count, publish_details: { rate } });

/** A queue's `incoming`: per exchange, what every channel (open or closed) published through it to q. */
export function queueIncoming(channels: Iterable<ChannelCounters>, q: FineQueue): StatsJson[] {
  const sums = new Sums<string>();
  for (const [x, n] of q.stats.retiredIncoming ?? []) sums.add(x, n, 0);
  for (const c of channels) {
    for (const x of c.exchangeCells.values()) {
      const qx = x.queues.get(q);
      if (qx !== undefined) sums.add(x.exchange.name, qx.publish, qx.rates.rates?.[0] ?? 0);
    }
  }
  return [...sums.counts].map(([x, n]) => ({ stats: publishStats(n, sums.rates.get(x) ?? 0), exchange: { name: x, vhost: q.vhost } }));
}

/** An exchange's `outgoing`: per (live) queue, what every channel published through it reached there. */
export function exchangeOutgoing(channels: Iterable<ChannelCounters>, x: { readonly name: string; readonly vhost: string; readonly stats: { retiredOutgoing: Map<FineQueue, number> | null } }): StatsJson[] {
  const sums = new Sums<FineQueue>();
  const retired = x.stats.retiredOutgoing;
  if (retired !== null) {
    for (const [q, n] of retired) {
      if (q.deleted) retired.delete(q);
      else sums.add(q, n, 0);
    }
  }
  for (const c of channels) {
    const cell = c.exchangeCells.get(x.name);
    if (cell === undefined || cell.exchange.vhost !== x.vhost) continue;
    for (const qx of cell.queues.values()) if (!qx.queue.deleted) sums.add(qx.queue, qx.publish, qx.rates.rates?.[0] ?? 0);
  }
  return [...sums.counts].map(([q, n]) => ({ stats: publishStats(n, sums.rates.get(q) ?? 0), queue: resource(q) }));
}
