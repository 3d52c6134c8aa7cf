import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BufferWriter } from '../../src/amqp/codec/buffer-writer.js';
import { decodeTable } from '../../src/amqp/codec/field-table.js';
import { fieldTypeOf } from '../../src/amqp/codec/field-value.js';
import { AmqpError, isSoftCode, replyCodeName } from '../../src/amqp/errors.js';
import * as spec from '../../src/amqp/spec.generated.js';
import { SPEC_PATH } from '../../tools/gen-amqp-spec.js';

const { MethodId } = spec;

const require = createRequire(import.meta.url);
// amqplib's generated codec: an independent implementation of the same wire format.
const amqplibDefs = require(join(dirname(require.resolve('amqplib')), 'lib/defs.js')) as {
  encodeMethod(id: number, channel: number, fields: object): Buffer;
  decode(id: number, buf: Buffer): Record<string, unknown>;
};

interface SpecArg {
  name: string;
  type?: string;
  domain?: string;
  'default-value'?: unknown;
}
interface SpecClass {
  name: string;
  id: number;
  methods: { name: string; id: number; arguments: SpecArg[] }[];
}
const specData = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { domains: [string, string][]; classes: SpecClass[] };
const domains = new Map(specData.domains);
const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const allMethods = specData.classes.flatMap((c) =>
  c.methods.map((m) => ({ name: `${c.name}.${m.name}`, id: (c.id << 16) | m.id, args: m.arguments })),
);

/** Arguments that differ from every spec default, so a dropped or swapped field shows. */
function nonDefaultArgs(args: SpecArg[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  args.forEach((a, i) => {
    const type = a.type ?? domains.get(a.domain!)!;
    const values: Record<string, unknown> = {
      bit: a['default-value'] !== true,
      octet: 200 + i,
      short: 0x1200 + i,
      long: 0x87654321 - i,
      longlong: 2 ** 40 + i, // above 2^32: both halves matter
      timestamp: 1700000000 + i,
      shortstr: `${a.name}-värde`,
      longstr: Buffer.from([0, 1, 0xff, i]),
      table: { s: `v${i}`, t: true },
    };
    out[camel(a.name)] = values[type];
  });
  return out;
}

function frameOf(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

function expectAmqpError(fn: () => unknown, code: number): AmqpError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AmqpError);
  expect((caught as AmqpError).replyCode).toBe(code);
  return caught as AmqpError;
}

describe('every method of the spec', () => {
  it('has an id, a name, a decoder, a writer and a frame encoder', () => {
    expect(allMethods.length).toBe(66);
    const generated = spec as unknown as Record<string, unknown>;
    for (const m of allMethods) {
      const pascal = m.name.replace(/(^|[.-])([a-z])/g, (_, __, c: string) => c.toUpperCase());
      expect(generated.MethodId, m.name).toHaveProperty(pascal, m.id);
      expect(spec.METHOD_NAMES[m.id]).toBe(m.name);
      for (const fn of [`decode${pascal}`, `write${pascal}`, `encode${pascal}Frame`]) {
        expect(typeof generated[fn], fn).toBe('function');
      }
    }
  });

  for (const m of allMethods) {
    it(`${m.name}: encodes like amqplib and round-trips non-default arguments`, () => {
      const args = nonDefaultArgs(m.args);
      const ours = spec.encodeMethodFrame(7, m.id, args);
      expect(ours.toString('hex')).toBe(amqplibDefs.encodeMethod(m.id, 7, args).toString('hex'));

      const decoded = spec.decodeMethod(ours, 7, ours.length - 1);
      expect(decoded.id).toBe(m.id);
      expect(decoded.classId).toBe(m.id >>> 16);
      expect(decoded.methodId).toBe(m.id & 0xffff);
      expect(decoded.args).toEqual(args);
      // amqplib reads what we wrote the same way.
      expect(amqplibDefs.decode(m.id, ours.subarray(11, ours.length - 1))).toEqual(args);
    });

    it(`${m.name}: every truncation of the payload is a 501 FRAME_ERROR naming the method`, () => {
      const frame = spec.encodeMethodFrame(1, m.id, nonDefaultArgs(m.args));
      for (let cut = 7 + 4; cut < frame.length - 1; cut++) {
        const err = expectAmqpError(() => spec.decodeMethod(frame, 7, cut), 501);
        expect(err.classId).toBe(m.id >>> 16);
        expect(err.methodId).toBe(m.id & 0xffff);
        expect(err.message).toMatch(/^FRAME_ERROR - cannot decode <</);
      }
    });
  }
});

