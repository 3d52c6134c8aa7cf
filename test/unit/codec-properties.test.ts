import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldTypeOf, type FieldTable } from '../../src/amqp/codec/field-value.js';
import {
  decodeProperties,
  encodeContentHeaderPayload,
  encodeProperties,
  hasHeaders,
  peekDeliveryMode,
  peekExpiration,
  peekPriority,
  propertyFlags,
  type BasicProperties,
} from '../../src/amqp/codec/properties.js';
import { AmqpError } from '../../src/amqp/errors.js';
import { BASIC_PROPERTIES, BASIC_PROPERTY_FLAGS } from '../../src/amqp/spec.generated.js';

const require = createRequire(import.meta.url);
const amqplibDefs = require(join(dirname(require.resolve('amqplib')), 'lib/defs.js')) as {
  encodeProperties(classId: number, channel: number, size: number, fields: object): Buffer;
};

/** The property bytes of an amqplib content header frame (after class, weight, body size). */
function amqplibProps(props: BasicProperties, bodySize = 0): Buffer {
  const frame = amqplibDefs.encodeProperties(60, 1, bodySize, props);
  return frame.subarray(7 + 12, frame.length - 1);
}

const ALL: BasicProperties = {
  contentType: 'application/json',
  contentEncoding: 'gzip',
  headers: { 'x-retries': 3, nested: { ok: true }, list: ['a', 1] },
  deliveryMode: 2,
  priority: 7,
  correlationId: 'corr-1',
  replyTo: 'amq.rabbitmq.reply-to',
  expiration: '60000',
  messageId: 'msg-ü',
  timestamp: 1700000000,
  type: 'order.created',
  userId: 'guest',
  appId: 'shop',
  clusterId: 'c1',
};

function expectSyntaxError(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AmqpError);
  expect((caught as AmqpError).replyCode).toBe(502);
}

describe('basic properties', () => {
  it('lists the 14 properties in flag order, content-type bit 15 to cluster-id bit 2', () => {
    expect(BASIC_PROPERTIES.map((p) => p.name)).toEqual([
      'content-type',
      'content-encoding',
      'headers',
      'delivery-mode',
      'priority',
      'correlation-id',
      'reply-to',
      'expiration',
      'message-id',
      'timestamp',
      'type',
      'user-id',
      'app-id',
      'cluster-id',
    ]);
    expect(BASIC_PROPERTIES.map((p) => p.flag)).toEqual(Array.from({ length: 14 }, (_, i) => 1 << (15 - i)));
    expect(BASIC_PROPERTY_FLAGS.contentType).toBe(0x8000);
    expect(BASIC_PROPERTY_FLAGS.clusterId).toBe(0x0004);
  });

  it('round-trips all 14 properties, encoding exactly as amqplib does', () => {
    const bytes = encodeProperties(ALL);
    expect(bytes.readUInt16BE(0)).toBe(0xfffc);
    expect(decodeProperties(bytes, 0, bytes.length)).toEqual(ALL);
    // amqplib tags small integers 'b' where we infer 'I': compare bytes on headers without integers.
    const sameTags = { ...ALL, headers: { s: 'x', t: true, nested: { ok: true } } };
    expect(encodeProperties(sameTags)).toEqual(amqplibProps(sameTags));
    const fromAmqplib = amqplibProps(ALL);
    expect(decodeProperties(fromAmqplib, 0, fromAmqplib.length)).toEqual(ALL);
  });

  it('round-trips no properties as two zero flag bytes', () => {
    const bytes = encodeProperties({});
    expect(bytes).toEqual(Buffer.from([0, 0]));
    expect(decodeProperties(bytes, 0, 2)).toStrictEqual({});
  });

  it('round-trips each property alone', () => {
    for (const p of BASIC_PROPERTIES) {
      const one = { [p.key]: ALL[p.key] } as BasicProperties;
      const bytes = encodeProperties(one);
      expect(bytes.readUInt16BE(0), p.name).toBe(p.flag);
      expect(decodeProperties(bytes, 0, bytes.length)).toStrictEqual(one);
    }
  });

  it('writes golden bytes for content-type + delivery-mode', () => {
    expect(encodeProperties({ contentType: 'text/plain', deliveryMode: 2 })).toEqual(
      Buffer.from('9000' + '0a' + Buffer.from('text/plain').toString('hex') + '02', 'hex'),
    );
  });

  it('treats null like absent when encoding', () => {
    expect(encodeProperties({ contentType: null as unknown as string, priority: 1 })).toEqual(Buffer.from([0x08, 0x00, 1]));
  });

  it('decodes amqplib headers with their tags, and re-encodes them unchanged', () => {
    const bytes = amqplibProps({ headers: { small: 5, big: 100000 }, deliveryMode: 1 });
    const props = decodeProperties(bytes, 0, bytes.length);
    expect(fieldTypeOf(props.headers as FieldTable, 'small')).toBe('b');
    expect(fieldTypeOf(props.headers as FieldTable, 'big')).toBe('I');
    expect(encodeProperties(props)).toEqual(bytes);
  });

  it('decodes in place inside a larger buffer', () => {
    const bytes = encodeProperties(ALL);
    const chunk = Buffer.concat([Buffer.alloc(5, 0xee), bytes, Buffer.alloc(3, 0xee)]);
    expect(decodeProperties(chunk, 5, 5 + bytes.length)).toEqual(ALL);
  });

  it('skips continuation flag words', () => {
    // delivery-mode + continuation bit, then one extra (empty) flag word, then the octet.
    const bytes = Buffer.from([0x10, 0x01, 0x00, 0x00, 2]);
    expect(decodeProperties(bytes, 0, bytes.length)).toEqual({ deliveryMode: 2 });
    expect(peekDeliveryMode(bytes, 0, bytes.length)).toBe(2);
  });

  it('rejects truncated or over-long property lists with 502', () => {
    const bytes = encodeProperties(ALL);
    for (let cut = 1; cut < bytes.length; cut++) expectSyntaxError(() => decodeProperties(bytes, 0, cut));
    expectSyntaxError(() => decodeProperties(Buffer.concat([bytes, Buffer.from([0])]), 0, bytes.length + 1));
  });
});

