import { readFile, readdir } from 'node:fs/promises';

/** Open file descriptors of this process and their limit (RabbitMQ's fd_used and fd_total). */
export interface FileDescriptorUsage {
  /** Descriptors open now (sockets included). */
  used: number;
  /** The soft limit (RLIMIT_NOFILE); Infinity when unlimited. */
  limit: number;
}

/** Parses the soft "Max open files" limit of a /proc/<pid>/limits text (Infinity for "unlimited"); undefined when absent. */
export function parseOpenFilesLimit(limits: string): number | undefined {
  const m = /^Max open files\s+(\S+)/m.exec(limits);
  if (m === null) return undefined;
  const soft = m[1];
  return soft === 'unlimited' ? Infinity : Number(soft);
}

/**
 * Reads the process's open descriptor count (/proc/self/fd) and limit
 * (/proc/self/limits); null where /proc is not there (not Linux).
 */
export async function readFileDescriptors(): Promise<FileDescriptorUsage | null> {
  let fds: string[];
  let limits: string;
  try {
    // One after the other: the listing would count the limits file's descriptor while it is read.
    fds = await readdir('/proc/self/fd');
    limits = await readFile('/proc/self/limits', 'latin1');
  } catch {
    return null;
  }
  const limit = parseOpenFilesLimit(limits);
  if (limit === undefined) return null;
  // The listing includes the descriptor readdir itself held open on the directory.
  return { used: fds.length - 1, limit };
}
