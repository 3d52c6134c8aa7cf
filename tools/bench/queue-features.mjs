// Queue-feature scenarios (issue 4): message TTL expiry of a large backlog, the memory cost of per-message TTL,
// (priority-1to1 is a variant of the 1to1 scenario in scenario.mjs). Each fills queues with no consumer through a
// raw connection and watches the queue with passive declares; results come back as printable lines.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { RawConnection } from './raw-amqp.mjs';
import { ArgWriter, M, publishFrames } from './wire.mjs';
import { startWarren } from './broker-process.mjs';
import { rssKb, cpuSeconds } from './proc-stats.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const N = 1_000_000;
const BATCH_BYTES = 64 * 1024;
const CORRELATION_ID = 0x0400;
const EXPIRATION = 0x0100;
const DIGITS = 7; // expiration strings are zero-padded to a fixed width so the template can be patched in place

const pad = (n) => String(Math.max(0, Math.min(n, 9_999_999))).padStart(DIGITS, '0');

/**
 * Publishes n messages of `size` bytes to `queue` with one shortstr property (flag `bit`), patched per message by
 * `value(i)` (a DIGITS-char string), as fast as the socket drains. Resolves with the seconds it took until the broker
 * had processed them all (a passive declare on the same channel answers after the last publish).
 */
