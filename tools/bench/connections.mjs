// The scale-of-connections scenarios (issue 13), each on a fresh Warren of its own:
//   idle-20k  the 1to1-noack stream alone; then 20,000 connections (one channel, an exclusive queue and a
//             consumer each, heartbeats on) opened from fleet processes (conn-fleet.mjs) and held: broker RSS
//             per connection, open rate, the broker's heartbeats timed on every connection, the 1to1-noack
//             stream again while they are held (>= 50 % of its rate alone), then clients that stop beating
//             closed after two timeouts, and everything released.
//   churn     2,000 connections a second opened, used (channel.open, exclusive queue.declare, basic.publish,
//             basic.get) and closed for 60 s: RSS, fds and handles (/api/nodes fd_used, proc_used, the
//             broker's object totals) before and after.
// Also a command line of its own, to run either against any broker (RabbitMQ included):
//   node tools/bench/connections.mjs idle|churn [--port P] [--pid PID|auto] [--connections N] [--heartbeat S]
//        [--hold S] [--rate N] [--seconds S] [--fleets N] [--mgmt URL]
// WARREN_BENCH_CONNECTIONS, _HEARTBEAT, _CHURN_RATE, _CHURN_SECONDS scale the scenarios down for a quick run.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { managementBase, startWarren, RAISE_FD_LIMIT } from './broker-process.mjs';
import { rssKb, cpuSeconds, pidListeningOn } from './proc-stats.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const FLEET = path.join(HERE, 'conn-fleet.mjs');
const env = (k, d) => Number(process.env[k] ?? d);
const IDLE_CONNECTIONS = env('WARREN_BENCH_CONNECTIONS', 20_000);
const HEARTBEAT_S = env('WARREN_BENCH_HEARTBEAT', 10);
const CHURN_RATE = env('WARREN_BENCH_CHURN_RATE', 2000);
const CHURN_SECONDS = env('WARREN_BENCH_CHURN_SECONDS', 60);
/** Connections per fleet process (each process's fd limit must hold them). */
const PER_FLEET = 10_000;
const OPEN_PARALLEL = 50;           // connections opening at a time, per fleet
// churn cycles in flight, per fleet: 2,000/s at a ~20 ms cycle needs ~40 in all; more only queue in the kernel and the
// broker's accept backlog (2 x 200 ran 1,458-1,878/s with cycles of 200-260 ms, 2 x 50 1,866-1,986/s at 15-50 ms)
const CHURN_INFLIGHT = Number(process.env.WARREN_BENCH_CHURN_INFLIGHT ?? 50);
/** RSS after the run may exceed the one before by this much (the allocator's and V8's leftovers). */
const RSS_MARGIN_KB = 24 * 1024;
/** How long RSS is given to come back after the run (Warren's memory release runs 4 s and 10 s after the load stops). */
const RSS_SETTLE_MS = 20_000;
const SILENCED = 100;               // clients that stop sending heartbeats
const FD_HEADROOM = 64;             // fds kept free for the broker's own files and the management API
const RSS_PER_CONN_GOAL_KB = 45;    // half of RabbitMQ 3.10.8's ~90 KiB on this machine
const STREAM_SHARE_GOAL = 0.5;
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
const mib = (kb) => (kb === null ? '?' : (kb / 1024).toFixed(1));
const verdict = (ok) => (ok ? 'ok' : 'FAILED');

/** One conn-fleet.mjs child; request(cmd) sends a command and resolves with its answer. */
export class Fleet {
  constructor() {
    // through sh: the soft fd limit raised to the hard one (10,000 sockets need more than the usual 1,024)
    this.child = spawn('/bin/sh', ['-c', RAISE_FD_LIMIT, process.execPath, FLEET], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.next = 0;
    this.waiting = new Map();
    this.child.on('message', (m) => { const w = this.waiting.get(m.id); if (w) { this.waiting.delete(m.id); if (m.ev === 'error') w.reject(new Error(m.error)); else w.resolve(m); } });
    this.child.on('exit', (code, signal) => { for (const w of this.waiting.values()) w.reject(new Error(`fleet process exited (${signal ?? code})`)); this.waiting.clear(); });
  }
  request(cmd, args = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => { this.waiting.set(id, { resolve, reject }); this.child.send({ id, cmd, ...args }); });
  }
  kill() { if (this.child.exitCode === null) this.child.kill(); }
}

