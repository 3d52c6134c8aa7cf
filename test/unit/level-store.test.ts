// LevelStore against a real LevelDB in a temp dir: definition records, message records (body once, index per
// queue), group commit (cancellation, delivered flags), recovery, and the alarm on a failed write.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Message } from '../../src/broker/message.js';
import { STORE_REFUSED, type DurabilityWaiter } from '../../src/broker/persistence.js';
import { Queue } from '../../src/broker/queue/queue.js';
import { SHARED_REFS } from '../../src/store/body-refs.js';
import { GroupCommit } from '../../src/store/group-commit.js';
import { BODY, INDEX, bodyKey, indexExpiresAt, indexKey, tagRange } from '../../src/store/keys.js';
import { LevelStore } from '../../src/store/level-store.js';
import { LevelQueueJournal } from '../../src/store/queue-journal.js';
import { fixedWait, pollUntil } from '../helpers/wait.js';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
const stores: LevelStore[] = [];

async function openStore(dir?: string): Promise<LevelStore> {
  if (dir === undefined) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'warren-level-'));
    dirs.push(dir);
  }
  const s = new LevelStore(dir, silent);
  await s.open();
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A persistent message to the default exchange with routing key rk (raw = wire form). */
function persistent(rk: string, body: string): Message {
  const props = Buffer.from([0x10, 0x00, 2]); // flags: delivery-mode; delivery-mode 2
  const raw = Buffer.concat([Buffer.from([0]), Buffer.from([rk.length]), Buffer.from(rk), props, Buffer.from(body)]);
  return new Message('', rk, raw, 2 + rk.length, props.length, true, 0, undefined, -1);
}

function body(m: Message): string {
  return m.raw.subarray(m.bodyOffset).toString();
}

function durableQueue(store: LevelStore, name: string): Queue {
  const q = new Queue(name, '/', { durable: true, autoDelete: false, exclusiveOwner: null, arguments: {} });
  store.putQueue({ vhost: '/', name, durable: true, autoDelete: false, arguments: {} });
  store.attach(q);
  return q;
}

/** Waits until everything written so far is durable. */
function durable(store: LevelStore): Promise<void> {
  return new Promise((resolve, reject) => store.waitDurable({ durable: () => resolve(), failed: () => reject(new Error('write failed')) }, 1));
}

async function count(store: LevelStore, tag: number): Promise<number> {
  let n = 0;
  for await (const _ of store.database.keys({ gte: Buffer.of(tag), lt: Buffer.of(tag + 1) })) n++;
  return n;
}

async function reopen(store: LevelStore, queues: string[]): Promise<{ store: LevelStore; queues: Map<string, Queue> }> {
  const dir = store.location;
  await store.close();
  stores.splice(stores.indexOf(store), 1);
  const s = await openStore(dir);
  const defs = await s.loadDefinitions();
  expect(defs.queues.map((q) => q.name).sort()).toEqual([...queues].sort());
  const map = new Map<string, Queue>();
  for (const d of defs.queues) {
    const q = new Queue(d.name, d.vhost, { durable: true, autoDelete: d.autoDelete, exclusiveOwner: null, arguments: d.arguments });
    s.attach(q);
    map.set(d.name, q);
  }
  await s.recover((_v, n) => map.get(n));
  return { store: s, queues: map };
}

function drain(q: Queue): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = [];
  for (let e = q.take(true); e !== undefined; e = q.take(true)) out.push([body(e.message), e.redelivered]);
  return out;
}

describe('LevelStore definitions', () => {
  it('round-trips vhosts, exchanges, queues, bindings and policies, arguments with their exact types', async () => {
    const s = await openStore();
    const args = { 'x-max-length': 10, 'x-big': 2n ** 60n, flag: true, nested: { a: 'b' }, list: [1, 'two'] };
    s.putVhost('/');
    s.putVhost('other');
    s.putExchange({ vhost: '/', name: 'x', type: 'topic', durable: true, autoDelete: false, internal: true, arguments: args });
    s.putQueue({ vhost: '/', name: 'q', durable: true, autoDelete: true, arguments: args });
    s.putBinding({ vhost: '/', source: 'x', destination: 'q', destinationType: 'queue', routingKey: 'a.#', arguments: {} });
    s.putBinding({ vhost: '/', source: 'x', destination: 'q', destinationType: 'queue', routingKey: 'b', arguments: { h: 1 } });
    s.putPolicy({ vhost: '/', name: 'p', pattern: '^q', applyTo: 'queues', priority: 1, definition: { 'max-length': 5 } });
    s.putExchange({ vhost: 'other', name: 'gone', type: 'fanout', durable: true, autoDelete: false, internal: false, arguments: {} });
    s.deleteExchange('other', 'gone');
    s.deleteBinding({ vhost: '/', source: 'x', destination: 'q', destinationType: 'queue', routingKey: 'b', arguments: { h: 1 } });
    await durable(s);
    const { store } = await reopen(s, ['q']);
    const d = await store.loadDefinitions();
    expect(d.vhosts.sort()).toEqual(['/', 'other']);
    expect(d.exchanges).toEqual([{ vhost: '/', name: 'x', type: 'topic', durable: true, autoDelete: false, internal: true, arguments: args }]);
    expect(d.queues).toEqual([{ vhost: '/', name: 'q', durable: true, autoDelete: true, arguments: args }]);
    expect(d.bindings).toEqual([{ vhost: '/', source: 'x', destination: 'q', destinationType: 'queue', routingKey: 'a.#', arguments: {} }]);
    expect(d.policies).toEqual([{ vhost: '/', name: 'p', pattern: '^q', applyTo: 'queues', priority: 1, definition: { 'max-length': 5 } }]);
  });
});

