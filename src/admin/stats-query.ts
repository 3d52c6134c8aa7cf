/**
 * The statistics ranges of a management request (`lengths_age`, `msg_rates_incr`, ...: stats/ranges.ts)
 * as admin/ functions take them, with RabbitMQ's 400 for a bad pair. Every endpoint that shows
 * statistics parses its query with this and hands the result to stats/render.ts.
 */
import { parseStatsRanges, StatsRangeError, type StatsRanges } from '../stats/ranges.js';
import { AdminError, badRequest } from './errors.js';

export { NO_RANGES, type StatsRanges } from '../stats/ranges.js';

/** How an endpoint reads its ranges. */
export interface StatsQueryOptions {
  /** Round the lengths window up (RabbitMQ's range_ceil: queues, connections, nodes). */
  readonly lengthsCeil?: boolean;
  /**
   * The vhosts, queues and exchanges lists (/api/vhosts, /api/queues[/{vhost}],
   * /api/exchanges[/{vhost}]): 3.10.8 names their 400 invalid_range_parameters. The channels,
   * connections and nodes lists, and every single object, say bad_request.
   */
  readonly list?: boolean;
}

/**
 * The ranges a query string asks for. A bad pair throws RabbitMQ 3.10.8's 400: for one object
 * (/api/vhosts/{name}, /api/overview) `{"error":"bad_request","reason":"Invalid range parameters:
 * age 30, incr 0"}`, for the vhosts, queues and exchanges lists `{"error":"invalid_range_parameters", ...}` with the same reason.
 */
export function statsRanges(query: unknown, opts: StatsQueryOptions = {}, now: number = Date.now()): StatsRanges {
  try {
    return parseStatsRanges(query, now, opts.lengthsCeil ?? false);
  } catch (e) {
    if (!(e instanceof StatsRangeError)) throw e;
    throw opts.list === true ? new AdminError(400, 'invalid_range_parameters', e.message) : badRequest(e.message);
  }
}
