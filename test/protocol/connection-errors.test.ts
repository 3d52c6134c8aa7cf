/**
 * Hard errors: each closes the whole connection with connection.close (code, exact text, class-id and method-id),
 * the client answers close-ok, the socket closes, and the broker carries on (a new connection works).
 * Assertions describe RabbitMQ 3.10.8 (run with WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import {
  assertBrokerAlive,
  encodeBody,
  encodeFrame,
  encodeHeader,
  encodeMethodPayload,
  FRAME_BODY,
  FRAME_HEARTBEAT,
  FRAME_METHOD,
  methodIds,
  RawClient,
  uniq,
  type HandshakeOptions,
} from '../helpers/raw-client.js';

let broker: TestBroker;
const clients: RawClient[] = [];
const S = uniq('conn-err');

beforeAll(async () => {
  broker = await startTestBroker();
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
  await broker?.close();
});

/** An open connection with channel 1 open. */
async function connect(opts: HandshakeOptions = {}): Promise<RawClient> {
  const c = await RawClient.open(broker, opts);
  clients.push(c);
  await c.openChannel(1);
  return c;
}

/**
 * connection.close(code, text, class/method) arrives (frames on other channels are skipped), the client answers
 * close-ok, the socket closes (RabbitMQ delays 3 s after frame errors), and a new connection works.
 */
async function expectConnectionError(c: RawClient, code: number, text: string, method: string | [number, number]): Promise<void> {
  const close = await c.expectMethod(0, 'connection.close');
  const [classId, methodId] = typeof method === 'string' ? methodIds(method) : method;
  expect(close.args).toEqual({ replyCode: code, replyText: text, classId, methodId });
  c.sendMethod(0, 'connection.close-ok');
  await c.waitForSocketClose(10_000);
  await assertBrokerAlive(broker);
}

describe('504 CHANNEL_ERROR and channel limits', () => {
  it("reopening an open channel: CHANNEL_ERROR - second 'channel.open' seen", async () => {
    const c = await connect();
    c.sendMethod(1, 'channel.open');
    await expectConnectionError(c, 504, "CHANNEL_ERROR - second 'channel.open' seen", 'channel.open');
  });

  it.each([
    ['queue.declare', { queue: `${S}-never`, exclusive: true }],
    ['channel.close', { replyCode: 200, replyText: 'bye' }],
    ['channel.close-ok', {}],
    ['basic.qos', { prefetchCount: 1 }],
  ])("%s on a channel that was never opened: CHANNEL_ERROR - expected 'channel.open'", async (method, args) => {
    const c = await connect();
    c.sendMethod(2, method, args);
    await expectConnectionError(c, 504, "CHANNEL_ERROR - expected 'channel.open'", method);
  });

  it.each([
    ['channel.open', {}],
    ['queue.declare', { queue: `${S}-ch0` }],
    ['connection.open', { virtualHost: '/' }],
    ['connection.start-ok', {}],
  ])('%s on channel 0 after the handshake: CHANNEL_ERROR - unexpected method in connection state running', async (method, args) => {
    const c = await connect();
    c.sendMethod(0, method, args);
    await expectConnectionError(c, 504, 'CHANNEL_ERROR - unexpected method in connection state running', method);
  });

  it('a connection method on a non-zero channel: COMMAND_INVALID - unimplemented method', async () => {
    const c = await connect();
    c.sendMethod(1, 'connection.tune-ok', { channelMax: 2047, frameMax: 131072, heartbeat: 0 });
    await expectConnectionError(c, 503, 'COMMAND_INVALID - unimplemented method', 'connection.tune-ok');
  });

  it('opening more channels than the negotiated channel_max: NOT_ALLOWED - number of channels opened ...', async () => {
    const c = await connect({ channelMax: 10 });
    for (let ch = 2; ch <= 10; ch++) await c.openChannel(ch);
    c.sendMethod(11, 'channel.open');
    await expectConnectionError(c, 530, 'NOT_ALLOWED - number of channels opened (10) has reached the negotiated channel_max (10)', [0, 0]);
  });

  it('RabbitMQ limits the number of open channels, not the channel number: channel 11 opens with channel_max 10', async () => {
    const c = await connect({ channelMax: 10 });
    await c.openChannel(11);
    await c.openChannel(65535);
    await c.call(65535, 'basic.qos', { prefetchCount: 1 });
    await c.close();
  });
});

