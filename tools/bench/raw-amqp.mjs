// A small raw AMQP 0-9-1 client for load generation (amqplib tops out near 110k msg/s on one core,
// about what the brokers under test do, so it would measure itself).
// Slow path (handshake, declares): promise RPCs. Hot path: a streaming frame parser that keeps
// state across socket reads, parses frames in place inside each chunk (only a frame split across
// two reads is copied), and reports each complete basic.deliver to a sink without allocating.

import net from 'node:net';
import {
  M, methodName, ArgWriter, ArgReader, methodFrame, PROTOCOL_HEADER,
  FRAME_METHOD, FRAME_HEADER, FRAME_BODY, FRAME_END,
} from './wire.mjs';

const RPC_TIMEOUT_MS = 20000;
const PRE_TUNE_FRAME_LIMIT = 1 << 20; // connection.start is the only large frame before tune

/** amqp://user:pass@host:port/vhost -> connection options (vhost "" or missing = "/"). */
export function parseAmqpUrl(url) {
  const u = new URL(url);
  if (u.protocol !== 'amqp:') throw new Error(`only amqp:// URLs are supported: ${url}`);
  const path = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: u.port ? Number(u.port) : 5672,
    user: u.username ? decodeURIComponent(u.username) : 'guest',
    pass: u.password ? decodeURIComponent(u.password) : 'guest',
    vhost: path === '' ? '/' : decodeURIComponent(path),
  };
}

/**
 * One AMQP connection. `sink` (set before consuming) receives
 * delivery(tag, redelivered, word, seq) for every complete message (word/seq = the first two
 * little-endian u32 of the body, word = -1 if the first body frame is shorter than 8 bytes)
 * and chunkEnd() after each socket read has been parsed.
 */
export class RawConnection {
  constructor({ host, port, user, pass, vhost, name, heartbeat = 0 }) {
    this.host = host; this.port = port; this.user = user; this.pass = pass; this.vhost = vhost;
    this.name = name ?? 'warren-bench';
    /** Heartbeat timeout asked for in tune-ok (seconds; 0 = none); `heartbeat` is what was negotiated. */
    this.wantHeartbeat = heartbeat; this.heartbeat = 0;
    this.socket = null;
    this.frameMax = 0;     // as negotiated (0 = no limit)
    this.frameLimit = PRE_TUNE_FRAME_LIMIT; // largest accepted frame payload
    this.channelMax = 0;
    this.serverProduct = ''; this.serverVersion = '';
    this.rpcs = new Map(); // channel -> FIFO of {expect, resolve, reject}
    this.closed = false;
    this.error = null;     // first fatal error (broker close, channel close, socket error)
    this.onError = null;   // (err) => void, once
    this.blocked = false;
    this.unexpected = 0;
    this.sink = null;
    // split-frame state: `part` holds a frame cut by a read boundary
    this.hdr = Buffer.allocUnsafe(7); this.hdrLen = 0;
    this.part = null; this.partLen = 0;
    // delivery state: 0 idle, 1 after basic.deliver, 2 in its body, 3/4 skipping a basic.return
    this.dState = 0; this.dTag = 0; this.dRed = 0; this.dRemaining = 0; this.dFirst = false;
    this.dWord = -1; this.dSeq = 0;
  }

