/**
 * What every admin operation works on. src/index.ts builds it once from the running node;
 * HTTP routes (and through them warrenctl) receive it and hand it to admin/ functions, so
 * they never reach the broker, the users or the AMQP server themselves.
 */
import type { UserStore } from '../auth/users.js';
import type { Broker } from '../broker/broker.js';
import type { NodeIdentity } from '../identity.js';
import type { FileDescriptorUsage } from '../resources/file-descriptors.js';
import type { StatsCollector } from '../stats/collector.js';
import type { ConnectionRegistry } from './connection-registry.js';

/** The node's resource alarms, as the health checks report them. */
export interface AlarmStatus {
  /** The resources in alarm right now ("disk", "memory"), sorted, each once. */
  readonly resources: readonly string[];
}

/** A bound listener (RabbitMQ's #listener{}): what /api/overview, status and the health checks list. */
export interface ListenerInfo {
  /** RabbitMQ's protocol names: "amqp", "amqp/ssl", "http", "http/prometheus". */
  readonly protocol: string;
  /** The address it is bound to. */
  readonly ip: string;
  readonly port: number;
}

/** The running process and its resources, as /api/nodes and warrenctl status show them. */
export interface NodeRuntime {
  /** When the node started (ms since the epoch). */
  readonly startedAt: number;
  /** The listeners bound right now (AMQP first, then HTTP, ...). */
  listeners(): readonly ListenerInfo[];
  /** Resident memory in bytes (RabbitMQ's `rss` strategy). */
  memoryUsed(): number;
  /** The memory high watermark in bytes (vm_memory_high_watermark applied to the machine's RAM). */
  readonly memoryLimit: number;
  /** How the watermark was set: `{relative: 0.4}` or `{absolute: bytes}`. */
  readonly memoryWatermark: { readonly relative: number } | { readonly absolute: number };
  /** Free bytes on the data directory's file system at the last check (-1 before the first). */
  diskFree(): number;
  /** disk_free_limit in bytes. */
  diskFreeLimit(): number;
  /** Open file descriptors and their limit; null where the platform does not tell. */
  fileDescriptors(): Promise<FileDescriptorUsage | null>;
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
  /** Product, versions, node and cluster name (src/identity.ts); absent: the one of broker.config. */
  readonly identity?: NodeIdentity;
  /** The process and its resources; absent: what admin/nodes.ts can tell without the node's monitors. */
  readonly node?: NodeRuntime;
}
