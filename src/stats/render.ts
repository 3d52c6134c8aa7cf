/**
 * RabbitMQ 3.10.8's management JSON for statistics (rabbit_mgmt_stats:format_range/6), as
 * fragments admin/ merges into its objects: each count `x` with `x_details: {rate}`, and with a
 * range (`?msg_rates_age=60&msg_rates_incr=5`, ranges.ts) `x_details: {rate, samples, avg_rate,
 * avg}` where `x` itself is the newest sample. Counts without a range are live (RabbitMQ's lag
 * up to one interval); rates and samples come from the sampler (collector.ts).
 *
 * Which keys appear follows RabbitMQ: a group of message_stats (a channel's publish/confirm/
 * return_unroutable/drop_unroutable, the deliver/get group, a queue's publish, an exchange's
 * publish_in and publish_out) only once something was counted in it, and no message_stats key
 * at all without any.
 */
import type { Exchange } from '../broker/exchange/exchange.js';
import type { Queue } from '../broker/queue/queue.js';
import type { StatsCollector } from './collector.js';
import type { ChannelCounters, ConnectionCounters } from './counters.js';
import { CH, CONN, GAUGE, NODE, Q, readChannel, readConnection, readExchange, readNode, readQueue, VH, X } from './layout.js';
import { sampleTimes, type StatsRange, type StatsRanges } from './ranges.js';
import { LIVE_TICK, type Series, type StatsClock } from './series.js';
import type { VhostAggregate } from './vhost-aggregate.js';

/** A JSON fragment with RabbitMQ's keys, to be merged into a management object. */
export type StatsJson = Record<string, unknown>;

/** One reported number: its name and the stored values it adds up. */
interface Field {
  readonly name: string;
  readonly cols: readonly number[];
}

/** One object's (or one vhost's) values now and its sampled history. */
interface Source {
  readonly live: ArrayLike<number>;
  readonly series: Series | null;
}

const f = (name: string, ...cols: number[]): Field => ({ name, cols });

/** RabbitMQ's fine_stats group of a channel or vhost (channel_stats_fine_stats). */
const FINE: readonly Field[] = [
  f('publish', CH.PUBLISH),
  f('confirm', CH.CONFIRM),
  f('return_unroutable', CH.RETURN_UNROUTABLE),
  f('drop_unroutable', CH.DROP_UNROUTABLE),
];
/** The deliver/get group of a channel or vhost (channel_stats_deliver_stats). */
const DELIVER: readonly Field[] = [
  f('get', CH.GET),
  f('get_no_ack', CH.GET_NO_ACK),
  f('deliver', CH.DELIVER),
  f('deliver_no_ack', CH.DELIVER_NO_ACK),
  f('redeliver', CH.REDELIVER),
  f('ack', CH.ACK),
  f('deliver_get', CH.DELIVER, CH.DELIVER_NO_ACK, CH.GET, CH.GET_NO_ACK),
  f('get_empty', CH.GET_EMPTY),
];
const Q_PUBLISH: readonly Field[] = [f('publish', Q.PUBLISH)];
const Q_DELIVER: readonly Field[] = [
  f('get', Q.GET),
  f('get_no_ack', Q.GET_NO_ACK),
  f('deliver', Q.DELIVER),
  f('deliver_no_ack', Q.DELIVER_NO_ACK),
  f('redeliver', Q.REDELIVER),
  f('ack', Q.ACK),
  f('deliver_get', Q.DELIVER, Q.DELIVER_NO_ACK, Q.GET, Q.GET_NO_ACK),
  f('get_empty', Q.GET_EMPTY),
];
const Q_LENGTHS: readonly Field[] = [f('messages', Q.READY, Q.UNACKED), f('messages_ready', Q.READY), f('messages_unacknowledged', Q.UNACKED)];
const VH_LENGTHS: readonly Field[] = [f('messages_ready', VH.READY), f('messages_unacknowledged', VH.UNACKED), f('messages', VH.READY, VH.UNACKED)];
const VH_OCTETS: readonly Field[] = [f('send_oct', VH.SEND_OCT), f('recv_oct', VH.RECV_OCT)];
const X_IN: readonly Field[] = [f('publish_in', X.PUBLISH_IN)];
const X_OUT: readonly Field[] = [f('publish_out', X.PUBLISH_OUT)];
const CONN_OCTETS: readonly Field[] = [f('recv_oct', CONN.RECV_OCT), f('send_oct', CONN.SEND_OCT)];
const DISK: readonly Field[] = [f('disk_reads', NODE.DISK_READS), f('disk_writes', NODE.DISK_WRITES)];
const CHURN: readonly Field[] = [
  f('connection_created', NODE.CONNECTION_CREATED),
  f('connection_closed', NODE.CONNECTION_CLOSED),
  f('channel_created', NODE.CHANNEL_CREATED),
  f('channel_closed', NODE.CHANNEL_CLOSED),
  f('queue_declared', NODE.QUEUE_DECLARED),
  f('queue_created', NODE.QUEUE_CREATED),
  f('queue_deleted', NODE.QUEUE_DELETED),
];

