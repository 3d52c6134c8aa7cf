// Node resources: the file descriptor reader (/proc) and the memory sampler's threshold watches.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseOpenFilesLimit, readFileDescriptors } from '../../src/resources/file-descriptors.js';
import { MemoryMonitor } from '../../src/resources/memory-monitor.js';

describe('file descriptors', () => {
  it('reads the soft "Max open files" limit, unlimited as Infinity', () => {
    const limits = ['Limit                     Soft Limit           Hard Limit           Units', 'Max processes             63704                63704                processes'];
    expect(parseOpenFilesLimit([...limits, 'Max open files            1024                 1048576              files'].join('\n'))).toBe(1024);
    expect(parseOpenFilesLimit([...limits, 'Max open files            unlimited            unlimited            files'].join('\n'))).toBe(Infinity);
    expect(parseOpenFilesLimit(limits.join('\n'))).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')("counts this process's open descriptors (stdin, stdout, stderr at least) under its limit", async () => {
    const fds = await readFileDescriptors();
    expect(fds).not.toBeNull();
    expect(fds!.used).toBeGreaterThanOrEqual(3);
    expect(fds!.used).toBeLessThanOrEqual(fds!.limit);
  });
});

describe('MemoryMonitor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('samples once a second while watched and reports each crossing of a threshold once', () => {
    vi.useFakeTimers();
    const m = new MemoryMonitor();
    const low: boolean[] = [];
    const high: boolean[] = [];
    const unwatchLow = m.watch(1, (over) => low.push(over));
    const unwatchHigh = m.watch(Number.MAX_SAFE_INTEGER, (over) => high.push(over));
    expect(m.used).toBe(-1);
    vi.advanceTimersByTime(3000);
    expect(m.used).toBeGreaterThan(0);
    expect(low).toEqual([true]);
    expect(high).toEqual([]);
    unwatchLow();
    unwatchHigh();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('memory limit', () => {
  it('takes the smaller of the machine and the cgroup (v2 "max" and v1\'s huge number mean no limit)', async () => {
    const { availableMemory, parseCgroupLimit, memoryLimitBytes } = await import('../../src/resources/memory-limit.js');
    expect(parseCgroupLimit('max\n')).toBeUndefined();
    expect(parseCgroupLimit('536870912\n')).toBe(536870912);
    const files: Record<string, string> = { v2: '536870912\n', v1: '9223372036854771712\n' };
    const read = (f: string): string => {
      if (!(f in files)) throw new Error('ENOENT');
      return files[f];
    };
    expect(availableMemory(8 * 1024 ** 3, ['v2', 'v1'], read)).toBe(536870912);
    expect(availableMemory(8 * 1024 ** 3, ['v1', 'missing'], read)).toBe(8 * 1024 ** 3);
    // RabbitMQ interpret_limit: the fraction of the available memory, or the absolute capped at it.
    expect(memoryLimitBytes({ relative: 0.4, absolute: 0 }, 1000)).toBe(400);
    expect(memoryLimitBytes({ relative: 0.4, absolute: 300 }, 1000)).toBe(300);
    expect(memoryLimitBytes({ relative: 0.4, absolute: 3000 }, 1000)).toBe(1000);
  });
});

describe('MemoryAlarm', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('raises the memory alarm at the watermark ("low on memory") and clears it with the node resources stopped', async () => {
    const { MemoryAlarm, MEMORY_ALARM } = await import('../../src/resources/memory-alarm.js');
    const { ResourceAlarms } = await import('../../src/resources/alarms.js');
    const pino = (await import('pino')).default;
    vi.useFakeTimers();
    const alarms = new ResourceAlarms();
    const monitor = new MemoryMonitor();
    const changes: string[] = [];
    alarms.onChange(() => changes.push(alarms.active ? alarms.reason : 'clear'));
    // A limit of 1 byte: the first sample is over it.
    const alarm = new MemoryAlarm(monitor, 1, alarms, pino({ level: 'silent' }));
    expect(alarm.clearBelow).toBe(0);
    alarm.start();
    vi.advanceTimersByTime(1100);
    expect(alarms.has(MEMORY_ALARM)).toBe(true);
    expect(alarms.resources).toEqual(['memory']);
    expect(alarms.hold).toBe(true);
    alarm.stop();
    expect(changes).toEqual(['low on memory', 'clear']);
    expect(alarms.hold).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('ResourceAlarms.hold (the one field a publish reads)', () => {
  it('is set by an alarm or by the store being behind, and relief callbacks run when the store catches up', async () => {
    const { ResourceAlarms } = await import('../../src/resources/alarms.js');
    const a = new ResourceAlarms();
    let resumed = 0;
    a.setStoreBehind(true);
    expect([a.hold, a.active, a.storeBehind]).toEqual([true, false, true]);
    a.onStoreRelief(() => resumed++);
    a.raise('disk_free_limit', 'disk');
    a.setStoreBehind(false);
    expect(resumed).toBe(1);
    expect(a.hold).toBe(true);
    a.clear('disk_free_limit');
    expect(a.hold).toBe(false);
    a.onStoreRelief(() => resumed++);
    expect(resumed).toBe(2);
  });
});

describe('MemoryRelease', () => {
  // Real time and a real heap: a busy spell that leaves 64 MiB of garbage, then a quiet one.
  it('after a busy spell, quiet ones collect twice and RSS goes back down; a quiet broker is not collected again', async () => {
    const { MemoryRelease } = await import('../../src/resources/memory-release.js');
    const pino = (await import('pino')).default;
    const release = new MemoryRelease(pino({ level: 'silent' }), 50);
    release.start();
    try {
      // Busy: ~150 ms of synchronous work in 10 ms slices (ELU near 100 %), allocating 64 MiB of
      // touched Buffers and 10 MiB of small objects, all dropped at the end.
      let junk: unknown[] = [];
      const until = performance.now() + 150;
      while (performance.now() < until) {
        const t = performance.now() + 10;
        while (performance.now() < t) {
          if (junk.length < 64) junk.push(Buffer.alloc(1024 * 1024, 1));
          else junk.push({ n: junk.length });
        }
        await new Promise((r) => setImmediate(r));
      }
      const grown = process.memoryUsage.rss();
      junk = [];
      await vi.waitFor(() => expect(release.releases).toBeGreaterThanOrEqual(1), { timeout: 5000, interval: 20 });
      await vi.waitFor(() => expect(process.memoryUsage.rss()).toBeLessThan(grown - 32 * 1024 * 1024), { timeout: 5000, interval: 50 });
      await vi.waitFor(() => expect(release.releases).toBe(2), { timeout: 5000, interval: 20 });
      // Quiet from now on: several more checks, no third collection.
      await new Promise((r) => setTimeout(r, 400));
      expect(release.releases).toBe(2);
    } finally {
      release.stop();
    }
  });
});