async function fill(c, queue, n, size, bit, value) {
  const body = Buffer.alloc(size, 0x2e);
  const one = publishFrames(1, '', queue, body, c.frameMax === 0 ? 131072 : c.frameMax, { shortstrs: [[bit, '0'.repeat(DIGITS)]] });
  const len = one.buf.length;
  const at = one.shortstrOffsets[0];
  const perBatch = Math.max(1, Math.floor(BATCH_BYTES / len));
  const t0 = performance.now();
  for (let i = 0; i < n;) {
    const k = Math.min(perBatch, n - i);
    const out = Buffer.allocUnsafe(k * len);
    for (let j = 0; j < k; j++, i++) {
      one.buf.copy(out, j * len);
      out.write(value(i), j * len + at, DIGITS, 'latin1');
    }
    if (!c.socket.write(out)) await new Promise((r) => c.socket.once('drain', r));
    if ((i / perBatch) % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  const count = (await c.queueDeclare(1, queue, { passive: true })).messageCount;
  return { secs: (performance.now() - t0) / 1000, count };
}

async function connect(conn, name) {
  const c = new RawConnection({ ...conn, name: `warren-bench ${name}` });
  await c.connect();
  await c.openChannel(1);
  return c;
}

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mib = (kb) => (kb === null ? '?' : round(kb / 1024));

function base(name) {
  return { name, ok: false, lines: [], error: null };
}

/**
 * ttl-expiry-1m: 1,000,000 messages that expire at the head of the queue all at one moment, so the time measures
 * the broker's expiry work, not the publish rate. Expiry is head-only (RabbitMQ semantics): a first message without
 * TTL shields 1,000,000 messages with expiration 1000 ms behind it; once they have all expired, a basic.get takes the
 * shield and the broker drops them. Reports the time from that get until the queue is empty, the cost per message,
 * and the slowest passive-declare round trip meanwhile (the event loop must stay responsive).
 */
async function ttlExpiry({ conn, size, brokerPid }) {
  const r = base('ttl-expiry-1m');
  const queue = `warren-bench.ttl-expiry-1m.${randomBytes(3).toString('hex')}`;
  let c = null;
  try {
    c = await connect(conn, r.name);
    await c.queueDeclare(1, queue);
    // The shield: no expiration (correlation-id only, same frame shape).
    await fill(c, queue, 1, size, CORRELATION_ID, () => pad(0));
    const f = await fill(c, queue, N, size, EXPIRATION, () => pad(1000));
    await delay(1500);
    if (f.count !== N + 1) throw new Error(`expected ${N + 1} messages, the queue has ${f.count}`);
    const cpu0 = brokerPid ? cpuSeconds(brokerPid) : null;
    const t0 = performance.now();
    await c.rpc(1, M.BASIC_GET, new ArgWriter(32).short(0).shortstr(queue).bits(true).result(), M.BASIC_GET_OK).catch(() => {});
    let empty = null, maxRtt = 0;
    while (performance.now() - t0 < 60_000) {
      const t = performance.now();
      const n = (await c.queueDeclare(1, queue, { passive: true })).messageCount;
      const rtt = performance.now() - t;
      if (rtt > maxRtt) maxRtt = rtt;
      if (n === 0) { empty = performance.now(); break; }
      await delay(2);
    }
    if (empty === null) throw new Error('the queue did not empty within 60 s');
    const cpu = brokerPid && cpu0 !== null ? cpuSeconds(brokerPid) - cpu0 : null;
    const ms = round(empty - t0);
    r.filled = N; r.fill_s = round(f.secs, 2); r.expiry_ms = ms; r.ns_per_message = Math.round((ms * 1e6) / N);
    r.max_declare_rtt_ms = round(maxRtt); r.broker_cpu_s = cpu === null ? null : round(cpu, 2);
    r.lines.push(`ttl-expiry-1m: ${N} expired messages (filled in ${r.fill_s} s) dropped and the queue empty ${ms} ms after the first` +
      ` reached the head (~${r.ns_per_message} ns/message); slowest queue.declare round trip meanwhile ${r.max_declare_rtt_ms} ms` +
      `${cpu === null ? '' : `; broker CPU ${r.broker_cpu_s} s`}`);
    r.ok = true;
  } catch (e) {
    r.error = e.message;
  } finally {
    if (c) { await c.queueDelete(1, queue).catch(() => {}); await c.close(); }
  }
  return r;
}

/** Fills one queue with N messages on the broker at conn; returns {rss growth in KiB, count}. */
async function memoryOf(conn, pid, queue, bit, value, size) {
  const c = await connect(conn, 'ttl-mixed-memory');
  try {
    await c.queueDeclare(1, queue);
    await delay(500);
    const rss0 = rssKb(pid);
    const f = await fill(c, queue, N, size, bit, value);
    await delay(1000);
    return { kb: rssKb(pid) - rss0, count: f.count };
  } finally {
    await c.queueDelete(1, queue).catch(() => {});
    await c.close();
  }
}

/**
 * ttl-mixed-memory: broker RSS growth for 1,000,000 messages without TTL vs 1,000,000 with mixed per-message
 * expirations (1-2 h: none expires during the run), each on a fresh Warren (a heap that already grew would hide
 * the growth; with --url both run, in turn, on that broker). Both carry a 7-char shortstr property
 * (correlation-id vs expiration) so the stored bytes are the same size.
 */
async function ttlMemory({ conn, size, brokerPid, brokerMain }) {
  const r = base('ttl-mixed-memory');
  const tag = randomBytes(3).toString('hex');
  let seed = 0x9e3779b9;
  const mixed = () => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return pad(3_600_000 + ((seed >>> 0) % 3_600_000));
  };
  const runs = [
    ['without TTL', `warren-bench.mem-plain.${tag}`, CORRELATION_ID, (i) => pad(i)],
    ['with mixed expirations', `warren-bench.mem-ttl.${tag}`, EXPIRATION, mixed],
  ];
  const out = [];
  try {
    for (const [what, queue, bit, value] of runs) {
      let broker = null;
      try {
        let target = conn, pid = brokerPid;
        if (brokerMain) {
          broker = await startWarren({ root: ROOT, main: brokerMain });
          target = { ...conn, host: broker.host, port: broker.port };
          pid = broker.pid;
        }
        if (!pid) throw new Error('needs the broker pid (RSS from /proc)');
        out.push({ what, ...(await memoryOf(target, pid, queue, bit, value, size)) });
      } finally {
        if (broker) { await broker.stop(); broker.cleanup(); }
      }
    }
    const [a, b] = out;
    r.plain_bytes_per_message = Math.round((a.kb * 1024) / a.count);
    r.ttl_bytes_per_message = Math.round((b.kb * 1024) / b.count);
    r.ratio = round(b.kb / a.kb, 3);
    r.lines.push(`ttl-mixed-memory: broker RSS +${mib(a.kb)} MiB for ${a.count} messages without TTL (${r.plain_bytes_per_message} B/msg),` +
      ` +${mib(b.kb)} MiB for ${b.count} with mixed expirations (${r.ttl_bytes_per_message} B/msg): ratio ${r.ratio}` +
      `${brokerMain ? ' (a fresh Warren for each)' : ' (one after the other on the same broker)'}`);
    r.ok = a.count === N && b.count === N;
  } catch (e) {
    r.error = e.message;
  }
  return r;
}

/** Scenarios with their own run(); listed after the 1to1 ones. */
export const QUEUE_FEATURE_SCENARIOS = [
  { name: 'ttl-expiry-1m', run: ttlExpiry, what: '1,000,000 messages expiring at one moment: time until the queue is empty' },
  { name: 'ttl-mixed-memory', run: ttlMemory, what: 'broker RSS for 1,000,000 messages without TTL vs with mixed expirations' },
];