/**
 * A queue's lengths (messages, messages_ready, messages_unacknowledged, each with _details) and
 * its message_stats (publish; get, get_no_ack, deliver, deliver_no_ack, redeliver, ack,
 * deliver_get, get_empty). Parse its ranges with lengthsCeil (RabbitMQ's range_ceil).
 */
export function queueStats(stats: StatsCollector, q: Queue, ranges: StatsRanges): StatsJson {
  const live = new Float64Array(Q.WIDTH);
  readQueue(q, live);
  const src: Source[] = [{ live, series: q.stats.series }];
  const out: StatsJson = {};
  putFields(out, stats.clock, Q_LENGTHS, src, ranges.lengths);
  const ms: StatsJson = {};
  if (live[Q.PUBLISH] !== 0) putFields(ms, stats.clock, Q_PUBLISH, src, ranges.msgRates);
  if (anyNonZero(live, Q_DELIVER)) putFields(ms, stats.clock, Q_DELIVER, src, ranges.msgRates);
  if (Object.keys(ms).length !== 0) out.message_stats = ms;
  return out;
}

/** An exchange's message_stats (publish_in, publish_out), or nothing before its first publish. */
export function exchangeStats(stats: StatsCollector, x: Exchange, ranges: StatsRanges): StatsJson {
  const live = new Float64Array(X.WIDTH);
  readExchange(x, live);
  const src: Source[] = [{ live, series: x.stats.series }];
  const ms: StatsJson = {};
  if (live[X.PUBLISH_IN] !== 0) putFields(ms, stats.clock, X_IN, src, ranges.msgRates);
  if (live[X.PUBLISH_OUT] !== 0) putFields(ms, stats.clock, X_OUT, src, ranges.msgRates);
  return Object.keys(ms).length === 0 ? {} : { message_stats: ms };
}

/** A channel's message_stats (the publish group once it published, the deliver/get group once it consumed or got). */
export function channelStats(stats: StatsCollector, c: Readonly<ChannelCounters>, ranges: StatsRanges): StatsJson {
  const live = new Float64Array(CH.WIDTH);
  readChannel(c, live);
  const ms = messageStats(stats.clock, [{ live, series: c.series }], ranges.msgRates);
  return Object.keys(ms).length === 0 ? {} : { message_stats: ms };
}

/** A connection's recv_oct, send_oct (with _details: RabbitMQ's data_rates) and recv_cnt, send_cnt. */
export function connectionStats(stats: StatsCollector, c: Readonly<ConnectionCounters>, ranges: StatsRanges): StatsJson {
  const live = new Float64Array(CONN.WIDTH);
  readConnection(c, live);
  const out: StatsJson = {};
  putFields(out, stats.clock, CONN_OCTETS, [{ live, series: c.series }], ranges.dataRates);
  out.recv_cnt = c.recvCnt;
  out.send_cnt = c.sendCnt;
  return out;
}

/**
 * A vhost's totals: send_oct, recv_oct (once a connection was opened there), messages_ready,
 * messages_unacknowledged, messages (once it had a queue; RabbitMQ reads them with the
 * msg_rates range) and message_stats. `totals` is StatsCollector.liveTotals(), taken once per
 * request; nothing for a vhost without any statistics yet.
 */
