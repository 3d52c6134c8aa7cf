/**
 * The statistics ranges of a management request (`lengths_age`, `msg_rates_incr`, ...: stats/ranges.ts)
 * as admin/ functions take them: RabbitMQ's 400 for a bad pair. Every endpoint that shows
 * statistics parses its query with this and hands the result to stats/render.ts.
 */
import { parseStatsRanges, StatsRangeError, type StatsRanges } from '../stats/ranges.js';
import { badRequest } from './errors.js';

export { NO_RANGES, type StatsRanges } from '../stats/ranges.js';

/**
 * The ranges a query string asks for. lengthsCeil for the endpoints RabbitMQ answers with
 * range_ceil (queues, connections, nodes). Throws `400 {"error":"bad_request","reason":"Invalid
 * range parameters: age 30, incr 0"}` as RabbitMQ does.
 */
export function statsRanges(query: unknown, lengthsCeil = false, now: number = Date.now()): StatsRanges {
  try {
    return parseStatsRanges(query, now, lengthsCeil);
  } catch (e) {
    if (e instanceof StatsRangeError) throw badRequest(e.message);
    throw e;
  }
}