describe('LevelStore messages', () => {
  it('stores a body once for two queues and deletes it with the last reference', async () => {
    const s = await openStore();
    const q1 = durableQueue(s, 'q1');
    const q2 = durableQueue(s, 'q2');
    const m = persistent('k', 'shared');
    q1.enqueue(m);
    q2.enqueue(m);
    await durable(s);
    expect([await count(s, BODY), await count(s, INDEX)]).toEqual([1, 2]);
    q1.settle(q1.take(false)!);
    await durable(s);
    expect([await count(s, BODY), await count(s, INDEX)]).toEqual([1, 1]);
    q2.purge();
    await durable(s);
    expect([await count(s, BODY), await count(s, INDEX)]).toEqual([0, 0]);
  });

  it('writes nothing for a message published and removed before its batch was written', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q');
    await durable(s);
    q.enqueue(persistent('q', 'short-lived'));
    q.settle(q.take(false)!);
    await durable(s);
    expect([await count(s, BODY), await count(s, INDEX)]).toEqual([0, 0]);
  });

  it('recovers queues in publication order, delivered ones as redelivered, and continues their sequence', async () => {
    const s = await openStore();
    const q = durableQueue(s, 'q');
    for (const b of ['a', 'b', 'c', 'd']) q.enqueue(persistent('q', b));
    await durable(s);
    const a = q.take(false)!; // delivered after its record was written: the flag is a second write
    const b = q.take(false)!;
    q.settle(b);
    q.requeue([a]);
    await durable(s);
    const { store, queues } = await reopen(s, ['q']);
    const r = queues.get('q')!;
    r.enqueue(persistent('q', 'e'));
    await durable(store);
    expect(drain(r)).toEqual([
      ['a', true],
      ['c', false],
      ['d', false],
      ['e', false],
    ]);
    // All of them were taken no-ack: nothing is left on disk.
    await durable(store);
    expect([await count(store, BODY), await count(store, INDEX)]).toEqual([0, 0]);
  });

  it("stores each entry's absolute expiry and restores it unchanged; an index record of the earlier TTL layout is logged and skipped", async () => {
    const s = await openStore();
    const q = new Queue('ttl', '/', { durable: true, autoDelete: false, exclusiveOwner: null, arguments: { 'x-message-ttl': 60_000 } });
    s.putQueue({ vhost: '/', name: 'ttl', durable: true, autoDelete: false, arguments: { 'x-message-ttl': 60_000 } });
    s.attach(q);
    const before = Date.now();
    q.enqueue(persistent('ttl', 'a'));
    const after = Date.now();
    await durable(s);
    const records: [Buffer, Buffer][] = [];
    for await (const kv of s.database.iterator(tagRange(INDEX))) records.push(kv);
    expect(records).toHaveLength(1);
    const [key, value] = records[0];
    const stored = indexExpiresAt(value);
    expect(stored).toBeGreaterThanOrEqual(before + 60_000);
    expect(stored).toBeLessThanOrEqual(after + 60_000);
    // A record as the earlier layout wrote it (21 bytes: ..., u32 TTL, u8 flags), behind the good one.
    const legacyKey = Buffer.from(key);
    legacyKey.writeUInt32BE(legacyKey.readUInt32BE(9) + 1, 9);
    await s.database.put(legacyKey, Buffer.alloc(21));
    const dir = s.location;
    await s.close();
    stores.splice(stores.indexOf(s), 1);

    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const s2 = new LevelStore(dir, logger);
    await s2.open();
    stores.push(s2);
    await s2.loadDefinitions();
    const r = new Queue('ttl', '/', { durable: true, autoDelete: false, exclusiveOwner: null, arguments: { 'x-message-ttl': 60_000 } });
    s2.attach(r);
    await fixedWait(5); // on purpose: time must pass, so that a restarted TTL would give a later deadline
    await s2.recover(() => r);
    expect(r.messageCount).toBe(1);
    const e = r.take(true)!;
    expect(body(e.message)).toBe('a');
    expect(e.expiresAt).toBe(stored);
    expect(lines.map((l) => [l.msg, l.key])).toEqual([['skipping undecodable message index record', legacyKey.toString('hex')]]);
  });

  it('shares one body among the queues that recover it, and deletes records of deleted queues at recovery', async () => {
    const s = await openStore();
    const q1 = durableQueue(s, 'q1');
    const q2 = durableQueue(s, 'q2');
    const gone = durableQueue(s, 'gone');
    const m = persistent('k', 'fan');
    for (const q of [q1, gone, q2]) q.enqueue(m);
    const unacked = gone.take(false)!; // unacked when its queue is deleted: its record outlives the queue
    gone.markDeleted();
    s.deleteQueue('/', 'gone');
    await durable(s);
    expect(unacked.storeState).toBeGreaterThanOrEqual(2); // STORE_WRITTEN
    const { store, queues } = await reopen(s, ['q1', 'q2']);
    const e1 = queues.get('q1')!.take(false)!;
    const e2 = queues.get('q2')!.take(false)!;
    // Each queue reads the body into its own Message; the reference count lives in the store (shared).
    expect(body(e1.message)).toBe('fan');
    expect(body(e2.message)).toBe('fan');
    expect(e1.message.storeRefs).toBe(SHARED_REFS);
    expect([await count(store, INDEX), await count(store, BODY)]).toEqual([2, 1]);
    queues.get('q1')!.settle(e1);
    await durable(store);
    expect([await count(store, INDEX), await count(store, BODY)]).toEqual([1, 1]);
    queues.get('q2')!.settle(e2);
    await durable(store);
    expect([await count(store, INDEX), await count(store, BODY)]).toEqual([0, 0]);
  });
});

