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
