// Queue length limits: x-max-length, x-max-length-bytes (body bytes of ready messages) and x-overflow
// (drop-head, reject-publish, reject-publish-dlx). Refused publishes are nacked in confirm mode.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
import { describe, expect, it } from 'vitest';
import type { Channel, ConfirmChannel } from 'amqplib';
import { MethodId as defs } from '../../src/amqp/spec.generated.js';
import { useTestBroker, uniq, drain } from '../helpers/amqp-tracker.js';

const env = useTestBroker();
const tracker = env.tracker;

const queue = (ch: Channel, prefix: string, args: Record<string, unknown> = {}): Promise<string> => tracker.queue(ch, prefix, args);

/** Publishes each body in confirm mode; resolves with 'ack' or 'nack' per publish. */
async function confirmed(ch: ConfirmChannel, exchange: string, rk: string, bodies: string[]): Promise<string[]> {
  const out = bodies.map(
    (b) => new Promise<string>((resolve) => ch.publish(exchange, rk, Buffer.from(b), {}, (err) => resolve(err ? 'nack' : 'ack'))),
  );
  return Promise.all(out);
}

describe('x-max-length / x-max-length-bytes', () => {
  it('drop-head (default) drops the oldest messages and acks every publish', async () => {
    const ch = await env.conn.createConfirmChannel();
    const q = await queue(ch, 'len-drop', { 'x-max-length': 2 });
    expect(await confirmed(ch, '', q, ['1', '2', '3', '4', '5'])).toEqual(['ack', 'ack', 'ack', 'ack', 'ack']);
    expect(await drain(ch, q)).toEqual(['4', '5']);
    await ch.close();
  });

  it('x-max-length-bytes counts body bytes of ready messages', async () => {
    const ch = await env.conn.createConfirmChannel();
    const q = await queue(ch, 'len-bytes', { 'x-max-length-bytes': 10 });
    await confirmed(ch, '', q, ['aaaa', 'bbbb', 'cccc', 'dd']);
    // 4 + 4 + 2 = 10 fits; the first had to go.
    expect(await drain(ch, q)).toEqual(['bbbb', 'cccc', 'dd']);
    await ch.close();
  });

  it('x-max-length 0 with drop-head: a waiting consumer still gets the message', async () => {
    const ch = await env.conn.createConfirmChannel();
    const q = await queue(ch, 'len-zero', { 'x-max-length': 0 });
    await confirmed(ch, '', q, ['dropped']);
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
    const got = new Promise<string>((resolve) => {
      void ch.consume(q, (m) => m && resolve(m.content.toString()), { noAck: true });
    });
    await ch.checkQueue(q);
    await confirmed(ch, '', q, ['delivered']);
    expect(await got).toBe('delivered');
    await ch.close();
  });

  it('reject-publish nacks publishes over the limit and keeps the queue as it was', async () => {
    const ch = await env.conn.createConfirmChannel();
    const q = await queue(ch, 'len-reject', { 'x-max-length': 2, 'x-overflow': 'reject-publish' });
    expect(await confirmed(ch, '', q, ['1', '2', '3', '4'])).toEqual(['ack', 'ack', 'nack', 'nack']);
    expect(await drain(ch, q)).toEqual(['1', '2']);
    // Room again: accepted.
    expect(await confirmed(ch, '', q, ['5'])).toEqual(['ack']);
    await ch.close();
  });

  it('reject-publish by bytes refuses a message that would go over', async () => {
    const ch = await env.conn.createConfirmChannel();
    const q = await queue(ch, 'len-reject-bytes', { 'x-max-length-bytes': 5, 'x-overflow': 'reject-publish' });
    expect(await confirmed(ch, '', q, ['abc', 'def', 'gh'])).toEqual(['ack', 'nack', 'ack']);
    expect(await drain(ch, q)).toEqual(['abc', 'gh']);
    await ch.close();
  });

  it('reject-publish without confirms drops the message silently', async () => {
    const ch = await env.conn.createChannel();
    const q = await queue(ch, 'len-reject-noconfirm', { 'x-max-length': 1, 'x-overflow': 'reject-publish' });
    ch.sendToQueue(q, Buffer.from('1'));
    ch.sendToQueue(q, Buffer.from('2'));
    expect(await drain(ch, q)).toEqual(['1']);
    await ch.close();
  });

  it('a message routed to several queues is nacked when one of them refuses it (and kept by the others)', async () => {
    const ch = await env.conn.createConfirmChannel();
    const x = uniq('len-fanout');
    tracker.exchanges.add(x);
    await ch.assertExchange(x, 'fanout', { durable: false });
    const full = await queue(ch, 'len-full', { 'x-max-length': 1, 'x-overflow': 'reject-publish' });
    const open = await queue(ch, 'len-open');
    await ch.bindQueue(full, x, '');
    await ch.bindQueue(open, x, '');
    expect(await confirmed(ch, x, '', ['1', '2', '3'])).toEqual(['ack', 'nack', 'nack']);
    expect(await drain(ch, full)).toEqual(['1']);
    expect(await drain(ch, open)).toEqual(['1', '2', '3']);
    await ch.close();
  });

  it('reject-publish-dlx nacks the publish and dead-letters it', async () => {
    const ch = await env.conn.createConfirmChannel();
    const dlx = uniq('len-dlx');
    tracker.exchanges.add(dlx);
    await ch.assertExchange(dlx, 'fanout', { durable: false });
    const dead = await queue(ch, 'len-dead');
    await ch.bindQueue(dead, dlx, '');
    const q = await queue(ch, 'len-reject-dlx', { 'x-max-length': 1, 'x-overflow': 'reject-publish-dlx', 'x-dead-letter-exchange': dlx });
    expect(await confirmed(ch, '', q, ['1', '2'])).toEqual(['ack', 'nack']);
    expect(await drain(ch, q)).toEqual(['1']);
    const m = await ch.get(dead, { noAck: true });
    expect(m && m.content.toString()).toBe('2');
    expect(m && (m.properties.headers?.['x-death'] as { reason: string }[])[0]?.reason).toBe('maxlen');
    await ch.close();
  });

  it('tx.commit including a publish refused by a full reject-publish queue: 406 partial tx completion, the rest is applied', async () => {
    const ch = await env.conn.createChannel();
    ch.on('error', () => {});
    const q = await queue(ch, 'len-tx', { 'x-max-length': 1, 'x-overflow': 'reject-publish' });
    // amqplib has no tx API: send the RPCs through its generic rpc() (method ids are class << 16 | method, as in Warren's spec).
    const raw = ch as unknown as { rpc(method: number, fields: object, expect: number): Promise<unknown> };
    await raw.rpc(defs.TxSelect, {}, defs.TxSelectOk);
    ch.sendToQueue(q, Buffer.from('1'));
    ch.sendToQueue(q, Buffer.from('2'));
    await expect(raw.rpc(defs.TxCommit, {}, defs.TxCommitOk)).rejects.toThrow('406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - partial tx completion"');
    const ch2 = await env.conn.createChannel();
    expect(await drain(ch2, q)).toEqual(['1']);
    await ch2.close();
  });
});
