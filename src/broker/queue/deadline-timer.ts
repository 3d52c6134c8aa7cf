/** setTimeout's longest delay; longer deadlines fire early and the callback re-checks (and re-arms). */
const MAX_DELAY = 2_147_483_647;

/**
 * One unref'd timer aimed at an absolute time (Date.now() ms). A queue keeps
 * one per concern (head message expiry, queue expiry) instead of one per
 * message. The callback must check whether its deadline really passed.
 */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | null = null;
  private at = 0;
  private readonly fire: () => void;
  private readonly onTimeout = (): void => {
    this.timer = null;
    this.fire();
  };

  constructor(fire: () => void) {
    this.fire = fire;
  }

  /** True while armed. */
  get armed(): boolean {
    return this.timer !== null;
  }

  /** Fires at `at` unless already armed to fire no later. */
  armBy(at: number, now: number): void {
    if (this.timer !== null) {
      if (this.at <= at) return;
      clearTimeout(this.timer);
    }
    this.arm(at, now);
  }

  /** Fires at `at`, replacing any earlier arming. */
  arm(at: number, now: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(this.onTimeout, Math.min(Math.max(at - now, 0), MAX_DELAY));
    this.timer.unref();
  }

  /** Disarms. */
  clear(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }
}
