import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmqpError, ConnectionError } from '../../src/amqp/errors.js';
import { FRAME_SIZE_FUDGE, FrameParser, formatFrameSnippet } from '../../src/amqp/frame/frame-parser.js';
import {
  HEARTBEAT_FRAME,
  bodyFramesSize,
  contentHeaderFrameSize,
  writeBodyFrames,
  writeContentHeaderFrame,
  writeFrameHeader,
} from '../../src/amqp/frame/frame-writer.js';

/** frame_max 131072 (RabbitMQ's default) minus the 8 octets of frame overhead. */
const MAX = 131064;

interface Seen {
  type: number;
  channel: number;
  payload: string;
}

/** Encodes one frame by hand, independently of frame-writer. */
function frame(type: number, channel: number, payload: Buffer | number[], end = 0xce): Buffer {
  const body = Buffer.from(payload);
  const out = Buffer.alloc(8 + body.length);
  out[0] = type;
  out.writeUInt16BE(channel, 1);
  out.writeUInt32BE(body.length, 3);
  body.copy(out, 7);
  out[7 + body.length] = end;
  return out;
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** Feeds chunks in order and records every frame (copying the payload, which is only valid during the call). */
function parseChunks(chunks: Buffer[], maxPayload = MAX): { frames: Seen[]; parser: FrameParser } {
  const parser = new FrameParser(maxPayload);
  const frames: Seen[] = [];
  for (const c of chunks) {
    parser.push(c, (type, channel, buf, start, end) => {
      frames.push({ type, channel, payload: buf.toString('hex', start, end) });
    });
  }
  return { frames, parser };
}

function expected(...frames: Array<[number, number, Buffer | number[]]>): Seen[] {
  return frames.map(([type, channel, p]) => ({ type, channel, payload: Buffer.from(p).toString('hex') }));
}

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

// connection.tune-ok (10,31): channel-max 2047, frame-max 131072, heartbeat 60
const TUNE_OK = [0, 10, 0, 31, 0x07, 0xff, 0, 2, 0, 0, 0, 60];
// basic.publish (60,40): reserved, exchange "", routing key "q", bits 0
const PUBLISH = [0, 60, 0, 40, 0, 0, 0, 1, 0x71, 0];
// content header: class 60, weight 0, body size 300, flags 0x1000 (delivery-mode), delivery-mode 2
const HEADER_300 = [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x2c, 0x10, 0x00, 2];
const HEADER_0 = [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

const LONG_FRAMES: Array<[number, number, Buffer | number[]]> = [
  [1, 0, TUNE_OK],
  [8, 0, []],
  [1, 1, PUBLISH],
  [2, 1, HEADER_300],
  [3, 1, bytes(300, 1)],
  [3, 1, []],
  [3, 1, [0xce]],
  [1, 2, PUBLISH],
  [2, 65535, HEADER_0],
  [3, 2, bytes(5000, 7)],
  [8, 0, []],
  [3, 300, bytes(1, 9)],
];
const LONG = Buffer.concat(LONG_FRAMES.map(([t, c, p]) => frame(t, c, p)));

const SHORT_FRAMES: Array<[number, number, Buffer | number[]]> = [
  [8, 0, []],
  [1, 3, PUBLISH],
  [2, 3, HEADER_0],
  [3, 3, []],
  [3, 4, [1, 2, 3]],
  [8, 0, []],
];
const SHORT = Buffer.concat(SHORT_FRAMES.map(([t, c, p]) => frame(t, c, p)));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('FrameParser splits a byte stream into frames', () => {
  it('yields the same frames whatever single offset the stream is split at', () => {
    const want = expected(...LONG_FRAMES);
    for (let i = 0; i <= LONG.length; i++) {
      const { frames, parser } = parseChunks([LONG.subarray(0, i), LONG.subarray(i)]);
      expect(frames, `split at ${i}`).toEqual(want);
      expect(parser.isIdle).toBe(true);
    }
  });

  it('yields the same frames for every pair of split offsets', () => {
    const want = expected(...SHORT_FRAMES);
    let runs = 0;
    for (let i = 0; i <= SHORT.length; i++) {
      for (let j = i; j <= SHORT.length; j++) {
        const { frames, parser } = parseChunks([SHORT.subarray(0, i), SHORT.subarray(i, j), SHORT.subarray(j)]);
        expect(frames, `split at ${i}, ${j}`).toEqual(want);
        expect(parser.isIdle).toBe(true);
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(1000);
  });

  it('yields the same frames from 1-octet chunks, with empty chunks between them', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < LONG.length; i++) chunks.push(LONG.subarray(i, i + 1), Buffer.alloc(0));
    expect(parseChunks(chunks).frames).toEqual(expected(...LONG_FRAMES));
  });

  it('hands a frame that lies inside the chunk over in place: the chunk itself, no copy', () => {
    const chunk = Buffer.concat([frame(1, 1, PUBLISH), frame(3, 1, [1, 2, 3])]);
    const calls: Array<[Buffer, number, number]> = [];
    new FrameParser(MAX).push(chunk, (_t, _c, buf, start, end) => calls.push([buf, start, end]));
    expect(calls).toHaveLength(2);
    expect(calls[0][0]).toBe(chunk);
    expect(calls[0].slice(1)).toEqual([7, 7 + PUBLISH.length]);
    expect(calls[1][0]).toBe(chunk);
    expect(calls[1].slice(1)).toEqual([PUBLISH.length + 15, PUBLISH.length + 18]);
  });

  it('still delivers in place from the next chunk when only the header was split', () => {
    const f = frame(3, 1, bytes(100, 3));
    const second = f.subarray(4);
    const calls: Buffer[] = [];
    const parser = new FrameParser(MAX);
    parser.push(f.subarray(0, 4), () => calls.push(Buffer.alloc(0)));
    expect(parser.isIdle).toBe(false);
    parser.push(second, (_t, _c, buf, start, end) => {
      calls.push(buf);
      expect([start, end]).toEqual([3, 103]);
    });
    expect(calls).toEqual([second]);
    expect(calls[0]).toBe(second);
  });

  it('buffers a payload that spans chunks in one allocation of exactly size + 1 octets', () => {
    const payload = bytes(1000, 5);
    const f = frame(3, 7, payload);
    const parser = new FrameParser(MAX);
    const alloc = vi.spyOn(Buffer, 'allocUnsafe');
    const concat = vi.spyOn(Buffer, 'concat');
    let got: Buffer | undefined;
    const cb = (_t: number, _c: number, buf: Buffer, start: number, end: number): void => {
      got = buf;
      expect([start, end]).toEqual([0, 1000]);
      expect(buf.subarray(start, end)).toEqual(payload);
    };
    parser.push(f.subarray(0, 300), cb);
    parser.push(f.subarray(300, 700), cb);
    expect(parser.isIdle).toBe(false);
    parser.push(f.subarray(700), cb);
    expect(got?.length).toBe(1001);
    expect(alloc.mock.calls).toEqual([[1001]]);
    expect(concat).not.toHaveBeenCalled();
    expect(parser.isIdle).toBe(true);
  });

  it('keeps no reference to a chunk: the caller may overwrite its read buffer after push()', () => {
    const stream = Buffer.concat([frame(1, 1, PUBLISH), frame(3, 1, bytes(50, 2))]);
    const want = expected([1, 1, PUBLISH], [3, 1, bytes(50, 2)]);
    for (const split of [3, PUBLISH.length + 8 + 4, PUBLISH.length + 8 + 30]) {
      const readBuffer = Buffer.alloc(stream.length);
      const frames: Seen[] = [];
      const cb = (type: number, channel: number, buf: Buffer, start: number, end: number): void => {
        frames.push({ type, channel, payload: buf.toString('hex', start, end) });
      };
      const parser = new FrameParser(MAX);
      stream.copy(readBuffer, 0, 0, split);
      parser.push(readBuffer.subarray(0, split), cb);
      readBuffer.fill(0x55);
      stream.copy(readBuffer, 0, split);
      parser.push(readBuffer.subarray(0, stream.length - split), cb);
      expect(frames, `split at ${split}`).toEqual(want);
    }
  });

  it('reports isIdle only between frames', () => {
    const parser = new FrameParser(MAX);
    const f = frame(1, 0, TUNE_OK);
    expect(parser.isIdle).toBe(true);
    for (let i = 0; i < f.length - 1; i++) {
      parser.push(f.subarray(i, i + 1), () => undefined);
      expect(parser.isIdle, `after ${i + 1} octets`).toBe(false);
    }
    parser.push(f.subarray(f.length - 1), () => undefined);
    expect(parser.isIdle).toBe(true);
  });
});

describe('FrameParser enforces the frame size limit', () => {
  it('rejects an oversized frame from its 7 header octets alone, before buffering anything', () => {
    const parser = new FrameParser(MAX);
    const alloc = vi.spyOn(Buffer, 'allocUnsafe');
    const header = frame(1, 0, []).subarray(0, 7);
    header.writeUInt32BE(0xffffffff, 3);
    const err = thrown(() => parser.push(header, () => undefined));
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as AmqpError).replyCode).toBe(501);
    expect((err as AmqpError).replyText).toBe('FRAME_ERROR - type 1, all octets = <<>>: {frame_too_large,4294967295,131064}');
    expect(alloc).not.toHaveBeenCalled();
  });

  it('rejects it when the header itself arrives split', () => {
    const header = Buffer.from([3, 0, 1, 0, 3, 0x0d, 0x40]);
    const parser = new FrameParser(MAX);
    parser.push(header.subarray(0, 3), () => undefined);
    const err = thrown(() => parser.push(header.subarray(3), () => undefined)) as AmqpError;
    expect(err.detail).toBe('type 3, all octets = <<>>: {frame_too_large,200000,131064}');
  });

  it('accepts payloads up to frame_max, like RabbitMQ, and reports frame_max - 8 as the limit', () => {
    expect(FRAME_SIZE_FUDGE).toBe(8);
    const atLimit = frame(3, 1, bytes(MAX + 8, 4));
    const { frames } = parseChunks([atLimit.subarray(0, 7), atLimit.subarray(7)]);
    expect(frames).toHaveLength(1);
    expect(frames[0].payload.length).toBe((MAX + 8) * 2);
    const over = Buffer.from([3, 0, 1, 0, 0, 0, 0]);
    over.writeUInt32BE(MAX + 9, 3);
    const err = thrown(() => parseChunks([over])) as AmqpError;
    expect(err.detail).toBe('type 3, all octets = <<>>: {frame_too_large,131073,131064}');
  });

  it('applies a new maxPayload to the next frame header (frame_max 4096 before tune-ok)', () => {
    const parser = new FrameParser(4088);
    const big = frame(3, 1, bytes(5000, 1));
    expect(() => new FrameParser(4088).push(big, () => undefined)).toThrow(/frame_too_large,5000,4088/);
    parser.maxPayload = MAX;
    let size = -1;
    parser.push(big, (_t, _c, _b, start, end) => {
      size = end - start;
    });
    expect(size).toBe(5000);
  });
});

