// Direct reply-to (amq.rabbitmq.reply-to): RPC without a reply queue, and the errors RabbitMQ gives for misuse.
// Every assertion was checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { AmqpTracker, uniq } from '../helpers/amqp-tracker.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const RT = 'amq.rabbitmq.reply-to';
let broker: TestBroker;
const t = new AmqpTracker(() => broker.url);

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await t.cleanup();
  await broker.close();
});

/** An RPC server on its own connection: answers each request on its reply_to with the body upper-cased. */
async function rpcServer(conn: ChannelModel): Promise<{ queue: string; replyTos: string[] }> {
  const ch = await conn.createChannel();
  const queue = uniq('rpc');
  t.queues.add(queue);
  await ch.assertQueue(queue, { durable: false });
  const replyTos: string[] = [];
  await ch.consume(queue, (m) => {
    if (m === null) return;
    replyTos.push(m.properties.replyTo);
    ch.publish('', m.properties.replyTo, Buffer.from(m.content.toString().toUpperCase()), { correlationId: m.properties.correlationId });
    ch.ack(m);
  });
  return { queue, replyTos };
}

/** Resolves with the channel's close error. */
function closed(ch: Channel): Promise<{ message: string; code: number; classId: number; methodId: number }> {
  return new Promise((resolve) => ch.once('error', resolve));
}

describe('direct reply-to RPC (amqplib)', () => {
  it('requests carry a per-channel reply address; replies reach the no-ack consumer without a queue', async () => {
    const server = await rpcServer(await t.connect());
    const client = await (await t.connect()).createChannel();
    const replies = new Map<string, ConsumeMessage>();
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const { consumerTag } = await client.consume(
      RT,
      (m) => {
        if (m === null) return;
        replies.set(m.properties.correlationId, m);
        if (replies.size === 3) done();
      },
      { noAck: true },
    );
    for (const w of ['a', 'b', 'c']) client.sendToQueue(server.queue, Buffer.from(w), { replyTo: RT, correlationId: w });
    await all;
    expect([...replies.keys()].sort()).toEqual(['a', 'b', 'c']);
    const a = replies.get('a') as ConsumeMessage;
    expect(a.content.toString()).toBe('A');
    expect(a.fields.consumerTag).toBe(consumerTag);
    expect(a.fields.exchange).toBe('');
    expect(a.fields.redelivered).toBe(false);
    // The server saw the rewritten reply_to, the same one for every request of the channel.
    const address = server.replyTos[0];
    expect(address.startsWith(RT + '.')).toBe(true);
    expect(address.length).toBeGreaterThan(RT.length + 8);
    expect(new Set(server.replyTos).size).toBe(1);
    expect(a.fields.routingKey).toBe(address);
    // RabbitMQ 3.10.8 gives replies the channel's next delivery tag without using it up (they are never acked).
    expect([...replies.values()].map((m) => m.fields.deliveryTag)).toEqual([1, 1, 1]);
  });

  it('a reply address "exists" for queue.declare while its consumer lives; the pseudo-queue always does', async () => {
    const conn = await t.connect();
    const client = await conn.createChannel();
    const other = await conn.createChannel();
    expect(await other.checkQueue(RT)).toEqual({ queue: RT, messageCount: 0, consumerCount: 1 });
    expect(await other.assertQueue(RT)).toEqual({ queue: RT, messageCount: 0, consumerCount: 1 });
    const server = await rpcServer(await t.connect());
    const got = new Promise<void>((resolve, reject) => {
      client.consume(RT, () => resolve(), { noAck: true }).catch(reject);
    });
    client.sendToQueue(server.queue, Buffer.from('x'), { replyTo: RT });
    await got;
    const address = server.replyTos[0];
    expect(await other.checkQueue(address)).toEqual({ queue: address, messageCount: 0, consumerCount: 1 });
    const third = await conn.createChannel();
    const gone = closed(third);
    await expect(third.checkQueue(address + 'x')).rejects.toThrow(`NOT_FOUND - no queue '${address}x' in vhost '/'`);
    expect((await gone).code).toBe(404);
  });

  it('replies to an unknown or cancelled address are unroutable (mandatory: 312 NO_ROUTE)', async () => {
    const conn = await t.connect();
    const client = await conn.createChannel();
    const server = await rpcServer(await t.connect());
    const got = new Promise<void>((resolve, reject) => {
      client.consume(RT, () => resolve(), { noAck: true }).then((ok) => (tag = ok.consumerTag), reject);
    });
    let tag = '';
    client.sendToQueue(server.queue, Buffer.from('x'), { replyTo: RT });
    await got;
    const address = server.replyTos[0];
    await client.cancel(tag);
    const pub = await conn.createChannel();
    const returns: { code: number; rk: string }[] = [];
    let two!: () => void;
    const both = new Promise<void>((r) => (two = r));
    pub.on('return', (m) => {
      returns.push({ code: (m.fields as unknown as { replyCode: number }).replyCode, rk: m.fields.routingKey });
      if (returns.length === 2) two();
    });
    pub.publish('', address, Buffer.from('late'), { mandatory: true });
    pub.publish('', RT + '.garbage', Buffer.from('lost'), { mandatory: true });
    await both;
    expect(returns).toEqual([
      { code: 312, rk: address },
      { code: 312, rk: RT + '.garbage' },
    ]);
  });
});

