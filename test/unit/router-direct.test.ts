import { describe, expect, it } from 'vitest';
import { DirectRouter } from '../../src/broker/exchange/direct-router.js';

type Dest = { name: string };
const dest = (name: string): Dest => ({ name });

function routed(r: DirectRouter<Dest>, key: string): string[] {
  const out = new Set<Dest>();
  r.route(key, undefined, out);
  return [...out].map((d) => d.name).sort();
}

describe('DirectRouter', () => {
  it('routes to the destinations bound with exactly the routing key', () => {
    const r = new DirectRouter<Dest>();
    r.add(dest('q1'), 'a', undefined);
    r.add(dest('q2'), 'a', undefined);
    r.add(dest('q3'), 'A', undefined);
    r.add(dest('q4'), '', undefined);
    expect(routed(r, 'a')).toEqual(['q1', 'q2']);
    expect(routed(r, 'A')).toEqual(['q3']);
    expect(routed(r, '')).toEqual(['q4']);
    expect(routed(r, 'a.b')).toEqual([]);
  });

  it('keeps a destination bound with one key and two argument tables until both bindings go', () => {
    const r = new DirectRouter<Dest>();
    const q = dest('q');
    const args1 = { x: 1 };
    const args2 = { x: 2 };
    r.add(q, 'k', args1);
    r.add(q, 'k', args2);
    const out = new Set<Dest>();
    r.route('k', undefined, out);
    expect(out.size).toBe(1);
    r.remove(q, 'k', args1);
    expect(routed(r, 'k')).toEqual(['q']);
    r.remove(q, 'k', args2);
    expect(routed(r, 'k')).toEqual([]);
  });

  it('removeDestination drops every key of that destination only', () => {
    const r = new DirectRouter<Dest>();
    const q1 = dest('q1');
    r.add(q1, 'a', undefined);
    r.add(q1, 'b', undefined);
    r.add(q1, 'b', { x: 1 });
    r.add(dest('q2'), 'b', undefined);
    r.removeDestination(q1);
    expect(routed(r, 'a')).toEqual([]);
    expect(routed(r, 'b')).toEqual(['q2']);
    r.add(q1, 'a', undefined);
    expect(routed(r, 'a')).toEqual(['q1']);
  });

  it('ignores removal of a binding it never had', () => {
    const r = new DirectRouter<Dest>();
    const q = dest('q');
    r.add(q, 'a', undefined);
    r.remove(q, 'b', undefined);
    r.remove(dest('other'), 'a', undefined);
    r.removeDestination(dest('other'));
    expect(routed(r, 'a')).toEqual(['q']);
  });

  it('adds to the caller set without clearing it', () => {
    const r = new DirectRouter<Dest>();
    const q = dest('q');
    const already = dest('already');
    r.add(q, 'a', undefined);
    const out = new Set<Dest>([already, q]);
    r.route('a', undefined, out);
    expect([...out]).toEqual([already, q]);
  });
});