/**
 * Frames sent to RabbitMQ 3.10.8 (Erlang 25) on 127.0.0.1:5682 after connection.open-ok with frame_max 131072,
 * and the reply-text of the connection.close it answered (501, after "FRAME_ERROR - ", octets read as latin1).
 * Captured with a throwaway net script; RabbitMQ sends latin1 octets raw, hence the \u00xx characters.
 */
const RABBITMQ_FRAME_ERRORS: Array<[string, string, string]> = [
  ["oversized method frame, header only", "01000000030d40",
   "type 1, all octets = <<>>: {frame_too_large,200000,131064}"],
  ["oversized body frame, header only", "03000100030d40",
   "type 3, all octets = <<>>: {frame_too_large,200000,131064}"],
  ["one octet over frame_max", "01000000020001",
   "type 1, all octets = <<>>: {frame_too_large,131073,131064}"],
  ["oversized with payload octets following", "01000000030d400102030405",
   "type 1, all octets = <<>>: {frame_too_large,200000,131064}"],
  ["heartbeat with end 0x00", "0800000000000000",
   "type 8, all octets = <<>>: {invalid_frame_end_marker,0}"],
  ["method with end 0xAB", "010001000000050014000a00ab",
   "type 1, all octets = <<0,20,0,10,0>>: {invalid_frame_end_marker,171}"],
  ["body with printable payload and end 0x00", "0300010000000361626300",
   "type 3, all octets = <<\"abc\">>: {invalid_frame_end_marker,0}"],
  ["body of 20 octets, end 0x41 (first 16, wrapped tuple)", "030001000000146162636465666768696a6b6c6d6e6f707172737441",
   "type 3, first 16 octets = <<\"abcdefghijklmnop\">>: {invalid_frame_end_marker,\n                                                   65}"],
  ["method of 16 octets, bad end (wrapped tuple)", "01000000000010003c00280000000578797a000102030400",
   "type 1, all octets = <<0,60,0,40,0,0,0,5,120,121,122,0,1,2,3,4>>: {invalid_frame_end_marker,\n                                                                   0}"],
  ["method of 12 octets, end 205", "0100000000000c003c00280000000578797a00cd",
   "type 1, all octets = <<0,60,0,40,0,0,0,5,120,121,122,0>>: {invalid_frame_end_marker,\n                                                           205}"],
  ["tuple ends at column 76: no wrap", "01000000000009003c0028000000057800",
   "type 1, all octets = <<0,60,0,40,0,0,0,5,120>>: {invalid_frame_end_marker,0}"],
  ["tuple ends at column 77: no wrap", "01000000000009003c0028000000327800",
   "type 1, all octets = <<0,60,0,40,0,0,0,50,120>>: {invalid_frame_end_marker,0}"],
  ["tuple ends at column 78: no wrap", "01000000000009003c002800000032780a",
   "type 1, all octets = <<0,60,0,40,0,0,0,50,120>>: {invalid_frame_end_marker,10}"],
  ["tuple ends at column 79: wraps", "01000000000009003c0028000000327864",
   "type 1, all octets = <<0,60,0,40,0,0,0,50,120>>: {invalid_frame_end_marker,\n                                                  100}"],
  ["bad end after a wrapped binary", "03000000000011808080808080808080808080808080808000",
   "type 3, first 16 octets = <<128,128,128,128,128,128,128,128,128,128,128,128,\n                            128,128,128,128>>: {invalid_frame_end_marker,0}"],
  ["unknown type 5", "05000000000002aabbce",
   "type 5, all octets = <<\"\u00aa\u00bb\">>: unknown_frame"],
  ["unknown type 4, empty", "04000000000000ce",
   "type 4, all octets = <<>>: unknown_frame"],
  ["unknown type 0 on channel 1", "00000100000000ce",
   "type 0, all octets = <<>>: unknown_frame"],
  ["unknown type 9", "0900000000000101ce",
   "type 9, all octets = <<1>>: unknown_frame"],
  ["unknown type 255", "ff000000000000ce",
   "type 255, all octets = <<>>: unknown_frame"],
  ["unknown type with bad end reports the end", "0700010000000301020300",
   "type 7, all octets = <<1,2,3>>: {invalid_frame_end_marker,0}"],
  ["heartbeat with a payload", "0800000000000107ce",
   "type 8, all octets = <<7>>: unknown_frame"],
  ["method payload under 4 octets", "01000000000002000ace",
   "type 1, all octets = <<0,10>>: unknown_frame"],
  ["header payload under 12 octets", "02000100000005003c000000ce",
   "type 2, all octets = <<0,60,0,0,0>>: unknown_frame"],
  ["16 latin1-printable high octets", "06000000000010ffffffffffffffffffffffffffffffffce",
   "type 6, all octets = <<\"\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\">>: unknown_frame"],
  ["17 zero octets: first 16", "060000000000110000000000000000000000000000000000ce",
   "type 6, first 16 octets = <<0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0>>: unknown_frame"],
  ["DEL makes it non-printable", "060000000000096122625c630a091b7fce",
   "type 6, all octets = <<97,34,98,92,99,10,9,27,127>>: unknown_frame"],
  ["Erlang string escapes", "0600000000000c6122625c630a091b0d0b080cce",
   "type 6, all octets = <<\"a\\\"b\\\\c\\n\\t\\e\\r\\v\\b\\f\">>: unknown_frame"],
  ["UTF-8 e-acute prints as latin1", "06000000000005636166c3a9ce",
   "type 6, all octets = <<\"caf\u00c3\u00a9\">>: unknown_frame"],
  ["0x80 is not printable", "060000000000026180ce",
   "type 6, all octets = <<97,128>>: unknown_frame"],
  ["UTF-8 snowman is not latin1-printable", "06000000000003e29883ce",
   "type 6, all octets = <<226,152,131>>: unknown_frame"],
  ["octets 0..15", "06000000000010000102030405060708090a0b0c0d0e0fce",
   "type 6, all octets = <<0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15>>: unknown_frame"],
  ["wrapped binary, type 6", "060000000000118080808080808080808080808080808080ce",
   "type 6, first 16 octets = <<128,128,128,128,128,128,128,128,128,128,128,128,\n                            128,128,128,128>>: unknown_frame"],
  ["wrapped binary, type 255", "ff0000000000118080808080808080808080808080808080ce",
   "type 255, first 16 octets = <<128,128,128,128,128,128,128,128,128,128,128,128,\n                              128,128,128,128>>: unknown_frame"],
  ["newline inside a printable binary", "03000000000010616263646566670a68696a6b6c6d6e6f01",
   "type 3, all octets = <<\"abcdefg\\nhijklmno\">>: {invalid_frame_end_marker,1}"],
  ["16 printable octets, type 200", "c80000000000106162636465666768696a6b6c6d6e6f70ce",
   "type 200, all octets = <<\"abcdefghijklmnop\">>: unknown_frame"],
];

