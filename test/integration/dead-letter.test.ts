// Dead-lettering of rejected messages (basic.reject / basic.nack with requeue=false): the x-death header, its
// collapsing rules, x-first-death-*, routing to the DLX, a missing DLX, rejection cycles.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682); the x-last-death-* headers
// are RabbitMQ 3.13+ and asserted on Warren only.
// The expired / maxlen reasons and the retry-with-delay pattern are in dead-letter-reasons.test.ts.
import { describe, expect, it } from 'vitest';
import type { Channel, ConsumeMessage, GetMessage } from 'amqplib';
import { MethodId as defs } from '../../src/amqp/spec.generated.js';
import { getEventually, useTestBroker, uniq } from '../helpers/amqp-tracker.js';

const env = useTestBroker();
const t = env.tracker;
/** 3.10.8 lacks x-last-death-* (added in 3.13); Warren sends them as the issue asks. */
const WARREN = () => !env.broker.external;

async function channel(): Promise<Channel> {
  const conn = await t.connect();
  return conn.createChannel();
}

const queue = (ch: Channel, prefix: string, args: Record<string, unknown> = {}): Promise<string> => t.queue(ch, prefix, args);

/** The next message a consumer on q receives (the consumer is cancelled after it). */
async function next(ch: Channel, q: string, noAck = true): Promise<ConsumeMessage> {
  let resolve!: (m: ConsumeMessage) => void;
  const got = new Promise<ConsumeMessage>((r) => (resolve = r));
  const { consumerTag } = await ch.consume(q, (m) => m && resolve(m), { noAck });
  const m = await got;
  await ch.cancel(consumerTag);
  return m;
}

const getOne = (ch: Channel, q: string): Promise<GetMessage> => getEventually(ch, q, false);

/** amqplib decodes a timestamp ('T') as {'!': 'timestamp', value: seconds}. */
const timestamp = { '!': 'timestamp', value: expect.any(Number) };

