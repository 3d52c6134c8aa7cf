/**
 * Content framing: bodies split at frame_max on delivery, empty bodies, and byte-exact round trips of the 14 basic
 * properties and of field tables with every value tag. Assertions describe RabbitMQ 3.10.8
 * (run with WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import {
  decodeTable,
  encodeProperties,
  encodeTable,
  FRAME_BODY,
  FRAME_HEADER,
  FRAME_HEARTBEAT,
  RawClient,
  typed,
  uniq,
  type BasicProperties,
  type Delivery,
  type HandshakeOptions,
} from '../helpers/raw-client.js';

let broker: TestBroker;
const clients: RawClient[] = [];
const S = uniq('content');

beforeAll(async () => {
  broker = await startTestBroker();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close(2000).catch(() => c.destroy());
});

afterAll(async () => {
  await broker?.close();
});

/** A connection with channel 1 open and an exclusive queue (deleted with the connection). */
async function setup(name: string, opts: HandshakeOptions = {}): Promise<{ c: RawClient; q: string }> {
  const c = await RawClient.open(broker, opts);
  clients.push(c);
  await c.openChannel(1);
  const q = `${S}-${name}`;
  await c.call(1, 'queue.declare', { queue: q, exclusive: true });
  return { c, q };
}

async function consumeOne(c: RawClient, q: string): Promise<Delivery> {
  await c.call(1, 'basic.consume', { queue: q, consumerTag: 'ctag', noAck: true });
  return c.expectDelivery(1, 'basic.deliver', 10_000);
}

/** Every value tag RabbitMQ's table codec knows (t b B s u I i l f d D S x A T F V), nested in a table and an array. */
const EVERY_TAG = {
  longstr: 'héllo wörld',
  int32: typed('I', -2147483648),
  int64: typed('l', -9007199254740993n),
  bool: true,
  boolFalse: false,
  table: { nested: 'yes', deeper: { n: typed('I', 7) } },
  int8: typed('b', -128),
  int16: typed('s', -32768),
  bytes: Buffer.from([0, 1, 2, 0xfe, 0xff]),
  array: [typed('I', 1), 'two', true, [typed('b', 3)], { four: typed('s', 4) }, null],
  timestamp: typed('T', 1700000000),
  double: typed('d', 3.14159),
  void: null,
  uint8: typed('B', 255),
  uint16: typed('u', 65535),
  uint32: typed('i', 4294967295),
  float: typed('f', 1.5),
  decimal: typed('D', { scale: 2, value: -12345 }),
  empty: '',
  emptyTable: {},
  emptyArray: [],
};

describe('body framing', () => {
  it('a 300 KB body is delivered in body frames of at most frame_max (4096) bytes and reassembles exactly', async () => {
    const { c, q } = await setup('big', { frameMax: 4096 });
    const body = randomBytes(300 * 1024);
    c.publish(1, body, { routingKey: q, properties: { contentType: 'application/octet-stream' } });
    const d = await consumeOne(c, q);
    expect(d.header.bodySize).toBe(body.length);
    for (const f of d.frames) expect(f.payload.length + 8).toBeLessThanOrEqual(4096);
    expect(d.bodyFrames.length).toBe(Math.ceil(body.length / 4088));
    // Every body frame but the last is full.
    for (const f of d.bodyFrames.slice(0, -1)) expect(f.payload.length).toBe(4088);
    expect(d.body.equals(body)).toBe(true);
  });

  it('basic.get-ok splits a large body the same way', async () => {
    const { c, q } = await setup('big-get', { frameMax: 4096 });
    const body = randomBytes(50_000);
    c.publish(1, body, { routingKey: q });
    const d = await c.get(1, q, true);
    expect(d).not.toBeNull();
    for (const f of d!.bodyFrames) expect(f.payload.length).toBeLessThanOrEqual(4088);
    expect(d!.bodyFrames.length).toBe(Math.ceil(body.length / 4088));
    expect(d!.body.equals(body)).toBe(true);
  });

  it('a body published in small, uneven body frames is delivered whole at the negotiated frame_max', async () => {
    const { c, q } = await setup('uneven');
    const body = randomBytes(10_000);
    c.publish(1, body, { routingKey: q, maxBodyFramePayload: 777 });
    const d = await consumeOne(c, q);
    expect(d.bodyFrames.length).toBe(1);
    expect(d.body.equals(body)).toBe(true);
  });

  it('a body published in frames of exactly frame_max - 8 is accepted at the limit', async () => {
    const { c, q } = await setup('at-limit', { frameMax: 4096 });
    const body = randomBytes(4088 * 3);
    c.publish(1, body, { routingKey: q });
    const d = await consumeOne(c, q);
    expect(d.body.equals(body)).toBe(true);
    expect(d.bodyFrames.map((f) => f.payload.length)).toEqual([4088, 4088, 4088]);
  });

  it('a zero-length body is a header frame with body-size 0 and no body frame', async () => {
    const { c, q } = await setup('empty');
    c.publish(1, Buffer.alloc(0), { routingKey: q, properties: { messageId: 'empty' } });
    c.publish(1, 'next', { routingKey: q, properties: { messageId: 'next' } });
    await c.call(1, 'basic.consume', { queue: q, consumerTag: 'ctag', noAck: true });
    const onCh1 = (f: { channel: number; type: number }) => f.channel === 1 && f.type !== FRAME_HEARTBEAT;
    const deliver = await c.nextFrame(onCh1);
    expect(deliver.method?.name).toBe('basic.deliver');
    const header = await c.nextFrame(onCh1);
    expect(header.type).toBe(FRAME_HEADER);
    expect(header.header!.bodySize).toBe(0);
    expect(header.header!.properties.messageId).toBe('empty');
    const next = await c.nextFrame(onCh1);
    expect(next.type).not.toBe(FRAME_BODY);
    expect(next.method?.name).toBe('basic.deliver');
    const rest = await c.expectContentBody(1);
    expect(rest.body.toString()).toBe('next');
  });

  it('a zero-length body via basic.get also has no body frame', async () => {
    const { c, q } = await setup('empty-get');
    c.publish(1, Buffer.alloc(0), { routingKey: q });
    const d = await c.get(1, q, true);
    expect(d!.header.bodySize).toBe(0);
    expect(d!.bodyFrames).toEqual([]);
    await c.call(1, 'basic.qos', { prefetchCount: 1 });
    expect(c.queue.filter((f) => f.type === FRAME_BODY)).toEqual([]);
  });
});