describe('FrameParser errors match RabbitMQ', () => {
  it.each(RABBITMQ_FRAME_ERRORS)('%s', (_name, hex, detail) => {
    const stream = Buffer.from(hex, 'hex');
    const err = thrown(() => parseChunks([stream]));
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as AmqpError).replyCode).toBe(501);
    expect((err as AmqpError).detail).toBe(detail);
    expect((err as AmqpError).replyText).toBe(`FRAME_ERROR - ${detail}`);
    // Chunking must not change the verdict or its text.
    for (let i = 1; i < stream.length; i++) {
      const split = thrown(() => parseChunks([stream.subarray(0, i), stream.subarray(i)]));
      expect((split as AmqpError).detail, `split at ${i}`).toBe(detail);
    }
  });

  it('delivers the good frames before a bad one, then throws', () => {
    const stream = Buffer.concat([frame(8, 0, []), frame(1, 0, TUNE_OK), frame(3, 1, [1, 2], 0x00)]);
    const frames: Seen[] = [];
    const parser = new FrameParser(MAX);
    expect(() =>
      parser.push(stream, (type, channel, buf, start, end) => {
        frames.push({ type, channel, payload: buf.toString('hex', start, end) });
      }),
    ).toThrow('FRAME_ERROR - type 3, all octets = <<1,2>>: {invalid_frame_end_marker,0}');
    expect(frames).toEqual(expected([8, 0, []], [1, 0, TUNE_OK]));
  });

  it('is dead after an error: every later push() rethrows the same error and delivers nothing', () => {
    const parser = new FrameParser(MAX);
    const first = thrown(() => parser.push(frame(9, 0, []), () => undefined));
    const cb = vi.fn();
    expect(thrown(() => parser.push(frame(8, 0, []), cb))).toBe(first);
    expect(thrown(() => parser.push(Buffer.alloc(0), cb))).toBe(first);
    expect(cb).not.toHaveBeenCalled();
  });

  it('formats the snippet RabbitMQ uses for 505 UNEXPECTED_FRAME', () => {
    // RabbitMQ answered a heartbeat on channel 1 with "UNEXPECTED_FRAME - type 8, all octets = <<>>".
    expect(formatFrameSnippet(8, Buffer.alloc(0), 0, 0)).toBe('type 8, all octets = <<>>');
    const b = Buffer.from('xxabcdefghijklmnopqr');
    expect(formatFrameSnippet(3, b, 2, 20)).toBe('type 3, first 16 octets = <<"abcdefghijklmnop">>');
  });
});

