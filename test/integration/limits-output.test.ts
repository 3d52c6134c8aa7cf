/**
 * The output cap: a client that publishes with confirms and mandatory to an unroutable key (each publish makes a
 * basic.return and a basic.ack) but never reads its socket must not make Warren buffer without bound. Past
 * MAX_UNSENT_BYTES of unsent bytes the connection is not read until its socket drains; once the client reads
 * again everything it asked for arrives, nothing lost. (RabbitMQ 3.10.8's writer has no such cap: its mailbox
 * grows until the memory alarm; Warren-only.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UNSENT_BYTES } from '../../src/server/connection/output-writer.js';
import { RawClient } from '../helpers/raw-client.js';
import { pollUntil } from '../helpers/wait.js';
import { startLimitsBroker, type LimitsBroker } from './limits-warren.js';

let broker: LimitsBroker;

beforeAll(async () => {
  broker = await startLimitsBroker();
});

afterAll(async () => {
  await broker?.close();
});

/** Counts basic.return and the highest acked delivery tag in a raw byte stream, without keeping it. */
class ReplyCounter {
  returns = 0;
  acked = 0;
  private buf: Buffer = Buffer.alloc(0);
  push(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let p = 0;
    while (this.buf.length - p >= 8) {
      const size = this.buf.readUInt32BE(p + 3);
      if (this.buf.length - p < size + 8) break;
      if (this.buf[p] === 1) {
        const id = this.buf.readUInt32BE(p + 7);
        if (id === ((60 << 16) | 50)) this.returns++;
        else if (id === ((60 << 16) | 80)) this.acked = Math.max(this.acked, Number(this.buf.readBigUInt64BE(p + 11)));
      }
      p += size + 8;
    }
    this.buf = this.buf.subarray(p);
  }
}

describe('output cap', () => {
  it('a confirm + mandatory publisher that does not read: the unsent bytes stay under the cap, then it recovers', async () => {
    const c = await RawClient.open(broker);
    try {
      await c.openChannel(1);
      await c.call(1, 'confirm.select');
      // From here the test reads the socket itself (or not at all).
      c.socket.removeAllListeners('data');
      c.socket.pause();
      const counter = new ReplyCounter();
      const N = 30_000;
      const body = Buffer.alloc(1024, 0x61);
      const frames = Buffer.concat(c.publishFrames(1, body, { routingKey: 'limits-nowhere', mandatory: true }));
      // ~31 MiB of publishes; each one asks for ~1.1 KiB of returns and acks.
      for (let i = 0; i < N; i += 1000) c.socket.write(Buffer.concat(Array.from({ length: 1000 }, () => frames)));
      const server = broker.services.server;
      const conn = () => server.listConnections()[0];
      // The broker stops reading: its reads stop growing while the client still has bytes to write.
      let peak = 0;
      let last = -1;
      for (;;) {
        await new Promise((r) => setTimeout(r, 100));
        const s = conn();
        peak = Math.max(peak, s.sendPend);
        if (s.recvOct === last) break;
        last = s.recvOct;
      }
      expect(c.socket.writableLength).toBeGreaterThan(0);
      expect(conn().state).toBe('flow');
      // One frame's worth of output may go over the cap, no more.
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(MAX_UNSENT_BYTES + 64 * 1024);
      // The client reads again: every publish is returned and confirmed, the connection runs again.
      c.socket.on('data', (d: Buffer) => counter.push(d));
      c.socket.resume();
      const done = await pollUntil(() => counter.acked, (n) => n === N, { timeoutMs: 20_000 });
      expect(done).toBe(N);
      expect(counter.returns).toBe(N);
      expect(await pollUntil(() => conn().state, (s) => s === 'running')).toBe('running');
      expect(conn().sendPend).toBeLessThan(MAX_UNSENT_BYTES);
    } finally {
      c.destroy();
    }
  }, 40_000);
});