export function vhostStats(stats: StatsCollector, name: string, ranges: StatsRanges, totals: Map<VhostAggregate, Float64Array>): StatsJson {
  const a = stats.vhostAggregate(name);
  const live = a === undefined ? undefined : totals.get(a);
  if (a === undefined || live === undefined) return {};
  const src: Source[] = [{ live, series: a.series }];
  const out: StatsJson = {};
  if (live[VH.RECV_OCT] !== 0 || live[VH.SEND_OCT] !== 0) putFields(out, stats.clock, VH_OCTETS, src, ranges.dataRates);
  if (a.hadQueue) putFields(out, stats.clock, VH_LENGTHS, src, ranges.msgRates);
  const ms = messageStats(stats.clock, src, ranges.msgRates);
  if (Object.keys(ms).length !== 0) out.message_stats = ms;
  return out;
}

/**
 * The overview's message_stats (the vhosts' totals and the node's disk_reads/disk_writes),
 * churn_rates and queue_totals, over the given vhosts (the ones the user may see; RabbitMQ sums
 * only those). As RabbitMQ, an empty message_stats or queue_totals is `[]`.
 */
export function overviewStats(stats: StatsCollector, vhosts: readonly string[], ranges: StatsRanges): StatsJson {
  const totals = stats.liveTotals();
  const src: Source[] = [];
  let hadQueue = false;
  for (const name of vhosts) {
    const a = stats.vhostAggregate(name);
    const live = a === undefined ? undefined : totals.get(a);
    if (a === undefined || live === undefined) continue;
    src.push({ live, series: a.series });
    hadQueue ||= a.hadQueue;
  }
  const nodeLive = new Float64Array(NODE.WIDTH);
  readNode(stats.node, nodeLive);
  const node: Source[] = [{ live: nodeLive, series: stats.nodeSeries }];
  const ms: StatsJson = {};
  if (src.some((s) => anyNonZero(s.live, FINE))) putFields(ms, stats.clock, FINE, src, ranges.msgRates);
  // RabbitMQ's disk_reads/disk_writes come with the queues' metrics: shown once a visible vhost had a queue.
  if (hadQueue) putFields(ms, stats.clock, DISK, node, ranges.msgRates);
  if (src.some((s) => anyNonZero(s.live, DELIVER))) putFields(ms, stats.clock, DELIVER, src, ranges.msgRates);
  const queueTotals: StatsJson = {};
  if (hadQueue) putFields(queueTotals, stats.clock, VH_LENGTHS, src, ranges.lengths);
  return {
    message_stats: Object.keys(ms).length === 0 ? [] : ms,
    churn_rates: churnRates(stats, ranges.lengths),
    queue_totals: Object.keys(queueTotals).length === 0 ? [] : queueTotals,
  };
}

/**
 * The node's churn (connection_created, connection_closed, channel_created, channel_closed,
 * queue_declared, queue_created, queue_deleted, each with _details). The overview passes its
 * lengths range, /api/nodes its node_stats range.
 */
export function churnRates(stats: StatsCollector, range: StatsRange | null): StatsJson {
  const live = new Float64Array(NODE.WIDTH);
  readNode(stats.node, live);
  const out: StatsJson = {};
  putFields(out, stats.clock, CHURN, [{ live, series: stats.nodeSeries }], range);
  return out;
}

/** The node's resource values now, as /api/nodes reports them. */
export interface NodeGaugeValues {
  memUsed: number;
  /** undefined when the descriptors cannot be read (RabbitMQ's 'unknown'): no details then. */
  fdUsed: number | undefined;
  socketsUsed: number;
  procUsed: number;
  diskFree: number;
}

const GAUGES: readonly Field[] = [
  f('mem_used', GAUGE.MEM_USED),
  f('fd_used', GAUGE.FD_USED),
  f('sockets_used', GAUGE.SOCKETS_USED),
  f('proc_used', GAUGE.PROC_USED),
  f('disk_free', GAUGE.DISK_FREE),
];

/**
 * /api/nodes' statistics: mem_used_details, fd_used_details, sockets_used_details,
 * proc_used_details, disk_free_details (rates of the sampled gauges; with the node_stats range,
 * their samples) and the churn counters with their _details. The values themselves stay the
 * caller's (read now); pass ranges.nodeStats parsed with lengthsCeil (RabbitMQ's range_ceil).
 */
