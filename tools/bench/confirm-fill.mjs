// Fills a queue with persistent messages under publisher confirms, as fast as the window allows (shared by the
// backlog scenario and tools/recovery-time.mjs).
import { publishFrames } from './wire.mjs';

/**
 * Publishes n persistent copies of `body` to `queue` on channel 1 of `conn` (a RawConnection in confirm mode) with
 * at most `window` unconfirmed; resolves once all are confirmed (rejects on a nack).
 */
export function fillConfirmed(conn, queue, n, body, window) {
  return new Promise((resolve, reject) => {
    const one = publishFrames(1, '', queue, body, conn.frameMax || 131072, { persistent: true });
    const PER = Math.max(1, Math.floor(65536 / one.buf.length));
    const batch = Buffer.concat(Array.from({ length: PER }, () => one.buf));
    let published = 0, confirmed = 0, waiting = false;
    conn.onError = reject;
    const pump = () => {
      waiting = false;
      while (published < n) {
        if (published - confirmed >= window) { waiting = true; return; }
        const k = Math.min(PER, n - published, window - (published - confirmed));
        published += k;
        if (!conn.socket.write(k === PER ? batch : batch.subarray(0, k * one.buf.length))) { conn.socket.once('drain', pump); return; }
      }
    };
    conn.onConfirm = (tag, multiple, ack) => {
      if (!ack) return reject(new Error(`nack for ${tag}`));
      if (tag > confirmed) confirmed = tag;
      if (confirmed >= n) resolve();
      else if (waiting && published - confirmed < window / 2) setImmediate(pump);
    };
    pump();
  });
}