  /**
   * Connects and completes the handshake (PLAIN, tune-ok echoing the server; heartbeat 0 unless the
   * constructor's `heartbeat` asks for one: then the lower of the two, and the caller sends the beats).
   */
  connect(timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: this.host, port: this.port });
      this.socket = sock;
      sock.setNoDelay(true);
      let settled = false;
      const timer = setTimeout(() => { this._fail(new Error(`handshake with ${this.host}:${this.port} timed out`)); sock.destroy(); }, timeoutMs);
      this._opened = () => { if (!settled) { settled = true; clearTimeout(timer); resolve(this); } };
      this._openFailed = (e) => { if (!settled) { settled = true; clearTimeout(timer); reject(e); } };
      sock.on('connect', () => sock.write(PROTOCOL_HEADER));
      sock.on('data', (chunk) => this._onData(chunk));
      sock.on('error', (e) => this._fail(e));
      sock.on('close', () => {
        this.closed = true;
        this._fail(new Error(`connection to ${this.host}:${this.port} closed`));
      });
    });
  }

  _fail(err) {
    if (this.error === null) {
      this.error = err;
      if (this._openFailed) this._openFailed(err);
      if (this.onError) this.onError(err);
    }
    for (const list of this.rpcs.values()) for (const r of list) r.reject(this.error);
    this.rpcs.clear();
  }

  /** Sends a method and resolves with an ArgReader over the reply `expect`. */
  rpc(ch, mid, args, expect) {
    if (this.error !== null) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      let list = this.rpcs.get(ch);
      if (!list) { list = []; this.rpcs.set(ch, list); }
      const timer = setTimeout(() => {
        const i = list.indexOf(entry);
        if (i >= 0) list.splice(i, 1);
        reject(new Error(`no ${methodName(expect)} on channel ${ch} within ${RPC_TIMEOUT_MS / 1000} s`));
      }, RPC_TIMEOUT_MS);
      const entry = {
        expect,
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      list.push(entry);
      this.socket.write(methodFrame(ch, mid, args));
    });
  }

  openChannel(ch) {
    return this.rpc(ch, M.CHANNEL_OPEN, new ArgWriter(4).shortstr('').result(), M.CHANNEL_OPEN_OK);
  }
  async queueDeclare(ch, queue, { passive = false, durable = false, exclusive = false, autoDelete = false, args: table = {} } = {}) {
    const args = new ArgWriter(64).short(0).shortstr(queue).bits(passive, durable, exclusive, autoDelete, false).table(table);
    const r = await this.rpc(ch, M.QUEUE_DECLARE, args.result(), M.QUEUE_DECLARE_OK);
    return { queue: r.shortstr(), messageCount: r.long(), consumerCount: r.long() };
  }
  async queuePurge(ch, queue) {
    const r = await this.rpc(ch, M.QUEUE_PURGE, new ArgWriter(32).short(0).shortstr(queue).bits(false).result(), M.QUEUE_PURGE_OK);
    return r.long();
  }
  async queueDelete(ch, queue) {
    const r = await this.rpc(ch, M.QUEUE_DELETE, new ArgWriter(32).short(0).shortstr(queue).bits(false, false, false).result(), M.QUEUE_DELETE_OK);
    return r.long();
  }
  qos(ch, prefetchCount) {
    return this.rpc(ch, M.BASIC_QOS, new ArgWriter(8).long(0).short(prefetchCount).bits(false).result(), M.BASIC_QOS_OK);
  }
  confirmSelect(ch) {
    return this.rpc(ch, M.CONFIRM_SELECT, new ArgWriter(4).bits(false).result(), M.CONFIRM_SELECT_OK);
  }
  async consume(ch, queue, { noAck }) {
    const args = new ArgWriter(64).short(0).shortstr(queue).shortstr('').bits(false, noAck, false, false).table({});
    const r = await this.rpc(ch, M.BASIC_CONSUME, args.result(), M.BASIC_CONSUME_OK);
    return r.shortstr();
  }

  /** basic.get: true when a message came (get-ok; its content frames are skipped), false on get-empty. */
  async basicGet(ch, queue, { noAck = true } = {}) {
    const r = await this.rpc(ch, M.BASIC_GET, new ArgWriter(32).short(0).shortstr(queue).bits(noAck).result(), M.BASIC_GET_OK);
    return r !== null;
  }

  /** connection.close, waiting briefly for close-ok; never throws. */
  async close(timeoutMs = 3000) {
    if (this.closed || this.socket === null) return;
    if (this.error === null) {
      const args = new ArgWriter(32).short(200).shortstr('bench done').short(0).short(0).result();
      let timer;
      await Promise.race([
        this.rpc(0, M.CONNECTION_CLOSE, args, M.CONNECTION_CLOSE_OK).catch(() => {}),
        new Promise((r) => { timer = setTimeout(r, timeoutMs); }),
      ]);
      clearTimeout(timer);
    }
    this.socket.destroy();
  }

  // ---- hot path -----------------------------------------------------------------------------

  _onData(chunk) {
    const len = chunk.length;
    let off = 0;
    if (this.hdrLen > 0 || this.part !== null) {
      off = this._completeSplitFrame(chunk);
      if (off < 0) { if (this.error === null && this.sink !== null) this.sink.chunkEnd(); return; }
    }
    while (len - off >= 7) {
      const size = chunk.readUInt32BE(off + 3);
      if (size > this.frameLimit) { this._protocolError(`frame of ${size} bytes exceeds the limit of ${this.frameLimit}`); return; }
      const end = off + 7 + size; // index of the frame-end octet
      if (end >= len) break;
      if (!this._frame(chunk, off, size)) return;
      off = end + 1;
    }
    if (off < len) this._keepSplitFrame(chunk, off);
    if (this.sink !== null) this.sink.chunkEnd();
  }

  /** Copies the tail of a read that holds only part of a frame. */
  _keepSplitFrame(chunk, off) {
    const rem = chunk.length - off;
    if (rem < 7) { chunk.copy(this.hdr, 0, off); this.hdrLen = rem; return; }
    const size = chunk.readUInt32BE(off + 3);
    this.part = Buffer.allocUnsafe(size + 8);
    this.partLen = chunk.copy(this.part, 0, off);
  }

  /** Feeds the start of a read into the split frame; returns where the rest begins, -1 if used up. */
  _completeSplitFrame(chunk) {
    let off = 0;
    if (this.part === null) {
      off = chunk.copy(this.hdr, this.hdrLen, 0, 7 - this.hdrLen);
      this.hdrLen += off;
      if (this.hdrLen < 7) return -1;
      const size = this.hdr.readUInt32BE(3);
      if (size > this.frameLimit) { this._protocolError(`frame of ${size} bytes exceeds the limit of ${this.frameLimit}`); return -1; }
      this.part = Buffer.allocUnsafe(size + 8);
      this.partLen = this.hdr.copy(this.part, 0, 0, 7);
      this.hdrLen = 0;
    }
    const n = chunk.copy(this.part, this.partLen, off, off + this.part.length - this.partLen);
    this.partLen += n;
    off += n;
    if (this.partLen < this.part.length) return -1;
    const f = this.part;
    this.part = null;
    if (!this._frame(f, 0, f.length - 8)) return -1;
    return off;
  }

  /** Handles one complete frame at buf[off]; false after a fatal error. */
  _frame(buf, off, size) {
    if (buf[off + 7 + size] !== FRAME_END) { this._protocolError(`bad frame-end octet after a type ${buf[off]} frame of ${size} bytes`); return false; }
    const type = buf[off];
    const p = off + 7;
    if (type === FRAME_BODY) {
      if (this.dState === 2) {
        if (this.dFirst) {
          this.dFirst = false;
          if (size >= 8) { this.dWord = buf.readUInt32LE(p); this.dSeq = buf.readUInt32LE(p + 4); } else this.dWord = -1;
        }
        this.dRemaining -= size;
        if (this.dRemaining <= 0) this._deliveryDone();
      } else if (this.dState === 4) {
        this.dRemaining -= size;
        if (this.dRemaining <= 0) this.dState = 0;
      }
    } else if (type === FRAME_METHOD) {
      const mid = buf.readUInt32BE(p);
      if (mid === M.BASIC_DELIVER) {
        const q = p + 5 + buf[p + 4]; // after the consumer tag
        this.dTag = buf.readUInt32BE(q) * 4294967296 + buf.readUInt32BE(q + 4);
        this.dRed = buf[q + 8] & 1;
        this.dState = 1;
      } else {
        return this._slowMethod((buf[off + 1] << 8) | buf[off + 2], mid, buf, p + 4, p + size);
      }
    } else if (type === FRAME_HEADER) {
      const bodySize = buf.readUInt32BE(p + 4) * 4294967296 + buf.readUInt32BE(p + 8);
      if (this.dState === 1) {
        this.dFirst = true; this.dWord = -1; this.dSeq = 0;
        if (bodySize === 0) this._deliveryDone(); else { this.dRemaining = bodySize; this.dState = 2; }
      } else if (this.dState === 3) {
        if (bodySize === 0) this.dState = 0; else { this.dRemaining = bodySize; this.dState = 4; }
      }
    }
    // FRAME_HEARTBEAT: we negotiated heartbeat 0; a broker that sends them anyway is ignored
    return true;
  }

  _deliveryDone() {
    this.dState = 0;
    if (this.sink !== null) this.sink.delivery(this.dTag, this.dRed, this.dWord, this.dSeq);
  }

  _protocolError(msg) {
    this._fail(new Error(msg));
    this.socket.destroy();
  }

  _slowMethod(ch, mid, buf, a, end) {
    const r = new ArgReader(buf, a, end);
    switch (mid) {
      case M.CONNECTION_START: {
        r.octet(); r.octet();
        const props = readStringTable(r);
        this.serverProduct = props.product ?? '';
        this.serverVersion = props.version ?? '';
        const mechanisms = r.longstr().split(' ');
        if (!mechanisms.includes('PLAIN')) { this._protocolError(`broker offers no PLAIN (${mechanisms.join(' ')})`); return false; }
        const clientProps = {
          product: 'warren-bench', platform: `Node.js ${process.version}`, connection_name: this.name,
          capabilities: { consumer_cancel_notify: true, 'connection.blocked': true, authentication_failure_close: true },
        };
        const args = new ArgWriter(256).table(clientProps).shortstr('PLAIN').longstr(`\0${this.user}\0${this.pass}`).shortstr('en_US');
        this.socket.write(methodFrame(0, M.CONNECTION_START_OK, args.result()));
        return true;
      }
      case M.CONNECTION_TUNE: {
        // echo the broker's limits; heartbeat 0 by default: a load generator must not be killed by a missed beat
        this.channelMax = r.short(); this.frameMax = r.long();
        const offered = r.short();
        this.heartbeat = this.wantHeartbeat > 0 && offered > 0 ? Math.min(offered, this.wantHeartbeat) : 0;
        this.frameLimit = this.frameMax === 0 ? 0xffffffff : this.frameMax - 8; // frame_max counts the 8 framing bytes
        this.socket.write(methodFrame(0, M.CONNECTION_TUNE_OK, new ArgWriter(8).short(this.channelMax).long(this.frameMax).short(this.heartbeat).result()));
        this.socket.write(methodFrame(0, M.CONNECTION_OPEN, new ArgWriter(32).shortstr(this.vhost).shortstr('').bits(false).result()));
        return true;
      }
      case M.CONNECTION_OPEN_OK: this._opened(); return true;
      case M.CONNECTION_CLOSE: {
        const code = r.short(); const text = r.shortstr();
        this.socket.write(methodFrame(0, M.CONNECTION_CLOSE_OK));
        this.socket.end();
        this._fail(new Error(`broker closed the connection: ${code} ${text}`));
        return false;
      }
      case M.CONNECTION_BLOCKED: this.blocked = true; return true;
      case M.CONNECTION_UNBLOCKED: this.blocked = false; return true;
      case M.CHANNEL_CLOSE: {
        const code = r.short(); const text = r.shortstr();
        this.socket.write(methodFrame(ch, M.CHANNEL_CLOSE_OK));
        this._fail(new Error(`broker closed channel ${ch}: ${code} ${text}`));
        return true;
      }
      case M.BASIC_CANCEL:
        this._fail(new Error(`broker cancelled the consumer on channel ${ch}`));
        return true;
      case M.BASIC_RETURN: this.dState = 3; return true;
      case M.BASIC_ACK:
      case M.BASIC_NACK: {
        // publisher confirms: delivery tag (64 bit), multiple bit
        const tag = r.buf.readUInt32BE(r.off) * 4294967296 + r.buf.readUInt32BE(r.off + 4);
        const multiple = (r.buf[r.off + 8] & 1) === 1;
        if (this.onConfirm) this.onConfirm(tag, multiple, mid === M.BASIC_ACK);
        return true;
      }
      default: break;
    }
    const list = this.rpcs.get(ch);
    if (list !== undefined && list.length > 0 && list[0].expect === mid) {
      list.shift().resolve(r);
      return true;
    }
    if (mid === M.BASIC_GET_EMPTY && list !== undefined && list.length > 0 && list[0].expect === M.BASIC_GET_OK) {
      list.shift().resolve(null); // basicGet: the queue was empty
      return true;
    }
    this.unexpected++;
    this.lastUnexpected = methodName(mid);
    return true;
  }
}

// field-value sizes after the type octet, for the types skipped by readStringTable
const FIXED = { t: 1, b: 1, B: 1, s: 2, u: 2, I: 4, i: 4, f: 4, D: 5, l: 8, L: 8, d: 8, T: 8, V: 0 };

/** The longstr (S) entries of a field table, e.g. the server's product and version; other types skipped. */
function readStringTable(r) {
  const out = {};
  const end = r.off + 4 + r.buf.readUInt32BE(r.off);
  r.off += 4;
  while (r.off < end) {
    const key = r.shortstr();
    const type = String.fromCharCode(r.octet());
    if (type === 'S') out[key] = r.longstr();
    else if (type === 'x' || type === 'A' || type === 'F') r.off += 4 + r.buf.readUInt32BE(r.off);
    else if (FIXED[type] !== undefined) r.off += FIXED[type];
    else break; // unknown type: stop reading, skip the rest
  }
  r.off = end;
  return out;
}
