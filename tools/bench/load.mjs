// Producer, consumer and exactly-once verifier for one producer -> one queue -> one consumer.
// Message body: bytes 0..3 the run's nonce, 4..7 the sequence number (both u32 little-endian),
// the rest filler. The producer patches only the sequence numbers into a pre-encoded template.

import { publishFrames, ackFrameTemplate, ACK_FRAME_LEN } from './wire.mjs';

const BATCH_BYTES = 64 * 1024;  // one socket.write
const YIELD_BYTES = 1024 * 1024; // then let the consumer's reads in (same event loop)

/** Publishes as fast as the socket drains, never more than `maxInflight` ahead of `consumer`. */
export class Producer {
  /**
   * opts: {queue, size, nonce, maxInflight, consumer, channel, persistent, confirmWindow}; with confirmWindow
   * (the channel must be in confirm mode) at most that many publishes are unconfirmed at a time.
   */
  constructor(conn, opts) {
    this.conn = conn;
    this.confirmWindow = opts.confirmWindow ?? 0;
    this.confirmed = 0; // highest confirmed sequence number (1-based, as the broker counts)
    this.nacked = 0;
    if (this.confirmWindow) {
      conn.onConfirm = (tag, multiple, ack) => {
        if (!ack) this.nacked += multiple ? Math.max(0, tag - this.confirmed) : 1;
        if (tag > this.confirmed) this.confirmed = tag;
        if (this.waitConfirm && this.published - this.confirmed < this.confirmWindow) { this.waitConfirm = false; this.schedule(); }
      };
    }
    this.sock = conn.socket;
    this.consumer = opts.consumer;
    this.maxInflight = opts.maxInflight;
    this.resumeAt = Math.floor(opts.maxInflight * 0.9); // hysteresis: no stop-go per batch
    this.published = 0;
    this.pauses = 0;        // times the in-flight cap stopped the producer
    this.maxSeenInflight = 0;
    this.running = false; this.waitDrain = false; this.waitFlow = false; this.waitConfirm = false; this.scheduled = false;
    this.pumpLater = () => { this.scheduled = false; this.pump(); };
    this.sock.on('drain', () => { if (this.waitDrain) { this.waitDrain = false; this.pump(); } });

    const body = Buffer.alloc(opts.size, 0x2e);
    if (opts.size < 8) throw new RangeError('--size must be at least 8 (nonce + sequence number)');
    body.writeUInt32LE(opts.nonce >>> 0, 0);
    // opts.priorities: each message gets a pseudo-random priority 0..opts.priorities-1 (priority-queue scenario).
    this.priorities = opts.priorities ?? 0;
    const props = this.priorities > 0 ? { priority: 0 } : {};
    if (opts.persistent === true) props.persistent = true;
    const one = publishFrames(opts.channel, '', opts.queue, body, conn.frameMax === 0 ? 131072 : conn.frameMax, props);
    this.msgLen = one.buf.length;
    this.seqOffset = one.bodyOffset + 4;
    this.prioOffset = one.priorityOffset;
    this.rand = opts.nonce >>> 0 || 1;
    this.perBatch = Math.max(1, Math.floor(BATCH_BYTES / this.msgLen));
    this.template = Buffer.allocUnsafe(this.perBatch * this.msgLen);
    for (let i = 0; i < this.perBatch; i++) one.buf.copy(this.template, i * this.msgLen);
  }

  start() { this.running = true; this.pump(); }
  stop() { this.running = false; }

  /** Called by the consumer after each read: restarts a producer paused by the in-flight cap. */
  onProgress() {
    if (this.waitFlow && this.published - this.consumer.delivered <= this.resumeAt) {
      this.waitFlow = false;
      this.schedule();
    }
  }

  schedule() { if (!this.scheduled) { this.scheduled = true; setImmediate(this.pumpLater); } }