describe('FrameParser when the callback throws', () => {
  const stream = Buffer.concat([frame(1, 1, PUBLISH), frame(2, 1, HEADER_0), frame(3, 1, [1]), frame(8, 0, [])]);
  const want = expected([1, 1, PUBLISH], [2, 1, HEADER_0], [3, 1, [1]], [8, 0, []]);

  it('propagates the error, counts that frame as delivered, and resumes after it on the next push()', () => {
    const parser = new FrameParser(MAX);
    const frames: Seen[] = [];
    const boom = new Error('channel said no');
    const cb = (type: number, channel: number, buf: Buffer, start: number, end: number): void => {
      frames.push({ type, channel, payload: buf.toString('hex', start, end) });
      if (type === 2) throw boom;
    };
    expect(thrown(() => parser.push(stream, cb))).toBe(boom);
    expect(frames).toEqual(want.slice(0, 2));
    expect(parser.isIdle).toBe(false);
    parser.push(Buffer.alloc(0), cb);
    expect(frames).toEqual(want);
    expect(parser.isIdle).toBe(true);
  });

  it('keeps the leftovers ahead of the next chunk, at every split offset', () => {
    for (let i = 0; i <= stream.length; i++) {
      const parser = new FrameParser(MAX);
      const frames: Seen[] = [];
      let thrownOnce = false;
      const cb = (type: number, channel: number, buf: Buffer, start: number, end: number): void => {
        frames.push({ type, channel, payload: buf.toString('hex', start, end) });
        if (type === 1 && !thrownOnce) {
          thrownOnce = true;
          throw new Error('once');
        }
      };
      for (const part of [stream.subarray(0, i), stream.subarray(i)]) {
        try {
          parser.push(part, cb);
        } catch (err) {
          expect((err as Error).message).toBe('once');
        }
      }
      parser.push(Buffer.alloc(0), cb);
      expect(frames, `split at ${i}`).toEqual(want);
      expect(parser.isIdle).toBe(true);
    }
  });

  it('treats a ConnectionError from the callback as the callback\'s, not as a parse failure', () => {
    const parser = new FrameParser(MAX);
    const raised = new ConnectionError(505, 'UNEXPECTED_FRAME');
    let calls = 0;
    expect(
      thrown(() =>
        parser.push(stream, () => {
          calls++;
          if (calls === 1) throw raised;
        }),
      ),
    ).toBe(raised);
    parser.push(Buffer.alloc(0), () => calls++);
    expect(calls).toBe(4);
  });
});

