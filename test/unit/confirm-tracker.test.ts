import { describe, expect, it } from 'vitest';
import { ConfirmTracker } from '../../src/server/channel/confirm-tracker.js';

/** Flushes t and returns what it sent, as 'ack 3 m' / 'nack 2' strings. */
function flush(t: ConfirmTracker): string[] {
  const out: string[] = [];
  t.flush((ack, tag, multiple) => out.push(`${ack ? 'ack' : 'nack'} ${tag}${multiple ? ' m' : ''}`));
  return out;
}

describe('ConfirmTracker', () => {
  it('one multiple ack covers every publish of a flush; a single one is not multiple', () => {
    const t = new ConfirmTracker();
    t.next();
    t.next();
    t.next();
    expect(flush(t)).toEqual(['ack 3 m']);
    t.next();
    expect(flush(t)).toEqual(['ack 4']);
    expect(flush(t)).toEqual([]);
    expect(t.unconfirmed).toBe(0);
  });

  it('a nack goes after an ack of the publishes before it, so no multiple ack covers it', () => {
    const t = new ConfirmTracker();
    for (let i = 0; i < 5; i++) t.next();
    t.nack(3);
    expect(flush(t)).toEqual(['ack 2 m', 'nack 3', 'ack 5 m']);
  });

  it('held publishes are a barrier: nothing after the oldest held one is acked until it is released', () => {
    const t = new ConfirmTracker();
    t.next();
    t.hold(t.next());
    t.next();
    expect(flush(t)).toEqual(['ack 1']);
    expect(t.unconfirmed).toBe(2);
    t.release(2);
    expect(flush(t)).toEqual(['ack 3 m']);
  });

  it('a failed write nacks the held publishes up to it; later ones are acked', () => {
    const t = new ConfirmTracker();
    t.hold(t.next());
    t.hold(t.next());
    t.next();
    t.fail(2);
    expect(flush(t)).toEqual(['nack 1', 'nack 2', 'ack 3']);
    expect(t.unconfirmed).toBe(0);
  });
});
