import type { Logger } from 'pino';
import type { ResourceAlarms } from './alarms.js';

/** The alarm source name of a failing message store write. */
export const STORE_WRITE_ALARM = 'message store write';
/** How often a raised alarm probes whether the disk takes writes again. */
const PROBE_MS = 1000;

/**
 * The message store's write-failure alarm: a failed batch write raises a disk
 * alarm (publishers are blocked, persistent publishes are nacked) and starts a
 * probe once a second (the store writes what is waiting, or an empty record);
 * the first write that succeeds clears it. While raised, the store stops
 * writing every tick and waits for the probe.
 */
export class StoreWriteAlarm {
  /** True while raised (read for each persistent enqueue: a plain field). */
  raised = false;
  private probeTimer: NodeJS.Timeout | null = null;

  constructor(
    /** Tries a write now (called once a second while raised). */
    private readonly probe: () => void,
    private readonly logger: Logger,
    /** The node's alarms, told of the raise and the clear (absent in unit tests of the store). */
    private readonly alarms?: ResourceAlarms,
  ) {}

  /** A write failed: raise the alarm and start probing. */
  raise(): void {
    this.raised = true;
    this.alarms?.raise(STORE_WRITE_ALARM, 'disk');
    this.probeTimer = setInterval(this.probe, PROBE_MS);
    this.probeTimer.unref();
  }

  /** A write succeeded while raised: clear the alarm and stop probing. */
  clear(): void {
    this.raised = false;
    this.stop();
    this.alarms?.clear(STORE_WRITE_ALARM);
    this.logger.warn('message store writes succeed again: resource alarm cleared');
  }

  /** Stops probing (shutdown); the alarm state stays as it is. */
  stop(): void {
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }
}