describe('540 NOT_IMPLEMENTED and 530 NOT_ALLOWED', () => {
  it('publish with immediate=true: NOT_IMPLEMENTED - immediate=true', async () => {
    const c = await connect();
    c.publish(1, 'm', { routingKey: `${S}-none`, immediate: true });
    await expectConnectionError(c, 540, 'NOT_IMPLEMENTED - immediate=true', 'basic.publish');
  });

  it('basic.qos with prefetch_size 1: NOT_IMPLEMENTED - prefetch_size!=0 (1)', async () => {
    const c = await connect();
    c.sendMethod(1, 'basic.qos', { prefetchSize: 1, prefetchCount: 10 });
    await expectConnectionError(c, 540, 'NOT_IMPLEMENTED - prefetch_size!=0 (1)', 'basic.qos');
  });

  it('channel.flow active=false: NOT_IMPLEMENTED - active=false', async () => {
    const c = await connect();
    c.sendMethod(1, 'channel.flow', { active: false });
    await expectConnectionError(c, 540, 'NOT_IMPLEMENTED - active=false', 'channel.flow');
  });

  it('basic.recover requeue=false: NOT_IMPLEMENTED - requeue=false', async () => {
    const c = await connect();
    c.sendMethod(1, 'basic.recover', { requeue: false });
    await expectConnectionError(c, 540, 'NOT_IMPLEMENTED - requeue=false', 'basic.recover');
  });

  it("reusing a consumer tag on the channel: NOT_ALLOWED - attempt to reuse consumer tag 'c'", async () => {
    const c = await connect();
    const q = `${S}-reuse`;
    await c.call(1, 'queue.declare', { queue: q, exclusive: true });
    await c.call(1, 'basic.consume', { queue: q, consumerTag: 'c' });
    c.sendMethod(1, 'basic.consume', { queue: q, consumerTag: 'c' });
    await expectConnectionError(c, 530, "NOT_ALLOWED - attempt to reuse consumer tag 'c'", 'basic.consume');
  });

  it("exchange.declare of an unknown type is a connection error in 3.10.8: COMMAND_INVALID - invalid exchange type 'foo'", async () => {
    const c = await connect();
    c.sendMethod(1, 'exchange.declare', { exchange: `${S}-badtype`, type: 'foo' });
    await expectConnectionError(c, 503, "COMMAND_INVALID - invalid exchange type 'foo'", 'exchange.declare');
  });
});