  pump() {
    if (!this.running || this.waitDrain || this.waitFlow || this.waitConfirm || this.conn.error !== null) return;
    let written = 0;
    for (;;) {
      const inflight = this.published - this.consumer.delivered;
      if (inflight > this.maxSeenInflight) this.maxSeenInflight = inflight;
      let room = this.maxInflight - inflight;
      if (room <= 0) { this.waitFlow = true; this.pauses++; return; }
      if (this.confirmWindow) {
        const unconfirmed = this.published - this.confirmed;
        if (unconfirmed >= this.confirmWindow) { this.waitConfirm = true; return; }
        room = Math.min(room, this.confirmWindow - unconfirmed);
      }
      const n = room < this.perBatch ? room : this.perBatch;
      const len = n * this.msgLen;
      const out = Buffer.allocUnsafe(len);
      this.template.copy(out, 0, 0, len);
      let seq = this.published;
      for (let o = this.seqOffset; o < len; o += this.msgLen) out.writeUInt32LE((seq++) >>> 0, o);
      if (this.priorities > 0) {
        let r = this.rand; // xorshift32
        for (let o = this.prioOffset; o < len; o += this.msgLen) {
          r ^= r << 13; r ^= r >>> 17; r ^= r << 5;
          out[o] = (r >>> 0) % this.priorities;
        }
        this.rand = r;
      }
      this.published += n;
      written += len;
      if (!this.sock.write(out)) { this.waitDrain = true; return; }
      if (written >= YIELD_BYTES) { this.schedule(); return; }
    }
  }
}

/** Counts deliveries, records them in the verifier and (manual ack) acks each one. */
export class Consumer {
  /** opts: {ack, verifier, channel} */
  constructor(conn, opts) {
    this.conn = conn;
    this.ack = opts.ack;
    this.verifier = opts.verifier;
    this.delivered = 0;
    this.redelivered = 0;
    this.acked = 0;
    this.producer = null;
    // the ack buffer is pre-filled with ack frames; per delivery only the tag is written
    this.ackTpl = ackFrameTemplate(opts.channel);
    this.ackBuf = this._ackBuffer(1024);
    this.ackLen = 0;
  }

  _ackBuffer(frames) {
    const b = Buffer.allocUnsafe(frames * ACK_FRAME_LEN);
    for (let o = 0; o < b.length; o += ACK_FRAME_LEN) this.ackTpl.copy(b, o);
    return b;
  }

  delivery(tag, redelivered, word, seq) {
    this.delivered++;
    if (redelivered !== 0) this.redelivered++;
    this.verifier.record(word, seq);
    if (this.ack) {
      if (this.ackLen === this.ackBuf.length) {
        const bigger = this._ackBuffer((this.ackBuf.length / ACK_FRAME_LEN) * 2);
        this.ackBuf.copy(bigger, 0, 0, this.ackLen);
        this.ackBuf = bigger;
      }
      const o = this.ackLen;
      this.ackBuf.writeUInt32BE(Math.floor(tag / 4294967296), o + 11);
      this.ackBuf.writeUInt32BE(tag >>> 0, o + 15);
      this.ackLen = o + ACK_FRAME_LEN;
      this.acked++;
    }
  }

  /** End of one socket read: all its acks in one write, then let a paused producer go. */
  chunkEnd() {
    if (this.ackLen > 0) {
      const out = Buffer.allocUnsafe(this.ackLen);
      this.ackBuf.copy(out, 0, 0, this.ackLen);
      this.ackLen = 0;
      if (this.conn.error === null) this.conn.socket.write(out);
    }
    if (this.producer !== null) this.producer.onProgress();
  }
}

/** Exactly-once check of sequence numbers 0..published-1 carrying this run's nonce. */
export class Verifier {
  constructor(nonce) {
    this.nonce = nonce >>> 0;
    this.seen = new Uint8Array(1 << 16);
    this.unique = 0; this.duplicates = 0; this.foreign = 0; this.unverifiable = 0;
  }

  record(word, seq) {
    if (word !== this.nonce) {
      if (word === -1) this.unverifiable++; else this.foreign++;
      return;
    }
    const i = seq >>> 3;
    if (i >= this.seen.length) {
      let n = this.seen.length * 2;
      while (n <= i) n *= 2;
      const bigger = new Uint8Array(n);
      bigger.set(this.seen);
      this.seen = bigger;
    }
    const bit = 1 << (seq & 7);
    if ((this.seen[i] & bit) !== 0) this.duplicates++;
    else { this.seen[i] |= bit; this.unique++; }
  }

  /** {missing, firstMissing[]} for sequence numbers 0..published-1. */
  missing(published) {
    const first = [];
    let missing = 0;
    for (let s = 0; s < published; s++) {
      const byte = this.seen[s >>> 3];
      if (byte === 0xff && (s & 7) === 0 && s + 8 <= published) { s += 7; continue; }
      if (((byte ?? 0) & (1 << (s & 7))) === 0) { missing++; if (first.length < 5) first.push(s); }
    }
    return { missing, firstMissing: first };
  }
}