describe('GroupCommit', () => {
  it('a failed write fails its waiters, raises the alarm (publishes refused) and clears it once writes succeed', async () => {
    let failing = true;
    const gc = new GroupCommit(() => {
      let n = 0;
      return {
        put: () => n++,
        del: () => n++,
        get length() {
          return n;
        },
        write: async () => {
          if (failing) throw new Error('disk full');
        },
        close: async () => {},
      };
    }, silent);
    const q = new Queue('q', '/', { durable: true, autoDelete: false, exclusiveOwner: null, arguments: {} });
    q.journal = new LevelQueueJournal(1, gc);
    const outcome = (): Promise<string> =>
      new Promise((resolve) => {
        const w: DurabilityWaiter = { durable: () => resolve('durable'), failed: () => resolve('failed') };
        gc.waitDurable(w, 1);
      });
    q.enqueue(persistent('q', 'one'));
    expect(await outcome()).toBe('failed');
    expect(gc.alarm).toBe(true);
    const refused = persistent('q', 'two');
    q.enqueue(refused);
    expect(refused.storeId).toBe(STORE_REFUSED);
    failing = false;
    // The alarm probe runs every second.
    expect(await pollUntil(() => gc.alarm, (raised) => !raised, { timeoutMs: 3000 })).toBe(false);
    gc.stop();
    const ok = persistent('q', 'three');
    q.enqueue(ok);
    expect(ok.storeId).toBeGreaterThan(0);
    expect(await outcome()).toBe('durable');
  });

  it("a failed batch's deletions are written with the next successful one: an acked message does not come back", async () => {
    let failing = false;
    const written: string[] = [];
    const gc = new GroupCommit(() => {
      const ops: string[] = [];
      return {
        put: (k: Buffer) => ops.push(`put ${k.toString('hex')}`),
        del: (k: Buffer) => ops.push(`del ${k.toString('hex')}`),
        get length() {
          return ops.length;
        },
        write: async () => {
          if (failing) throw new Error('disk full');
          written.push(...ops);
        },
        close: async () => {},
      };
    }, silent);
    const q = new Queue('q', '/', { durable: true, autoDelete: false, exclusiveOwner: null, arguments: {} });
    q.journal = new LevelQueueJournal(1, gc);
    const outcome = (): Promise<string> =>
      new Promise((resolve) => gc.waitDurable({ durable: () => resolve('durable'), failed: () => resolve('failed') }, 1));
    const m = persistent('q', 'one');
    q.enqueue(m);
    expect(await outcome()).toBe('durable');
    const e = q.take(false)!;
    failing = true;
    q.settle(e); // the ack's deletions go into a batch that fails
    expect(await outcome()).toBe('failed');
    expect(gc.alarm).toBe(true);
    const deletes = [`del ${indexKey(1, e.seq).toString('hex')}`, `del ${bodyKey(m.storeId, m.propsLength).toString('hex')}`];
    expect(written).not.toContain(deletes[0]);
    failing = false;
    // The alarm probe runs every second.
    expect(await pollUntil(() => gc.alarm, (raised) => !raised, { timeoutMs: 3000 })).toBe(false);
    expect(written).toEqual(expect.arrayContaining(deletes));
    gc.stop();
  });
});
