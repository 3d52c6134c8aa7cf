/**
 * The history a management request asks for: RabbitMQ's `<prefix>_age` / `<prefix>_incr` query
 * parameters (rabbit_mgmt_util:range/1), one range per group of statistics:
 * `lengths` (queue lengths, the overview's queue totals and churn), `msg_rates` (message_stats,
 * and a vhost's message counts), `data_rates` (socket octets) and `node_stats`. Ages and
 * increments are seconds; a group without both is answered with the instant rates only.
 */

/** One requested window: sample times last, last - incr, ... down to first (ms since the epoch). */
export interface StatsRange {
  readonly first: number;
  readonly last: number;
  readonly incr: number;
}

/** The window of each statistics group; null: no history asked (rates only). */
export interface StatsRanges {
  readonly lengths: StatsRange | null;
  readonly msgRates: StatsRange | null;
  readonly dataRates: StatsRange | null;
  readonly nodeStats: StatsRange | null;
}

/** No history for any group: what a request without range parameters gets. */
export const NO_RANGES: StatsRanges = { lengths: null, msgRates: null, dataRates: null, nodeStats: null };

/** RabbitMQ's limit on samples per series in one answer (?MAX_RANGE). */
const MAX_SAMPLES = 500;

/** A range parameter pair RabbitMQ refuses: its 400 reason is the message. */
export class StatsRangeError extends Error {
  constructor(age: number, incr: number) {
    super(`Invalid range parameters: age ${age}, incr ${incr}`);
    this.name = 'StatsRangeError';
  }
}

/**
 * The ranges of a request's query string. lengthsCeil: round the lengths window up instead of down
 * (RabbitMQ's range_ceil, used by the queue, connection and node endpoints, so a queue's latest
 * length is the current one). A parameter that is not an integer is ignored, as RabbitMQ does;
 * a non-positive age or increment, or more than 500 samples, throws StatsRangeError.
 */
export function parseStatsRanges(query: unknown, now: number = Date.now(), lengthsCeil = false): StatsRanges {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const lengths = range(q, 'lengths', now, lengthsCeil);
  const msgRates = range(q, 'msg_rates', now, false);
  const dataRates = range(q, 'data_rates', now, false);
  const nodeStats = range(q, 'node_stats', now, false);
  if (lengths === null && msgRates === null && dataRates === null && nodeStats === null) return NO_RANGES;
  return { lengths, msgRates, dataRates, nodeStats };
}

function range(q: Record<string, unknown>, prefix: string, now: number, ceil: boolean): StatsRange | null {
  const age = int(q[`${prefix}_age`]);
  const incr = int(q[`${prefix}_incr`]);
  if (age === undefined || incr === undefined) return null;
  // Erlang's div truncates toward zero.
  if (!(age > 0 && incr > 0 && Math.trunc(age / incr) <= MAX_SAMPLES)) throw new StatsRangeError(age, incr);
  const incrMs = incr * 1000;
  const floor = Math.floor(now / incrMs) * incrMs;
  const last = ceil && floor !== now ? floor + incrMs : floor;
  return { first: last - age * 1000, last, incr: incrMs };
}

/** RabbitMQ's int/2: list_to_integer of the (first) value, undefined when it is not one. */
function int(v: unknown): number | undefined {
  const s = Array.isArray(v) ? (v[0] as unknown) : v;
  if (typeof s !== 'string' || !/^[+-]?\d+$/.test(s)) return undefined;
  return Number(s);
}

/** The sample times of a range, newest first: last, last - incr, ... while >= first. */
export function sampleTimes(r: StatsRange): number[] {
  const out: number[] = [];
  for (let t = r.last; t >= r.first; t -= r.incr) out.push(t);
  return out;
}