describe('direct reply-to errors (RabbitMQ 3.10.8 texts)', () => {
  it('consuming with acknowledgements: 406 reply consumer cannot acknowledge', async () => {
    const ch = await (await t.connect()).createChannel();
    const gone = closed(ch);
    await expect(ch.consume(RT, () => {}, { noAck: false })).rejects.toThrow('PRECONDITION_FAILED - reply consumer cannot acknowledge');
    expect(await gone).toMatchObject({ code: 406, classId: 60, methodId: 20 });
  });

  it('a second reply consumer on the channel: 406 reply consumer already set', async () => {
    const ch = await (await t.connect()).createChannel();
    await ch.consume(RT, () => {}, { noAck: true });
    const gone = closed(ch);
    await expect(ch.consume(RT, () => {}, { noAck: true })).rejects.toThrow('PRECONDITION_FAILED - reply consumer already set');
    expect((await gone).code).toBe(406);
  });

  it('publishing with reply_to amq.rabbitmq.reply-to without consuming first: 406 fast reply consumer does not exist', async () => {
    const conn = await t.connect();
    const ch = await conn.createChannel();
    const gone = closed(ch);
    ch.publish('', uniq('nowhere'), Buffer.from('x'), { replyTo: RT });
    expect(await gone).toMatchObject({ code: 406, classId: 60, methodId: 40 });
    expect((await gone).message).toContain('PRECONDITION_FAILED - fast reply consumer does not exist');
  });

  it('the reply address is per channel: another channel of the same connection cannot use it', async () => {
    const conn = await t.connect();
    const consumer = await conn.createChannel();
    await consumer.consume(RT, () => {}, { noAck: true });
    const ch = await conn.createChannel();
    const gone = closed(ch);
    ch.publish('', uniq('nowhere'), Buffer.from('x'), { replyTo: RT });
    expect((await gone).code).toBe(406);
  });

  it('after basic.cancel the channel may consume again; publishing in between fails', async () => {
    const conn = await t.connect();
    const ch = await conn.createChannel();
    const { consumerTag } = await ch.consume(RT, () => {}, { noAck: true });
    await ch.cancel(consumerTag);
    const again = await ch.consume(RT, () => {}, { noAck: true });
    expect(again.consumerTag).not.toBe(consumerTag);
    await ch.cancel(again.consumerTag);
    const gone = closed(ch);
    ch.publish('', uniq('nowhere'), Buffer.from('x'), { replyTo: RT });
    expect((await gone).message).toContain('fast reply consumer does not exist');
  });

  it('basic.get, bind and purge of the pseudo-queue: 404 no queue', async () => {
    const conn = await t.connect();
    for (const op of [
      (ch: Channel) => ch.get(RT),
      (ch: Channel) => ch.bindQueue(RT, 'amq.direct', 'k'),
      (ch: Channel) => ch.purgeQueue(RT),
    ]) {
      const ch = await conn.createChannel();
      const gone = closed(ch);
      await expect(op(ch)).rejects.toThrow(`NOT_FOUND - no queue '${RT}' in vhost '/'`);
      expect((await gone).code).toBe(404);
    }
  });
});
