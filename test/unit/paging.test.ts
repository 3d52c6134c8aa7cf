// Paging against a real LevelDB in a temp dir with a tiny head window (4 messages): a durable queue's backlog beyond
// the head keeps only index entries in RAM, bodies are read back in batches; order, requeue, TTL, length limits,
// purge, deletion, fan-out with one queue paged and one not, recovery from the index alone, transient paging.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Message } from '../../src/broker/message.js';
import type { QueueEntry } from '../../src/broker/queue/queue-entry.js';
import { Queue } from '../../src/broker/queue/queue.js';
import type { FieldTable } from '../../src/amqp/codec/field-value.js';
import { BODY, INDEX } from '../../src/store/keys.js';
import { LevelStore } from '../../src/store/level-store.js';
import { fixedWait } from '../helpers/wait.js';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
const stores: LevelStore[] = [];
const HEAD = 4;

async function openStore(dir?: string, pagingThresholdBytes = Infinity): Promise<LevelStore> {
  if (dir === undefined) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'warren-paging-'));
    dirs.push(dir);
  }
  const s = new LevelStore(dir, silent, { headMessages: HEAD, headBytes: 1 << 20, pagingThresholdBytes });
  await s.open();
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function message(body: string, persistent = true, expiration?: number): Message {
  // flags: delivery-mode (0x1000) [+ expiration (0x0100)]
  const parts: Buffer[] = [];
  let flags = 0x1000;
  if (expiration !== undefined) {
    flags |= 0x0100;
    const e = String(expiration);
    parts.push(Buffer.from([e.length]), Buffer.from(e));
  }
  const props = Buffer.concat([Buffer.from([flags >> 8, flags & 0xff]), ...parts, Buffer.from([persistent ? 2 : 1])]);
  const raw = Buffer.concat([Buffer.from([0, 1]), Buffer.from('q'), props, Buffer.from(body)]);
  return new Message('', 'q', raw, 3, props.length, persistent, 0, undefined, expiration ?? -1);
}

const text = (e: QueueEntry | undefined): string | undefined => e && e.message.raw.subarray(e.message.bodyOffset).toString();

function durableQueue(store: LevelStore, name: string, args: FieldTable = {}): Queue {
  const q = new Queue(name, '/', { durable: true, autoDelete: false, exclusiveOwner: null, arguments: args });
  store.putQueue({ vhost: '/', name, durable: true, autoDelete: false, arguments: args });
  store.attach(q);
  return q;
}

function durable(store: LevelStore): Promise<void> {
  return new Promise((resolve, reject) => store.waitDurable({ durable: () => resolve(), failed: () => reject(new Error('write failed')) }, 1));
}

/** Waits until the queue has paged what it can (two commits: records synced, then the page-out pass ran). */
async function settle(store: LevelStore): Promise<void> {
  await durable(store);
  await new Promise((r) => setImmediate(r));
  await durable(store);
}

async function count(store: LevelStore, tag: number): Promise<number> {
  let n = 0;
  for await (const _ of store.database.keys({ gte: Buffer.of(tag), lt: Buffer.of(tag + 1) })) n++;
  return n;
}

/** basic.get semantics: takes the next entry, waiting for paged bodies when the head is being read. */
async function take(q: Queue, noAck = true): Promise<QueueEntry | undefined> {
  for (;;) {
    const e = q.take(noAck);
    if (e !== undefined || !q.isLoading) return e;
    await new Promise<void>((r) => q.whenLoaded(r));
  }
}

async function takeAll(q: Queue): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const e = await take(q);
    if (e === undefined) return out;
    out.push(text(e) as string);
  }
}

async function reopen(store: LevelStore, args: Record<string, FieldTable> = {}, pagingThresholdBytes = Infinity): Promise<{ store: LevelStore; queues: Map<string, Queue> }> {
  const dir = store.location;
  await store.close();
  stores.splice(stores.indexOf(store), 1);
  const s = await openStore(dir, pagingThresholdBytes);
  const defs = await s.loadDefinitions();
  const map = new Map<string, Queue>();
  for (const d of defs.queues) {
    const q = new Queue(d.name, d.vhost, { durable: true, autoDelete: d.autoDelete, exclusiveOwner: null, arguments: args[d.name] ?? d.arguments });
    s.attach(q);
    map.set(d.name, q);
  }
  await s.recover((_v, n) => map.get(n));
  return { store: s, queues: map };
}

const bodies = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `m${from + i}`);

