import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmqpError } from '../../src/amqp/errors.js';
import { FRAME_SIZE_FUDGE, FrameParser } from '../../src/amqp/frame/frame-parser.js';
import { prng } from '../helpers/prng.js';


type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

interface Seen {
  type: number;
  channel: number;
  payload: string;
}

type Kind = 'frame_too_large' | 'invalid_frame_end_marker' | 'unknown_frame';

/** The oracle: a plain, non-incremental reading of the whole stream with RabbitMQ's rules, in their order. */
function reference(stream: Buffer, maxPayload: number): { frames: Seen[]; error?: Kind; consumed: number } {
  const frames: Seen[] = [];
  let pos = 0;
  while (stream.length - pos >= 7) {
    const type = stream[pos];
    const channel = stream.readUInt16BE(pos + 1);
    const size = stream.readUInt32BE(pos + 3);
    if (size > maxPayload + FRAME_SIZE_FUDGE) return { frames, error: 'frame_too_large', consumed: pos };
    if (stream.length - pos < size + 8) break;
    if (stream[pos + 7 + size] !== 0xce) return { frames, error: 'invalid_frame_end_marker', consumed: pos };
    const shapeOk =
      type === 1 ? size >= 4 : type === 2 ? size >= 12 : type === 3 ? true : type === 8 ? size === 0 : false;
    if (!shapeOk) return { frames, error: 'unknown_frame', consumed: pos };
    frames.push({ type, channel, payload: stream.toString('hex', pos + 7, pos + 7 + size) });
    pos += size + 8;
  }
  return { frames, consumed: pos };
}

function encode(type: number, channel: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(payload.length + 8);
  out[0] = type;
  out.writeUInt16BE(channel, 1);
  out.writeUInt32BE(payload.length, 3);
  payload.copy(out, 7);
  out[out.length - 1] = 0xce;
  return out;
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (rng() * 256) | 0;
  return b;
}

/** A well-formed frame, with sizes biased towards the edges: empty, tiny, and right at the limit. */
function validFrame(rng: Rng, maxPayload: number): Buffer {
  const limit = maxPayload + FRAME_SIZE_FUDGE;
  const channel = [0, 1, int(rng, 2, 300), 65535][int(rng, 0, 3)];
  switch (int(rng, 0, 3)) {
    case 0:
      return encode(1, channel, randomBytes(rng, int(rng, 4, Math.min(64, limit))));
    case 1:
      return encode(2, channel, randomBytes(rng, int(rng, 12, Math.min(40, limit))));
    case 2: {
      const r = rng();
      const size = r < 0.15 ? 0 : r < 0.7 ? int(rng, 1, Math.min(64, limit)) : r < 0.85 ? limit - int(rng, 0, 2) : int(rng, 0, limit);
      return encode(3, channel, randomBytes(rng, size));
    }
    default:
      return encode(8, 0, Buffer.alloc(0));
  }
}

function validStream(rng: Rng, maxPayload: number): Buffer {
  const frames: Buffer[] = [];
  for (let n = int(rng, 0, 12); n > 0; n--) frames.push(validFrame(rng, maxPayload));
  return Buffer.concat(frames);
}

