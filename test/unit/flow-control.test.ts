// server/connection/flow-control.ts on its own: a connection read for READ_TURN_BYTES lets the event
// loop come round (the management API, timers and the other sockets get their turn before it is read
// again), and that turn never resumes a socket another cause still holds. The effect on the management
// API under load is measured by `npm run bench -- --scenarios mgmt-scale`.
import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ResourceAlarms } from '../../src/resources/alarms.js';
import { FlowControl, READ_TURN_BYTES, type FlowTarget } from '../../src/server/connection/flow-control.js';

function target(): FlowTarget & { pauses: number; resumes: number; isClosed: boolean } {
  const t = {
    pauses: 0,
    resumes: 0,
    socket: {
      pause: () => {
        t.pauses++;
      },
    } as unknown as Socket,
    isClosed: false,
    wantsBlockedNotifications: false,
    isConsuming: false,
    sendBlocked: () => {},
    resumeReading: () => {
      t.resumes++;
    },
  };
  return t;
}

describe('FlowControl: the read turn', () => {
  it('pauses after READ_TURN_BYTES read and resumes once the event loop came round', async () => {
    const t = target();
    const flow = new FlowControl(t, new ResourceAlarms());
    flow.read(READ_TURN_BYTES - 1);
    expect([t.pauses, flow.isPaused]).toEqual([0, false]);
    flow.read(1);
    expect([t.pauses, t.resumes, flow.isPaused]).toEqual([1, 0, true]);
    // Not flow control as RabbitMQ shows it: the connection stays "running".
    expect(flow.state).toBe('running');
    // More chunks already read in the same turn do not pause or schedule again.
    flow.read(READ_TURN_BYTES);
    expect(t.pauses).toBe(1);
    await nextTurn();
    expect([t.resumes, flow.isPaused]).toEqual([1, false]);
    // The count starts again: the next pause comes after another READ_TURN_BYTES.
    flow.read(READ_TURN_BYTES / 2);
    expect(t.pauses).toBe(1);
    flow.read(READ_TURN_BYTES / 2);
    expect(t.pauses).toBe(2);
    await nextTurn();
    expect(t.resumes).toBe(2);
  });

  it('does not resume a connection the message store still holds back, and the store\'s relief waits for the turn', async () => {
    const t = target();
    const alarms = new ResourceAlarms();
    const flow = new FlowControl(t, alarms);
    alarms.setStoreBehind(true);
    flow.publishing();
    expect(t.pauses).toBe(1);
    flow.read(READ_TURN_BYTES);
    await nextTurn();
    expect([t.resumes, flow.isPaused]).toEqual([0, true]);
    alarms.setStoreBehind(false);
    expect([t.resumes, flow.isPaused]).toEqual([1, false]);
    // The other order: the store catches up inside a turn; reading resumes only after it.
    alarms.setStoreBehind(true);
    flow.publishing();
    flow.read(READ_TURN_BYTES);
    alarms.setStoreBehind(false);
    expect(t.resumes).toBe(1);
    await nextTurn();
    expect([t.resumes, flow.isPaused]).toEqual([2, false]);
  });

  it('does not resume a closed connection', async () => {
    const t = target();
    const flow = new FlowControl(t, new ResourceAlarms());
    flow.read(READ_TURN_BYTES);
    t.isClosed = true;
    await nextTurn();
    expect(t.resumes).toBe(0);
  });
});
