// Starts Warren as a child process on free ports and finds its AMQP port in its pino log.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

/** sh -c script: raise the soft open-files limit to the hard one, then exec "$0" "$@". */
export const RAISE_FD_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';

const UNSPECIFIED = new Set(['', '0.0.0.0', '::', '[::]', '*', 'localhost']);

/**
 * {host, port} if `line` is a JSON log line announcing the AMQP listener, else null.
 * Accepts any line whose msg mentions AMQP and that carries a non-zero port: as `port`, as
 * `address` ("127.0.0.1:40123", "[::]:40123", "amqp://host:port" or {address, port} as
 * net.Server#address() returns it), as `url`/`listener`, or failing those in the msg text.
 * Error-level lines and lines about failures are ignored ("AMQP listener failed on :5672").
 */
export function listenerFromLogLine(line) {
  let o;
  try { o = JSON.parse(line); } catch { return null; }
  if (o === null || typeof o !== 'object') return null;
  const msg = String(o.msg ?? o.message ?? '');
  if (!/amqp/i.test(msg) || /fail|error|unable|cannot|refus|clos|stop/i.test(msg)) return null;
  if (typeof o.level === 'number' && o.level >= 50) return null;
  const found = [];
  const fromString = (s) => {
    // "host:port", "[v6]:port", "v6:port" (last colon), "amqp://user@host:port/vhost"
    const hostPort = String(s).trim().replace(/^[a-z]+:\/\/([^@/]*@)?/i, '').replace(/\/.*$/, '');
    const m = /^(.*):(\d+)$/.exec(hostPort);
    if (m) found.push({ host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) });
  };
  for (const key of ['address', 'addr', 'listener', 'url', 'listen', 'bound']) {
    const v = o[key];
    if (typeof v === 'string') fromString(v);
    else if (v !== null && typeof v === 'object' && v.port !== undefined) found.push({ host: String(v.address ?? v.host ?? ''), port: Number(v.port) });
  }
  if (o.port !== undefined) found.push({ host: String(o.host ?? o.hostname ?? ''), port: Number(o.port) });
  const inText = /(?:^|[\s(])((?:\[[0-9a-f:]*\]|[\w.-]*)):(\d{1,5})\b/i.exec(msg);
  if (inText) found.push({ host: inText[1].replace(/^\[|\]$/g, ''), port: Number(inText[2]) });
  const portWord = /\bport\s+(\d{1,5})\b/i.exec(msg);
  if (portWord) found.push({ host: '', port: Number(portWord[1]) });
  const hit = found.find((f) => Number.isInteger(f.port) && f.port > 0 && f.port < 65536);
  if (!hit) return null;
  return { host: UNSPECIFIED.has(hit.host) ? '127.0.0.1' : hit.host, port: hit.port };
}

/** A JSON log line saying startup is complete ("Warren is ready"). */
function isReadyLine(line) {
  try { return /\bready\b/i.test(String(JSON.parse(line).msg ?? '')); } catch { return false; }
}

/**
 * Starts `node <main> --port 0 --management-port 0 --prometheus-port 0 --data-dir <tmp or dataDir> --log-level info` in `root`.
 * Resolves once the AMQP listener is announced; rejects (after killing the child) if it exits
 * first or stays silent for `timeoutMs`. All its output goes to <tmp>/broker.log.
 */
export async function startWarren({ root, main = 'dist/main.js', nodeArgs = [], timeoutMs = 30000, logLevel = 'info', dataDir: givenDataDir, raiseFdLimit = false }) {
  const mainPath = path.resolve(root, main);
  if (!fs.existsSync(mainPath)) throw new Error(`${mainPath} not found: run "npm run build" first ("npm run bench" does)`);
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-'));
  // `dataDir` (optional): start on an existing data directory (e.g. to time recovery); cleanup() leaves it alone.
  const dataDir = givenDataDir ?? path.join(baseDir, 'data');
  if (!givenDataDir) fs.mkdirSync(dataDir);
  const logPath = path.join(baseDir, 'broker.log');
  const log = fs.createWriteStream(logPath);
  const args = [...nodeArgs, mainPath, '--port', '0', '--management-port', '0', '--prometheus-port', '0', '--data-dir', dataDir, '--log-level', logLevel];
  const t0 = performance.now();
  // raiseFdLimit: the soft fd limit raised to the hard one first (a shell's ulimit; exec keeps the pid).
  const child = raiseFdLimit
    ? spawn('/bin/sh', ['-c', RAISE_FD_LIMIT, process.execPath, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  let exit = null;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => { exit = { code, signal }; resolve(exit); }));
  child.on('error', () => {}); // spawn failure also shows up as 'exit'

  const listener = await new Promise((resolve, reject) => {
    let done = false;
    const finish = (err, value) => { if (done) return; done = true; clearTimeout(timer); if (err) reject(err); else resolve(value); };
    const failWith = (why) => {
      child.kill('SIGKILL');
      finish(new Error(`Warren did not start: ${why}\n--- last output (${logPath}) ---\n${tail.join('\n')}`));
    };
    const timer = setTimeout(() => failWith(`no "AMQP listener" log line within ${timeoutMs / 1000} s`), timeoutMs);
    // read both streams to the end, always: a child blocked on a full pipe would stall the bench
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        log.write(line + '\n');
        if (!done) {
          tail.push(line); if (tail.length > 40) tail.shift();
          const l = listenerFromLogLine(line);
          if (l) finish(null, l);
          else if (isReadyLine(line)) failWith('it logged that it is ready, but no AMQP listener with a port');
        }
      });
    }
    exited.then(({ code, signal }) => { if (!done) failWith(`it exited (${signal ?? `code ${code}`})`); });
  });

  return {
    pid: child.pid, host: listener.host, port: listener.port, baseDir, logPath,
    startupMs: Math.round(performance.now() - t0),
    /** The child's exit status if it has exited, else null. */
    exitStatus: () => exit,
    exited,
    /** SIGTERM, then SIGKILL after `graceMs`; resolves with {code, signal, forced}. */
    async stop(graceMs = 10000) {
      if (exit === null) {
        child.kill('SIGTERM');
        let timer;
        const forced = await Promise.race([exited.then(() => false), new Promise((r) => { timer = setTimeout(() => r(true), graceMs); })]);
        clearTimeout(timer);
        if (forced) { child.kill('SIGKILL'); await exited; }
        exit = { ...exit, forced };
      }
      await new Promise((r) => log.end(r));
      return exit;
    },
    /** Deletes the temporary data directory and log. */
    cleanup() { fs.rmSync(baseDir, { recursive: true, force: true }); },
  };
}

/** The management listener's base URL, from Warren's log ("management listener started", address host:port). */
export async function managementBase(broker, timeoutMs = 15000) {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    for (const line of fs.readFileSync(broker.logPath, 'utf8').split('\n')) {
      let o;
      try { o = JSON.parse(line); } catch { continue; }
      if (!/management listener/i.test(String(o.msg ?? ''))) continue;
      const m = /^(.*):(\d+)$/.exec(String(o.address ?? ''));
      if (m) {
        const host = ['', '0.0.0.0', '::', '[::]'].includes(m[1]) ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, '');
        return `http://${host.includes(':') ? `[${host}]` : host}:${m[2]}`;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no "management listener started" line in ${broker.logPath} within ${timeoutMs / 1000} s`);
}
