#!/usr/bin/env node
// Recovery time of Warren's LevelDB store: fills a durable queue with N persistent messages (publisher
// confirms; random, incompressible bodies), stops Warren (SIGTERM, or SIGKILL with --kill), starts it again on the same data directory and
// reports how long recovery took (Warren's "recovered definitions and messages" log line) and the time to
// the AMQP listener. Plain Node, no dependencies; run `npm run build` first.
//   node tools/recovery-time.mjs [--messages 1000000] [--size 1024] [--kill] [--keep]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startWarren } from './bench/broker-process.mjs';
import { RawConnection } from './bench/raw-amqp.mjs';
import { fillConfirmed } from './bench/confirm-fill.mjs';
import { rssKb } from './bench/proc-stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: v } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' }, size: { type: 'string', default: '1024' },
    window: { type: 'string', default: '10000' }, kill: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false },
  },
});
const N = Number(v.messages), SIZE = Number(v.size), WINDOW = Number(v.window);
const QUEUE = 'warren-recovery-time';

function dirSize(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirSize(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size;
  return n;
}

async function connect(w) {
  const c = new RawConnection({ host: w.host, port: w.port, user: 'guest', pass: 'guest', vhost: '/', name: 'warren recovery-time' });
  await c.connect();
  await c.openChannel(1);
  return c;
}

/** Publishes N persistent messages with at most WINDOW unconfirmed. */
const fill = (conn) => fillConfirmed(conn, QUEUE, N, randomBytes(SIZE), WINDOW);

const first = await startWarren({ root: ROOT });
const dataDir = path.join(first.baseDir, 'data');
let second = null;
try {
  const c = await connect(first);
  await c.queueDeclare(1, QUEUE, { durable: true });
  await c.confirmSelect(1);
  const t0 = performance.now();
  await fill(c);
  const fillS = (performance.now() - t0) / 1000;
  const rss = rssKb(first.pid);
  console.log(`filled: ${N} x ${SIZE} B persistent in ${fillS.toFixed(1)} s (${Math.round(N / fillS)} msg/s confirmed)${rss ? `, broker RSS ${(rss / 1024).toFixed(0)} MiB` : ''}`);
  await c.close();
  if (v.kill) { process.kill(first.pid, 'SIGKILL'); await first.exited; } else await first.stop(120000);
  console.log(`stopped (${v.kill ? 'SIGKILL' : 'SIGTERM'}); data dir ${(dirSize(dataDir) / 2 ** 20).toFixed(0)} MiB`);

  second = await startWarren({ root: ROOT, dataDir, timeoutMs: 600000 });
  const logged = fs.readFileSync(second.logPath, 'utf8').split('\n').map((l) => { try { return JSON.parse(l); } catch { return null; } })
    .find((r) => r && r.msg === 'recovered definitions and messages');
  const c2 = await connect(second);
  const depth = (await c2.queueDeclare(1, QUEUE, { durable: true, passive: true })).messageCount;
  const rss2 = rssKb(second.pid);
  console.log(`recovered: ${logged?.messages} messages in ${logged?.ms} ms (process start to AMQP listener ${second.startupMs} ms), queue depth ${depth}${rss2 ? `, broker RSS ${(rss2 / 1024).toFixed(0)} MiB` : ''}`);
  await c2.close();
  if (depth !== N) { process.exitCode = 1; console.error(`expected ${N} messages, found ${depth}`); }
} finally {
  if (second) { await second.stop(60000); second.cleanup(); }
  if (first.exitStatus() === null) await first.stop();
  if (v.keep) console.log(`data kept in ${first.baseDir}`); else first.cleanup();
}