describe('dead-lettering rejected messages', () => {
  it('a rejected message goes to the DLX with x-death, x-first-death-* and its expiration saved', async () => {
    const ch = await channel();
    const dlq = await queue(ch, 'dlq');
    const dlx = uniq('dlx');
    t.exchanges.add(dlx);
    await ch.assertExchange(dlx, 'fanout', { durable: false });
    await ch.bindQueue(dlq, dlx, '');
    const work = await queue(ch, 'work', { 'x-dead-letter-exchange': dlx });
    const before = Math.floor(Date.now() / 1000);
    ch.sendToQueue(work, Buffer.from('body'), {
      persistent: true,
      expiration: '60000',
      messageId: 'm1',
      headers: { zed: 1, alpha: 'a' },
    });
    const m = await getOne(ch, work);
    ch.reject(m, false);
    const d = await next(ch, dlq);
    expect(d.content.toString()).toBe('body');
    expect(d.fields.exchange).toBe(dlx);
    expect(d.fields.routingKey).toBe(work); // no x-dead-letter-routing-key: the original key
    expect(d.properties.deliveryMode).toBe(2);
    expect(d.properties.messageId).toBe('m1');
    expect(d.properties.expiration).toBeUndefined();
    const h = d.properties.headers as Record<string, any>;
    const xDeath = h['x-death'];
    expect(xDeath).toEqual([
      { count: 1, reason: 'rejected', queue: work, time: timestamp, exchange: '', 'routing-keys': [work], 'original-expiration': '60000' },
    ]);
    // RabbitMQ's field order for a first death; time is whole seconds.
    expect(Object.keys(xDeath[0])).toEqual(['count', 'reason', 'queue', 'time', 'exchange', 'routing-keys', 'original-expiration']);
    expect(xDeath[0].time.value).toBeGreaterThanOrEqual(before);
    expect(xDeath[0].time.value).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(h['x-first-death-queue']).toBe(work);
    expect(h['x-first-death-reason']).toBe('rejected');
    expect(h['x-first-death-exchange']).toBe('');
    expect(h.alpha).toBe('a');
    expect(h.zed).toBe(1);
    if (WARREN()) {
      expect(h['x-last-death-queue']).toBe(work);
      expect(h['x-last-death-reason']).toBe('rejected');
      expect(h['x-last-death-exchange']).toBe('');
      delete h['x-last-death-queue'];
      delete h['x-last-death-reason'];
      delete h['x-last-death-exchange'];
    }
    // RabbitMQ re-sorts the headers table when it adds x-death.
    expect(Object.keys(h)).toEqual(['alpha', 'x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'zed']);
  });

  it('nack with multiple dead-letters each message under the x-dead-letter-routing-key, dropping CC', async () => {
    const ch = await channel();
    const dlq = await queue(ch, 'dlq');
    const work = await queue(ch, 'work', { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq });
    const x = uniq('x');
    t.exchanges.add(x);
    await ch.assertExchange(x, 'direct', { durable: false });
    await ch.bindQueue(work, x, 'k');
    ch.publish(x, 'k', Buffer.from('1'), { headers: { CC: ['nowhere-1'] } });
    ch.publish(x, 'k', Buffer.from('2'));
    await getOne(ch, work);
    const m2 = await getOne(ch, work);
    ch.nack(m2, true, false);
    const a = await getOne(ch, dlq);
    const b = await getOne(ch, dlq);
    expect([a.content.toString(), b.content.toString()]).toEqual(['1', '2']);
    expect(a.fields.exchange).toBe('');
    expect(a.fields.routingKey).toBe(dlq);
    const ha = a.properties.headers as Record<string, any>;
    expect(ha.CC).toBeUndefined();
    // routing-keys records the keys the message had: its routing key, then its CC keys.
    expect(ha['x-death']).toEqual([{ count: 1, reason: 'rejected', queue: work, time: timestamp, exchange: x, 'routing-keys': ['k', 'nowhere-1'] }]);
    expect(ha['x-first-death-exchange']).toBe(x);
    const hb = b.properties.headers as Record<string, any>;
    expect(hb['x-death']).toEqual([{ count: 1, reason: 'rejected', queue: work, time: timestamp, exchange: x, 'routing-keys': ['k'] }]);
  });

  it('without a dead-letter routing key the message also follows its CC keys', async () => {
    const ch = await channel();
    const viaKey = await queue(ch, 'via-key');
    const viaCc = await queue(ch, 'via-cc');
    const dlx = uniq('dlx');
    t.exchanges.add(dlx);
    await ch.assertExchange(dlx, 'direct', { durable: false });
    const work = await queue(ch, 'work', { 'x-dead-letter-exchange': dlx });
    const cc = uniq('cc-key');
    await ch.bindQueue(viaKey, dlx, work);
    await ch.bindQueue(viaCc, dlx, cc);
    // CC names a key with no queue on the default exchange, so only the work queue gets it at publish.
    ch.sendToQueue(work, Buffer.from('cc'), { headers: { CC: [cc] } });
    ch.reject(await getOne(ch, work), false);
    const a = await getOne(ch, viaKey);
    const b = await getOne(ch, viaCc);
    expect(a.content.toString()).toBe('cc');
    expect(b.content.toString()).toBe('cc');
    expect(b.fields.routingKey).toBe(work); // delivered under its first key
    const h = b.properties.headers as Record<string, any>;
    expect(h.CC).toEqual([cc]);
    expect(h['x-death'][0]['routing-keys']).toEqual([work, cc]);
  });

  it('x-death collapses by queue and reason: count goes up, the entry moves to the front (RabbitMQ 3.10 order)', async () => {
    const ch = await channel();
    const [q1, q2, q3] = [uniq('ring1'), uniq('ring2'), uniq('ring3')];
    for (const [q, to] of [
      [q1, q2],
      [q2, q3],
      [q3, q1],
    ]) {
      t.queues.add(q);
      await ch.assertQueue(q, { durable: false, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': to } });
    }
    ch.sendToQueue(q1, Buffer.from('ring'), { expiration: '60000' });
    const seen: string[][] = [];
    const counts: number[][] = [];
    for (const q of [q1, q2, q3, q1, q2, q3, q1]) {
      const m = await getOne(ch, q);
      const deaths = ((m.properties.headers ?? {})['x-death'] ?? []) as Record<string, any>[];
      seen.push(deaths.map((d) => d.queue));
      counts.push(deaths.map((d) => d.count));
      ch.reject(m, false);
      if (q === q1 && seen.length === 7) {
        // Collapsed entries keep their first time, exchange and routing keys, and get RabbitMQ's sorted key order.
        const e = deaths.find((d) => d.queue === q1) as Record<string, any>;
        expect(Object.keys(e)).toEqual(['count', 'exchange', 'original-expiration', 'queue', 'reason', 'routing-keys', 'time']);
        expect(e['routing-keys']).toEqual([q1]);
        expect(e['original-expiration']).toBe('60000');
      }
    }
    // RabbitMQ 3.10 regroups older entries with a fold that reverses them: this is the order it sends.
    expect(seen).toEqual([[], [q1], [q2, q1], [q3, q1, q2], [q1, q2, q3], [q2, q3, q1], [q3, q1, q2]]);
    expect(counts).toEqual([[], [1], [1, 1], [1, 1, 1], [2, 1, 1], [2, 1, 2], [2, 2, 2]]);
    await getOne(ch, q2); // the message is still going round
  });

  it('a queue whose dead letters come back to itself keeps counting rejections (no cycle: rejected)', async () => {
    const ch = await channel();
    const q = await queue(ch, 'self', { 'x-dead-letter-exchange': '' });
    ch.sendToQueue(q, Buffer.from('again'));
    for (const count of [undefined, 1, 2, 3]) {
      const m = await getOne(ch, q);
      const deaths = (m.properties.headers ?? {})['x-death'];
      expect(deaths?.[0]?.count).toBe(count);
      ch.reject(m, false);
    }
    expect((await getOne(ch, q)).properties.headers?.['x-death']?.[0].count).toBe(4);
  });

  it('a missing dead-letter exchange drops the message; the channel stays usable', async () => {
    const ch = await channel();
    const q = await queue(ch, 'lost', { 'x-dead-letter-exchange': uniq('no-such-exchange') });
    ch.sendToQueue(q, Buffer.from('x'));
    ch.reject(await getOne(ch, q), false);
    const ok = await ch.checkQueue(q);
    expect(ok.messageCount).toBe(0);
  });

  it('reject with requeue=true does not dead-letter, and a queue without DLX drops rejected messages', async () => {
    const ch = await channel();
    const dlq = await queue(ch, 'dlq');
    const q = await queue(ch, 'requeue', { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq });
    const plain = await queue(ch, 'plain');
    ch.sendToQueue(q, Buffer.from('r'));
    ch.sendToQueue(plain, Buffer.from('p'));
    ch.reject(await getOne(ch, q), true);
    const again = await getOne(ch, q);
    expect(again.fields.redelivered).toBe(true);
    expect(again.properties.headers?.['x-death']).toBeUndefined();
    ch.reject(await getOne(ch, plain), false);
    expect((await ch.checkQueue(plain)).messageCount).toBe(0);
    expect((await ch.checkQueue(dlq)).messageCount).toBe(0);
  });

  it('rejects inside a transaction dead-letter at commit', async () => {
    const conn = await t.connect();
    const ch = await conn.createChannel();
    const dlq = await queue(ch, 'dlq');
    const q = await queue(ch, 'tx', { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq });
    ch.sendToQueue(q, Buffer.from('t'));
    const m = await getOne(ch, q);
    // amqplib has no tx API on the channel model: send the methods through its rpc.
    const rpc = (ch as unknown as { rpc(method: number, fields: object, expect: number): Promise<unknown> }).rpc.bind(ch);
    await rpc(defs.TxSelect, {}, defs.TxSelectOk);
    ch.reject(m, false);
    expect((await ch.checkQueue(dlq)).messageCount).toBe(0);
    await rpc(defs.TxCommit, {}, defs.TxCommitOk);
    const d = await getOne(ch, dlq);
    expect(d.content.toString()).toBe('t');
  });
});
