// The built broker (node dist/main.js) as a child process: for tests that kill it, restart it on the
// same data directory, or run two of them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root, and the built broker's entry file. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = path.join(ROOT, 'dist', 'main.js');

/** A running (or exited) warren process. */
export interface WarrenProcess {
  child: ChildProcess;
  /** Every JSON log record so far. */
  records: Record<string, unknown>[];
  stderr: () => string;
  /** Resolves with the first log record whose msg matches; rejects if the process exits first. */
  waitForLog: (msg: string) => Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Compiles src/ to dist/ when it is out of date (call from beforeAll). */
export function buildIfNeeded(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'tools', 'build-if-needed.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** process.env without WARREN_*: a test must not pick up the developer's settings. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WARREN_')));
}

/** Starts node dist/main.js with args. */
export function spawnWarren(args: string[]): WarrenProcess {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const records: Record<string, unknown>[] = [];
  const waiters: Array<{ msg: string; resolve: (r: Record<string, unknown>) => void }> = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    records.push(record);
    for (const w of waiters.filter((w) => w.msg === record.msg)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(record);
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return {
    child,
    records,
    stderr: () => err,
    exited,
    waitForLog: (msg) => {
      const seen = records.find((r) => r.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ msg, resolve });
        void exited.then((code) => reject(new Error(`warren exited (${code}) before logging '${msg}'; stderr: ${err}`)));
      });
    },
  };
}

/** Starts warren on dataDir with ephemeral loopback ports (and extra flags) and waits for its AMQP listener; returns the AMQP port. */
export async function startWarrenOn(dataDir: string, extra: string[] = []): Promise<{ w: WarrenProcess; port: number }> {
  const w = spawnWarren(['--port', '0', '--management-port', '0', '--prometheus-port', '0', '--prometheus-host', '127.0.0.1', '--host', '127.0.0.1', '--management-host', '127.0.0.1', '--data-dir', dataDir, ...extra]);
  const line = await w.waitForLog('AMQP listener started');
  const address = String(line.address);
  return { w, port: Number(address.slice(address.lastIndexOf(':') + 1)) };
}

/** SIGKILLs the process (if still running) and waits for it to be gone. */
export async function killWarren(w: WarrenProcess): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await w.exited;
}