describe('golden bytes', () => {
  it('basic.publish with mandatory set', () => {
    const f = spec.encodeBasicPublishFrame(1, { exchange: 'ex', routingKey: 'rk', mandatory: true });
    expect(f).toEqual(frameOf('01 0001 0000000d 003c0028 0000 02 6578 02 726b 01 ce'));
    expect(spec.decodeBasicPublish(f, 11, f.length - 1)).toEqual({
      ticket: 0,
      exchange: 'ex',
      routingKey: 'rk',
      mandatory: true,
      immediate: false,
    });
  });

  it('queue.declare with durable + auto-delete packs bits 2 and 8 into one octet', () => {
    const f = spec.encodeMethodFrame(1, MethodId.QueueDeclare, { queue: 'q', durable: true, autoDelete: true });
    expect(f).toEqual(frameOf('01 0001 0000000d 0032000a 0000 01 71 0a 00000000 ce'));
  });

  it('basic.deliver with a delivery tag above 2^32', () => {
    const f = spec.encodeBasicDeliverFrame(3, {
      consumerTag: 'c',
      deliveryTag: 2 ** 32 + 1,
      redelivered: true,
      exchange: '',
      routingKey: 'k',
    });
    expect(f).toEqual(frameOf('01 0003 00000012 003c003c 01 63 0000000100000001 01 00 01 6b ce'));
    expect(spec.decodeBasicDeliver(f, 11, f.length - 1).deliveryTag).toBe(2 ** 32 + 1);
  });

  it('connection.start-ok as amqplib sends it: decodes, and re-encodes byte for byte', () => {
    const clientProperties = {
      product: 'amqplib',
      version: '0.10.9',
      platform: 'Node.JS v20.20.2',
      information: 'https://amqp-node.github.io/amqplib/',
      capabilities: {
        publisher_confirms: true,
        exchange_exchange_bindings: true,
        'basic.nack': true,
        consumer_cancel_notify: true,
        'connection.blocked': true,
        authentication_failure_close: true,
      },
      connection_name: 'orders',
      port: 5672, // an integer: amqplib sends it as 's'
    };
    const wire = amqplibDefs.encodeMethod(MethodId.ConnectionStartOk, 0, {
      clientProperties,
      mechanism: 'PLAIN',
      response: Buffer.from('\0guest\0guest'),
      locale: 'en_US',
    });
    const m = spec.decodeMethod(wire, 7, wire.length - 1);
    expect(m.id).toBe(MethodId.ConnectionStartOk);
    const a = m.args as spec.ConnectionStartOkArgs;
    expect(a.clientProperties).toEqual(clientProperties);
    expect(fieldTypeOf(a.clientProperties, 'port')).toBe('s');
    expect(a.mechanism).toBe('PLAIN');
    expect(a.response).toEqual(Buffer.from('\0guest\0guest'));
    expect(a.locale).toBe('en_US');
    expect(spec.encodeConnectionStartOkFrame(0, a)).toEqual(wire);
  });
});

