// Clients whose TCP connection is cut at an arbitrary byte and that reconnect at once (amqplib's,
// pika's and aio-pika's reconnect loops) get their exclusive queue and consumer back (issue 13,
// "Faults"): a connection whose peer went away (FIN, RST, or half-open) is torn down at once, its
// exclusive queues released, so the redeclare on the new connection succeeds.
//
// A TCP proxy in the test forwards client <-> broker and, on the connection it is armed for, cuts
// after N bytes of one direction (N = 1, 2, 4, ... over the bytes of a handshake + channel.open +
// exclusive queue.declare + basic.consume sequence, and at every offset of it for FIN), by closing
// both sides (FIN) or resetting them (RST, socket.resetAndDestroy()). The client then opens a new
// connection through the proxy at once and redeclares the same exclusive queue and consumer: no
// retry, no wait. The half-open case freezes the proxy (nothing forwarded, nothing closed): the
// broker's heartbeat check drops the connection, as RabbitMQ's does, 2 to 3 heartbeat intervals
// after the last data it got (rabbit_heartbeat: a check every interval, two unchanged checks).
//
// Against Warren always; against the reference RabbitMQ too when WARREN_REFERENCE_MGMT_URL is set
// (its AMQP URL is WARREN_REFERENCE_URL, default amqp://guest:guest@127.0.0.1:5682).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { referenceAmqpUrl, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { pollUntil, waitFor } from '../helpers/wait.js';

type Direction = 'up' | 'down';
type How = 'fin' | 'rst';
interface Cut {
  direction: Direction;
  /** Bytes of that direction forwarded before the cut. */
  after: number;
  how: How;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  sent: Record<Direction, number>;
  cut: Cut | null;
  /** Set once the cut (or the freeze) happened: nothing more is forwarded. */
  done: boolean;
  /** Resolves when the cut happened. */
  cutDone: Promise<void>;
  markCut: () => void;
}