export function nodeStats(stats: StatsCollector, now: NodeGaugeValues, range: StatsRange | null): StatsJson {
  const live = new Float64Array(GAUGE.WIDTH);
  live[GAUGE.MEM_USED] = now.memUsed;
  live[GAUGE.FD_USED] = now.fdUsed ?? 0;
  live[GAUGE.SOCKETS_USED] = now.socketsUsed;
  live[GAUGE.PROC_USED] = now.procUsed;
  live[GAUGE.DISK_FREE] = now.diskFree;
  const gauges: StatsJson = {};
  putFields(gauges, stats.clock, GAUGES, [{ live, series: stats.gaugeSeries }], range);
  const out: StatsJson = {};
  for (const fl of GAUGES) if (fl.name !== 'fd_used' || now.fdUsed !== undefined) out[`${fl.name}_details`] = gauges[`${fl.name}_details`];
  return { ...out, ...churnRates(stats, range) };
}

// ---- rendering ---------------------------------------------------------------------------------

function messageStats(clock: StatsClock, src: readonly Source[], range: StatsRange | null): StatsJson {
  const ms: StatsJson = {};
  if (src.some((s) => anyNonZero(s.live, FINE))) putFields(ms, clock, FINE, src, range);
  if (src.some((s) => anyNonZero(s.live, DELIVER))) putFields(ms, clock, DELIVER, src, range);
  return ms;
}

function anyNonZero(live: ArrayLike<number>, fields: readonly Field[]): boolean {
  for (const fl of fields) for (const c of fl.cols) if (live[c] !== 0) return true;
  return false;
}

/** Writes `name` and `name_details` of each field, summed over the sources. */
function putFields(out: StatsJson, clock: StatsClock, fields: readonly Field[], src: readonly Source[], range: StatsRange | null): void {
  if (range === null) {
    for (const fl of fields) {
      let value = 0;
      let rate = 0;
      for (const s of src) {
        for (const c of fl.cols) {
          value += s.live[c];
          if (s.series !== null) rate += s.series.rate(clock, c);
        }
      }
      out[fl.name] = value;
      out[`${fl.name}_details`] = { rate };
    }
    return;
  }
  const times = sampleTimes(range);
  const ticks = gridTicks(clock, times);
  const n = times.length;
  const col = new Float64Array(n);
  for (const fl of fields) {
    const sum = new Float64Array(n);
    for (const s of src) {
      for (const c of fl.cols) {
        if (s.series === null) {
          for (let j = 0; j < n; j++) if (ticks[j] === LIVE_TICK) sum[j] += s.live[c];
          continue;
        }
        s.series.valuesAt(clock, c, ticks, s.live[c], col);
        for (let j = 0; j < n; j++) sum[j] += col[j];
      }
    }
    out[fl.name] = sum[0];
    out[`${fl.name}_details`] = details(sum, times, range.incr);
  }
}

/** For each sample time, the tick whose values it shows: the latest at or before it, or the live values after the last tick. */
function gridTicks(clock: StatsClock, times: readonly number[]): Int32Array {
  const ticks = new Int32Array(times.length);
  const lastTime = clock.tick < 0 ? -Infinity : clock.timeOf(clock.tick);
  for (let j = 0; j < times.length; j++) ticks[j] = times[j] > lastTime ? LIVE_TICK : clock.tickAt(times[j]);
  return ticks;
}

/** RabbitMQ's details with samples: the rate over the newest increment, the samples newest first, avg_rate and avg over the window. */
function details(samples: Float64Array, times: readonly number[], incr: number): StatsJson {
  const n = samples.length;
  const rate = n >= 2 ? ((samples[0] - samples[1]) * 1000) / incr : 0;
  const list: { sample: number; timestamp: number }[] = [];
  let total = 0;
  for (let j = 0; j < n; j++) {
    list.push({ sample: samples[j], timestamp: times[j] });
    total += samples[j];
  }
  const out: StatsJson = { rate, samples: list };
  if (n > 1) {
    out.avg_rate = ((samples[0] - samples[n - 1]) * 1000) / (times[0] - times[n - 1]);
    out.avg = total / n;
  }
  return out;
}