describe('bit packing (LSB first, consecutive bits share an octet)', () => {
  const declareBits = ['passive', 'durable', 'exclusive', 'autoDelete', 'nowait'] as const;
  declareBits.forEach((bit, i) => {
    it(`queue.declare ${bit} alone is bit ${i}`, () => {
      const f = spec.encodeQueueDeclareFrame(0, { [bit]: true });
      expect(f[7 + 4 + 2 + 1]).toBe(1 << i);
      const a = spec.decodeQueueDeclare(f, 11, f.length - 1);
      for (const b of declareBits) expect(a[b]).toBe(b === bit);
    });
  });

  it('exchange.declare packs five bits after two shortstrs', () => {
    const f = spec.encodeExchangeDeclareFrame(0, { exchange: 'x', type: 'topic', durable: true, internal: true });
    // ticket(2) + "x"(2) + "topic"(6) -> the bits octet
    expect(f[11 + 2 + 2 + 6]).toBe(0b01010);
  });

  it('basic.nack packs multiple and requeue; omitted requeue takes the spec default (true)', () => {
    expect(spec.encodeBasicNackFrame(1, { deliveryTag: 5, multiple: true }).at(-2)).toBe(0b11);
    expect(spec.encodeBasicNackFrame(1, { deliveryTag: 5, requeue: false }).at(-2)).toBe(0b00);
    expect(spec.encodeBasicRejectFrame(1, { deliveryTag: 5 }).at(-2)).toBe(0b1);
  });

  it('ignores unused high bits when decoding', () => {
    const f = spec.encodeBasicAckFrame(1, { deliveryTag: 9, multiple: true });
    f[f.length - 2] = 0xff;
    expect(spec.decodeBasicAck(f, 11, f.length - 1)).toEqual({ deliveryTag: 9, multiple: true });
  });
});

describe('defaults and omitted arguments', () => {
  it('encodes methods with no arguments', () => {
    expect(spec.encodeMethodFrame(2, MethodId.TxSelectOk, {})).toEqual(frameOf('01 0002 00000004 005a000b ce'));
    expect(spec.encodeChannelCloseOkFrame(2)).toEqual(frameOf('01 0002 00000004 00140029 ce'));
  });

  it('ignores unknown fields and fills missing ones (channel.open-ok gets an empty channel-id)', () => {
    const f = spec.encodeMethodFrame(1, MethodId.ChannelOpenOk, { reserved1: Buffer.alloc(0) });
    expect(f).toEqual(frameOf('01 0001 00000008 0014000b 00000000 ce'));
  });

  it('uses the spec default values', () => {
    const start = spec.encodeConnectionStartFrame(0);
    expect(spec.decodeConnectionStart(start, 11, start.length - 1)).toEqual({
      versionMajor: 0,
      versionMinor: 9,
      serverProperties: {},
      mechanisms: Buffer.from('PLAIN'),
      locales: Buffer.from('en_US'),
    });
    const ok = spec.encodeAccessRequestOkFrame(1);
    expect(spec.decodeAccessRequestOk(ok, 11, ok.length - 1)).toEqual({ ticket: 1 });
    const req = spec.encodeAccessRequestFrame(1);
    expect(spec.decodeAccessRequest(req, 11, req.length - 1)).toEqual({
      realm: '/data',
      exclusive: false,
      passive: true,
      active: true,
      write: true,
      read: true,
    });
  });

  it('accepts longstr arguments as strings and decodes them as Buffers', () => {
    const f = spec.encodeConnectionStartFrame(0, { mechanisms: 'PLAIN AMQPLAIN', locales: 'en_US' });
    expect(spec.decodeConnectionStart(f, 11, f.length - 1).mechanisms).toEqual(Buffer.from('PLAIN AMQPLAIN'));
  });

  it('copies longstr values out of the frame buffer', () => {
    const f = spec.encodeConnectionSecureOkFrame(0, { response: Buffer.from('secret') });
    const a = spec.decodeConnectionSecureOk(f, 11, f.length - 1);
    f.fill(0);
    expect(a.response).toEqual(Buffer.from('secret'));
  });

  it('refuses a shortstr over 255 bytes rather than writing a corrupt frame', () => {
    expect(() => spec.encodeQueueDeclareFrame(1, { queue: 'q'.repeat(256) })).toThrow(RangeError);
    expect(() => spec.encodeQueueDeclareFrame(1, { queue: 'é'.repeat(128) })).toThrow(RangeError);
    expect(spec.encodeQueueDeclareFrame(1, { queue: 'q'.repeat(255) }).length).toBe(8 + 4 + 2 + 256 + 1 + 4);
  });

  it('writes a method payload into a caller-owned writer', () => {
    const w = new BufferWriter(8);
    w.u8(0xaa);
    spec.writeMethod(w, MethodId.BasicQos, { prefetchCount: 10 });
    expect(w.toBuffer()).toEqual(frameOf('aa 003c000a 00000000 000a 00'));
  });
});

