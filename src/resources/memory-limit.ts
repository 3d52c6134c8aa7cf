import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Where a cgroup's memory limit is read: v2 (unified hierarchy) first, then v1. */
export const CGROUP_LIMIT_FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];

/**
 * A cgroup memory limit file's value in bytes; undefined for "max" (v2's no limit), an
 * unreadable or unparsable text. (v1's "no limit" is a huge number, which the caller's
 * min with the machine's memory takes care of.)
 */
export function parseCgroupLimit(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n > 0 ? n : undefined;
}

/**
 * The memory this process may use: the machine's (os.totalmem()) or its cgroup's limit,
 * whichever is smaller (a container's limit is what the kernel's OOM killer enforces).
 * `read` is the file reader (tests pass their own).
 */
export function availableMemory(total = os.totalmem(), files = CGROUP_LIMIT_FILES, read: (f: string) => string = (f) => readFileSync(f, 'latin1')): number {
  let limit = total;
  for (const f of files) {
    let text: string;
    try {
      text = read(f);
    } catch {
      continue;
    }
    const n = parseCgroupLimit(text);
    if (n !== undefined && n < limit) limit = n;
  }
  return limit;
}

/** vm_memory_high_watermark as configured: `.relative` (a fraction) or `.absolute` (bytes, 0 = not set). */
export interface MemoryWatermarkSetting {
  relative: number;
  absolute: number;
}

/**
 * The memory high watermark in bytes (RabbitMQ vm_memory_monitor:interpret_limit/2): the
 * absolute setting capped at the available memory, else the fraction of it.
 */
export function memoryLimitBytes(w: MemoryWatermarkSetting, available: number): number {
  if (w.absolute > 0) return Math.min(w.absolute, available);
  return Math.floor(w.relative * available);
}