/** The broker's soft fd limit and open fds, from /proc (null when unreadable). */
export function brokerFds(pid) {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return { soft: soft ? Number(soft[1]) : Infinity, open: fs.readdirSync(`/proc/${pid}/fd`).length };
  } catch { return null; }
}

/** GET base+p (guest) as JSON, or null when there is no management base. */
async function getJson(base, p) {
  if (!base) return null;
  const res = await fetch(base + p, { headers: { authorization: AUTH } });
  if (res.status !== 200) throw new Error(`GET ${p}: ${res.status}`);
  return res.json();
}

/** What the broker says of itself: /api/nodes (fd_used, sockets_used, proc_used, mem_used) and /api/overview's object_totals. */
async function brokerCounts(base) {
  if (!base) return null;
  const [nodes, overview] = await Promise.all([getJson(base, '/api/nodes'), getJson(base, '/api/overview')]);
  const n = nodes[0] ?? {};
  return { fd_used: n.fd_used, sockets_used: n.sockets_used, proc_used: n.proc_used, mem_used: n.mem_used, ...overview.object_totals };
}

/** Waits until /api/overview shows `connections` connections (the broker finished closing), at most timeoutMs. */
async function waitForConnections(base, connections, timeoutMs = 30000) {
  if (!base) return;
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const o = await getJson(base, '/api/overview');
    if (o.object_totals.connections === connections) return;
    await delay(250);
  }
}

/** Splits n over fleets of at most PER_FLEET. */
function split(n, fleets) {
  const k = Math.max(fleets ?? 0, Math.ceil(n / PER_FLEET));
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0)).filter((x) => x > 0);
}

/**
 * The idle run against the broker at conn (pid for /proc, base for the management API, both optional).
 * stream(duration): runs the 1to1-noack stream and resolves with its result (null: skipped).
 */
