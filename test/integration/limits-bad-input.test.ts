/**
 * max_message_size and deeply nested field tables.
 * - A message over max_message_size: RabbitMQ 3.10.8 (rabbit_channel check_msg_size, after the whole content
 *   arrived) closes the channel with 406 "PRECONDITION_FAILED - message size N is larger than configured max
 *   size M" (basic.publish); Warren answers the same as soon as the content header declares the size, so it
 *   never buffers more than the limit for one message. The same test runs on both (WARREN_TEST_URL).
 * - Field tables nested 10,000 deep: RabbitMQ (Erlang) decodes any depth and accepts them; Warren refuses
 *   tables deeper than MAX_DEPTH with RabbitMQ's codes for undecodable input (501 cannot decode in a method's
 *   arguments, 541 in a content header's headers), without a stack overflow, and the broker carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { assertBrokerAlive, encodeBody, encodeFrame, encodeHeader, encodeMethodPayload, FRAME_METHOD, RawClient, uniq } from '../helpers/raw-client.js';
import { startLimitsBroker, type LimitsBroker } from './limits-warren.js';

const S = uniq('limits');

describe('max_message_size (default 128 MiB)', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('a message of 128 MiB + 1 closes the channel with 406; the connection and its other channels carry on', async () => {
    const c = await RawClient.open(broker);
    try {
      await c.openChannel(1);
      await c.openChannel(2);
      const max = 134217728;
      c.publish(1, Buffer.alloc(max + 1), { routingKey: `${S}-nowhere` });
      const close = await c.expectMethod(1, 'channel.close', 30_000);
      expect(close.args).toEqual({ replyCode: 406, replyText: `PRECONDITION_FAILED - message size ${max + 1} is larger than configured max size ${max}`, classId: 60, methodId: 40 });
      c.sendMethod(1, 'channel.close-ok');
      await c.call(2, 'exchange.declare', { exchange: 'amq.direct', type: 'direct', passive: true });
      await c.close();
    } finally {
      c.destroy();
    }
  }, 60_000);
});

describe('max_message_size 1024 (Warren)', () => {
  let broker: LimitsBroker;
  beforeAll(async () => {
    broker = await startLimitsBroker({ maxMessageSize: 1024 });
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('exactly the limit is accepted; one byte more is refused on the header, before any body frame is sent', async () => {
    const c = await RawClient.open(broker);
    try {
      await c.openChannel(1);
      const q = `${S}-size`;
      await c.call(1, 'queue.declare', { queue: q, exclusive: true });
      c.publish(1, Buffer.alloc(1024, 0x62), { routingKey: q });
      const got = await c.get(1, q, true);
      expect(got?.body.length).toBe(1024);
      c.sendMethod(1, 'basic.publish', { routingKey: q });
      c.sendRaw(encodeHeader(1, 1025, {}));
      const close = await c.expectMethod(1, 'channel.close');
      expect(close.args).toEqual({ replyCode: 406, replyText: 'PRECONDITION_FAILED - message size 1025 is larger than configured max size 1024', classId: 60, methodId: 40 });
      // Body frames still on their way to the closing channel are dropped, not buffered.
      c.sendRaw(encodeBody(1, Buffer.alloc(1025)));
      c.sendMethod(1, 'channel.close-ok');
      await c.openChannel(1);
      await c.close();
    } finally {
      c.destroy();
    }
  });

  it('a declared size under the limit with body frames beyond it: 501, nothing past the declared size kept', async () => {
    const c = await RawClient.open(broker);
    try {
      await c.openChannel(1);
      c.sendMethod(1, 'basic.publish', { routingKey: `${S}-nowhere` });
      c.sendRaw(encodeHeader(1, 10, {}));
      c.sendRaw(encodeBody(1, Buffer.alloc(2000)));
      const close = await c.expectMethod(0, 'connection.close');
      expect(close.args).toEqual({ replyCode: 501, replyText: 'FRAME_ERROR - content body frame exceeds remaining content size', classId: 60, methodId: 40 });
    } finally {
      c.destroy();
    }
    await assertBrokerAlive(broker);
  });
});

/** A field table {a: {a: ... {}}} nested `depth` deep, built without recursion. */
function deepTable(depth: number): Buffer {
  const size = 4 + 7 * depth;
  const b = Buffer.alloc(size);
  let inner = size - 4; // the innermost table: length 0
  for (let k = 0; k < depth; k++) {
    const s = inner - 7;
    b.writeUInt32BE(size - s - 4, s);
    b[s + 4] = 1;
    b[s + 5] = 0x61; // key "a"
    b[s + 6] = 0x46; // F
    inner = s;
  }
  return b;
}

/** A one-entry table {key: F deep}. */
function tableWith(key: string, deep: Buffer): Buffer {
  const entry = Buffer.concat([Buffer.from([key.length]), Buffer.from(key), Buffer.from('F'), deep]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(entry.length);
  return Buffer.concat([len, entry]);
}

describe('field tables nested 10,000 deep', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  /** Accepted (RabbitMQ), or refused with the given hard error (Warren); another connection works throughout. */
  async function expectAcceptedOrRefused(c: RawClient, ok: string, refused: { replyCode: number; classId: number; methodId: number }): Promise<void> {
    const bystander = await RawClient.open(broker);
    try {
      await bystander.openChannel(1);
      const f = await c.nextFrame((fr) => fr.type === 1 && (fr.channel === 1 || fr.method?.name === 'connection.close'), 10_000);
      if (broker.external) expect(f.method?.name).toBe(ok);
      else {
        expect(f.method?.name).toBe('connection.close');
        expect(f.method?.args).toMatchObject(refused);
      }
      await bystander.call(1, 'exchange.declare', { exchange: 'amq.direct', type: 'direct', passive: true });
      await bystander.close();
    } finally {
      bystander.destroy();
    }
    await assertBrokerAlive(broker);
  }

  it("in a method's arguments (queue.declare)", async () => {
    const c = await RawClient.open(broker);
    try {
      await c.openChannel(1);
      const p = encodeMethodPayload('queue.declare', { queue: `${S}-deep`, exclusive: true, arguments: {} });
      c.sendRaw(encodeFrame(FRAME_METHOD, 1, Buffer.concat([p.subarray(0, p.length - 4), tableWith('x-deep', deepTable(10_000))])));
      await expectAcceptedOrRefused(c, 'queue.declare-ok', { replyCode: 501, classId: 50, methodId: 10 });
    } finally {
      c.destroy();
    }
  });

  it("in a content header's headers (basic.publish)", async () => {
    const c = await RawClient.open(broker);
    try {
      await c.openChannel(1);
      const q = `${S}-deep-h`;
      await c.call(1, 'queue.declare', { queue: q, exclusive: true });
      c.sendMethod(1, 'basic.publish', { routingKey: q });
      c.sendRaw(encodeHeader(1, 3, Buffer.concat([Buffer.from([0x20, 0x00]), tableWith('h', deepTable(10_000))])));
      c.sendRaw(encodeBody(1, Buffer.from('abc')));
      c.sendMethod(1, 'basic.get', { queue: q, noAck: true });
      await expectAcceptedOrRefused(c, 'basic.get-ok', { replyCode: 541, classId: 0, methodId: 0 });
    } finally {
      c.destroy();
    }
  });
});
