/**
 * Frames a connection's handshake state does not allow. Observed on RabbitMQ 3.10.8 (127.0.0.1:5682) with raw
 * frames: before tune-ok (states starting and tuning) any method other than the one expected, a frame on a
 * channel other than 0, a content frame, a heartbeat on channel 1, or a frame header announcing 4 GiB is
 * answered with nothing at all: RabbitMQ logs it and drops the socket (after a 3 s SILENT_CLOSE_DELAY; Warren
 * drops it at once). A heartbeat on channel 0 is accepted in every state. After tune-ok (state opening) the
 * same mistakes get a connection.close: 504 for a connection method, 505 for another frame, 501 for the size.
 * Assertions describe RabbitMQ 3.10.8 (run with WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 to check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import {
  assertBrokerAlive,
  encodeBody,
  encodeHeader,
  encodeMethod,
  FRAME_METHOD,
  heartbeatFrame,
  RawClient,
} from '../helpers/raw-client.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

/** A frame header (7 octets) announcing a payload of 2^32 - 1 octets, with no payload after it. */
function hugeFrameHeader(channel = 0): Buffer {
  const b = Buffer.alloc(7);
  b[0] = FRAME_METHOD;
  b.writeUInt16BE(channel, 1);
  b.writeUInt32BE(0xffffffff, 3);
  return b;
}

type Stage = 'start' | 'tune' | 'open';

/** A connection that got connection.start (stage start), also connection.tune (tune), or also sent tune-ok (open). */
async function at(stage: Stage): Promise<RawClient> {
  const c = await RawClient.connect(broker);
  c.sendProtocolHeader();
  await c.expectMethod(0, 'connection.start');
  if (stage === 'start') return c;
  c.sendStartOk({});
  await c.expectMethod(0, 'connection.tune');
  if (stage === 'tune') return c;
  c.sendTuneOk(2047, 131072, 0);
  return c;
}

/** The frames the broker sent after connection.start and connection.tune. */
function framesAfterHandshake(c: RawClient): string[] {
  return c.log.filter((f) => f.method?.name !== 'connection.start' && f.method?.name !== 'connection.tune').map((f) => f.method?.name ?? `type ${f.type}`);
}

const BAD_INPUT: Array<[string, Buffer]> = [
  ['channel.open on channel 1', encodeMethod(1, 'channel.open')],
  ['connection.open out of order', encodeMethod(0, 'connection.open', { virtualHost: '/' })],
  ['connection.close-ok out of order', encodeMethod(0, 'connection.close-ok')],
  ['a content header on channel 1', encodeHeader(1, 3, {})],
  ['a body frame on channel 0', encodeBody(0, Buffer.from('abc'))],
  ['a heartbeat on channel 1', heartbeatFrame(1)],
  ['a frame header announcing 4 GiB', hugeFrameHeader()],
];

describe.each(['start', 'tune'] as const)('before tune-ok (stage %s)', (stage) => {
  it.concurrent.for(BAD_INPUT)('%s: the socket is closed and nothing is sent', async ([, bytes], { expect }) => {
    const c = await at(stage);
    try {
      c.sendRaw(bytes);
      await c.waitForSocketClose(10_000);
      expect(framesAfterHandshake(c)).toEqual([]);
    } finally {
      c.destroy();
    }
  });

  it('a heartbeat on channel 0 is accepted and the handshake goes on', async () => {
    const c = await at(stage);
    try {
      c.sendRaw(heartbeatFrame(0));
      if (stage === 'start') {
        c.sendStartOk({});
        await c.expectMethod(0, 'connection.tune');
      }
      c.sendTuneOk(2047, 131072, 0);
      c.sendMethod(0, 'connection.open', { virtualHost: '/' });
      await c.expectMethod(0, 'connection.open-ok');
      await c.close();
    } finally {
      c.destroy();
    }
  });
});

describe('after tune-ok, before connection.open (stage opening)', () => {
  it.concurrent.for([
    ['tune-ok again', encodeMethod(0, 'connection.tune-ok', { channelMax: 2047, frameMax: 131072, heartbeat: 0 }),
      { replyCode: 504, replyText: 'CHANNEL_ERROR - unexpected method in connection state opening', classId: 10, methodId: 31 }],
    ['start-ok again', encodeMethod(0, 'connection.start-ok', { clientProperties: {}, mechanism: 'PLAIN', response: '\0guest\0guest', locale: 'en_US' }),
      { replyCode: 504, replyText: 'CHANNEL_ERROR - unexpected method in connection state opening', classId: 10, methodId: 11 }],
    ['a body frame on channel 1', encodeBody(1, Buffer.from('abc')),
      { replyCode: 505, replyText: 'UNEXPECTED_FRAME - type 3, all octets = <<"abc">>', classId: 0, methodId: 0 }],
    ['a heartbeat on channel 1', heartbeatFrame(1), { replyCode: 505, replyText: 'UNEXPECTED_FRAME - type 8, all octets = <<>>', classId: 0, methodId: 0 }],
    ['a frame header announcing 4 GiB', hugeFrameHeader(),
      { replyCode: 501, replyText: 'FRAME_ERROR - type 1, all octets = <<>>: {frame_too_large,4294967295,131064}', classId: 0, methodId: 0 }],
  ] as const)('%s: connection.close', async ([, bytes, close], { expect }) => {
    const c = await at('open');
    try {
      c.sendRaw(bytes);
      const m = await c.expectMethod(0, 'connection.close');
      expect(m.args).toEqual(close);
      c.sendMethod(0, 'connection.close-ok');
      await c.waitForSocketClose(10_000);
    } finally {
      c.destroy();
    }
  });
});

describe('the broker after bad handshakes', () => {
  it('serves a new connection', async () => {
    await assertBrokerAlive(broker);
  });
});

describe('a frame header announcing 4 GiB on an open connection', () => {
  it('is answered at once with 501 frame_too_large, no payload needed', async () => {
    const c = await RawClient.open(broker);
    try {
      const t0 = Date.now();
      c.sendRaw(hugeFrameHeader(1));
      const m = await c.expectMethod(0, 'connection.close');
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(m.args).toEqual({ replyCode: 501, replyText: 'FRAME_ERROR - type 1, all octets = <<>>: {frame_too_large,4294967295,131064}', classId: 0, methodId: 0 });
      await c.waitForSocketClose(10_000);
    } finally {
      c.destroy();
    }
    await assertBrokerAlive(broker);
  });
});
