// A fleet of AMQP connections in a child process of its own (a process holds at most its fd limit of
// sockets, and the fleet's event loop must not be the one that times the broker's heartbeats late).
// Driven by connections.mjs over IPC: fork(this file), then send it commands; each answers with one message.
//
//   {cmd:'open', conn, count, heartbeat, concurrency, name}
//       opens `count` connections (heartbeat negotiated down to `heartbeat` s), each with channel 1, an
//       exclusive server-named queue and a consumer on it; sends heartbeats every heartbeat/2 s from one
//       shared 100 ms ticker, and times every gap between two reads from the broker
//       -> {ev:'opened', opened, failed, open_s, errors}
//   {cmd:'gaps'}        -> {ev:'gaps', alive, negotiated, max_gap_ms, p99_gap_ms, late}  (late: gaps > the interval)
//   {cmd:'silence', count, timeoutMs}
//       stops the heartbeats of the first `count` connections (they go on reading) and waits until the
//       broker closes them -> {ev:'silenced', closed, still_open, after_ms: {min, max}} (time since their last beat)
//   {cmd:'close'}       connection.close on every connection -> {ev:'closed', close_s}
//   {cmd:'churn', conn, rate, seconds, concurrency}
//       every 1/rate s a new connection: connect, channel.open, exclusive queue.declare, one basic.publish
//       to it, basic.get, connection.close; at most `concurrency` in flight
//       -> {ev:'churned', started, done, failed, rate, cycle_ms: {p50, p99, max}, errors}
import { RawConnection } from './raw-amqp.mjs';
import { publishFrames, FRAME_HEARTBEAT, FRAME_END } from './wire.mjs';

const TICK_MS = 100;
const HEARTBEAT_FRAME = Buffer.from([FRAME_HEARTBEAT, 0, 0, 0, 0, 0, 0, FRAME_END]);
const MAX_ERRORS = 10;

/** Held connections: {c, lastRecv, maxGap, nextBeat, beating, closedAt}. */
let fleet = [];
let ticker = null;

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function pool(n, parallel, fn) {
  let next = 0;
  const worker = async () => { while (next < n) { const i = next++; await fn(i); } };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
}

function startTicker() {
  if (ticker !== null) return;
  ticker = setInterval(() => {
    const now = Date.now();
    for (const f of fleet) {
      if (!f.beating || f.closedAt !== null || now < f.nextBeat) continue;
      f.nextBeat = now + (f.c.heartbeat * 1000) / 2;
      f.lastBeat = now;
      f.c.socket.write(HEARTBEAT_FRAME);
    }
  }, TICK_MS);
}

async function open({ conn, count, heartbeat, concurrency, name }) {
  const t0 = performance.now();
  let failed = 0;
  const errors = [];
  startTicker();
  await pool(count, concurrency, async (i) => {
    const c = new RawConnection({ ...conn, name: `${name} ${i}`, heartbeat });
    const f = { c, lastRecv: 0, maxGap: 0, nextBeat: 0, lastBeat: 0, beating: false, closedAt: null, counted: false };
    try {
      await c.connect(30000);
      // the beats start with the connection: the broker counts silence from tune-ok
      f.beating = c.heartbeat > 0;
      f.nextBeat = Date.now() + (c.heartbeat * 1000) / 2;
      fleet.push(f);
      await c.openChannel(1);
      const q = await c.queueDeclare(1, '', { exclusive: true });
      await c.consume(1, q.queue, { noAck: true });
      f.lastRecv = Date.now();
      f.counted = true;
      c.socket.on('data', () => {
        const now = Date.now();
        const g = now - f.lastRecv;
        if (g > f.maxGap) f.maxGap = g;
        f.lastRecv = now;
      });
      c.socket.on('close', () => { f.closedAt = Date.now(); });
    } catch (e) {
      failed++;
      if (errors.length < MAX_ERRORS) errors.push(e.message);
      c.socket?.destroy();
    }
  });
  return { ev: 'opened', opened: fleet.filter((f) => f.counted && f.closedAt === null).length, failed, open_s: (performance.now() - t0) / 1000, errors };
}

