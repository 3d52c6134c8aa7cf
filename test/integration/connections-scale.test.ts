/**
 * Scale of connections (issue 13), scaled down for `npm test`; `npm run bench -- --scenarios idle-20k,churn`
 * runs the full size (tools/bench/connections.mjs, docs/benchmarks.md).
 *
 * 1. 1,000 idle connections (each with channel 1, an exclusive server-named queue and a consumer, heartbeat 2 s)
 *    are held by a fleet process of their own (tools/bench/conn-fleet.mjs: raw AMQP, one shared heartbeat ticker,
 *    every gap between two reads from the broker timed). The broker beats every half timeout on each of them (as
 *    rabbit_heartbeat: RabbitMQ 3.10.8 here sends them 2.0 s apart at heartbeat 4), clients that stop beating are
 *    dropped after two timeouts, and once all are closed the broker holds nothing of them: no connection, channel,
 *    queue or consumer, an empty connection tracker, the sampler's registries empty, no socket or timer handle.
 * 2. Churn: for 5 s, connections opened, used (channel, exclusive queue.declare, publish, basic.get) and closed,
 *    20 at a time, through amqplib: afterwards the same checks, and the node's churn counters add up.
 *
 * The connection count is capped by this process's fd limit (it holds the broker's ends of the sockets).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, basic, type ManagementTarget } from '../helpers/management.js';
import { fixedWait, pollUntil, waitFor } from '../helpers/wait.js';
import type { BrokerServices } from '../../src/index.js';

const FLEET = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tools/bench/conn-fleet.mjs');
const WANTED = 1000;
const HEARTBEAT_S = 2;
const SILENCED = 10;

/** The fleet child: request(cmd) answers with its reply message. */
class Fleet {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = spawn(process.execPath, [FLEET], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: Record<string, unknown>) => {
      const w = this.waiting.get(m.id as number);
      if (w === undefined) return;
      this.waiting.delete(m.id as number);
      if (m.ev === 'error') w.reject(new Error(String(m.error)));
      else w.resolve(m);
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`fleet exited (${code})`));
      this.waiting.clear();
    });
  }

  request<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (m: Record<string, unknown>) => void, reject });
      this.child.send({ id, cmd, ...args });
    });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** How many sockets this process may still open, with room for the test's own files. */
function connectionsThatFit(): number {
  const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const soft = m === null ? Infinity : Number(m[1]);
  const open = readdirSync('/proc/self/fd').length;
  return Math.max(0, Math.min(WANTED, soft - open - 200));
}

/** Handles of this process by type (TCPSocketWrap, Timeout, ...). */
function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of process.getActiveResourcesInfo()) out[t] = (out[t] ?? 0) + 1;
  return out;
}

/** The sampler's registries (private: the test looks inside to show closed objects' counters and series are gone). */
function statsRegistries(s: BrokerServices): { connections: number; channels: number } {
  const c = s.stats as unknown as { connections: Set<unknown>; channels: Set<unknown> };
  return { connections: c.connections.size, channels: c.channels.size };
}

async function overviewTotals(t: ManagementTarget): Promise<Record<string, number>> {
  const r = await fetch(`${t.base}/api/overview`, { headers: { authorization: basic('guest', 'guest') } });
  return ((await r.json()) as { object_totals: Record<string, number> }).object_totals;
}

/** Everything a closed connection must have let go of. */
async function expectNothingLeft(t: ManagementTarget, baseline: Record<string, number>): Promise<void> {
  const s = t.services as BrokerServices;
  await waitFor(() => s.server.connectionCount === 0, 'every connection closed', { timeoutMs: 20_000 });
  expect(s.server.tracker.isEmpty).toBe(true);
  expect(s.server.tracker.vhostConnections('/')).toBe(0);
  expect(s.server.tracker.userConnections('guest')).toBe(0);
  expect(statsRegistries(s)).toEqual({ connections: 0, channels: 0 });
  expect(s.broker.vhosts.get('/')?.queues.size).toBe(0);
  const totals = await overviewTotals(t);
  expect({ connections: totals.connections, channels: totals.channels, queues: totals.queues, consumers: totals.consumers }).toEqual({
    connections: 0,
    channels: 0,
    queues: 0,
    consumers: 0,
  });
  // The sockets' handles go with them; timers too (heartbeats, handshake and close timeouts). The HTTP
  // requests above may leave a keep-alive socket or two for a moment.
  const now = await pollUntil(handles, (h) => (h.TCPSocketWrap ?? 0) <= (baseline.TCPSocketWrap ?? 0) + 2 && (h.Timeout ?? 0) <= (baseline.Timeout ?? 0) + 2, {
    timeoutMs: 10_000,
  });
  expect(now.TCPSocketWrap ?? 0).toBeLessThanOrEqual((baseline.TCPSocketWrap ?? 0) + 2);
  expect(now.Timeout ?? 0).toBeLessThanOrEqual((baseline.Timeout ?? 0) + 2);
}

