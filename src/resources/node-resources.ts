import type { Logger } from 'pino';
import { ResourceAlarms } from './alarms.js';
import { DiskMonitor } from './disk-monitor.js';
import { MemoryAlarm } from './memory-alarm.js';
import { availableMemory, memoryLimitBytes, type MemoryWatermarkSetting } from './memory-limit.js';
import { MemoryMonitor } from './memory-monitor.js';
import { MemoryRelease } from './memory-release.js';

/** RabbitMQ's default vm_memory_high_watermark.relative. */
const DEFAULT_WATERMARK: MemoryWatermarkSetting = { relative: 0.4, absolute: 0 };

/**
 * The node's resources in one place (RabbitMQ's rabbit_alarm with its disk
 * and memory monitors): the alarm state every monitor raises into, the free
 * disk space check on the data directory, the memory sampler the store's
 * paging threshold watches, and the memory alarm on the same sample. File
 * descriptor use is read on demand (readFileDescriptors in file-descriptors.ts).
 */
export class NodeResources {
  /** The raised alarms: connections that publish are blocked while any is. */
  readonly alarms = new ResourceAlarms();
  /** disk_free_limit on the data directory. */
  readonly disk: DiskMonitor;
  /** Memory use, sampled while a threshold is watched. */
  readonly memory = new MemoryMonitor();
  /** The memory the node may use: the machine's, or its cgroup's limit when smaller. */
  readonly availableMemory: number;
  /** vm_memory_high_watermark in bytes (/api/nodes mem_limit, rabbitmq_resident_memory_limit_bytes). */
  readonly memoryLimit: number;
  /** The memory alarm on that limit. */
  readonly memoryAlarm: MemoryAlarm;
  /** One full collection when a busy spell ends, so the heap and drained bodies go back to the system. */
  readonly memoryRelease: MemoryRelease;

  constructor(dataDir: string, diskFreeLimit: number, logger: Logger, watermark: MemoryWatermarkSetting = DEFAULT_WATERMARK, available = availableMemory()) {
    this.disk = new DiskMonitor(dataDir, diskFreeLimit, this.alarms, logger);
    this.availableMemory = available;
    this.memoryLimit = memoryLimitBytes(watermark, available);
    this.memoryAlarm = new MemoryAlarm(this.memory, this.memoryLimit, this.alarms, logger);
    this.memoryRelease = new MemoryRelease(logger);
    logger.info({ limit: this.memoryLimit, available }, 'memory high watermark set');
  }

  /** Starts the periodic checks (once the listener is open). */
  start(): void {
    this.disk.start();
    this.memoryAlarm.start();
    this.memoryRelease.start();
  }

  /** Stops the periodic checks and clears the alarms they raised. */
  stop(): void {
    this.disk.stop();
    this.memoryAlarm.stop();
    this.memoryRelease.stop();
  }
}