describe('decoding errors (texts as RabbitMQ 3.10.8 sends them)', () => {
  it('decodes in place from the middle of a larger buffer', () => {
    const f = spec.encodeBasicAckFrame(1, { deliveryTag: 42, multiple: true });
    const chunk = Buffer.concat([Buffer.from([1, 2, 3]), f, f]);
    const m = spec.decodeMethod(chunk, 3 + 7, 3 + f.length - 1);
    expect(m.args).toEqual({ deliveryTag: 42, multiple: true });
  });

  it('unknown method 60/99: 540 NOT_IMPLEMENTED naming the ids (RabbitMQ just drops the socket)', () => {
    const f = frameOf('01 0001 00000004 003c0063 ce');
    const err = expectAmqpError(() => spec.decodeMethod(f, 7, 11), 540);
    expect(err.message).toBe('NOT_IMPLEMENTED - unknown method id {60,99}');
    expect([err.classId, err.methodId]).toEqual([60, 99]);
    expect(err.isChannelError).toBe(false);
    expectAmqpError(() => spec.decodeMethod(frameOf('0063000a'), 0, 4), 540);
  });

  it('truncated basic.qos: "cannot decode <<0,0>>" with class 60 method 10', () => {
    const p = frameOf('003c000a 0000');
    const err = expectAmqpError(() => spec.decodeMethod(p, 0, p.length), 501);
    expect(err.replyText).toBe('FRAME_ERROR - cannot decode <<0,0>>');
    expect([err.classId, err.methodId]).toEqual([60, 10]);
  });

  it('truncated queue.declare: "cannot decode <<0,0,5,97,98>>" with class 50 method 10', () => {
    const p = frameOf('0032000a 0000 05 6162');
    const err = expectAmqpError(() => spec.decodeMethod(p, 0, p.length), 501);
    expect(err.replyText).toBe('FRAME_ERROR - cannot decode <<0,0,5,97,98>>');
    expect([err.classId, err.methodId]).toEqual([50, 10]);
  });

  it('trailing bytes after the last argument are rejected like RabbitMQ does', () => {
    const p = frameOf('003c000a 00000000 0001 00 010203');
    const err = expectAmqpError(() => spec.decodeMethod(p, 0, p.length), 501);
    expect(err.replyText).toBe('FRAME_ERROR - cannot decode <<0,0,0,0,0,1,0,1,2,3>>');
    expectAmqpError(() => spec.decodeMethod(frameOf('005a000a 00'), 0, 5), 501);
  });

  it('a payload shorter than a method id: "type 1, all octets = <<0,60>>: unknown_frame"', () => {
    const err = expectAmqpError(() => spec.decodeMethod(frameOf('003c'), 0, 2), 501);
    expect(err.replyText).toBe('FRAME_ERROR - type 1, all octets = <<0,60>>: unknown_frame');
    expect([err.classId, err.methodId]).toEqual([0, 0]);
  });

  it('a malformed arguments table is a 501 "cannot decode" for the method, with the 502 as cause', () => {
    const p = frameOf('0032000a 0000 0171 00 00000006 016b 5a 010203');
    const err = expectAmqpError(() => spec.decodeMethod(p, 0, p.length), 501);
    expect(err.replyText).toBe('FRAME_ERROR - cannot decode <<0,0,1,113,0,0,0,0,6,1,107,90,1,2,3>>');
    expect((err.cause as AmqpError).replyCode).toBe(502);
  });

  it('a long undecodable payload is cut in the close reply-text exactly as RabbitMQ cuts it (255 bytes)', () => {
    const p = Buffer.concat([frameOf('0032000a 0000 78'), Buffer.from('q'.repeat(120)), frameOf('00')]);
    const err = expectAmqpError(() => spec.decodeMethod(p, 0, p.length), 501);
    const close = spec.encodeConnectionCloseFrame(0, { replyCode: 501, replyText: err.replyText, classId: 50, methodId: 10 });
    const text = spec.decodeConnectionClose(close, 11, close.length - 1).replyText;
    // Observed from RabbitMQ 3.10.8 for the same frame:
    const rabbit = `FRAME_ERROR - cannot decode <<0,0,120,${'113,'.repeat(120)}`.slice(0, 252) + '...';
    expect(text).toBe(rabbit);
    expect(Buffer.byteLength(text)).toBe(255);
  });

  it('cuts a multi-byte reply text on a character boundary', () => {
    const close = spec.encodeChannelCloseFrame(1, { replyCode: 406, replyText: 'é'.repeat(200) });
    const text = spec.decodeChannelClose(close, 11, close.length - 1).replyText;
    expect(text).toBe('é'.repeat(126) + '...');
  });
});