describe('properties and headers', () => {
  const ALL_PROPERTIES: BasicProperties = {
    contentType: 'application/json',
    contentEncoding: 'gzip',
    headers: { 'x-custom': 'value', n: typed('I', 42), flag: true },
    deliveryMode: 2,
    priority: 7,
    correlationId: 'corr-1',
    replyTo: 'reply-queue',
    expiration: '60000',
    messageId: 'msg-1',
    timestamp: 1700000000,
    type: 'order.created',
    userId: 'guest', // must equal the authenticated user
    appId: 'raw-test',
    clusterId: 'cluster-x',
  };

  it('all 14 basic properties round-trip byte-exact through publish -> deliver', async () => {
    const { c, q } = await setup('props');
    c.publish(1, 'payload', { routingKey: q, properties: ALL_PROPERTIES });
    const d = await consumeOne(c, q);
    expect(d.header.propertiesRaw.readUInt16BE(0)).toBe(0xfffc); // 14 flag bits, no continuation
    expect(d.header.propertiesRaw.equals(encodeProperties(ALL_PROPERTIES))).toBe(true);
    expect(d.header.properties).toEqual({ ...ALL_PROPERTIES, headers: { 'x-custom': 'value', n: 42, flag: true } });
    expect(d.body.toString()).toBe('payload');
  });

  it('all 14 basic properties round-trip byte-exact through publish -> basic.get', async () => {
    const { c, q } = await setup('props-get');
    c.publish(1, 'payload', { routingKey: q, properties: ALL_PROPERTIES });
    const d = await c.get(1, q, true);
    expect(d!.header.propertiesRaw.equals(encodeProperties(ALL_PROPERTIES))).toBe(true);
  });

  it('each property alone round-trips with only its flag bit set', async () => {
    const { c, q } = await setup('props-one');
    const keys = Object.keys(ALL_PROPERTIES) as Array<keyof BasicProperties>;
    for (const k of keys) c.publish(1, k, { routingKey: q, properties: { [k]: ALL_PROPERTIES[k] } });
    await c.call(1, 'basic.consume', { queue: q, consumerTag: 'ctag', noAck: true });
    for (const [i, k] of keys.entries()) {
      const d = await c.expectDelivery(1);
      expect(d.body.toString()).toBe(k);
      expect(d.header.propertiesRaw.readUInt16BE(0)).toBe(1 << (15 - i));
      expect(d.header.propertiesRaw.equals(encodeProperties({ [k]: ALL_PROPERTIES[k] }))).toBe(true);
    }
  });

  it('no properties: property flags 0', async () => {
    const { c, q } = await setup('props-none');
    c.publish(1, 'x', { routingKey: q });
    const d = await consumeOne(c, q);
    expect(d.header.propertiesRaw).toEqual(Buffer.from([0, 0]));
  });

  it('a headers table with every field value tag round-trips byte-exact and decodes to the same typed values', async () => {
    const { c, q } = await setup('tags');
    c.publish(1, 'tags', { routingKey: q, properties: { headers: EVERY_TAG } });
    const d = await consumeOne(c, q);
    expect(d.header.propertiesRaw.equals(encodeProperties({ headers: EVERY_TAG }))).toBe(true);
    const table = encodeTable(EVERY_TAG);
    const received = d.header.propertiesRaw.subarray(2);
    expect(received.equals(table)).toBe(true);
    const typedBack = decodeTable(received.subarray(4), true);
    expect(typedBack.int64).toEqual(typed('l', -9007199254740993n));
    expect(typedBack.uint32).toEqual(typed('i', 4294967295));
    expect(typedBack.decimal).toEqual(typed('D', { scale: 2, value: -12345 }));
    expect(typedBack.void).toEqual(typed('V', null));
    expect(typedBack.bytes).toEqual(typed('x', Buffer.from([0, 1, 2, 0xfe, 0xff])));
    const plain = d.header.properties.headers!;
    expect(plain.longstr).toBe('héllo wörld');
    expect(plain.array).toEqual([1, 'two', true, [3], { four: 4 }, null]);
    expect(plain.timestamp).toEqual(new Date(1700000000 * 1000));
    expect(plain.float).toBe(1.5);
  });
});
