/**
 * Bad input over a real socket never harms the broker: after an open connection sends a seeded stream of
 * mutated frames (real methods with random or truncated arguments, content frames out of place, random
 * bytes), the broker must either keep that connection or close it, and a fresh connection must work.
 * An exception that escaped the connection's error handling would fail the run (vitest reports it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import {
  assertBrokerAlive,
  encodeFrame,
  encodeMethod,
  encodeMethodPayload,
  FRAME_BODY,
  FRAME_HEADER,
  FRAME_METHOD,
  RawClient,
  uniq,
} from '../helpers/raw-client.js';
import { prng } from '../helpers/prng.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});


const Q = uniq('fuzz');
/** Valid requests to start from; the fuzzer truncates, flips and reorders them. */
const SEEDS: Array<[string, Record<string, unknown>]> = [
  ['queue.declare', { queue: Q, autoDelete: true, arguments: { 'x-max-priority': 5 } }],
  ['queue.bind', { queue: Q, exchange: 'amq.topic', routingKey: 'a.#' }],
  ['exchange.declare', { exchange: `${Q}.x`, type: 'headers', autoDelete: true }],
  ['basic.qos', { prefetchCount: 3 }],
  ['basic.consume', { queue: Q, consumerTag: 'c' }],
  ['basic.publish', { exchange: 'amq.topic', routingKey: 'a.b', mandatory: true }],
  ['basic.get', { queue: Q }],
  ['basic.ack', { deliveryTag: 1, multiple: true }],
  ['basic.nack', { deliveryTag: 0, multiple: true, requeue: true }],
  ['basic.cancel', { consumerTag: 'c' }],
  ['confirm.select', {}],
  ['tx.select', {}],
  ['queue.purge', { queue: Q }],
  ['channel.close', { replyCode: 200, replyText: 'bye' }],
];

function mutatedFrames(rand: () => number, count: number): Buffer[] {
  const out: Buffer[] = [];
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  for (let i = 0; i < count; i++) {
    const channel = rand() < 0.8 ? 1 : Math.floor(rand() * 4);
    const r = rand();
    if (r < 0.45) {
      const [name, args] = pick(SEEDS);
      out.push(encodeMethod(channel, name, args));
    } else if (r < 0.65) {
      // A real method with its arguments cut short or bytes flipped.
      const [name, args] = pick(SEEDS);
      const payload = Buffer.from(encodeMethodPayload(name, args));
      const cut = rand() < 0.5 ? payload.subarray(0, 4 + Math.floor(rand() * (payload.length - 4))) : payload;
      if (cut.length > 4) cut[4 + Math.floor(rand() * (cut.length - 4))] ^= 1 << Math.floor(rand() * 8);
      out.push(encodeFrame(FRAME_METHOD, channel, cut));
    } else if (r < 0.8) {
      const header = Buffer.alloc(14);
      header.writeUInt16BE(rand() < 0.9 ? 60 : 50, 0);
      header.writeUInt32BE(Math.floor(rand() * 40), 8);
      header.writeUInt16BE(Math.floor(rand() * 0x10000) & 0xfffc, 12);
      out.push(encodeFrame(FRAME_HEADER, channel, rand() < 0.7 ? header.subarray(0, 14) : Buffer.concat([header, randomBytes(rand, 20)])));
    } else {
      // (Unframed garbage is the frame parser's fuzz test; here every frame is well framed, so the
      // connection.close sent after the stream is always read.)
      out.push(encodeFrame(FRAME_BODY, channel, randomBytes(rand, Math.floor(rand() * 50))));
    }
  }
  return out;
}

function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

describe('fuzzing an open connection', () => {
  it('200 seeded streams of mutated frames: the broker answers or closes, and stays up', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = prng(seed);
      const c = await RawClient.open(broker, {});
      await c.openChannel(1);
      for (const f of mutatedFrames(rand, 30)) c.sendRaw(f);
      // Either the broker closed the connection (a hard error) or it is still answering on channel 0.
      const closed = c.waitForSocketClose(3000).then(
        () => true,
        () => false,
      );
      c.sendRaw(encodeMethod(0, 'connection.close', { replyCode: 200, replyText: 'done' }));
      expect(await closed).toBe(true);
      c.destroy();
      if (seed % 50 === 0) await assertBrokerAlive(broker);
    }
    await assertBrokerAlive(broker);
  });
});
