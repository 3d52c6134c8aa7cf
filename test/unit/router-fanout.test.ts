import { describe, expect, it } from 'vitest';
import { FanoutRouter } from '../../src/broker/exchange/fanout-router.js';

type Dest = { name: string };
const dest = (name: string): Dest => ({ name });

function routed(r: FanoutRouter<Dest>, key: string): string[] {
  const out = new Set<Dest>();
  r.route(key, undefined, out);
  return [...out].map((d) => d.name).sort();
}

describe('FanoutRouter', () => {
  it('routes every message to every bound destination whatever the key and headers', () => {
    const r = new FanoutRouter<Dest>();
    r.add(dest('q1'), 'ignored', undefined);
    r.add(dest('q2'), '', { 'x-match': 'any' });
    expect(routed(r, '')).toEqual(['q1', 'q2']);
    expect(routed(r, 'anything.at.all')).toEqual(['q1', 'q2']);
    const out = new Set<Dest>();
    r.route('k', { h: 1 }, out);
    expect(out.size).toBe(2);
  });

  it('keeps a destination bound twice until both bindings are removed, and routes it once', () => {
    const r = new FanoutRouter<Dest>();
    const q = dest('q');
    r.add(q, 'a', undefined);
    r.add(q, 'b', undefined);
    const out = new Set<Dest>();
    r.route('x', undefined, out);
    expect(out.size).toBe(1);
    r.remove(q, 'a', undefined);
    expect(routed(r, 'x')).toEqual(['q']);
    r.remove(q, 'b', undefined);
    expect(routed(r, 'x')).toEqual([]);
  });

  it('removeDestination drops all of its bindings at once', () => {
    const r = new FanoutRouter<Dest>();
    const q = dest('q');
    r.add(q, 'a', undefined);
    r.add(q, 'b', undefined);
    r.add(dest('other'), '', undefined);
    r.removeDestination(q);
    expect(routed(r, 'x')).toEqual(['other']);
    r.remove(q, 'a', undefined);
    expect(routed(r, 'x')).toEqual(['other']);
  });

  it('routes nothing with no bindings', () => {
    expect(routed(new FanoutRouter<Dest>(), 'x')).toEqual([]);
  });
});