describe('scale of connections', () => {
  let target: ManagementTarget;

  beforeAll(async () => {
    target = await startManagementTarget({ heartbeat: HEARTBEAT_S });
  });
  afterAll(async () => {
    await target.close();
  });

  it(
    'idle connections with heartbeats are held, beaten every half timeout, dead ones dropped after two timeouts, and released without a trace',
    async () => {
      const s = target.services as BrokerServices;
      const n = connectionsThatFit();
      expect(n).toBeGreaterThan(SILENCED);
      const baseline = handles();
      const fleet = new Fleet();
      try {
        const u = new URL(target.amqpUrl);
        const conn = { host: u.hostname, port: Number(u.port), user: 'guest', pass: 'guest', vhost: '/' };
        const opened = await fleet.request<{ opened: number; failed: number; errors: string[] }>('open', {
          conn,
          count: n,
          heartbeat: HEARTBEAT_S,
          concurrency: 50,
          name: 'scale-test',
        });
        expect(opened.errors).toEqual([]);
        expect(opened).toMatchObject({ opened: n, failed: 0 });
        expect(s.server.connectionCount).toBe(n);
        expect(s.server.tracker.vhostConnections('/')).toBe(n);
        expect(statsRegistries(s)).toEqual({ connections: n, channels: n });
        const held = await overviewTotals(target);
        expect({ connections: held.connections, channels: held.channels, queues: held.queues, consumers: held.consumers }).toEqual({
          connections: n,
          channels: n,
          queues: n,
          consumers: n,
        });

        // The hold is what is measured: heartbeats must keep flowing both ways for a few timeouts.
        await fixedWait(3 * HEARTBEAT_S * 1000);
        const gaps = await fleet.request<{ alive: number; negotiated: number; max_gap_ms: number; p99_gap_ms: number; late: number }>('gaps');
        expect(gaps.negotiated).toBe(HEARTBEAT_S);
        expect(gaps.alive).toBe(n);
        // Every half timeout (1 s); the interval (2 s) is the limit for the slowest on a loaded machine.
        expect(gaps.late).toBe(0);
        expect(gaps.max_gap_ms).toBeLessThanOrEqual(HEARTBEAT_S * 1000);
        expect(gaps.p99_gap_ms).toBeLessThan(HEARTBEAT_S * 750);

        // Clients that stop beating (but keep reading) are dropped after two timeouts, no sooner.
        const silenced = await fleet.request<{ closed: number; still_open: number; after_ms: { min: number; max: number } }>('silence', {
          count: SILENCED,
          timeoutMs: HEARTBEAT_S * 5000,
        });
        expect(silenced).toMatchObject({ closed: SILENCED, still_open: 0 });
        expect(silenced.after_ms.min).toBeGreaterThanOrEqual(HEARTBEAT_S * 2000 - 600);
        expect(silenced.after_ms.max).toBeLessThanOrEqual(HEARTBEAT_S * 4000);
        await waitFor(() => s.server.connectionCount === n - SILENCED, 'the silent connections closed by the broker');

        await fleet.request('close');
        await expectNothingLeft(target, baseline);
      } finally {
        fleet.kill();
      }
    },
    120_000,
  );

  it(
    'churn: connections opened, used and closed for 5 s leave nothing behind, and the churn counters add up',
    async () => {
      const s = target.services as BrokerServices;
      const baseline = handles();
      const created0 = s.stats.node.connectionCreated;
      const closed0 = s.stats.node.connectionClosed;
      const end = Date.now() + 5000;
      let cycles = 0;
      const worker = async (): Promise<void> => {
        while (Date.now() < end) {
          const c = await amqp.connect(target.amqpUrl);
          const ch = await c.createChannel();
          const { queue } = await ch.assertQueue('', { exclusive: true });
          ch.sendToQueue(queue, Buffer.from('churn'));
          const got = await pollUntil(
            () => ch.get(queue, { noAck: true }),
            (m) => m !== false,
          );
          expect(got && got.content.toString()).toBe('churn');
          await c.close();
          cycles++;
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      expect(cycles).toBeGreaterThan(20);
      await expectNothingLeft(target, baseline);
      expect(s.stats.node.connectionCreated - created0).toBe(cycles);
      expect(s.stats.node.connectionClosed - closed0).toBe(cycles);
    },
    60_000,
  );
});