export async function idleRun({ conn, pid, base, connections, heartbeat, hold, fleets: fleetCount, stream, log = () => {} }) {
  const r = { connections_asked: connections, heartbeat_asked: heartbeat, lines: [], ok: false };
  const fds = pid ? brokerFds(pid) : null;
  if (fds && fds.soft - fds.open - FD_HEADROOM < connections) {
    r.capped_by_fd_limit = { soft: fds.soft, open: fds.open };
    connections = fds.soft - fds.open - FD_HEADROOM;
  }
  r.connections = connections;
  const alone = stream ? await stream() : null;
  if (alone && alone.error) throw new Error(`1to1-noack alone: ${alone.error}`);
  const before = pid ? rssKb(pid) : null;
  const countsBefore = await brokerCounts(base);
  const fleets = split(connections, fleetCount).map((n) => ({ n, f: new Fleet() }));
  try {
    const cpu0 = pid ? cpuSeconds(pid) : null;
    const opened = await Promise.all(fleets.map(({ n, f }, i) => f.request('open', { conn, count: n, heartbeat, concurrency: OPEN_PARALLEL, name: `warren-bench idle ${i}` })));
    const openedN = opened.reduce((a, o) => a + o.opened, 0);
    const openS = Math.max(...opened.map((o) => o.open_s));
    const cpuOpen = pid ? cpuSeconds(pid) - cpu0 : null;
    r.opened = openedN;
    r.failed = opened.reduce((a, o) => a + o.failed, 0);
    r.open_rate = Math.round(openedN / openS);
    r.errors = opened.flatMap((o) => o.errors).slice(0, 5);
    const afterOpen = pid ? rssKb(pid) : null;
    log(`opened ${openedN} in ${openS.toFixed(1)} s; broker RSS ${mib(afterOpen)} MiB`);
    // hold: the heartbeats run; RSS measured at the end of the hold
    const c1 = pid ? cpuSeconds(pid) : null;
    const tHold = performance.now();
    await delay(hold * 1000);
    r.broker_cpu_pct_idle = pid ? round(((cpuSeconds(pid) - c1) / ((performance.now() - tHold) / 1000)) * 100) : null;
    const afterHold = pid ? rssKb(pid) : null;
    r.broker_rss_kb = { before, opened: afterOpen, after_hold: afterHold };
    r.rss_per_conn_kb = pid && openedN ? round((afterHold - before) / openedN) : null;
    r.counts_held = await brokerCounts(base);
    // the stream while they are held
    const during = stream ? await stream() : null;
    if (during && during.error) throw new Error(`1to1-noack with the connections held: ${during.error}`);
    const g = await Promise.all(fleets.map(({ f }) => f.request('gaps')));
    r.heartbeat = {
      negotiated: g[0].negotiated, alive: g.reduce((a, x) => a + x.alive, 0),
      max_gap_ms: Math.max(...g.map((x) => x.max_gap_ms ?? 0)), p99_gap_ms: Math.max(...g.map((x) => x.p99_gap_ms ?? 0)),
      late: g.reduce((a, x) => a + x.late, 0),
    };
    // clients that stop sending: closed after two timeouts (+ at most half a timeout: the check runs every half)
    const hb = r.heartbeat.negotiated;
    const s = hb > 0 ? await fleets[0].f.request('silence', { count: Math.min(SILENCED, fleets[0].n), timeoutMs: hb * 3500 }) : null;
    r.silenced = s;
    const tClose = performance.now();
    await Promise.all(fleets.map(({ f }) => f.request('close')));
    r.close_s = round((performance.now() - tClose) / 1000, 2);
    await waitForConnections(base, countsBefore ? countsBefore.connections : 0);
    r.counts_after = await brokerCounts(base);
    r.broker_rss_kb.after_close = pid ? rssKb(pid) : null;

    // the verdict and the lines
    const perConnOk = r.rss_per_conn_kb === null || r.rss_per_conn_kb <= RSS_PER_CONN_GOAL_KB;
    const share = alone && during ? during.deliver_rate / alone.deliver_rate : null;
    const streamOk = share === null || (share >= STREAM_SHARE_GOAL && during.verify?.ok === true && alone.verify?.ok === true);
    const beatOk = hb > 0 && r.heartbeat.late === 0 && r.heartbeat.alive === openedN;
    const silenceOk = s === null || (s.still_open === 0 && s.after_ms.min >= hb * 2000 - 1000 && s.after_ms.max <= hb * 2500 + 2000);
    const allOpened = r.failed === 0 && openedN === connections;
    r.ok = perConnOk && streamOk && beatOk && silenceOk && allOpened;
    const cap = r.capped_by_fd_limit ? ` (capped: the broker's fd limit is ${r.capped_by_fd_limit.soft})` : '';
    r.lines.push(`  ${openedN} of ${connections} connections${cap} opened in ${openS.toFixed(1)} s (${r.open_rate}/s, ${fleets.length} fleet processes, broker CPU ${pid ? round((cpuOpen / openS) * 100) : '?'} % meanwhile), ${r.failed} failed ${verdict(allOpened)}`);
    r.lines.push(`  broker RSS ${mib(before)} MiB before, ${mib(afterOpen)} MiB opened, ${mib(afterHold)} MiB after the ${hold} s hold: ${r.rss_per_conn_kb ?? '?'} KiB per connection (goal <= ${RSS_PER_CONN_GOAL_KB}) ${verdict(perConnOk)}; idle CPU ${r.broker_cpu_pct_idle ?? '?'} %`);
    r.lines.push(`  heartbeats (${hb} s): ${r.heartbeat.alive} alive; longest silence from the broker on any connection ${r.heartbeat.max_gap_ms} ms (p99 ${r.heartbeat.p99_gap_ms} ms), ${r.heartbeat.late} over the interval ${verdict(beatOk)}`);
    if (s) r.lines.push(`  ${SILENCED} clients stop beating: ${s.closed} closed by the broker after ${round(s.after_ms.min / 1000)}..${round(s.after_ms.max / 1000)} s (2 timeouts = ${2 * hb} s), ${s.still_open} still open ${verdict(silenceOk)}`);
    if (alone && during) r.lines.push(`  1to1-noack alone ${alone.deliver_rate} msg/s, with the connections held ${during.deliver_rate} msg/s (${Math.round(share * 100)} %, goal >= ${STREAM_SHARE_GOAL * 100} %) ${verdict(streamOk)}`);
    r.lines.push(`  closed in ${r.close_s} s; broker RSS after ${mib(r.broker_rss_kb.after_close)} MiB${r.counts_after ? `; broker: ${r.counts_after.connections} connections, ${r.counts_after.channels} channels, ${r.counts_after.queues} queues, fd_used ${r.counts_after.fd_used} (${countsBefore.fd_used} before), proc_used ${r.counts_after.proc_used} (${countsBefore.proc_used} before)` : ''}`);
    if (r.errors.length) r.lines.push(`  first errors: ${r.errors.join('; ')}`);
  } finally {
    for (const { f } of fleets) f.kill();
  }
  return r;
}

