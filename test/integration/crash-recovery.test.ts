// Crash safety of the LevelDB store: Warren runs as a child process on a temp data dir and is killed with
// SIGKILL at a random (seeded) moment while publishers with confirms and an acking consumer are busy; after a
// restart on the same directory every confirmed message is there exactly once unless it was consumed and
// its ack made durable, and the definitions are intact. Also: the data directory's lock, corrupt records,
// tx.commit-ok after the disk. The broker runs with a small head window (PAGING) so most of the backlog is paged.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../helpers/prng.js';
import { fixedWait, waitFor } from '../helpers/wait.js';
import { buildIfNeeded, killWarren, spawnWarren, startWarrenOn, type WarrenProcess } from '../helpers/warren-process.js';

const SEED = Number(process.env.CRASH_SEED ?? 20261126);
const CYCLES = 5;
const WINDOW = 300;
const QUEUES = ['crash.q0', 'crash.q1', 'crash.q2'];
/** Routing: k.0 -> q0 and q2, k.1 -> q1 and q2, k.2 -> q2 (so most messages fan out to two durable queues). */
const ROUTES: Record<string, string[]> = { 'k.0': ['crash.q0', 'crash.q2'], 'k.1': ['crash.q1', 'crash.q2'], 'k.2': ['crash.q2'] };

const TX_SELECT = (90 << 16) | 10;
const TX_COMMIT = (90 << 16) | 20;

const running: WarrenProcess[] = [];
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'warren-crash-'));
  dirs.push(d);
  return d;
}

/**
 * A 16-message head window: the unconsumed backlogs of q1 and q2 are paged (bodies on disk, index in RAM), so the
 * kill also lands on paged backlogs, page-outs in progress and bodies being read back.
 */
const PAGING = ['--paging-head-messages', '16'];

async function start(dataDir: string): Promise<{ w: WarrenProcess; url: string }> {
  const { w, port } = await startWarrenOn(dataDir, PAGING);
  running.push(w);
  return { w, url: `amqp://guest:guest@127.0.0.1:${port}` };
}

async function connect(url: string): Promise<ChannelModel> {
  const c = await amqp.connect(url);
  c.on('error', () => {}); // the broker is killed under it
  return c;
}

/** True when the passive declare succeeds (each on its own channel: a 404 closes it). */
async function exists(conn: ChannelModel, kind: 'queue' | 'exchange', name: string): Promise<boolean> {
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  try {
    if (kind === 'queue') await ch.checkQueue(name);
    else await ch.checkExchange(name);
    await ch.close();
    return true;
  } catch {
    return false;
  }
}

/** Takes everything from a queue (no-ack); returns bodies in order. */
async function drain(ch: Channel, queue: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (m === false) return out;
    out.push(m.content.toString());
  }
}

/** Publishes one persistent message and waits for its confirm: every write the broker made before is durable then. */
async function barrier(conn: ChannelModel): Promise<void> {
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('crash.barrier', { durable: true });
  ch.publish('', 'crash.barrier', Buffer.from('b'), { persistent: true });
  await ch.waitForConfirms();
  await ch.purgeQueue('crash.barrier');
  await ch.close();
}

beforeAll(() => buildIfNeeded(), 180_000);

