/**
 * What every admin operation works on. src/index.ts builds it once from the running node;
 * HTTP routes (and through them warrenctl) receive it and hand it to admin/ functions, so
 * they never reach the broker, the users or the AMQP server themselves.
 */
import type { UserStore } from '../auth/users.js';
import type { Broker } from '../broker/broker.js';
import type { StatsCollector } from '../stats/collector.js';
import type { ConnectionRegistry } from './connection-registry.js';

/** The node's resource alarms, as the health checks report them. */
export interface AlarmStatus {
  /** The resources in alarm right now ("disk", "memory"), sorted, each once. */
  readonly resources: readonly string[];
}

/** The running node, as admin/ sees it. */
export interface AdminContext {
  readonly broker: Broker;
  readonly users: UserStore;
  /** The AMQP server's connections, channels and consumers. */
  readonly connections: ConnectionRegistry;
  /** The statistics sampler: message_stats, rates and samples (stats/render.ts renders them). */
  readonly stats: StatsCollector;
  /** loopback_users: the management API applies it as AMQP does. */
  readonly loopbackUsers: readonly string[];
  readonly alarms: AlarmStatus;
  /** The secret of `<dataDir>/warrenctl.credentials` (admin/local-credentials.ts); undefined: none written. */
  readonly localSecret?: string;
}
