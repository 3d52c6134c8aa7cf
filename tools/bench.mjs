#!/usr/bin/env node
// `npm run bench`: throughput of Warren (started here as a child process) or of any AMQP 0-9-1
// broker (--url), one producer -> one queue -> one consumer, with an exactly-once check and the
// broker's RSS/CPU. Plain Node, no dependencies: see docs/benchmarks.md.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { startWarren } from './bench/broker-process.mjs';
import { RawConnection, parseAmqpUrl } from './bench/raw-amqp.mjs';
import { SCENARIOS, runScenario } from './bench/scenario.mjs';
import { pidListeningOn } from './bench/proc-stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXIT_FAILED_RUN = 1;   // a scenario errored or failed the exactly-once check
const EXIT_NO_BROKER = 2;    // usage error, Warren did not start, or the broker is unreachable

const USAGE = `usage: node tools/bench.mjs [options]      (npm run bench -- [options])

Starts Warren (node dist/main.js --port 0 --management-port 0 --prometheus-port 0 --data-dir <tmp>) and runs:
${SCENARIOS.map((s) => `  ${s.name.padEnd(16)} ${s.long || s.optIn ? '(only when named in --scenarios) ' : ''}${s.what}`).join('\n')}
Each prints "<name>: <publish msg/s> published, <deliver msg/s> delivered, <n> verified".

  --url URL            bench this broker instead of starting Warren
                       (e.g. amqp://guest:guest@127.0.0.1:5682 for the local RabbitMQ)
  --pid PID|auto|none  with --url: process to sample RSS/CPU from (default auto: the local
                       process listening on the URL's port, if this user can see it)
  --scenarios a,b      scenarios to run (default: all but the long ones)
  --duration N         measured window in seconds (default 5)
  --warmup N           warm-up seconds before the window (default 1)
  --size N             body bytes, at least 8 (default 16)
  --max-inflight N     pause the producer while more than N messages are published but not
                       yet delivered (default 200000): bounds the queue backlog
  --drain-timeout N    seconds to wait for the backlog after the window (default 30)
  --json               print a JSON summary as the last line of stdout
  --node-arg ARG       extra node option for Warren (repeatable), e.g. --node-arg=--cpu-prof
  --broker-main PATH   entry file to start instead of dist/main.js
  --start-timeout N    seconds to wait for Warren's "AMQP listener" log line (default 30)
  --keep               keep Warren's temporary data directory and log
  -h, --help

Exit status: 0 all passed, 1 a scenario failed (error or exactly-once check), 2 no broker.`;

function fail(msg) { process.stderr.write(`bench: ${msg}\n`); process.exit(EXIT_NO_BROKER); }

