import { describe, expect, it } from 'vitest';
import { Message } from '../../src/broker/message.js';
import { QueueEntry } from '../../src/broker/queue/queue-entry.js';
import type { Queue } from '../../src/broker/queue/queue.js';
import { FifoList, PriorityList } from '../../src/broker/queue/ready-list.js';

// A stand-in: the ready lists only carry the entry's queue reference, they never call it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
const queue = {} as Queue;

function entry(seq: number, priority = 0, body = 'x'): QueueEntry {
  const raw = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from(body)]);
  return new QueueEntry(queue, seq, new Message('', '', raw, 2, 2, false, priority, undefined, -1), 0);
}

const seqs = (es: (QueueEntry | undefined)[]) => es.map((e) => e?.seq);

describe('FifoList', () => {
  it('is first in, first out and counts body bytes', () => {
    const l = new FifoList();
    l.push(entry(1, 0, 'abc'));
    l.push(entry(2, 0, 'de'));
    expect(l.length).toBe(2);
    expect(l.bytes).toBe(5);
    expect(l.peek()?.seq).toBe(1);
    expect(l.shift()?.seq).toBe(1);
    expect(l.bytes).toBe(2);
    expect(seqs(l.drain())).toEqual([2]);
    expect(l.length).toBe(0);
    expect(l.bytes).toBe(0);
    expect(l.shift()).toBeUndefined();
  });

  it('puts requeued entries back by seq, at the head or between ready ones', () => {
    const l = new FifoList();
    const es = [1, 2, 3, 4, 5].map((s) => entry(s));
    for (const e of es) l.push(e);
    const taken = [l.shift(), l.shift(), l.shift()] as QueueEntry[];
    l.requeue(taken[1]); // 2 goes before 4
    l.requeue(taken[0]); // 1 before 2
    l.requeue(taken[2]); // 3 between 2 and 4
    expect(seqs(l.drain())).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('PriorityList', () => {
  it('gives the highest priority first, FIFO within a priority, capping at the maximum', () => {
    const l = new PriorityList(5);
    const prios = [0, 3, 5, 3, 9, 1, 0];
    prios.forEach((p, i) => l.push(entry(i + 1, p)));
    expect(l.length).toBe(7);
    const out: number[] = [];
    for (let e = l.shift(); e !== undefined; e = l.shift()) out.push(e.seq);
    // 5 and 9 (capped to 5) first in publication order, then 3s, 1, 0s.
    expect(out).toEqual([3, 5, 2, 4, 6, 1, 7]);
    expect(l.length).toBe(0);
    expect(l.bytes).toBe(0);
  });

  it('requeues into the entry’s own priority at its place', () => {
    const l = new PriorityList(10);
    for (const [s, p] of [[1, 5], [2, 5], [3, 1], [4, 5]] as const) l.push(entry(s, p));
    const a = l.shift() as QueueEntry;
    const b = l.shift() as QueueEntry;
    l.push(entry(5, 10));
    l.requeue(b);
    l.requeue(a);
    expect(l.peek()?.seq).toBe(5);
    expect(seqs(l.drain())).toEqual([5, 1, 2, 4, 3]);
  });

  it('tracks length and bytes across levels', () => {
    const l = new PriorityList(2);
    l.push(entry(1, 0, 'aa'));
    l.push(entry(2, 2, 'bbb'));
    expect(l.bytes).toBe(5);
    l.shift();
    expect(l.bytes).toBe(2);
    expect(l.length).toBe(1);
  });
});

