// The management-API scale scenario (issue 11): on a fresh Warren of its own, 10,000 queues, 1,000 connections
// (one channel each) and 2,000 consumers (2 per connection, one per queue on 2,000 of the queues), then, while the
// 1to1-noack load runs on its own queue, the management API is timed: GET /api/queues?page=1&page_size=100
// (10 times), GET /api/queues (all, 3 times), GET /api/overview (3 times), and the statistics sampler's own tick
// (/api/overview's warren_stats_sample_ms over 3 ticks). The 1to1-noack rate is also measured on the fresh broker
// before the set-up, so the cost of the idle objects shows. Limits (issue 11): page < 50 ms, all < 1 s, sampler
// < 20 ms. WARREN_BENCH_SCALE_QUEUES / _CONNECTIONS scale the set-up down for a quick run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { RawConnection } from './raw-amqp.mjs';
import { managementBase, startWarren } from './broker-process.mjs';
import { rssKb } from './proc-stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const QUEUES = Number(process.env.WARREN_BENCH_SCALE_QUEUES ?? 10_000);
const CONNECTIONS = Number(process.env.WARREN_BENCH_SCALE_CONNECTIONS ?? 1_000);
const CONSUMERS_PER_CONNECTION = 2;
const DECLARE_PIPELINE = 500;   // queue.declare RPCs in flight on the set-up connection
const CONNECT_PARALLEL = 50;    // connections opening at a time
const LIMIT_PAGE_MS = 50;
const LIMIT_ALL_MS = 1000;
const LIMIT_SAMPLE_MS = 20;
const PAGE_RUNS = 10;
const ALL_RUNS = 3;
const OVERVIEW_RUNS = 3;
const SAMPLER_TICKS = 3;
const TICK_WAIT_MS = 30_000;    // give up waiting for the sampler's ticks after this long
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const NAME = 'mgmt-scale';

const queueName = (i) => `warren-bench.scale.q${String(i).padStart(5, '0')}`;
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const mib = (kb) => (kb === null ? '?' : (kb / 1024).toFixed(0));
const verdict = (ok) => (ok ? 'ok' : 'FAILED');

