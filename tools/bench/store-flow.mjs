// Issue 13, "publishers never outrun the disk": 1,000,000 x 1 KiB persistent messages into a durable queue with no
// consumer, from one publisher WITHOUT confirms (store-flow-noconfirm-1m) and with confirms, window 1000
// (store-flow-confirm-1m), each on a fresh Warren of its own, measured with ../shared/tools/perf/amqp-perf.mjs
// --mode backlog (fill, settle, drain with auto-ack); RSS before, settled, peak and after the drain, the enqueue rate.
// About a minute each: not run by default (npm run bench -- --scenarios store-flow-noconfirm-1m,store-flow-confirm-1m).
// WARREN_BENCH_STORE_FLOW=N scales the message count down.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWarren } from './broker-process.mjs';
import { rssKb } from './proc-stats.mjs';
import { setTimeout as delay } from 'node:timers/promises';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PERF = process.env.WARREN_AMQP_PERF ?? path.resolve(ROOT, '..', 'shared', 'tools', 'perf', 'amqp-perf.mjs');
const N = Number(process.env.WARREN_BENCH_STORE_FLOW ?? 1_000_000);
const mib = (kb) => (typeof kb === 'number' ? (kb / 1024).toFixed(0) : '?');

function runPerf(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PERF, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`amqp-perf exited ${code}: ${err.slice(-500)}`));
      }
    });
  });
}

const RELEASE_WAIT_MS = 15_000;

function scenario(name, confirm) {
  return {
    name,
    optIn: true,
    what: `${N} x 1 KiB persistent, durable queue, no consumer, ${confirm ? `confirms (window ${confirm})` : 'no confirms'}: RSS settled/peak/after drain, enqueue rate (amqp-perf backlog; ~1 min, not run by default)`,
    async run({ brokerMain, nodeArgs = [] }) {
      const r = { name, ok: false, lines: [], error: null };
      if (!brokerMain) {
        r.error = 'needs a Warren started by the bench (it starts its own)';
        return r;
      }
      if (!fs.existsSync(PERF)) {
        r.error = `${PERF} not found (set WARREN_AMQP_PERF)`;
        return r;
      }
      let w = null;
      try {
        w = await startWarren({ root: ROOT, main: brokerMain, nodeArgs });
        const args = ['--port', String(w.port), '--pid', String(w.pid), '--mode', 'backlog', '-C', String(N), '-s', '1024', '-f', '--durable', '-a', '-u', `warren-bench.${name}`];
        if (confirm) args.push('-c', String(confirm));
        const j = await runPerf(args);
        const k = j.broker_rss_kb ?? {};
        // Warren gives memory back once the load stops (resources/memory-release.ts: 4 s and 10 s after): RSS 15 s on.
        await delay(RELEASE_WAIT_MS);
        const released = rssKb(w.pid);
        r.lines.push(`${name}: enqueue ${j.enqueue_rate} msg/s (${j.enqueue_s} s); broker RSS before ${mib(k.before)} MiB, settled ${mib(k.backlog_settled)} MiB, peak ${mib(k.peak)} MiB, after the drain ${mib(k.after_drain)} MiB, ${RELEASE_WAIT_MS / 1000} s later ${mib(released)} MiB; drain ${j.drain_rate} msg/s`);
        r.ok = j.verify?.ok === true && (j.errors ?? []).length === 0;
        if (!r.ok) r.error = `verify: ${JSON.stringify(j.verify)} errors: ${JSON.stringify(j.errors)}`;
      } catch (e) {
        r.error = e.message;
      } finally {
        if (w) { await w.stop(60000); w.cleanup(); }
      }
      return r;
    },
  };
}

export const STORE_FLOW_SCENARIOS = [scenario('store-flow-noconfirm-1m', 0), scenario('store-flow-confirm-1m', 1000)];
