// recordDeath / isDeathCycle: RabbitMQ 3.10 rabbit_dead_letter's header rules, and the wire tags the headers get.
import { describe, expect, it } from 'vitest';
import { decodeTable, encodeTable } from '../../src/amqp/codec/field-table.js';
// One table model now: WireTable is the same type, kept as the name these assertions use.
import { fieldTypeOf, type FieldTable, type FieldTable as WireTable } from '../../src/amqp/codec/field-value.js';
import { isDeathCycle, recordDeath, type Death } from '../../src/broker/dead-letter.js';

const time = new Date(1_700_000_000_000);

function death(queue: string, reason: Death['reason'], extra: Partial<Death> = {}): Death {
  return { queue, reason, exchange: 'x', routingKeys: ['rk'], expiration: undefined, time, ...extra };
}

/** Encodes and decodes, as a client would see the table. */
function roundTrip(t: FieldTable): WireTable {
  return decodeTable(encodeTable(t), 0).value;
}

describe('recordDeath', () => {
  it('a first death: count as long, time as timestamp, x-first-death-* and x-last-death-*', () => {
    const h = roundTrip(recordDeath(undefined, death('q', 'rejected', { expiration: '100' }), false));
    const xd = h['x-death'] as WireTable[];
    expect(fieldTypeOf(h, 'x-death')).toBe('A');
    const e = xd[0];
    expect(Object.keys(e)).toEqual(['count', 'reason', 'queue', 'time', 'exchange', 'routing-keys', 'original-expiration']);
    expect(fieldTypeOf(e, 'count')).toBe('l');
    expect(fieldTypeOf(e, 'time')).toBe('T');
    expect(e.time).toEqual(time);
    expect(e['routing-keys']).toEqual(['rk']);
    expect(h['x-first-death-queue']).toBe('q');
    expect(h['x-last-death-reason']).toBe('rejected');
    expect(Object.keys(h)).toEqual([...Object.keys(h)].sort());
  });

  it('keeps other headers with their tags and drops CC only when asked', () => {
    const original = decodeTable(encodeTable({ a: 1, CC: ['k'] }), 0).value;
    expect(fieldTypeOf(original, 'a')).toBe('I');
    const kept = roundTrip(recordDeath(original, death('q', 'rejected'), false));
    expect(kept.CC).toEqual(['k']);
    expect(fieldTypeOf(kept, 'a')).toBe('I');
    expect(roundTrip(recordDeath(original, death('q', 'rejected'), true)).CC).toBeUndefined();
    // The source table is not changed (it is shared by every queue holding the message).
    expect(original['x-death']).toBeUndefined();
  });

  it('a repeated (queue, reason) increments count and keeps the entry otherwise', () => {
    const first = recordDeath(undefined, death('q', 'expired', { exchange: 'first' }), false);
    const second = recordDeath(first, death('q', 'expired', { exchange: 'second', time: new Date(0) }), false);
    const xd = roundTrip(second)['x-death'] as WireTable[];
    expect(xd).toHaveLength(1);
    expect(xd[0]).toMatchObject({ count: 2, exchange: 'first', time });
    expect(second['x-first-death-exchange']).toBe('first');
    expect(second['x-last-death-exchange']).toBe('second');
  });

  it('an x-death that is not an array is replaced', () => {
    const h = recordDeath({ 'x-death': 'garbage' }, death('q', 'maxlen'), false);
    expect((h['x-death'] as FieldTable[]).map((e) => e.count)).toEqual([1]);
    expect(h['x-first-death-queue']).toBeUndefined();
  });
});

describe('isDeathCycle', () => {
  const deaths = (...ds: [string, string][]): FieldTable => ({ 'x-death': ds.map(([queue, reason]) => ({ queue, reason })) });

  it('a queue the message died in before, with only automatic deaths since, is a cycle', () => {
    expect(isDeathCycle('a', deaths(['b', 'expired'], ['a', 'expired']))).toBe(true);
    expect(isDeathCycle('a', deaths(['a', 'maxlen']))).toBe(true);
  });

  it('a rejection anywhere up to that death breaks the cycle', () => {
    expect(isDeathCycle('a', deaths(['b', 'expired'], ['a', 'rejected']))).toBe(false);
    expect(isDeathCycle('a', deaths(['b', 'rejected'], ['a', 'expired']))).toBe(false);
    // Older deaths beyond the first one in that queue do not matter.
    expect(isDeathCycle('a', deaths(['a', 'expired'], ['c', 'rejected']))).toBe(true);
  });

  it('a queue the message never died in is no cycle', () => {
    expect(isDeathCycle('z', deaths(['a', 'expired']))).toBe(false);
    expect(isDeathCycle('a', {})).toBe(false);
  });
});
