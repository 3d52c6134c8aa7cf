import { VH } from './layout.js';
import { Series } from './series.js';

/**
 * One vhost's totals, as RabbitMQ keeps them (vhost_stats_fine_stats, vhost_stats_deliver_stats,
 * vhost_msg_stats, vhost_stats_coarse_conn_stats): the counters of its channels and the octets of
 * its connections, including those already closed (their last values are added to `retired` as
 * they go), and its queues' lengths. Summed by the sampler at every tick, never incremented on
 * the hot path.
 */
export class VhostAggregate {
  /** What closed channels and connections of this vhost had counted (VH layout; lengths unused). */
  readonly retired = new Float64Array(VH.WIDTH);
  /** The sampler's scratch: the totals being summed at a tick. */
  readonly sums = new Float64Array(VH.WIDTH);
  /** The sampled totals. */
  readonly series = new Series(VH.WIDTH, true);
  /** Set once the vhost has had a queue: RabbitMQ shows its message counts from then on. */
  hadQueue = false;

  constructor(readonly name: string) {}
}