/** Random cut points, sometimes many, sometimes a run of 1-octet chunks, sometimes empty chunks. */
function chunk(rng: Rng, stream: Buffer): Buffer[] {
  const cuts = new Set<number>([0, stream.length]);
  for (let n = int(rng, 0, 8); n > 0; n--) cuts.add(int(rng, 0, stream.length));
  if (rng() < 0.2 && stream.length > 0) {
    const from = int(rng, 0, stream.length - 1);
    for (let i = from; i < Math.min(stream.length, from + 20); i++) cuts.add(i);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  for (let i = 1; i < sorted.length; i++) {
    chunks.push(stream.subarray(sorted[i - 1], sorted[i]));
    if (rng() < 0.05) chunks.push(Buffer.alloc(0));
  }
  return chunks;
}

class CallbackBoom extends Error {}

/**
 * Feeds the chunks; the callback records each frame and sometimes throws (the parser must then resume after
 * that frame). Returns the frames and the first error that is not the callback's own.
 */
function run(chunks: Buffer[], maxPayload: number, rng: Rng, throwRate: number): { frames: Seen[]; error?: unknown; parser: FrameParser } {
  const parser = new FrameParser(maxPayload);
  const frames: Seen[] = [];
  const cb = (type: number, channel: number, buf: Buffer, start: number, end: number): void => {
    frames.push({ type, channel, payload: buf.toString('hex', start, end) });
    if (rng() < throwRate) throw new CallbackBoom();
  };
  const feed = (c: Buffer, isLast: boolean): unknown => {
    for (;;) {
      try {
        parser.push(c, cb);
        return undefined;
      } catch (err) {
        if (!(err instanceof CallbackBoom)) return err;
        // The leftovers go ahead of the next chunk anyway; after the last one, drain them with empty pushes.
        if (!isLast) return undefined;
        c = Buffer.alloc(0);
      }
    }
  };
  for (let i = 0; i < chunks.length; i++) {
    const error = feed(chunks[i], i === chunks.length - 1);
    if (error !== undefined) return { frames, error, parser };
  }
  return { frames, parser };
}

/** Checks one stream against the oracle, chunked at random, and against a single push of the whole stream. */
function check(stream: Buffer, maxPayload: number, rng: Rng, label: string, throwRate = 0): void {
  const want = reference(stream, maxPayload);
  const got = run(chunk(rng, stream), maxPayload, rng, throwRate);
  expect(got.frames, label).toEqual(want.frames);
  if (want.error === undefined) {
    expect(got.error, label).toBeUndefined();
    expect(got.parser.isIdle, label).toBe(want.consumed === stream.length);
    return;
  }
  if (!(got.error instanceof AmqpError)) throw new Error(`${label}: expected an AmqpError, got ${String(got.error)}`);
  expect(got.error.replyCode, label).toBe(501);
  expect(got.error.detail, label).toContain(want.error);
  const whole = run([stream], maxPayload, rng, 0);
  expect((whole.error as AmqpError).detail, label).toBe(got.error.detail);
  // Dead: the same error again, nothing delivered.
  expect(() => got.parser.push(Buffer.alloc(0), () => expect.unreachable())).toThrow(got.error);
}

const LIMITS = [16, 1000, 4088];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('FrameParser fuzz (seeded)', () => {
  it('random valid streams, chunked at random, yield exactly the encoded frames even when callbacks throw', () => {
    for (let i = 0; i < 2000; i++) {
      const rng = prng(1000 + i);
      const maxPayload = i % 100 === 0 ? 131064 : LIMITS[i % LIMITS.length];
      const stream = validStream(rng, maxPayload);
      const want = reference(stream, maxPayload);
      expect(want.error).toBeUndefined();
      check(stream, maxPayload, rng, `seed ${1000 + i}`, i % 2 === 0 ? 0 : 0.1);
    }
  });

  it('truncated and corrupted streams yield the oracle\'s frames, then a 501 AmqpError or a partial frame', () => {
    let errors = 0;
    for (let i = 0; i < 1500; i++) {
      const rng = prng(5000 + i);
      const maxPayload = LIMITS[i % LIMITS.length];
      let stream = validStream(rng, maxPayload);
      if (rng() < 0.3) stream = stream.subarray(0, int(rng, 0, stream.length));
      else if (stream.length > 0) {
        stream = Buffer.from(stream);
        for (let n = int(rng, 1, 3); n > 0; n--) stream[int(rng, 0, stream.length - 1)] = int(rng, 0, 255);
      }
      if (reference(stream, maxPayload).error !== undefined) errors++;
      check(stream, maxPayload, rng, `seed ${5000 + i}`, 0.05);
    }
    expect(errors).toBeGreaterThan(300);
  });

  it('random garbage only ever throws a 501 AmqpError, never a RangeError or TypeError', () => {
    for (let i = 0; i < 1500; i++) {
      const rng = prng(9000 + i);
      const maxPayload = LIMITS[i % LIMITS.length];
      const stream = randomBytes(rng, int(rng, 0, 300));
      check(stream, maxPayload, rng, `seed ${9000 + i}`);
    }
  });

  it('a huge declared size is refused without allocating anything near it', () => {
    const sizes: number[] = [];
    for (let i = 0; i < 500; i++) {
      const rng = prng(20000 + i);
      const maxPayload = [...LIMITS, 131064][i % 4];
      const header = Buffer.alloc(7);
      header[0] = int(rng, 0, 255);
      header.writeUInt16BE(int(rng, 0, 65535), 1);
      const declared = rng() < 0.5 ? 0xffffffff - int(rng, 0, 1000) : int(rng, maxPayload + FRAME_SIZE_FUDGE + 1, 2 ** 31);
      header.writeUInt32BE(declared, 3);
      const stream = Buffer.concat([validStream(rng, Math.min(maxPayload, 4088)), header, randomBytes(rng, int(rng, 0, 64))]);
      const alloc = vi.spyOn(Buffer, 'allocUnsafe');
      check(stream, maxPayload, rng, `seed ${20000 + i}`);
      for (const [n] of alloc.mock.calls) {
        sizes.push(n);
        expect(n, `seed ${20000 + i}`).toBeLessThanOrEqual(Math.max(maxPayload + FRAME_SIZE_FUDGE + 1, stream.length));
      }
      alloc.mockRestore();
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(131064 + FRAME_SIZE_FUDGE + 1);
  });
});
