import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { collectGarbage } from './collect-garbage.js';

/** How often the event loop's utilisation is read. */
const CHECK_MS = 2000;
/** A spell at or above this utilisation is busy: the heap may have grown. */
const BUSY = 0.2;
/** A spell below this one is quiet: nothing is happening that a collection would get in the way of. */
const QUIET = 0.05;
/**
 * Quiet spells in a row before the collection: V8 shrinks its young generation only once it sees
 * the allocation rate has fallen, which the first quiet spell after a busy one does not show yet
 * (a collection there gave back 6 MiB of 65, one a spell later most of them).
 */
const QUIET_SPELLS = 2;
/**
 * Quiet spells after the first collection before the second: V8 judges the allocation rate over its
 * last 5 s of collections, so the second one must come more than 5 s after the first to see only quiet.
 */
const SECOND_AFTER = 3;
/** Not worth a collection unless the resident set is this much above where the last release left it. */
const MIN_GROWTH_BYTES = 16 * 1024 * 1024;

/**
 * Gives memory back once a busy spell is over (issue 13: "give the memory back after a drain", churned
 * connections back to the RSS they started from). V8 grows its heap under load and keeps the pages
 * until it collects again, and the Buffers of drained messages are freed only when their objects are
 * collected: an idle broker allocates next to nothing, so without a push neither happens (after 100k
 * churned connections RSS stayed 65 MiB up for minutes).
 *
 * Every 2 s the event loop's utilisation is read (one call, off the hot path). After a spell at >= 20 %,
 * the second spell in a row under 5 % runs a full collection (collect-garbage.ts: ~10-25 ms with a heap
 * of tens of MiB) when RSS is at least 16 MiB above what the last one left (or the lowest seen since),
 * and a second one 6 s later if it stays quiet (see SECOND_AFTER): two collections per busy-to-quiet
 * change, never more. A broker that stays busy or stays idle is never collected by this. Measured (20 s
 * of churn at ~1,900 connections/s): RSS 88 MiB before, 159 at the end, 152 after the first
 * collection, 97 after the second.
 */
export class MemoryRelease {
  private timer: NodeJS.Timeout | null = null;
  private last: EventLoopUtilization | null = null;
  /** busy: a busy spell was seen since the last collection; collected: the first of two ran; idle: nothing to do. */
  private stage: 'idle' | 'busy' | 'collected' = 'idle';
  /** How long the last collection took, taken off the next spell's busy time. */
  private ownMs = 0;
  /** Quiet spells counted towards the next collection. */
  private quietSpells = 0;
  /** The lowest RSS seen since the last collection (or the start); after one, what it left. */
  private floor = 0;
  /** Collections run (for tests and the log). */
  releases = 0;

  constructor(
    private readonly logger: Logger,
    private readonly checkMs = CHECK_MS,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.floor = process.memoryUsage.rss();
    this.last = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.check(), this.checkMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private check(): void {
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, this.last ?? undefined);
    this.last = now;
    // Our own collection does not count: it would make the spell after it look busy.
    const spell = d.active + d.idle > 0 ? Math.max(0, d.active - this.ownMs) / (d.active + d.idle) : 0;
    this.ownMs = 0;
    const rss = process.memoryUsage.rss();
    if (rss < this.floor) this.floor = rss;
    if (spell >= BUSY) {
      this.stage = 'busy';
      this.quietSpells = 0;
      return;
    }
    if (this.stage === 'idle') return;
    if (spell >= QUIET) {
      // Not quiet enough to collect in; after the first collection, not busy enough to start again either.
      if (this.stage === 'busy') this.quietSpells = 0;
      return;
    }
    this.quietSpells++;
    if (this.stage === 'busy') {
      if (this.quietSpells < QUIET_SPELLS) return;
      this.quietSpells = 0;
      if (rss < this.floor + MIN_GROWTH_BYTES) {
        this.stage = 'idle';
        return;
      }
      this.stage = 'collected';
      this.collect(rss);
      return;
    }
    // The second collection, 6 s after the first: only now does V8 see an allocation rate low enough
    // to shrink its young generation (16 MiB x 2 after a busy spell: most of what is left).
    if (this.quietSpells < SECOND_AFTER) return;
    this.stage = 'idle';
    this.collect(rss);
  }

  private collect(before: number): void {
    const t0 = performance.now();
    if (!collectGarbage()) return;
    this.releases++;
    this.ownMs = performance.now() - t0;
    const ms = Math.round(this.ownMs);
    // The Buffers' memory goes back as their finalisers run, after this turn: the floor follows the later checks.
    setImmediate(() => {
      // What a collection leaves is the new floor: a broker that keeps much in memory is not collected at every quiet spell.
      this.floor = process.memoryUsage.rss();
      this.logger.debug({ rssBefore: before, rssAfter: this.floor, ms }, 'memory given back after a busy spell');
    }).unref();
  }
}
