/**
 * Warren's configuration: one typed object with RabbitMQ 3.13's defaults.
 * (Parsing of the config file, environment and flags is added by config-load.ts.)
 */
export interface Config {
  /** AMQP listener address (listeners.tcp.default may be "5672" or "127.0.0.1:5672"). */
  host: string;
  /** AMQP port; 0 picks a free port. */
  port: number;
  /** Management HTTP address and port (management.tcp.ip / management.tcp.port); 0 picks a free port. */
  managementHost: string;
  managementPort: number;
  /** Where LevelDB keeps its files. */
  dataDir: string;
  defaultUser: string;
  defaultPass: string;
  defaultVhost: string;
  /** Users that may only log in from loopback (RabbitMQ: loopback_users.guest = true). */
  loopbackUsers: string[];
  /** Heartbeat timeout in seconds proposed in connection.tune (0 = off). */
  heartbeat: number;
  /** frame_max proposed in connection.tune, in bytes. */
  frameMax: number;
  /** channel_max proposed in connection.tune. */
  channelMax: number;
  /** Largest accepted message body, bytes (RabbitMQ 3.13: 128 MiB). */
  maxMessageSize: number;
  /** Delivery acknowledgement timeout, ms (RabbitMQ: 30 min). */
  consumerTimeout: number;
  /** Time allowed for the AMQP handshake, ms. */
  handshakeTimeout: number;
  /** Free disk space (bytes) on the data dir's file system below which the disk alarm blocks publishers (RabbitMQ: 50 MB). */
  diskFreeLimit: number;
  /** pino log level: fatal error warn info debug trace silent. */
  logLevel: string;
  /** vm_memory_high_watermark.relative: fraction of total RAM (the paging threshold derives from it). */
  memoryHighWatermark: number;
  /** vm_memory_high_watermark.absolute in bytes; 0 = use the relative one. */
  memoryHighWatermarkAbsolute: number;
  /** vm_memory_high_watermark_paging_ratio: transient messages are paged to disk above this fraction of the watermark. */
  memoryPagingRatio: number;
  /** Warren: the paging threshold in bytes of RSS, overriding the two above when >= 0 (0 = page transient messages always). */
  pagingThreshold: number;
  /** Warren: full messages a queue keeps in RAM before paging a backlog's bodies to disk. */
  pagingHeadMessages: number;
  /** Warren: ... and the body bytes of that head window. */
  pagingHeadBytes: number;
}

/** The RSS in bytes above which transient messages are paged (RabbitMQ: paging ratio x high watermark). */
export function pagingThresholdBytes(c: Config, totalMemory: number): number {
  if (c.pagingThreshold >= 0) return c.pagingThreshold;
  const watermark = c.memoryHighWatermarkAbsolute > 0 ? c.memoryHighWatermarkAbsolute : c.memoryHighWatermark * totalMemory;
  return Math.floor(watermark * c.memoryPagingRatio);
}

/** RabbitMQ 3.13's defaults. */
export function defaultConfig(): Config {
  return {
    host: '0.0.0.0',
    port: 5672,
    managementHost: '0.0.0.0',
    managementPort: 15672,
    dataDir: './data',
    defaultUser: 'guest',
    defaultPass: 'guest',
    defaultVhost: '/',
    loopbackUsers: ['guest'],
    heartbeat: 60,
    frameMax: 131072,
    channelMax: 2047,
    maxMessageSize: 134217728,
    consumerTimeout: 1800000,
    handshakeTimeout: 10000,
    diskFreeLimit: 50000000,
    logLevel: 'info',
    memoryHighWatermark: 0.4,
    memoryHighWatermarkAbsolute: 0,
    memoryPagingRatio: 0.5,
    pagingThreshold: -1,
    pagingHeadMessages: 4096,
    pagingHeadBytes: 8388608,
  };
}