/** GET base+p as guest: {ms, bytes, json}; throws on a non-200. */
async function timedGet(base, p) {
  const t0 = performance.now();
  const res = await fetch(base + p, { headers: { authorization: AUTH } });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${text.slice(0, 200)}`);
  return { ms, bytes: Buffer.byteLength(text), json: JSON.parse(text) };
}

/** Runs fn(i) for i in 0..n-1, at most `parallel` at a time. */
async function pool(n, parallel, fn) {
  let next = 0;
  const worker = async () => { while (next < n) { const i = next++; await fn(i); } };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
}

/** The set-up: QUEUES queues, CONNECTIONS connections with one channel and 2 consumers each. */
async function setUp(conn, opened) {
  const t0 = performance.now();
  const c = new RawConnection({ ...conn, name: 'warren-bench mgmt-scale declares' });
  opened.push(c);
  await c.connect();
  await c.openChannel(1);
  for (let i = 0; i < QUEUES; i += DECLARE_PIPELINE) {
    const batch = [];
    for (let j = i; j < Math.min(QUEUES, i + DECLARE_PIPELINE); j++) batch.push(c.queueDeclare(1, queueName(j)));
    await Promise.all(batch);
  }
  const declareS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  let consumers = 0;
  await pool(CONNECTIONS, CONNECT_PARALLEL, async (k) => {
    const cc = new RawConnection({ ...conn, name: `warren-bench mgmt-scale idle ${k}` });
    opened.push(cc);
    await cc.connect(60000);
    await cc.openChannel(1);
    const consumes = [];
    for (let j = 0; j < CONSUMERS_PER_CONNECTION; j++) {
      const q = (k * CONSUMERS_PER_CONNECTION + j) % QUEUES;
      consumes.push(cc.consume(1, queueName(q), { noAck: false }));
    }
    await Promise.all(consumes);
    consumers += consumes.length;
  });
  return { declareS, connectS: (performance.now() - t1) / 1000, consumers };
}

/** The sampler's tick durations: the next `ticks` new values of /api/overview's warren_stats_sample_ms. */
async function samplerTicks(base, ticks) {
  const seen = [];
  const first = (await timedGet(base, '/api/overview')).json.warren_stats_sample_ms;
  if (typeof first !== 'number') throw new Error('/api/overview has no warren_stats_sample_ms');
  let last = first; // the tick before we started may predate the set-up: not counted
  const t0 = performance.now();
  while (seen.length < ticks && performance.now() - t0 < TICK_WAIT_MS) {
    await delay(250);
    const v = (await timedGet(base, '/api/overview')).json.warren_stats_sample_ms;
    if (v !== last) { seen.push(v); last = v; }
  }
  return seen;
}

/** The timed requests: page x10, all x3, overview x3 and (withTicks) the sampler's next ticks. */
async function timeRequests(base, withTicks) {
  const t = { page: [], all: [], overview: [], ticks: [], allBytes: 0, allItems: 0 };
  for (let i = 0; i < PAGE_RUNS; i++) {
    const g = await timedGet(base, '/api/queues?page=1&page_size=100');
    if (i === 0 && g.json.items.length !== Math.min(100, g.json.total_count)) throw new Error(`page of 100 has ${g.json.items.length} items`);
    t.page.push(g.ms);
  }
  for (let i = 0; i < ALL_RUNS; i++) {
    const g = await timedGet(base, '/api/queues');
    t.allBytes = g.bytes;
    t.allItems = g.json.length;
    t.all.push(g.ms);
  }
  for (let i = 0; i < OVERVIEW_RUNS; i++) t.overview.push((await timedGet(base, '/api/overview')).ms);
  if (withTicks) t.ticks = await samplerTicks(base, SAMPLER_TICKS);
  return t;
}

/**
 * timeRequests in a worker thread: the bench's producer and consumer share this thread's event loop, and a fetch
 * answered while they hold it would be timed late.
 */
function timeInWorker(base, withTicks) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { mgmtScaleTiming: { base, withTicks } } });
    w.once('message', (m) => { void w.terminate(); if (m.error) reject(new Error(m.error)); else resolve(m.timings); });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`timing worker exited (code ${code})`)));
  });
}

if (!isMainThread && workerData?.mgmtScaleTiming) {
  const { base, withTicks } = workerData.mgmtScaleTiming;
  timeRequests(base, withTicks).then((timings) => parentPort.postMessage({ timings }), (e) => parentPort.postMessage({ error: e.message }));
}

/** The scenario entry for tools/bench/scenario.mjs. */
export const MANAGEMENT_SCALE_SCENARIO = {
  name: NAME,
  what: `on a fresh Warren: ${QUEUES} queues, ${CONNECTIONS} connections, ${CONNECTIONS * CONSUMERS_PER_CONNECTION} consumers; while 1to1-noack runs: GET /api/queues (page of 100, all), /api/overview, the sampler's tick (issue 11 limits)`,
  async run({ size, brokerMain, nodeArgs = [], duration = 5, warmup = 1, maxInflight = 200000, drainTimeout = 30 }) {
    const r = { name: NAME, ok: false, lines: [], error: null };
    if (!brokerMain) {
      r.error = 'needs a Warren started by the bench (it starts its own, to read its management API)';
      return r;
    }
    // scenario.mjs imports this module: take runScenario from it at run time
    const { runScenario, SCENARIOS } = await import('./scenario.mjs');
    const load = SCENARIOS.find((s) => s.name === '1to1-noack');
    let broker = null;
    const opened = [];
    try {
      broker = await startWarren({ root: ROOT, main: brokerMain, nodeArgs });
      const base = await managementBase(broker);
      const conn = { host: broker.host, port: broker.port, user: 'guest', pass: 'guest', vhost: '/' };
      const common = { conn, size, maxInflight, drainTimeout, brokerPid: broker.pid, brokerExited: broker.exited };

      // 1. the load alone, on the fresh broker
      const alone = await runScenario(load, { ...common, duration, warmup });
      if (alone.error) throw new Error(`1to1-noack alone: ${alone.error}`);

      // 2. the idle objects
      const s = await setUp(conn, opened);
      r.lines.push(`${NAME}: set-up ${QUEUES} queues in ${s.declareS.toFixed(1)} s, ${CONNECTIONS} connections + ${s.consumers} consumers in ${s.connectS.toFixed(1)} s; broker RSS ${mib(rssKb(broker.pid))} MiB`);

      // 3. the load again, with the management API timed inside its window
      const idle = await timeInWorker(base, false);
      const loadWindow = Math.max(duration, 25);
      const during = runScenario(load, { ...common, duration: loadWindow, warmup });
      let loadDone = false;
      void during.then(() => { loadDone = true; });
      const timing = (async () => {
        await delay(warmup * 1000 + 500);
        const t = await timeInWorker(base, true);
        t.insideLoad = !loadDone;
        return t;
      })();
      const [busy, timings] = await Promise.all([during, timing]);
      if (busy.error) throw new Error(`1to1-noack during the timing: ${busy.error}`);

      const pageMed = median(timings.page), pageMax = Math.max(...timings.page);
      const allMed = median(timings.all), allMax = Math.max(...timings.all);
      const tickMax = timings.ticks.length ? Math.max(...timings.ticks) : null;
      const pageOk = pageMed < LIMIT_PAGE_MS;
      const allOk = allMed < LIMIT_ALL_MS;
      const tickOk = tickMax !== null && timings.ticks.length === SAMPLER_TICKS && tickMax < LIMIT_SAMPLE_MS;
      r.lines.push(`  without the load: page of 100 median ${round(median(idle.page))} ms, all median ${Math.round(median(idle.all))} ms, overview median ${round(median(idle.overview))} ms`);
      const pct = alone.deliver_rate ? Math.round((100 * busy.deliver_rate) / alone.deliver_rate) : '?';
      r.lines.push(`  1to1-noack alone (fresh broker): ${alone.deliver_rate} msg/s delivered; with the objects, during the timing: ${busy.deliver_rate} msg/s (${pct} %), ${busy.verify?.ok ? 'verified' : 'NOT verified'}, broker CPU ${busy.broker_cpu_pct} %`);
      r.lines.push(`  GET /api/queues?page=1&page_size=100: median ${round(pageMed)} ms, max ${round(pageMax)} ms (${PAGE_RUNS} runs; limit median < ${LIMIT_PAGE_MS} ms) ${verdict(pageOk)}`);
      r.lines.push(`  GET /api/queues (all ${timings.allItems} queues, ${(timings.allBytes / 1048576).toFixed(1)} MiB): median ${Math.round(allMed)} ms, max ${Math.round(allMax)} ms (${ALL_RUNS} runs; limit median < ${LIMIT_ALL_MS} ms) ${verdict(allOk)}`);
      r.lines.push(`  GET /api/overview: median ${round(median(timings.overview))} ms, max ${round(Math.max(...timings.overview))} ms (${OVERVIEW_RUNS} runs; no limit)`);
      r.lines.push(`  sampler tick (warren_stats_sample_ms): max ${tickMax === null ? '?' : round(tickMax, 2)} ms of ${timings.ticks.length} ticks [${timings.ticks.map((x) => round(x, 2)).join(', ')}] (limit max < ${LIMIT_SAMPLE_MS} ms) ${verdict(tickOk)}`);
      if (!timings.insideLoad) r.lines.push(`  note: the timing outlasted the ${loadWindow} s load window; the last figures were taken without the load`);
      r.ok = pageOk && allOk && tickOk && busy.verify?.ok === true && alone.verify?.ok === true;
      if (!r.ok) r.error = 'a limit of issue 11 was missed (see above)';
    } catch (e) {
      r.error = e.message;
    } finally {
      for (const c of opened) if (c.socket) c.socket.destroy();
      if (broker) { if (broker.exitStatus() === null) await broker.stop(); if (r.ok) broker.cleanup(); else r.lines.push(`  Warren's log kept: ${broker.logPath}`); }
    }
    return r;
  },
};