describe('505 UNEXPECTED_FRAME', () => {
  it('a content header with no publish before it: expected method frame, got non method frame instead', async () => {
    const c = await connect();
    c.sendRaw(encodeHeader(1, 3, {}));
    await expectConnectionError(c, 505, 'UNEXPECTED_FRAME - expected method frame, got non method frame instead', [0, 0]);
  });

  it('a body frame on a channel with no content in progress: expected method frame, got non method frame instead', async () => {
    const c = await connect();
    c.sendRaw(encodeBody(1, Buffer.from('abc')));
    await expectConnectionError(c, 505, 'UNEXPECTED_FRAME - expected method frame, got non method frame instead', [0, 0]);
  });

  it('a method frame where the content header was expected', async () => {
    const c = await connect();
    c.sendMethod(1, 'basic.publish', { routingKey: `${S}-none` });
    c.sendMethod(1, 'basic.qos', { prefetchCount: 1 });
    await expectConnectionError(c, 505, 'UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead', 'basic.publish');
  });

  it('a content header with the wrong class id', async () => {
    const c = await connect();
    c.sendMethod(1, 'basic.publish', { routingKey: `${S}-none` });
    c.sendRaw(encodeHeader(1, 3, {}, 50));
    await expectConnectionError(c, 505, 'UNEXPECTED_FRAME - expected content header for class 60, got one for class 50 instead', 'basic.publish');
  });

  it('a content header with a non-zero weight', async () => {
    const c = await connect();
    c.sendMethod(1, 'basic.publish', { routingKey: `${S}-none` });
    const header = encodeHeader(1, 3, {});
    header.writeUInt16BE(1, 7 + 2); // weight
    c.sendRaw(header);
    await expectConnectionError(c, 505, 'UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead', 'basic.publish');
  });

  it('a method frame or a second header where a body frame was expected', async () => {
    const c = await connect();
    c.sendMethod(1, 'basic.publish', { routingKey: `${S}-none` });
    c.sendRaw(encodeHeader(1, 3, {}));
    c.sendMethod(1, 'basic.qos', { prefetchCount: 1 });
    await expectConnectionError(c, 505, 'UNEXPECTED_FRAME - expected content body, got non content body frame instead', 'basic.publish');

    const c2 = await connect();
    c2.sendMethod(1, 'basic.publish', { routingKey: `${S}-none` });
    c2.sendRaw(encodeHeader(1, 3, {}));
    c2.sendRaw(encodeHeader(1, 3, {}));
    await expectConnectionError(c2, 505, 'UNEXPECTED_FRAME - expected content body, got non content body frame instead', 'basic.publish');
  });

  it('content frames on channel 0 show the frame type and octets', async () => {
    const c = await connect();
    c.sendRaw(encodeHeader(0, 3, {}));
    await expectConnectionError(c, 505, 'UNEXPECTED_FRAME - type 2, all octets = <<0,60,0,0,0,0,0,0,0,0,0,3,0,0>>', [0, 0]);
    const c2 = await connect();
    c2.sendRaw(encodeBody(0, Buffer.from('abc')));
    await expectConnectionError(c2, 505, 'UNEXPECTED_FRAME - type 3, all octets = <<"abc">>', [0, 0]);
  });

  it('a heartbeat frame on a non-zero channel', async () => {
    const c = await connect();
    c.sendHeartbeat(1);
    await expectConnectionError(c, 505, 'UNEXPECTED_FRAME - type 8, all octets = <<>>', [0, 0]);
  });

  /*
   * RabbitMQ 3.10.8 accepts the over-long body frame and keeps waiting for the (now negative) rest, so the error only
   * shows with the next frame on the channel: 505 'expected content body'. Newer RabbitMQ (rabbit_command_assembler)
   * fails at once with 501 'FRAME_ERROR - content body frame exceeds remaining content size'. Both pass.
   */
  it('a body frame larger than the size declared in the header', async () => {
    const c = await connect();
    c.sendMethod(1, 'basic.publish', { routingKey: `${S}-none` });
    c.sendRaw(encodeHeader(1, 3, {}));
    c.sendRaw(encodeBody(1, Buffer.from('abcdef')));
    c.sendMethod(1, 'basic.qos', { prefetchCount: 1 });
    const close = await c.expectMethod(0, 'connection.close');
    expect([
      { replyCode: 505, replyText: 'UNEXPECTED_FRAME - expected content body, got non content body frame instead', classId: 60, methodId: 40 },
      { replyCode: 501, replyText: 'FRAME_ERROR - content body frame exceeds remaining content size', classId: 60, methodId: 40 },
    ]).toContainEqual(close.args);
    c.sendMethod(0, 'connection.close-ok');
    await c.waitForSocketClose(10_000);
    await assertBrokerAlive(broker);
  });
});

