import type { Logger } from 'pino';
import { ResourceAlarms } from './alarms.js';
import { DiskMonitor } from './disk-monitor.js';
import { MemoryMonitor } from './memory-monitor.js';

/**
 * The node's resources in one place (RabbitMQ's rabbit_alarm with its disk
 * and memory monitors): the alarm state every monitor raises into, the free
 * disk space check on the data directory, and the memory sampler the store's
 * paging threshold watches. File descriptor use is read on demand
 * (readFileDescriptors in file-descriptors.ts).
 */
export class NodeResources {
  /** The raised alarms: connections that publish are blocked while any is. */
  readonly alarms = new ResourceAlarms();
  /** disk_free_limit on the data directory. */
  readonly disk: DiskMonitor;
  /** Memory use, sampled while a threshold is watched. */
  readonly memory = new MemoryMonitor();

  constructor(dataDir: string, diskFreeLimit: number, logger: Logger) {
    this.disk = new DiskMonitor(dataDir, diskFreeLimit, this.alarms, logger);
  }

  /** Starts the periodic checks (once the listener is open). */
  start(): void {
    this.disk.start();
  }

  /** Stops the periodic checks and clears the alarms they raised. */
  stop(): void {
    this.disk.stop();
  }
}