describe('frame writer', () => {
  it('HEARTBEAT_FRAME is 08 0000 00000000 CE and parses as a heartbeat', () => {
    expect(HEARTBEAT_FRAME.toString('hex')).toBe('080000000000' + '00ce');
    expect(parseChunks([HEARTBEAT_FRAME]).frames).toEqual(expected([8, 0, []]));
  });

  it('writeFrameHeader writes type, channel and size big-endian and returns the next offset', () => {
    const buf = Buffer.alloc(9, 0xaa);
    expect(writeFrameHeader(buf, 1, 3, 0x0102, 0x03040506)).toBe(8);
    expect(buf.toString('hex')).toBe('aa' + '03' + '0102' + '03040506' + 'aa');
  });

  it('writeContentHeaderFrame writes class, weight 0, a u64 body size and the property octets', () => {
    const props = Buffer.from([0xff, 0x10, 0x00, 0x02, 0xff]); // flags 0x1000 (delivery-mode) + 2, padded
    expect(contentHeaderFrameSize(3)).toBe(23);
    const out = Buffer.alloc(contentHeaderFrameSize(3));
    expect(writeContentHeaderFrame(out, 0, 1, 60, 300, props, 1, 4)).toBe(23);
    expect(out.toString('hex')).toBe('02' + '0001' + '0000000f' + '003c' + '0000' + '000000000000012c' + '100002' + 'ce');
    const big = Buffer.alloc(contentHeaderFrameSize(0));
    writeContentHeaderFrame(big, 0, 9, 60, 2 ** 32 + 5, props, 0, 0);
    expect(big.toString('hex')).toBe('02' + '0009' + '0000000c' + '003c' + '0000' + '0000000100000005' + 'ce');
  });

  it('splits a body at maxPayload with full frames and a shorter last one', () => {
    const body = bytes(10, 3);
    expect(bodyFramesSize(10, 4)).toBe(10 + 3 * 8);
    const out = Buffer.alloc(bodyFramesSize(10, 4) + 2, 0xaa);
    expect(writeBodyFrames(out, 1, 5, body, 4)).toBe(35);
    const hex = (b: Buffer): string => b.toString('hex');
    expect(hex(out)).toBe(
      'aa' +
        '030005' + '00000004' + hex(body.subarray(0, 4)) + 'ce' +
        '030005' + '00000004' + hex(body.subarray(4, 8)) + 'ce' +
        '030005' + '00000002' + hex(body.subarray(8)) + 'ce' +
        'aa',
    );
  });

  it('writes no body frame for an empty body and no empty trailing frame at an exact multiple', () => {
    expect(bodyFramesSize(0, 4)).toBe(0);
    expect(writeBodyFrames(Buffer.alloc(0), 0, 1, Buffer.alloc(0), 4)).toBe(0);
    expect(bodyFramesSize(8, 4)).toBe(24);
    const out = Buffer.alloc(24);
    expect(writeBodyFrames(out, 0, 1, bytes(8, 1), 4)).toBe(24);
    expect(parseChunks([out]).frames.map((f) => f.payload.length / 2)).toEqual([4, 4]);
  });

  it('round-trips bodies around every maxPayload boundary through the parser', () => {
    const maxPayload = 131072 - 8;
    for (const n of [1, maxPayload - 1, maxPayload, maxPayload + 1, 2 * maxPayload, 2 * maxPayload + 1, 300_000]) {
      const body = bytes(n, n);
      const out = Buffer.alloc(bodyFramesSize(n, maxPayload));
      expect(writeBodyFrames(out, 0, 2, body, maxPayload)).toBe(out.length);
      const { frames } = parseChunks([out.subarray(0, 65536), out.subarray(65536)], maxPayload);
      expect(frames.every((f) => f.type === 3 && f.channel === 2)).toBe(true);
      expect(frames.map((f) => f.payload.length / 2).every((len, i, all) => len === (i < all.length - 1 ? maxPayload : len))).toBe(true);
      expect(Buffer.from(frames.map((f) => f.payload).join(''), 'hex').equals(body)).toBe(true);
    }
  });

  it('throws RangeError instead of truncating into an undersized target', () => {
    expect(() => writeBodyFrames(Buffer.alloc(20), 0, 1, bytes(10, 1), 4)).toThrow(RangeError);
    expect(() => writeContentHeaderFrame(Buffer.alloc(22), 0, 1, 60, 0, Buffer.alloc(3), 0, 3)).toThrow(RangeError);
  });

  it('refuses a maxPayload that is not a positive integer', () => {
    expect(() => bodyFramesSize(10, 0)).toThrow(RangeError);
    expect(() => writeBodyFrames(Buffer.alloc(100), 0, 1, bytes(10, 1), 0)).toThrow(RangeError);
  });
});