describe('property peeks for the hot path', () => {
  it('finds delivery-mode, priority and expiration behind headers and strings', () => {
    const bytes = encodeProperties(ALL);
    expect(peekDeliveryMode(bytes, 0, bytes.length)).toBe(2);
    expect(peekPriority(bytes, 0, bytes.length)).toBe(7);
    expect(peekExpiration(bytes, 0, bytes.length)).toBe('60000');
    expect(hasHeaders(propertyFlags(bytes, 0, bytes.length))).toBe(true);
  });

  it('reports absent properties', () => {
    const bytes = encodeProperties({ contentType: 'x', messageId: 'm' });
    expect(peekDeliveryMode(bytes, 0, bytes.length)).toBe(0);
    expect(peekPriority(bytes, 0, bytes.length)).toBeUndefined();
    expect(peekExpiration(bytes, 0, bytes.length)).toBeUndefined();
    expect(hasHeaders(propertyFlags(bytes, 0, bytes.length))).toBe(false);
    expect(peekDeliveryMode(Buffer.alloc(0), 0, 0)).toBe(0);
  });

  it('agrees with the full decoder on every subset of the properties before expiration', () => {
    const keys = ['contentType', 'contentEncoding', 'headers', 'deliveryMode', 'priority', 'correlationId', 'replyTo'] as const;
    for (let mask = 0; mask < 1 << keys.length; mask++) {
      const props: BasicProperties = { expiration: '5' };
      keys.forEach((k, i) => {
        if (mask & (1 << i)) (props as Record<string, unknown>)[k] = ALL[k];
      });
      const bytes = encodeProperties(props);
      const full = decodeProperties(bytes, 0, bytes.length);
      expect(peekDeliveryMode(bytes, 0, bytes.length)).toBe(full.deliveryMode ?? 0);
      expect(peekPriority(bytes, 0, bytes.length)).toBe(full.priority);
      expect(peekExpiration(bytes, 0, bytes.length)).toBe('5');
    }
  });

  it('throws 502 instead of reading past a truncated list', () => {
    const bytes = encodeProperties({ contentType: 'application/json', headers: { a: 1 }, deliveryMode: 2, expiration: '10' });
    expectSyntaxError(() => peekDeliveryMode(bytes, 0, 3));
    expectSyntaxError(() => peekExpiration(bytes, 0, bytes.length - 1));
  });
});

describe('content header payload', () => {
  it('is class 60, weight 0, a 64-bit body size, then the property bytes', () => {
    const props = encodeProperties({ deliveryMode: 2 });
    const payload = encodeContentHeaderPayload(2 ** 32 + 10, props);
    expect(payload.toString('hex')).toBe('003c' + '0000' + '000000010000000a' + '1000' + '02');
    const frame = amqplibDefs.encodeProperties(60, 1, 2 ** 32 + 10, { deliveryMode: 2 });
    expect(payload).toEqual(frame.subarray(7, frame.length - 1));
  });
});