describe('method metadata', () => {
  it('keeps the exchange.unbind-ok id quirk (51, not 41)', () => {
    expect(MethodId.ExchangeUnbindOk).toBe((40 << 16) | 51);
    expect(spec.METHOD_NAMES[(40 << 16) | 51]).toBe('exchange.unbind-ok');
  });

  it('has RabbitMQ dotted names', () => {
    expect(spec.METHOD_NAMES[MethodId.BasicPublish]).toBe('basic.publish');
    expect(spec.METHOD_NAMES[MethodId.ConnectionStartOk]).toBe('connection.start-ok');
    expect(spec.methodName(MethodId.BasicRecoverAsync)).toBe('basic.recover-async');
    expect(spec.methodName((60 << 16) | 99)).toBe('unknown method 60/99');
  });

  it('knows which methods carry content', () => {
    const withContent = allMethods.filter((m) => spec.methodHasContent(m.id)).map((m) => m.name);
    expect(withContent.sort()).toEqual(['basic.deliver', 'basic.get-ok', 'basic.publish', 'basic.return']);
  });

  it('knows the synchronous requests', () => {
    expect(spec.isSynchronousRequest(MethodId.QueueDeclare)).toBe(true);
    expect(spec.isSynchronousRequest(MethodId.ConnectionUpdateSecret)).toBe(true);
    expect(spec.isSynchronousRequest(MethodId.QueueDeclareOk)).toBe(false);
    expect(spec.isSynchronousRequest(MethodId.BasicPublish)).toBe(false);
    expect(spec.isSynchronousRequest(MethodId.BasicAck)).toBe(false);
  });

  it('has the frame constants, protocol header and class ids', () => {
    expect([spec.FRAME_METHOD, spec.FRAME_HEADER, spec.FRAME_BODY, spec.FRAME_HEARTBEAT, spec.FRAME_END]).toEqual([1, 2, 3, 8, 0xce]);
    expect(spec.FRAME_MIN_SIZE).toBe(4096);
    expect(spec.PROTOCOL_HEADER).toEqual(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
    expect(spec.ClassId).toEqual({ CONNECTION: 10, CHANNEL: 20, ACCESS: 30, EXCHANGE: 40, QUEUE: 50, BASIC: 60, CONFIRM: 85, TX: 90 });
  });

  it('agrees with errors.ts on every reply code name and soft/hard class', () => {
    const codes = Object.keys(spec.REPLY_CODES).map(Number);
    expect(codes.length).toBe(18);
    for (const code of codes) {
      expect(spec.REPLY_CODES[code].name).toBe(replyCodeName(code));
      expect(spec.REPLY_CODES[code].soft).toBe(isSoftCode(code));
    }
  });
});

describe('tables inside methods', () => {
  it('keeps the client tags of queue.declare arguments', () => {
    const args = decodeTable(Buffer.from('00000011' + '0e' + Buffer.from('x-max-priority').toString('hex') + '62' + '0a', 'hex'), 0).value;
    const f = spec.encodeQueueDeclareFrame(1, { queue: 'q', arguments: args });
    const a = spec.decodeQueueDeclare(f, 11, f.length - 1);
    expect(a.arguments).toEqual({ 'x-max-priority': 10 });
    expect(fieldTypeOf(a.arguments, 'x-max-priority')).toBe('b');
  });
});