describe('501 FRAME_ERROR', () => {
  it('a frame larger than the negotiated frame_max: {frame_too_large,Size,FrameMax-8}', async () => {
    const c = await connect({ frameMax: 4096 });
    c.sendRaw(encodeFrame(FRAME_BODY, 1, Buffer.alloc(5000)));
    await expectConnectionError(c, 501, 'FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,5000,4088}', [0, 0]);
  });

  it('RabbitMQ tolerates payloads up to frame_max (8 bytes over the limit); frame_max + 1 is too large', async () => {
    const c = await connect({ frameMax: 4096 });
    c.sendMethod(1, 'basic.publish', { routingKey: `${S}-none` });
    c.sendRaw(encodeHeader(1, 4096 + 4097, {}));
    c.sendRaw(encodeFrame(FRAME_BODY, 1, Buffer.alloc(4096)));
    await c.openChannel(2); // frames are handled in order: the 4096-byte payload was accepted
    c.sendRaw(encodeFrame(FRAME_BODY, 1, Buffer.alloc(4097)));
    await expectConnectionError(c, 501, 'FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,4097,4088}', [0, 0]);
  });

  it('a bad frame-end octet', async () => {
    const c = await connect();
    c.sendRaw(encodeFrame(FRAME_METHOD, 1, encodeMethodPayload('basic.qos', { prefetchCount: 1 }), 0x00));
    await expectConnectionError(c, 501, 'FRAME_ERROR - type 1, all octets = <<0,60,0,10,0,0,0,0,0,1,0>>: {invalid_frame_end_marker,0}', [0, 0]);
  });

  it.each([
    ['an unknown frame type', encodeFrame(5, 1, Buffer.from([1, 2])), 'FRAME_ERROR - type 5, all octets = <<1,2>>: unknown_frame'],
    ['a heartbeat with a payload', encodeFrame(FRAME_HEARTBEAT, 0, Buffer.from([1, 2])), 'FRAME_ERROR - type 8, all octets = <<1,2>>: unknown_frame'],
    ['a method frame shorter than class-id + method-id', encodeFrame(FRAME_METHOD, 1, Buffer.from([0, 60])), 'FRAME_ERROR - type 1, all octets = <<0,60>>: unknown_frame'],
  ])('%s', async (_name, frame, text) => {
    const c = await connect();
    c.sendRaw(frame);
    await expectConnectionError(c, 501, text, [0, 0]);
  });

  it('a truncated method payload: FRAME_ERROR - cannot decode <<args>>', async () => {
    const c = await connect();
    c.sendRaw(encodeFrame(FRAME_METHOD, 1, Buffer.from([0, 60, 0, 10, 0, 0])));
    await expectConnectionError(c, 501, 'FRAME_ERROR - cannot decode <<0,0>>', 'basic.qos');
    const c2 = await connect();
    c2.sendRaw(encodeFrame(FRAME_METHOD, 1, encodeMethodPayload('queue.declare', { queue: 'abcdef' }).subarray(0, 8)));
    await expectConnectionError(c2, 501, 'FRAME_ERROR - cannot decode <<0,0,6,97>>', 'queue.declare');
  });
});

describe('unknown methods', () => {
  /*
   * RabbitMQ 3.10.8 crashes the connection process on an unknown class/method id ({unknown_method_id,{60,99}} in its
   * log) and drops the socket without a connection.close. Asserted: the connection ends, any connection.close sent
   * first carries a hard-error code (503 COMMAND_INVALID or 540 NOT_IMPLEMENTED), and the broker carries on.
   */
  it.each([
    ['method id', [0, 60, 0, 99], 1],
    ['class id', [0, 99, 0, 10], 1],
    ['connection method id on channel 0', [0, 10, 0, 99], 0],
  ])('an unknown %s ends the connection', async (_name, bytes, channel) => {
    const c = await connect();
    c.sendRaw(encodeFrame(FRAME_METHOD, channel, Buffer.from(bytes)));
    await c.waitForSocketClose(10_000);
    const closes = c.log.filter((f) => f.method?.name === 'connection.close').map((f) => f.method!.args.replyCode);
    for (const code of closes) expect([503, 540]).toContain(code);
    await assertBrokerAlive(broker);
  });
});

describe('541 INTERNAL_ERROR', () => {
  it('a content header whose properties cannot be decoded (headers table running past the frame)', async () => {
    const c = await connect();
    c.sendMethod(1, 'basic.publish', { routingKey: `${S}-none` });
    // flags: headers present; table length 100 but only 2 bytes follow.
    c.sendRaw(encodeHeader(1, 0, Buffer.from([0x20, 0x00, 0, 0, 0, 100, 1, 2])));
    const close = await c.expectMethod(0, 'connection.close');
    expect(close.args).toEqual({ replyCode: 541, replyText: "INTERNAL_ERROR", classId: 0, methodId: 0 });
    c.sendMethod(0, 'connection.close-ok');
    await c.waitForSocketClose(10_000);
    await assertBrokerAlive(broker);
  });
});