afterAll(async () => {
  for (const w of running) await killWarren(w);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('crash recovery (SIGKILL)', () => {
  it(`confirmed messages survive SIGKILL exactly once, durably acked ones stay gone, definitions stay (${CYCLES} cycles, seed ${SEED})`, async () => {
    const rnd = prng(SEED);
    const dataDir = await tempDir();
    let { w, url } = await start(dataDir);
    {
      const conn = await connect(url);
      const ch = await conn.createChannel();
      await ch.assertExchange('crash.x', 'topic', { durable: true });
      for (const q of QUEUES) await ch.assertQueue(q, { durable: true });
      await ch.bindQueue('crash.q0', 'crash.x', 'k.0');
      await ch.bindQueue('crash.q1', 'crash.x', 'k.1');
      await ch.bindQueue('crash.q2', 'crash.x', 'k.*');
      // Transient objects: gone after a restart, as in RabbitMQ.
      await ch.assertQueue('crash.transient', { durable: false });
      await ch.assertExchange('crash.transient-x', 'fanout', { durable: false });
      await ch.assertQueue('crash.exclusive', { durable: true, exclusive: true });
      await conn.close();
    }

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const conn = await connect(url);
      const pub: ConfirmChannel = await conn.createConfirmChannel();
      pub.on('error', () => {});
      // Acks go on the publishing channel: amqplib interleaves the writes of a connection's channels, so only on
      // one channel is an ack sure to reach the broker before the publishes sent after it (which prove it durable).
      const cons = pub;
      // Per queue: confirmed messages; for q0 also the acks and whether a later confirm proves them durable.
      const confirmed = new Map<string, Set<string>>(QUEUES.map((q) => [q, new Set()]));
      const sent = new Set<string>();
      const acks: Array<{ body: string; publishedBefore: number }> = [];
      let published = 0;
      let lastConfirmed = 0;
      let outstanding = 0;
      let stopped = false;
      let wake: () => void = () => {};

      await cons.consume(
        'crash.q0',
        (m) => {
          if (m === null || stopped) return;
          const body = m.content.toString();
          const n = Number(body.split(':')[1]);
          if (n % 4 === 3) return; // left unacked: must come back if confirmed
          try {
            cons.ack(m);
          } catch {
            return;
          }
          acks.push({ body, publishedBefore: published });
        },
        { noAck: false },
      );

      const pump = (async () => {
        while (!stopped) {
          if (outstanding >= WINDOW) {
            await new Promise<void>((r) => (wake = r));
            continue;
          }
          const n = published;
          const body = `${cycle}:${n}`;
          const key = `k.${n % 3}`;
          const seq = ++published;
          outstanding++;
          sent.add(body);
          try {
            pub.publish('crash.x', key, Buffer.from(body), { persistent: true }, (err) => {
              outstanding--;
              if (!err && !stopped) {
                for (const q of ROUTES[key]) (confirmed.get(q) as Set<string>).add(body);
                if (seq > lastConfirmed) lastConfirmed = seq;
              }
              wake();
            });
          } catch {
            break; // the channel is gone with the broker
          }
          if (n % 50 === 49) await new Promise((r) => setImmediate(r));
        }
      })();

      let connClosed = false;
      conn.once('close', () => (connClosed = true));
      // Fixed on purpose: the kill lands at a seeded random point of the stream; the wait is the scenario.
      await fixedWait(150 + Math.floor(rnd() * 750));
      w.child.kill('SIGKILL');
      await w.exited;
      // Confirms that arrived before the kill are the ones that count; later callbacks are errors.
      // amqplib handles everything it read from the socket before it reports the close.
      await waitFor(() => connClosed, 'the client connection to see the kill');
      stopped = true;
      wake();
      await pump;
      // The kill must have landed mid-stream, with work on both sides of it.
      expect(lastConfirmed, `cycle ${cycle}: confirms before the kill`).toBeGreaterThan(0);
      if (process.env.CRASH_VERBOSE) console.log({ cycle, published, lastConfirmed, acks: acks.length });
      const durablyAcked = new Set(acks.filter((a) => a.publishedBefore < lastConfirmed).map((a) => a.body));
      const acked = new Set(acks.map((a) => a.body));

      ({ w, url } = await start(dataDir));
      const check = await connect(url);
      expect(await exists(check, 'exchange', 'crash.x')).toBe(true);
      for (const q of QUEUES) expect(await exists(check, 'queue', q), q).toBe(true);
      expect(await exists(check, 'queue', 'crash.transient')).toBe(false);
      expect(await exists(check, 'exchange', 'crash.transient-x')).toBe(false);
      expect(await exists(check, 'queue', 'crash.exclusive')).toBe(false);

      const ch = await check.createChannel();
      for (const q of QUEUES) {
        const got = await drain(ch, q);
        const what = `cycle ${cycle} queue ${q} (published ${published}, last confirm ${lastConfirmed})`;
        expect(new Set(got).size, `${what}: duplicates`).toBe(got.length);
        for (const b of got) expect(sent.has(b), `${what}: foreign message ${b}`).toBe(true);
        const present = new Set(got);
        const lost = [...(confirmed.get(q) as Set<string>)].filter((b) => !present.has(b) && !acked.has(b));
        expect(lost, `${what}: confirmed messages missing`).toEqual([]);
        if (q === 'crash.q0') {
          const back = got.filter((b) => durablyAcked.has(b));
          expect(back, `${what}: durably acked messages came back`).toEqual([]);
        }
        // Publication order survives within a queue.
        const ns = got.map((b) => Number(b.split(':')[1]));
        expect(ns, `${what}: order`).toEqual([...ns].sort((a, b) => a - b));
      }
      // Bindings: a message to k.1 reaches q1 and q2 (and q0 does not get it).
      const conf = await check.createConfirmChannel();
      conf.publish('crash.x', 'k.1', Buffer.from('probe'), { persistent: true });
      await conf.waitForConfirms();
      expect(await drain(ch, 'crash.q0')).toEqual([]);
      expect(await drain(ch, 'crash.q1')).toEqual(['probe']);
      expect(await drain(ch, 'crash.q2')).toEqual(['probe']);
      await barrier(check); // the drains above are durable before the next kill
      await check.close();
    }
  }, 60_000);

  it('tx.commit-ok is sent only once the committed persistent messages are on disk', async () => {
    const dataDir = await tempDir();
    let { w, url } = await start(dataDir);
    for (let round = 0; round < 3; round++) {
      const conn = await connect(url);
      const ch = await conn.createChannel();
      await ch.assertQueue('crash.tx', { durable: true });
      await ch.purgeQueue('crash.tx');
      await barrier(conn);
      // amqplib has no tx API on channels: use the raw RPC it is built on (method ids: class 90, methods 10/11, 20/21).
      const raw = ch as unknown as { rpc(method: number, fields: object, expect: number): Promise<unknown> };
      await raw.rpc(TX_SELECT, {}, TX_SELECT + 1);
      for (let i = 0; i < 200; i++) ch.publish('', 'crash.tx', Buffer.alloc(1024, i), { persistent: true });
      await raw.rpc(TX_COMMIT, {}, TX_COMMIT + 1);
      w.child.kill('SIGKILL'); // right after commit-ok: nothing may be lost
      await w.exited;
      ({ w, url } = await start(dataDir));
      const check = await connect(url);
      const c2 = await check.createChannel();
      expect((await c2.checkQueue('crash.tx')).messageCount, `round ${round}`).toBe(200);
      await check.close();
    }
  }, 30_000);

  it('a second Warren on the same data directory refuses to start, and the first keeps working', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    const second = spawnWarren(['--port', '0', '--management-port', '0', '--prometheus-port', '0', '--prometheus-host', '127.0.0.1', '--host', '127.0.0.1', '--management-host', '127.0.0.1', '--data-dir', dataDir]);
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`data directory ${path.join(dataDir, 'leveldb')} is in use by another Warren`);
    const conn = await connect(first.url);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('crash.lock', { durable: true });
    ch.sendToQueue('crash.lock', Buffer.from('still here'), { persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    first.w.child.kill('SIGTERM');
    expect(await first.w.exited).toBe(0);
    const again = await start(dataDir);
    const c2 = await connect(again.url);
    const ch2 = await c2.createChannel();
    expect((await ch2.get('crash.lock', { noAck: true }) as amqp.GetMessage).content.toString()).toBe('still here');
    await c2.close();
  }, 30_000);

  it('a corrupt record is logged with its key and skipped; everything else is recovered', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    const conn = await connect(first.url);
    const ch = await conn.createConfirmChannel();
    for (const q of ['crash.good', 'crash.bad-def', 'crash.bad-body']) {
      await ch.assertQueue(q, { durable: true });
      for (let i = 0; i < 3; i++) ch.sendToQueue(q, Buffer.from(`${q}:${i}`), { persistent: true });
    }
    await ch.waitForConfirms();
    await conn.close();
    first.w.child.kill('SIGTERM');
    expect(await first.w.exited).toBe(0);

    // Damage two records with `level` while the broker is stopped: a queue definition and one message body.
    const db = new Level<Buffer, Buffer>(path.join(dataDir, 'leveldb'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    let badDefKey = '';
    let badBodyKey = '';
    for await (const [k, v] of db.iterator()) {
      if (k[0] === 0x03 && v.toString().includes('crash.bad-def')) badDefKey = k.toString('hex');
      if (k[0] === 0x10 && v.toString().includes('crash.bad-body:1')) badBodyKey = k.toString('hex');
    }
    expect(badDefKey).not.toBe('');
    expect(badBodyKey).not.toBe('');
    await db.put(Buffer.from(badDefKey, 'hex'), Buffer.from('{"garbage'));
    await db.put(Buffer.from(badBodyKey, 'hex'), Buffer.from([0xff]));
    await db.close();

    const again = await start(dataDir);
    const logged = again.w.records.filter((r) => r.level === 50).map((r) => r.key);
    expect(logged).toContain(badDefKey);
    expect(logged).toContain(badBodyKey);
    const c2 = await connect(again.url);
    const ch2 = await c2.createChannel();
    expect(await drain(ch2, 'crash.good')).toEqual(['crash.good:0', 'crash.good:1', 'crash.good:2']);
    expect(await drain(ch2, 'crash.bad-body')).toEqual(['crash.bad-body:0', 'crash.bad-body:2']);
    expect(await exists(c2, 'queue', 'crash.bad-def')).toBe(false);
    await c2.close();
  }, 30_000);
});