describe('paging', () => {
  it('keeps a head window in RAM, pages the rest and delivers everything in order across the boundary', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q');
    for (const b of bodies(50)) q.enqueue(message(b));
    await settle(s);
    expect(q.messageCount).toBe(50);
    expect(q.messagesPaged).toBe(50 - HEAD);
    expect(q.messageBytes).toBe(50 * 2 + 40 * 1);
    expect(await takeAll(q)).toEqual(bodies(50));
    expect(q.messageCount).toBe(0);
    await settle(s);
    expect([await count(s, INDEX), await count(s, BODY)]).toEqual([0, 0]);
  });

  it('requeued entries go back in front of the paged ones, redelivered', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q');
    for (const b of bodies(20)) q.enqueue(message(b));
    await settle(s);
    const a = (await take(q, false)) as QueueEntry;
    const b = (await take(q, false)) as QueueEntry;
    for (let i = 0; i < 5; i++) await take(q); // through the head into loaded entries
    q.requeue([b, a]);
    const first = (await take(q)) as QueueEntry;
    expect([text(first), first.redelivered]).toEqual(['m0', true]);
    expect(await takeAll(q)).toEqual(['m1', ...bodies(13, 7)]);
  });

  it('a restart recovers a paged backlog from the index: order, counts, bytes and redelivered flags', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q');
    for (const b of bodies(30)) q.enqueue(message(b));
    await settle(s);
    const d = (await take(q, false)) as QueueEntry; // delivered, unacked at the "crash": comes back redelivered
    expect(text(d)).toBe('m0');
    await settle(s);
    const { queues } = await reopen(s);
    const r = queues.get('q') as Queue;
    expect(r.messageCount).toBe(30);
    expect(r.messageBytes).toBe(30 * 2 + 20);
    expect(r.messagesPaged).toBeGreaterThan(20); // only the head's bodies were read
    const first = (await take(r)) as QueueEntry;
    expect([text(first), first.redelivered]).toEqual(['m0', true]);
    const second = (await take(r)) as QueueEntry;
    expect([text(second), second.redelivered]).toEqual(['m1', false]);
    expect(await takeAll(r)).toEqual(bodies(28, 2));
  });

  it('fan-out to two durable queues, one paged and one not: one body, deleted only when both are done', async () => {
    const s = await openStore();
    const big = durableQueue(s, 'big');
    const small = durableQueue(s, 'small');
    for (const b of bodies(HEAD)) big.enqueue(message(b)); // fills big's head window
    const shared: Message[] = bodies(10, 100).map((b) => message(b));
    for (const m of shared) {
      big.enqueue(m); // paged in big
      small.enqueue(m); // in RAM in small
    }
    await settle(s);
    expect(big.messagesPaged).toBe(10);
    expect(small.messagesPaged).toBe(6);
    expect(await count(s, BODY)).toBe(HEAD + 10);
    // small consumes (and acks) first: the bodies stay for big.
    expect(await takeAll(small)).toEqual(bodies(10, 100));
    await settle(s);
    expect(await count(s, BODY)).toBe(HEAD + 10);
    expect(await takeAll(big)).toEqual([...bodies(HEAD), ...bodies(10, 100)]);
    await settle(s);
    expect([await count(s, INDEX), await count(s, BODY)]).toEqual([0, 0]);
  });

  it('fan-out: a shared paged body survives a restart and is deleted after the last queue acks it', async () => {
    const s = await openStore();
    const a = durableQueue(s, 'a');
    const b = durableQueue(s, 'b');
    for (const m of bodies(12).map((x) => message(x))) {
      a.enqueue(m);
      b.enqueue(m);
    }
    await settle(s);
    const { store, queues } = await reopen(s);
    expect(await takeAll(queues.get('a') as Queue)).toEqual(bodies(12));
    await settle(store);
    expect(await count(store, BODY)).toBe(12);
    expect(await takeAll(queues.get('b') as Queue)).toEqual(bodies(12));
    await settle(store);
    expect([await count(store, INDEX), await count(store, BODY)]).toEqual([0, 0]);
  });

  it('purge and deletion delete the paged records', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q');
    for (const b of bodies(40)) q.enqueue(message(b));
    await settle(s);
    expect(q.purge()).toBe(40);
    expect(q.messageCount).toBe(0);
    await settle(s);
    expect([await count(s, INDEX), await count(s, BODY)]).toEqual([0, 0]);
    for (const b of bodies(40)) q.enqueue(message(b));
    await settle(s);
    q.markDeleted();
    await settle(s);
    expect([await count(s, INDEX), await count(s, BODY)]).toEqual([0, 0]);
  });

  it('x-max-length drop-head drops paged entries by their index (no dead-letter exchange)', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q', { 'x-max-length': 10 });
    for (const b of bodies(10)) q.enqueue(message(b));
    await settle(s);
    expect(q.messagesPaged).toBe(6);
    // Empty the head: the next drop must come from the paged tail.
    for (let i = 0; i < 4; i++) q.take(true);
    for (const b of bodies(8, 10)) q.enqueue(message(b));
    expect(q.messageCount).toBe(10);
    await settle(s);
    expect(await takeAll(q)).toEqual(bodies(10, 8));
    await settle(s);
    expect([await count(s, INDEX), await count(s, BODY)]).toEqual([0, 0]);
  });

  it('x-max-length-bytes counts paged bodies', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q', { 'x-max-length-bytes': 40 }); // m12..m24: 13 bodies of 3 bytes
    for (const b of bodies(25)) q.enqueue(message(b));
    expect(q.messageBytes).toBe(39);
    await settle(s);
    expect(q.messagesPaged).toBeGreaterThan(0);
    expect(await takeAll(q)).toEqual(bodies(13, 12));
  });

  it('message TTL: paged entries keep their expiry and expire when they reach the head', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q');
    for (const b of bodies(12)) q.enqueue(message(b, true, 100));
    for (const b of bodies(3, 50)) q.enqueue(message(b));
    await settle(s);
    expect(q.messagesPaged).toBe(11);
    // Fixed on purpose: the 100 ms TTL must be over; expiry happens as the entries reach the head.
    await fixedWait(150);
    expect(await takeAll(q)).toEqual(bodies(3, 50));
  });

  it('transient messages in a durable queue are paged under memory pressure and dropped at recovery', async () => {
    const s = await openStore(undefined, 0); // threshold 0: always under pressure
    const q = durableQueue(s, 'q');
    for (let i = 0; i < 20; i++) q.enqueue(message(`m${i}`, i % 2 === 0));
    await settle(s);
    expect(q.messagesPaged).toBe(16);
    const { store, queues } = await reopen(s, {}, 0);
    const r = queues.get('q') as Queue;
    expect(r.messageCount).toBe(10);
    expect(await takeAll(r)).toEqual(bodies(10).map((_, i) => `m${2 * i}`));
    await settle(store);
    expect([await count(store, INDEX), await count(store, BODY)]).toEqual([0, 0]);
  });

  it('without memory pressure transient messages stay in RAM (and the backlog behind them too)', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q');
    for (let i = 0; i < 20; i++) q.enqueue(message(`m${i}`, false));
    await settle(s);
    expect(q.messagesPaged).toBe(0);
    expect(await count(s, INDEX)).toBe(0);
    expect(await takeAll(q)).toEqual(bodies(20));
  });

  it('a non-durable queue pages its backlog under memory pressure (all records flagged transient), drains in order, and a restart deletes them', async () => {
    const s = await openStore(undefined, 0);
    const keep = durableQueue(s, 'keep');
    const q = new Queue('nd', '/', { durable: false, autoDelete: false, exclusiveOwner: null, arguments: {} });
    s.attach(q);
    for (let i = 0; i < 20; i++) q.enqueue(message(`m${i}`, i % 2 === 0));
    for (const b of bodies(6, 100)) keep.enqueue(message(b));
    await settle(s);
    expect(q.messagesPaged).toBe(16);
    expect(keep.messagesPaged).toBe(2);
    // The non-durable queue's 16 paged entries (head window 4 in RAM) and the durable queue's 6.
    expect([await count(s, INDEX), await count(s, BODY)]).toEqual([22, 22]);
    const first: (string | undefined)[] = [];
    for (let i = 0; i < 10; i++) first.push(text(await take(q)));
    expect(first).toEqual(bodies(10));
    // The other half is left on disk at the restart; the queue is not a definition, so recovery deletes its records.
    const { store, queues } = await reopen(s, {}, 0);
    expect([...queues.keys()]).toEqual(['keep']);
    expect(await takeAll(queues.get('keep') as Queue)).toEqual(bodies(6, 100));
    await settle(store);
    expect([await count(store, INDEX), await count(store, BODY)]).toEqual([0, 0]);
  });

  it('without memory pressure a non-durable queue writes nothing, persistent messages included', async () => {
    const s = await openStore();
    const q = new Queue('nd', '/', { durable: false, autoDelete: false, exclusiveOwner: null, arguments: {} });
    s.attach(q);
    for (let i = 0; i < 20; i++) q.enqueue(message(`m${i}`, i % 2 === 0));
    await settle(s);
    expect(q.messagesPaged).toBe(0);
    expect([await count(s, INDEX), await count(s, BODY)]).toEqual([0, 0]);
    expect(await takeAll(q)).toEqual(bodies(20));
  });

  it('x-max-priority queues keep everything in RAM and recover by reading their bodies', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'p', { 'x-max-priority': 5 });
    for (const b of bodies(20)) q.enqueue(message(b));
    await settle(s);
    expect(q.messagesPaged).toBe(0);
    const { queues } = await reopen(s);
    const r = queues.get('p') as Queue;
    expect(r.messagesPaged).toBe(0);
    expect(await takeAll(r)).toEqual(bodies(20));
  });
});
