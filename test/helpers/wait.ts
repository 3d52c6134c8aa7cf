// Waiting in tests without fixed sleeps. A test that needs something to have happened polls for it
// with a deadline (pollUntil, waitFor), so a loaded machine makes it slower, not red. A fixed wait
// stays only where the wait is the assertion: "nothing arrives within X ms", "not expired yet",
// "at least X ms have passed" (fixedWait, named so that it stands out).

/** How long to poll and how often. */
export interface WaitOptions {
  /** Give up after this long (default 5000 ms, well inside vitest's 30 s test timeout). */
  timeoutMs?: number;
  /** Pause between probes (default 10 ms). */
  intervalMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_INTERVAL_MS = 10;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls probe until accept(value) holds or the deadline passes, and returns the last value either
 * way: the caller asserts on it, so a timeout fails with the test's own expect and its diff.
 * `expect(await pollUntil(() => depth(q), (n) => n === 0)).toBe(0)`.
 */
export async function pollUntil<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean, opts: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() >= deadline) return value;
    await delay(opts.intervalMs ?? DEFAULT_INTERVAL_MS);
  }
}

/** Resolves once condition() is true; rejects naming `what` if it is still false at the deadline. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, opts: WaitOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(await pollUntil(condition, Boolean, opts))) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Like pollUntil, for a probe that returns undefined until its value is there (a message, a
 * record); rejects naming `what` at the deadline.
 */
export async function waitForValue<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, opts: WaitOptions = {}): Promise<T> {
  const value = await pollUntil(probe, (v) => v !== undefined, opts);
  if (value === undefined) throw new Error(`timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms waiting for ${what}`);
  return value;
}

/**
 * A fixed wait, for the assertions that are about time itself: that nothing happens within ms,
 * or that at least ms have passed (a TTL or an expiry that must have run out). A slow machine
 * only makes the wait longer, which such an assertion tolerates; say at the call site why it is
 * not a poll.
 */
export function fixedWait(ms: number): Promise<void> {
  return delay(ms);
}