/** The churn run: rate connections a second for `seconds`, over `fleets` processes. */
export async function churnRun({ conn, pid, base, rate, seconds, fleets: fleetCount = 2, log = () => {} }) {
  const r = { rate_asked: rate, seconds, lines: [], ok: false };
  // Never more in flight than the broker has fds for: a broker out of descriptors may not recover
  // (RabbitMQ 3.10.8 with its default 1,024 lost its Mnesia tables here when a churn run exhausted them).
  let inflight = CHURN_INFLIGHT;
  const fds = pid ? brokerFds(pid) : null;
  if (fds) inflight = Math.max(1, Math.min(inflight, Math.floor((fds.soft - fds.open - FD_HEADROOM) / (2 * fleetCount))));
  r.inflight_per_fleet = inflight;
  const countsBefore = await brokerCounts(base);
  const before = pid ? rssKb(pid) : null;
  const fleets = Array.from({ length: fleetCount }, () => new Fleet());
  try {
    let peak = before ?? 0;
    const sampler = pid ? setInterval(() => { const x = rssKb(pid); if (x !== null && x > peak) peak = x; }, 250) : null;
    const cpu0 = pid ? cpuSeconds(pid) : null;
    const t0 = performance.now();
    const results = await Promise.all(fleets.map((f) => f.request('churn', { conn, rate: rate / fleetCount, seconds, concurrency: inflight })));
    const secs = (performance.now() - t0) / 1000;
    if (sampler) clearInterval(sampler);
    r.broker_cpu_pct = pid ? round(((cpuSeconds(pid) - cpu0) / secs) * 100) : null;
    r.done = results.reduce((a, x) => a + x.done, 0);
    r.failed = results.reduce((a, x) => a + x.failed, 0);
    r.rate = Math.round(r.done / secs);
    r.cycle_ms = { p50: Math.max(...results.map((x) => x.cycle_ms.p50 ?? 0)), p99: Math.max(...results.map((x) => x.cycle_ms.p99 ?? 0)) };
    r.errors = results.flatMap((x) => x.errors).slice(0, 5);
    r.client_cpu_pct = results.map((x) => x.cpu_pct);
    const atEnd = pid ? rssKb(pid) : null;
    log(`churned ${r.done} in ${secs.toFixed(1)} s`);
    await waitForConnections(base, countsBefore ? countsBefore.connections : 0);
    await delay(6000); // a sampler tick (5 s) for the object totals
    r.counts_before = countsBefore;
    r.counts_after = await brokerCounts(base);
    // RSS: polled until it is back within the margin, or RSS_SETTLE_MS after the run
    const settleStart = performance.now();
    let after = pid ? rssKb(pid) : null;
    while (pid && after !== null && after > before + RSS_MARGIN_KB && performance.now() - settleStart < RSS_SETTLE_MS - 6000) {
      await delay(500);
      after = rssKb(pid);
    }
    const settledS = (6000 + performance.now() - settleStart) / 1000;
    r.broker_rss_kb = { before, peak, at_end: atEnd, after };
    const rateOk = r.rate >= rate * 0.9 && r.failed === 0;
    const cb = countsBefore, ca = r.counts_after;
    const objectsOk = ca === null || (ca.connections === cb.connections && ca.channels === cb.channels && ca.queues === cb.queues && ca.consumers === cb.consumers);
    const handlesOk = ca === null || (ca.fd_used <= cb.fd_used + 2 && ca.proc_used <= cb.proc_used + 5);
    const rssOk = before === null || r.broker_rss_kb.after <= before + RSS_MARGIN_KB;
    r.ok = rateOk && objectsOk && handlesOk && rssOk;
    r.lines.push(`  ${r.done} connections opened, used and closed in ${secs.toFixed(1)} s: ${r.rate}/s (asked ${rate}/s), ${r.failed} failed, cycle p50 ${r.cycle_ms.p50} ms p99 ${r.cycle_ms.p99} ms, broker CPU ${r.broker_cpu_pct ?? '?'} %, client CPU ${r.client_cpu_pct.join(' + ')} % ${verdict(rateOk)}`);
    r.lines.push(`  broker RSS ${mib(before)} MiB before, peak ${mib(peak)} MiB, ${mib(atEnd)} MiB at the end, ${mib(r.broker_rss_kb.after)} MiB ${settledS.toFixed(1)} s later (goal <= ${mib(before + RSS_MARGIN_KB)}) ${verdict(rssOk)}`);
    if (ca) {
      r.lines.push(`  broker before -> after: connections ${cb.connections} -> ${ca.connections}, channels ${cb.channels} -> ${ca.channels}, queues ${cb.queues} -> ${ca.queues}, consumers ${cb.consumers} -> ${ca.consumers} ${verdict(objectsOk)}`);
      r.lines.push(`  fd_used ${cb.fd_used} -> ${ca.fd_used}, proc_used (active handles) ${cb.proc_used} -> ${ca.proc_used}, mem_used ${mib(cb.mem_used / 1024)} -> ${mib(ca.mem_used / 1024)} MiB ${verdict(handlesOk)}`);
    }
    if (r.errors.length) r.lines.push(`  first errors: ${r.errors.join('; ')}`);
  } finally {
    for (const f of fleets) f.kill();
  }
  return r;
}

