// The persistent backlog scenario (issue 5, Memory): 1,000,000 x 1 KiB persistent messages into a durable queue
// with publisher confirms and no consumer, on a fresh Warren of its own (so its RSS is the backlog's alone); then a
// restart on the same data directory (recovery reads the index and each queue's head only); then one consumer
// drains the recovered backlog (manual ack, prefetch 1000, one multiple-ack per 500 deliveries).
// WARREN_BENCH_BACKLOG=N scales the message count down for a quick run.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawConnection } from './raw-amqp.mjs';
import { ACK_FRAME_LEN, ackFrameTemplate } from './wire.mjs';
import { startWarren } from './broker-process.mjs';
import { rssKb } from './proc-stats.mjs';
import { fillConfirmed } from './confirm-fill.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = Number(process.env.WARREN_BENCH_BACKLOG ?? 1_000_000);
const SIZE = 1024;
const WINDOW = 1000;
const PREFETCH = 1000;
const ACK_EVERY = 500;
const QUEUE = 'warren-bench.backlog';

const mib = (kb) => (kb === null ? '?' : (kb / 1024).toFixed(0));

/** Samples a process's RSS every 250 ms; peak() is the highest seen. */
function rssSampler(pid) {
  let peak = 0;
  const t = setInterval(() => { const r = rssKb(pid); if (r !== null && r > peak) peak = r; }, 250);
  return { peak: () => { const r = rssKb(pid); if (r !== null && r > peak) peak = r; return peak; }, stop: () => clearInterval(t) };
}

async function connect(w) {
  const c = new RawConnection({ host: w.host, port: w.port, user: 'guest', pass: 'guest', vhost: '/', name: 'warren-bench backlog' });
  await c.connect();
  await c.openChannel(1);
  return c;
}

/** Consumes n messages with manual acks; resolves with the seconds it took. */
function drain(c, n) {
  return new Promise((resolve, reject) => {
    const ack = ackFrameTemplate(1);
    let got = 0;
    let lastTag = 0;
    const t0 = performance.now();
    c.onError = reject;
    c.sink = {
      delivery(tag) {
        got++;
        lastTag = tag;
        if (got % ACK_EVERY === 0 || got === n) {
          const f = Buffer.from(ack);
          f.writeUInt32BE(Math.floor(tag / 2 ** 32), 11);
          f.writeUInt32BE(tag >>> 0, 15);
          f[19] = 1; // multiple
          c.socket.write(f.subarray(0, ACK_FRAME_LEN));
        }
        if (got === n) resolve((performance.now() - t0) / 1000);
      },
      chunkEnd() {},
    };
    void lastTag;
  });
}

/** The scenario entry for tools/bench/scenario.mjs. */
export const BACKLOG_SCENARIO = {
  name: 'backlog-persistent-1m',
  what: `${N} x 1 KiB persistent messages, confirms (window ${WINDOW}), durable queue, no consumer: rate, RSS; restart (recovery time); drain with 1 consumer (manual ack, prefetch ${PREFETCH})`,
  async run({ brokerMain, nodeArgs = [] }) {
    const r = { name: 'backlog-persistent-1m', ok: false, lines: [], error: null };
    if (!brokerMain) {
      r.error = 'needs a Warren started by the bench (it starts and restarts its own)';
      return r;
    }
    let first = null;
    let second = null;
    try {
      first = await startWarren({ root: ROOT, main: brokerMain, nodeArgs });
      const dataDir = path.join(first.baseDir, 'data');
      const c = await connect(first);
      await c.queueDeclare(1, QUEUE, { durable: true });
      await c.confirmSelect(1);
      const s1 = rssSampler(first.pid);
      const t0 = performance.now();
      await fillConfirmed(c, QUEUE, N, randomBytes(SIZE), WINDOW);
      const fillS = (performance.now() - t0) / 1000;
      const peakFill = s1.peak();
      await new Promise((res) => setTimeout(res, 5000));
      const settled = rssKb(first.pid);
      s1.stop();
      await c.close();
      r.lines.push(`backlog-persistent-1m: filled ${N} x 1 KiB in ${fillS.toFixed(1)} s = ${Math.round(N / fillS)} msg/s confirmed; broker RSS peak ${mib(peakFill)} MiB while filling, ${mib(settled)} MiB holding (5 s later)`);
      await first.stop(120000);
      second = await startWarren({ root: ROOT, main: brokerMain, nodeArgs, dataDir, timeoutMs: 600000 });
      const logged = fs.readFileSync(second.logPath, 'utf8').split('\n').map((l) => { try { return JSON.parse(l); } catch { return null; } })
        .find((x) => x && x.msg === 'recovered definitions and messages');
      const c2 = await connect(second);
      const depth = (await c2.queueDeclare(1, QUEUE, { durable: true, passive: true })).messageCount;
      const rssRecovered = rssKb(second.pid);
      r.lines.push(`  restart: recovered ${logged?.messages} messages in ${logged?.ms} ms (process start to AMQP listener ${second.startupMs} ms), depth ${depth}, RSS ${mib(rssRecovered)} MiB`);
      const s2 = rssSampler(second.pid);
      await c2.qos(1, PREFETCH);
      await c2.consume(1, QUEUE, { noAck: false });
      const drainS = await drain(c2, depth);
      const after = (await c2.queueDeclare(1, QUEUE, { durable: true, passive: true })).messageCount;
      r.lines.push(`  drain: ${depth} in ${drainS.toFixed(1)} s = ${Math.round(depth / drainS)} msg/s (1 consumer, manual ack, prefetch ${PREFETCH}); RSS peak ${mib(s2.peak())} MiB; left ${after}`);
      s2.stop();
      await c2.close();
      r.ok = depth === N && after === 0;
      if (!r.ok) r.error = `expected ${N} recovered and 0 left, got ${depth} and ${after}`;
    } catch (e) {
      r.error = e.message;
    } finally {
      if (second) { await second.stop(60000); second.cleanup(); }
      if (first) { if (first.exitStatus() === null) await first.stop(); first.cleanup(); }
    }
    return r;
  },
};