function gaps() {
  const now = Date.now();
  const live = fleet.filter((f) => f.counted && f.closedAt === null);
  const g = live.map((f) => Math.max(f.maxGap, now - f.lastRecv)).sort((a, b) => a - b);
  const negotiated = live.length ? live[0].c.heartbeat : 0;
  return {
    ev: 'gaps', alive: live.length, negotiated, max_gap_ms: g.length ? g[g.length - 1] : null, p99_gap_ms: percentile(g, 99),
    p50_gap_ms: percentile(g, 50), late: g.filter((x) => x > negotiated * 1000).length,
  };
}

async function silence({ count, timeoutMs }) {
  const chosen = fleet.filter((f) => f.counted && f.closedAt === null).slice(0, count);
  for (const f of chosen) f.beating = false;
  const t0 = Date.now();
  while (chosen.some((f) => f.closedAt === null) && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 200));
  const closed = chosen.filter((f) => f.closedAt !== null);
  const after = closed.map((f) => f.closedAt - (f.lastBeat || t0)).sort((a, b) => a - b);
  fleet = fleet.filter((f) => !chosen.includes(f));
  for (const f of chosen) f.c.socket.destroy();
  return { ev: 'silenced', closed: closed.length, still_open: chosen.length - closed.length, after_ms: { min: after[0] ?? null, max: after[after.length - 1] ?? null } };
}

async function closeAll() {
  const t0 = performance.now();
  await pool(fleet.length, 200, async (i) => { await fleet[i].c.close(5000); });
  for (const f of fleet) f.c.socket?.destroy();
  fleet = [];
  if (ticker !== null) clearInterval(ticker);
  ticker = null;
  return { ev: 'closed', close_s: (performance.now() - t0) / 1000 };
}

async function churn({ conn, rate, seconds, concurrency }) {
  const body = Buffer.alloc(16, 1);
  const times = [];
  const errors = [];
  let started = 0, done = 0, failed = 0, inflight = 0;
  const cycle = async (i) => {
    const c = new RawConnection({ ...conn, name: `warren-bench churn ${i}` });
    const t = performance.now();
    try {
      await c.connect(30000);
      await c.openChannel(1);
      const { queue } = await c.queueDeclare(1, '', { exclusive: true });
      c.socket.write(publishFrames(1, '', queue, body, c.frameMax || 131072).buf);
      if (!(await c.basicGet(1, queue))) throw new Error('basic.get found the queue empty');
      await c.close(5000);
      done++;
      times.push(performance.now() - t);
    } catch (e) {
      failed++;
      if (errors.length < MAX_ERRORS) errors.push(e.message);
      c.socket?.destroy();
    }
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const end = t0 + seconds * 1000;
  const running = new Set();
  while (performance.now() < end) {
    // start every cycle that is due, unless `concurrency` are in flight
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    while (started < due && inflight < concurrency) {
      inflight++;
      const p = cycle(started++).finally(() => { inflight--; running.delete(p); });
      running.add(p);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(running);
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return {
    ev: 'churned', started, done, failed, rate: Math.round(done / secs), seconds: Math.round(secs * 10) / 10,
    cpu_pct: Math.round(((cpu.user + cpu.system) / 1e6 / secs) * 100),
    cycle_ms: { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), max: round(times[times.length - 1] ?? null) }, errors,
  };
}

function round(x) { return x === null ? null : Math.round(x * 10) / 10; }

const handlers = { open, gaps, silence, close: closeAll, churn };
process.on('message', async (m) => {
  try {
    const reply = await handlers[m.cmd](m);
    process.send({ id: m.id, ...reply });
  } catch (e) {
    process.send({ id: m.id, ev: 'error', error: e.stack ?? String(e) });
  }
});
process.on('disconnect', () => process.exit(0));