/** The proxy: forwards every connection to the target; cuts the one it was armed for. */
class CutProxy {
  readonly pairs: Pair[] = [];
  private armed: Cut | null = null;
  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<CutProxy> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    const proxy = new CutProxy(server, target);
    server.on('connection', (s) => proxy.accept(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The next accepted connection is cut as `cut` says. */
  arm(cut: Cut): void {
    this.armed = cut;
  }

  /** The latest connection. */
  get last(): Pair {
    return this.pairs[this.pairs.length - 1];
  }

  private accept(client: net.Socket): void {
    client.pause();
    const upstream = net.connect({ ...this.target, allowHalfOpen: true, noDelay: true });
    let markCut = (): void => undefined;
    const cutDone = new Promise<void>((r) => (markCut = r));
    const pair: Pair = { client, upstream, sent: { up: 0, down: 0 }, cut: this.armed, done: false, cutDone, markCut };
    this.armed = null;
    this.pairs.push(pair);
    for (const s of [client, upstream]) s.on('error', () => undefined);
    upstream.on('connect', () => client.resume());
    this.forward(pair, client, upstream, 'up');
    this.forward(pair, upstream, client, 'down');
  }

  private forward(pair: Pair, from: net.Socket, to: net.Socket, dir: Direction): void {
    from.on('data', (chunk: Buffer) => {
      if (pair.done) return; // cut or frozen: dropped
      const cut = pair.cut;
      if (cut !== null && cut.direction === dir && pair.sent[dir] + chunk.length >= cut.after) {
        const room = cut.after - pair.sent[dir];
        if (room > 0) to.write(chunk.subarray(0, room));
        pair.sent[dir] += room;
        this.cut(pair, cut.how);
        return;
      }
      pair.sent[dir] += chunk.length;
      to.write(chunk);
    });
    // A side that closes normally (no cut yet) is passed on.
    from.on('end', () => {
      if (!pair.done) to.end();
    });
    from.on('close', () => {
      if (!pair.done) to.destroy();
    });
  }

  /** Cuts both sides now, the broker's first: FIN (end, then drop once the peer ends too) or RST. */
  cut(pair: Pair, how: How): void {
    if (pair.done) return;
    pair.done = true;
    for (const s of [pair.upstream, pair.client]) {
      if (how === 'rst') s.resetAndDestroy();
      else {
        s.end();
        s.on('end', () => s.destroy());
        setTimeout(() => s.destroy(), 2000).unref();
      }
    }
    pair.markCut();
  }

  /** Half-open: stops forwarding without closing anything (the sockets stay open, their data is dropped). */
  freeze(pair: Pair): void {
    pair.done = true;
    pair.markCut();
  }

  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A client's session: connection, channel, the exclusive queue and a consumer on it. */
interface Session {
  conn: ChannelModel;
  ch: Channel;
  received: string[];
  /** Resolves when the connection is gone (closed or cut). */
  gone: Promise<unknown>;
}

/** What the reconnect loop does: connect, open a channel, declare the exclusive queue, consume from it. */
async function openSession(url: string, queue: string, onConnection?: (gone: Promise<unknown>) => void): Promise<Session> {
  const conn = await amqp.connect(url);
  conn.on('error', () => undefined); // a cut connection errors; the test waits on 'close'
  // Not events.once: that rejects on the 'error' a cut connection emits first.
  const gone = new Promise<unknown>((resolve) => conn.once('close', resolve));
  onConnection?.(gone);
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  await ch.assertQueue(queue, { exclusive: true });
  const received: string[] = [];
  await ch.consume(queue, (m) => {
    if (m !== null) received.push(m.content.toString());
  }, { noAck: true });
  return { conn, ch, received, gone };
}

function uniq(): string {
  return `ops-cut-${randomBytes(4).toString('hex')}`;
}

/**
 * One round: the armed connection runs the sequence and is cut somewhere in it (or, when the cut
 * lies past the sequence's bytes, right after it); the client reconnects at once, redeclares and
 * consumes, and a message published to the queue reaches the new consumer.
 */
async function round(proxy: CutProxy, url: string, queue: string, cut: Cut): Promise<void> {
  proxy.arm(cut);
  let first: Session | undefined;
  let firstGone: Promise<unknown> | undefined;
  try {
    first = await openSession(url, queue, (gone) => {
      firstGone = gone;
    });
  } catch {
    // The cut hit the handshake or a method: the client sees the error, as a reconnect loop does.
  }
  const pair = proxy.last;
  if (first !== undefined) {
    // The whole sequence went through before the cut's offset: cut now, after it.
    proxy.cut(pair, cut.how);
    await first.gone;
  } else {
    await pair.cutDone;
    // The connection opened before the cut: amqplib has seen (or will see) its socket close.
    await firstGone;
  }
  let second: Session;
  try {
    second = await openSession(url, queue);
  } catch (e) {
    throw new Error(`reconnect after a ${cut.how} cut ${cut.direction} after ${cut.after} bytes: ${(e as Error).message}`, { cause: e });
  }
  second.ch.sendToQueue(queue, Buffer.from(`after ${cut.after}`));
  await waitFor(() => second.received.length === 1, `the new consumer's message (cut ${cut.how} ${cut.direction} ${cut.after})`);
  expect(second.received).toEqual([`after ${cut.after}`]);
  await second.conn.close();
}

/** Bytes each direction carries for the sequence, measured through the proxy without a cut. */
async function sequenceBytes(proxy: CutProxy, url: string): Promise<Record<Direction, number>> {
  const s = await openSession(url, uniq());
  const sent = { ...proxy.last.sent };
  await s.conn.close();
  return sent;
}

/** Rounds run side by side in the every-offset tests. */
const LANES = 6;

function doubling(limit: number): number[] {
  const out: number[] = [];
  for (let n = 1; n < limit; n *= 2) out.push(n);
  out.push(limit);
  return out;
}

interface Target {
  amqpUrl: string;
  host: string;
  port: number;
  /** Every offset (not only doubling ones) for FIN: Warren's run; the reference gets the doubling ones. */
  everyOffset: boolean;
}

const targets: Array<{ name: string; make: () => Promise<{ target: Target; close: () => Promise<void> }> }> = [
  {
    name: 'Warren',
    make: async () => {
      const m: ManagementTarget = await startManagementTarget();
      const u = new URL(m.amqpUrl);
      return { target: { amqpUrl: m.amqpUrl, host: u.hostname, port: Number(u.port), everyOffset: true }, close: () => m.close() };
    },
  },
];
if (referenceMgmtUrl !== undefined) {
  targets.push({
    name: 'RabbitMQ (reference)',
    make: async () => {
      const u = new URL(referenceAmqpUrl);
      return { target: { amqpUrl: referenceAmqpUrl, host: u.hostname, port: Number(u.port), everyOffset: false }, close: async () => undefined };
    },
  });
}

describe.each(targets)('connection cut at a byte offset: $name', ({ make }) => {
  let target: Target;
  let closeTarget: () => Promise<void>;
  let proxy: CutProxy;
  let proxyUrl: string;
  let bytes: Record<Direction, number>;

  beforeAll(async () => {
    ({ target, close: closeTarget } = await make());
    proxy = await CutProxy.start({ host: target.host, port: target.port });
    const u = new URL(target.amqpUrl);
    u.host = `127.0.0.1:${proxy.port}`;
    proxyUrl = u.toString();
    bytes = await sequenceBytes(proxy, proxyUrl);
  });

  afterAll(async () => {
    await proxy?.close();
    await closeTarget?.();
  });

  for (const how of ['fin', 'rst'] as const) {
    for (const direction of ['up', 'down'] as const) {
      it(`${how.toUpperCase()} ${direction === 'up' ? 'client->broker' : 'broker->client'} after N = 1, 2, 4, ... bytes: the reconnect redeclares the exclusive queue and consumes`, async () => {
        expect(bytes[direction]).toBeGreaterThan(100);
        const queue = uniq();
        for (const after of doubling(bytes[direction])) await round(proxy, proxyUrl, queue, { direction, after, how });
      }, 60_000);
    }
  }

  for (const direction of ['up', 'down'] as const) {
    it(`FIN ${direction === 'up' ? 'client->broker' : 'broker->client'} at every offset of the sequence (Warren)`, async (ctx) => {
      if (!target.everyOffset) ctx.skip();
      // Lanes run side by side, each with its own proxy and queue, the offsets dealt out among them.
      const lanes = await Promise.all(Array.from({ length: LANES }, () => CutProxy.start({ host: target.host, port: target.port })));
      try {
        await Promise.all(
          lanes.map(async (lane, i) => {
            const u = new URL(proxyUrl);
            u.host = `127.0.0.1:${lane.port}`;
            const queue = uniq();
            for (let after = 1 + i; after <= bytes[direction]; after += LANES) await round(lane, u.toString(), queue, { direction, after, how: 'fin' });
          }),
        );
      } finally {
        for (const lane of lanes) await lane.close();
      }
    }, 120_000);
  }

  it('half-open peer (the proxy stops forwarding, closes nothing): heartbeats drop it 2-3 intervals later, then the redeclare succeeds', async () => {
    const queue = uniq();
    const heartbeat = 1;
    const url = `${proxyUrl}${proxyUrl.includes('?') ? '&' : '?'}heartbeat=${heartbeat}`;
    const first = await openSession(url, queue);
    const pair = proxy.last;
    // Another connection, straight to the broker, probes the queue: 405 RESOURCE_LOCKED while the
    // frozen connection owns it, 404 NOT_FOUND once the broker tore that connection down.
    const probe = await amqp.connect(target.amqpUrl);
    probe.on('error', () => undefined);
    const holder = async (): Promise<number> => {
      const ch = await probe.createChannel();
      ch.on('error', () => undefined);
      try {
        await ch.checkQueue(queue);
        await ch.close();
        return 200;
      } catch (e) {
        return (e as { code?: number }).code ?? 0;
      }
    };
    expect(await holder()).toBe(405);
    const frozenAt = Date.now();
    proxy.freeze(pair);
    const code = await pollUntil(holder, (c) => c !== 405, { timeoutMs: 6000 * heartbeat, intervalMs: 50 });
    const elapsed = (Date.now() - frozenAt) / 1000;
    expect(code).toBe(404);
    // Detected from the last data received (the client's last heartbeat, at most one interval before the freeze).
    expect(elapsed).toBeGreaterThanOrEqual(heartbeat * 0.9);
    expect(elapsed).toBeLessThanOrEqual(heartbeat * 3.5);
    // The client notices too (amqplib: "Heartbeat timeout") and reconnects: the redeclare succeeds.
    await first.gone;
    const second = await openSession(proxyUrl, queue);
    second.ch.sendToQueue(queue, Buffer.from('after half-open'));
    await waitFor(() => second.received.length === 1, 'the new consumer');
    await second.conn.close();
    await probe.close();
  }, 30_000);
});