/** A fresh Warren for one scenario: {broker, conn, base}. */
async function freshWarren(brokerMain, nodeArgs) {
  const broker = await startWarren({ root: ROOT, main: brokerMain, nodeArgs, raiseFdLimit: true });
  const base = await managementBase(broker);
  return { broker, base, conn: { host: broker.host, port: broker.port, user: 'guest', pass: 'guest', vhost: '/' } };
}

function scenario(name, what, body) {
  return {
    name, what, long: true,
    async run({ brokerMain, nodeArgs = [], size, duration = 5, warmup = 1, maxInflight = 200000, drainTimeout = 30 }) {
      const r = { name, ok: false, lines: [], error: null };
      if (!brokerMain) { r.error = 'needs a Warren started by the bench (it starts its own)'; return r; }
      let w = null;
      try {
        w = await freshWarren(brokerMain, nodeArgs);
        const { runScenario, SCENARIOS } = await import('./scenario.mjs');
        const load = SCENARIOS.find((s) => s.name === '1to1-noack');
        const stream = () => runScenario(load, { conn: w.conn, size, maxInflight, drainTimeout, duration, warmup, brokerPid: w.broker.pid, brokerExited: w.broker.exited });
        const out = await body({ conn: w.conn, pid: w.broker.pid, base: w.base, stream });
        r.lines.push(`${name}: Warren pid ${w.broker.pid}`, ...out.lines);
        r.result = out;
        r.ok = out.ok;
        if (!r.ok) r.error = 'a goal was missed (see above)';
      } catch (e) {
        r.error = e.message;
      } finally {
        if (w) {
          if (w.broker.exitStatus() === null) await w.broker.stop();
          if (r.ok) w.broker.cleanup(); else r.lines.push(`  Warren's log kept: ${w.broker.logPath}`);
        }
      }
      return r;
    },
  };
}