function parseCli() {
  let v;
  try {
    ({ values: v } = parseArgs({
      options: {
        url: { type: 'string' }, pid: { type: 'string', default: 'auto' },
        scenarios: { type: 'string' }, duration: { type: 'string', default: '5' },
        warmup: { type: 'string', default: '1' }, size: { type: 'string', default: '16' },
        'max-inflight': { type: 'string', default: '200000' }, 'drain-timeout': { type: 'string', default: '30' },
        json: { type: 'boolean', default: false }, 'node-arg': { type: 'string', multiple: true, default: [] },
        'broker-main': { type: 'string', default: 'dist/main.js' }, 'start-timeout': { type: 'string', default: '30' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) { process.stderr.write(`${USAGE}\n\n`); fail(e.message); }
  if (v.help) { process.stdout.write(`${USAGE}\n`); process.exit(0); }
  const num = (name, min) => {
    const n = Number(v[name]);
    if (!Number.isFinite(n) || n < min) fail(`--${name} must be a number >= ${min}`);
    return n;
  };
  const names = v.scenarios ? v.scenarios.split(',').map((s) => s.trim()).filter(Boolean) : SCENARIOS.filter((s) => !s.long && !s.optIn).map((s) => s.name); // long, optIn: only when named
  for (const n of names) if (!SCENARIOS.some((s) => s.name === n)) fail(`unknown scenario "${n}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  if (v.url) { try { parseAmqpUrl(v.url); } catch (e) { fail(e.message); } }
  if (!/^(auto|none|\d+)$/.test(v.pid)) fail('--pid must be a PID, auto or none');
  return {
    url: v.url ?? null, pid: v.pid, scenarios: SCENARIOS.filter((s) => names.includes(s.name)),
    duration: num('duration', 0.1), warmup: num('warmup', 0), size: Math.floor(num('size', 8)),
    maxInflight: Math.floor(num('max-inflight', 1)), drainTimeout: num('drain-timeout', 1),
    json: v.json, nodeArgs: v['node-arg'], brokerMain: v['broker-main'], startTimeout: num('start-timeout', 1), keep: v.keep,
  };
}

/** One connection to check the broker answers, and to learn its product/version. */
async function probe(conn) {
  const c = new RawConnection({ ...conn, name: 'warren-bench probe' });
  try {
    await c.connect(10000);
    return { product: c.serverProduct, version: c.serverVersion, frame_max: c.frameMax, channel_max: c.channelMax };
  } finally { await c.close(); }
}

const fmtMiB = (kb) => (kb / 1024).toFixed(1);

function scenarioLines(r) {
  if (r.lines) return [...r.lines, ...(r.error ? [`${r.name}: error: ${r.error}`] : [])];
  const v = r.verify;
  const verified = v ? `${v.verified} verified (${v.missing} missing, ${v.duplicates} duplicates` +
    `${v.foreign ? `, ${v.foreign} foreign` : ''}${v.left_in_queue ? `, ${v.left_in_queue} left in the queue` : ''}` +
    `${v.drained === false ? ', not drained' : ''})` : 'not verified';
  const confirmed = r.confirm_rate !== null && r.confirm_rate !== undefined ? `${r.confirm_rate} msg/s confirmed${r.nacked ? ` (${r.nacked} nacked)` : ''}, ` : '';
  const lines = [`${r.name}: ${r.publish_rate ?? '-'} msg/s published, ${confirmed}${r.deliver_rate ?? '-'} msg/s delivered, ${verified}${r.ok ? '' : ' FAILED'}`];
  const parts = [];
  if (r.broker_rss_kb) parts.push(`broker RSS ${fmtMiB(r.broker_rss_kb.end)} MiB (start ${fmtMiB(r.broker_rss_kb.start)}, peak ${fmtMiB(r.broker_rss_kb.peak)}), CPU ${r.broker_cpu_pct} %`);
  if (r.bench_cpu_pct !== null) parts.push(`bench CPU ${r.bench_cpu_pct} %`);
  if (r.drain_s !== null) parts.push(`in-flight cap ${r.max_inflight} (max seen ${r.max_inflight_seen}, producer paused ${r.producer_paused}x), ${r.verify && r.verify.drained === false ? 'gave up draining after' : 'drained in'} ${r.drain_s} s`);
  if (parts.length) lines.push(`  ${parts.join(' | ')}`);
  if (v && v.first_missing && v.first_missing.length) lines.push(`  first missing sequence numbers: ${v.first_missing.join(', ')}`);
  if (r.error) lines.push(`  error: ${r.error}`);
  return lines;
}

async function main() {
  const opts = parseCli();
  let broker = null;
  let conn;
  const summary = {
    tool: 'warren-bench', date: new Date().toISOString(), node: process.version,
    host: { cpus: os.cpus().length, loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    params: { duration_s: opts.duration, warmup_s: opts.warmup, size: opts.size, max_inflight: opts.maxInflight },
    broker: null, scenarios: [], ok: false,
  };
  let interrupted = false;
  const onSignal = async () => {
    interrupted = true; // the run in progress fails as the broker goes away: say nothing about it
    process.stderr.write('bench: interrupted\n');
    if (broker) { await broker.stop(3000); broker.cleanup(); }
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let brokerPid = null;
  if (opts.url) {
    conn = parseAmqpUrl(opts.url);
    if (opts.pid === 'auto') brokerPid = ['127.0.0.1', 'localhost', '::1'].includes(conn.host) ? pidListeningOn(conn.port) : null;
    else if (opts.pid !== 'none') brokerPid = Number(opts.pid);
    summary.broker = { kind: 'external', url: `amqp://${conn.host}:${conn.port}/${encodeURIComponent(conn.vhost)}`, pid: brokerPid };
  } else {
    try {
      broker = await startWarren({ root: ROOT, main: opts.brokerMain, nodeArgs: opts.nodeArgs, timeoutMs: opts.startTimeout * 1000 });
    } catch (e) { fail(e.message); }
    conn = { host: broker.host, port: broker.port, user: 'guest', pass: 'guest', vhost: '/' };
    brokerPid = broker.pid;
    summary.broker = { kind: 'warren', main: opts.brokerMain, pid: broker.pid, address: `${broker.host}:${broker.port}`, startup_ms: broker.startupMs, log: broker.logPath };
  }

  let exitCode = 0;
  try {
    try { Object.assign(summary.broker, await probe(conn)); }
    catch (e) { throw Object.assign(new Error(`cannot open an AMQP connection to ${conn.host}:${conn.port}: ${e.message}`), { noBroker: true }); }
    const b = summary.broker;
    const who = broker ? `Warren (${opts.brokerMain}) pid ${broker.pid}, started in ${broker.startupMs} ms,` : `${[b.product || 'broker', b.version].filter(Boolean).join(' ')}${brokerPid ? ` pid ${brokerPid}` : ' (pid unknown: no RSS/CPU)'}`;
    console.log(`bench: ${who} on ${conn.host}:${conn.port}; ${opts.duration} s window after ${opts.warmup} s warm-up, ${opts.size} B bodies, in-flight cap ${opts.maxInflight}`);
    for (const scn of opts.scenarios) {
      const r = await runScenario(scn, {
        conn, duration: opts.duration, warmup: opts.warmup, size: opts.size, maxInflight: opts.maxInflight,
        drainTimeout: opts.drainTimeout, brokerPid, brokerExited: broker ? broker.exited : null,
        brokerMain: broker ? opts.brokerMain : null, nodeArgs: opts.nodeArgs,
      });
      if (interrupted) return;
      summary.scenarios.push(r);
      for (const line of scenarioLines(r)) console.log(line);
      if (!r.ok) exitCode = EXIT_FAILED_RUN;
      const plain = summary.scenarios.find((x) => x.name === '1to1-noack');
      if (r.name === 'priority-1to1' && plain && plain.deliver_rate && r.deliver_rate) {
        console.log(`  vs 1to1-noack: ${Math.round((100 * r.deliver_rate) / plain.deliver_rate)} % of its delivery rate`);
      }
      // a crash shows up on the sockets first; give the child's exit event a moment to follow
      if (broker && r.error) await Promise.race([broker.exited, delay(500)]);
      if (broker && broker.exitStatus() !== null) { exitCode = EXIT_FAILED_RUN; break; }
    }
  } catch (e) {
    if (interrupted) return;
    process.stderr.write(`bench: ${e.message}\n`);
    exitCode = e.noBroker ? EXIT_NO_BROKER : EXIT_FAILED_RUN;
  } finally {
    if (broker && !interrupted) {
      const crashed = broker.exitStatus();
      const exit = await broker.stop();
      summary.broker.exit = crashed ? { ...crashed, crashed: true } : exit;
      if (!crashed && exit.forced) process.stderr.write('bench: Warren did not exit within 10 s of SIGTERM; killed\n');
      else if (!crashed && exit.code !== 0 && exit.signal === null) process.stderr.write(`bench: Warren exited with code ${exit.code} on SIGTERM\n`);
      if (crashed) {
        process.stderr.write(`bench: Warren exited during the run (${crashed.signal ?? `code ${crashed.code}`}); log kept: ${broker.logPath}\n`);
      } else if (opts.keep || exitCode !== 0) {
        process.stderr.write(`bench: Warren's data and log kept in ${broker.baseDir}\n`);
      } else {
        broker.cleanup();
        delete summary.broker.log;
      }
    }
  }
  if (interrupted) return;
  summary.ok = exitCode === 0;
  if (opts.json) console.log(JSON.stringify(summary));
  process.exitCode = exitCode;
}

main().catch((e) => { process.stderr.write(`bench: ${e.stack ?? e}\n`); process.exit(EXIT_FAILED_RUN); });