export const IDLE_SCENARIO = scenario('idle-20k',
  `on a fresh Warren: ${IDLE_CONNECTIONS} connections (channel, exclusive queue, consumer, heartbeat ${HEARTBEAT_S} s) held 10 s: RSS per connection, heartbeats on time, dead clients dropped, 1to1-noack while held`,
  ({ conn, pid, base, stream }) => idleRun({ conn, pid, base, connections: IDLE_CONNECTIONS, heartbeat: HEARTBEAT_S, hold: 10, stream }));

export const CHURN_SCENARIO = scenario('churn',
  `on a fresh Warren: ${CHURN_RATE} connections/s opened, used (channel, declare, publish, get) and closed for ${CHURN_SECONDS} s; RSS, fds, handles and objects back to where they were`,
  ({ conn, pid, base }) => churnRun({ conn, pid, base, rate: CHURN_RATE, seconds: CHURN_SECONDS }));

// ---- command line ----------------------------------------------------------------------------

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: v, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '5672' },
      user: { type: 'string', default: 'guest' }, pass: { type: 'string', default: 'guest' },
      pid: { type: 'string', default: 'auto' }, mgmt: { type: 'string' },
      connections: { type: 'string', default: String(IDLE_CONNECTIONS) }, heartbeat: { type: 'string', default: String(HEARTBEAT_S) },
      hold: { type: 'string', default: '10' }, rate: { type: 'string', default: String(CHURN_RATE) },
      seconds: { type: 'string', default: String(CHURN_SECONDS) }, fleets: { type: 'string' }, stream: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const conn = { host: v.host, port: Number(v.port), user: v.user, pass: v.pass, vhost: '/' };
  const pid = v.pid === 'auto' ? pidListeningOn(conn.port) : v.pid === 'none' ? null : Number(v.pid);
  const log = (s) => process.stderr.write(`${s}\n`);
  let stream = null;
  if (v.stream) {
    const { runScenario, SCENARIOS } = await import('./scenario.mjs');
    const load = SCENARIOS.find((s) => s.name === '1to1-noack');
    stream = () => runScenario(load, { conn, size: 16, maxInflight: 200000, drainTimeout: 30, duration: 5, warmup: 1, brokerPid: pid });
  }
  const mode = positionals[0] ?? 'idle';
  const r = mode === 'churn'
    ? await churnRun({ conn, pid, base: v.mgmt, rate: Number(v.rate), seconds: Number(v.seconds), fleets: v.fleets ? Number(v.fleets) : 2, log })
    : await idleRun({ conn, pid, base: v.mgmt, connections: Number(v.connections), heartbeat: Number(v.heartbeat), hold: Number(v.hold), fleets: v.fleets ? Number(v.fleets) : undefined, stream, log });
  for (const l of r.lines) console.log(l);
  if (v.json) { delete r.lines; console.log(JSON.stringify(r)); }
  process.exitCode = r.ok ? 0 : 1;
}
