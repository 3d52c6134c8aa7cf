/**
 * Soft errors: each closes only the channel (channel.close with code, exact text, class-id and method-id of the
 * offending method); the connection and other channels keep working, and after close-ok the channel number can be
 * opened again. Assertions describe RabbitMQ 3.10.8 (run with WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { FRAME_HEARTBEAT, methodIds, RawClient, typed, uniq, type MethodArgs } from '../helpers/raw-client.js';

let broker: TestBroker;
/** The connection under test: channel 1 is the one that fails, channel 2 must survive. */
let c: RawClient;
const others: RawClient[] = [];
const S = uniq('chan-err');
const queues = new Set<string>();
const exchanges = new Set<string>();
const ERR = 1;
const OK = 2;

/** A queue name for this run, deleted in afterAll. */
function qname(name: string): string {
  const n = `${S}-q-${name}`;
  queues.add(n);
  return n;
}

/** An exchange name for this run, deleted in afterAll. */
function xname(name: string): string {
  const n = `${S}-x-${name}`;
  exchanges.add(n);
  return n;
}

/** A name that is never declared. */
function missing(name: string): string {
  return `${S}-missing-${name}`;
}

beforeAll(async () => {
  broker = await startTestBroker();
});

beforeEach(async () => {
  c = await RawClient.open(broker);
  await c.openChannel(ERR);
  await c.openChannel(OK);
});

afterEach(async () => {
  for (const o of others.splice(0)) await o.close(2000).catch(() => o.destroy());
  await c.close(2000).catch(() => c.destroy());
});

afterAll(async () => {
  if (broker) {
    const cleaner = await RawClient.open(broker);
    await cleaner.openChannel(1);
    for (const q of queues) await cleaner.call(1, 'queue.delete', { queue: q });
    for (const x of exchanges) await cleaner.call(1, 'exchange.delete', { exchange: x });
    await cleaner.close();
    await broker.close();
  }
});

/** A second connection with channel 1 open, closed after the test. */
async function otherConnection(): Promise<RawClient> {
  const o = await RawClient.open(broker);
  others.push(o);
  await o.openChannel(1);
  return o;
}

async function declareQueue(queue: string, args: MethodArgs = {}): Promise<void> {
  await c.call(OK, 'queue.declare', { queue, ...args });
}

async function declareExchange(exchange: string, type: string, args: MethodArgs = {}): Promise<void> {
  await c.call(OK, 'exchange.declare', { exchange, type, ...args });
}

/**
 * The next frame on `ch` is channel.close(code, text, ids of `method`); the client answers close-ok; the other
 * channel still works; the same channel number opens again and works.
 */
async function expectChannelError(code: number, text: string, method: string, ch = ERR): Promise<void> {
  const close = await c.expectMethod(ch, 'channel.close');
  const [classId, methodId] = methodIds(method);
  expect(close.args).toEqual({ replyCode: code, replyText: text, classId, methodId });
  c.sendMethod(ch, 'channel.close-ok');
  const other = ch === OK ? ERR : OK;
  await c.call(other, 'exchange.declare', { exchange: 'amq.direct', type: 'direct', passive: true });
  await c.openChannel(ch);
  await c.call(ch, 'basic.qos', { prefetchCount: 10 });
  expect(c.closed).toBe(false);
}

describe('404 NOT_FOUND', () => {
  it("publish to a missing exchange closes the channel: NOT_FOUND - no exchange 'x' in vhost '/'", async () => {
    const x = missing('ex');
    c.publish(ERR, 'hello', { exchange: x, routingKey: 'k' });
    await expectChannelError(404, `NOT_FOUND - no exchange '${x}' in vhost '/'`, 'basic.publish');
  });

  it('passive queue.declare of a missing queue', async () => {
    const q = missing('q');
    c.sendMethod(ERR, 'queue.declare', { queue: q, passive: true });
    await expectChannelError(404, `NOT_FOUND - no queue '${q}' in vhost '/'`, 'queue.declare');
  });

  it('passive exchange.declare of a missing exchange', async () => {
    const x = missing('x');
    c.sendMethod(ERR, 'exchange.declare', { exchange: x, type: 'direct', passive: true });
    await expectChannelError(404, `NOT_FOUND - no exchange '${x}' in vhost '/'`, 'exchange.declare');
  });

  it('passive declare of a missing amq.* exchange or queue is 404, not 403', async () => {
    const name = `amq.${S}`;
    c.sendMethod(ERR, 'exchange.declare', { exchange: name, type: 'direct', passive: true });
    await expectChannelError(404, `NOT_FOUND - no exchange '${name}' in vhost '/'`, 'exchange.declare');
    c.sendMethod(ERR, 'queue.declare', { queue: name, passive: true });
    await expectChannelError(404, `NOT_FOUND - no queue '${name}' in vhost '/'`, 'queue.declare');
  });

  it('queue.bind to a missing queue', async () => {
    const q = missing('q');
    c.sendMethod(ERR, 'queue.bind', { queue: q, exchange: 'amq.direct', routingKey: 'k' });
    await expectChannelError(404, `NOT_FOUND - no queue '${q}' in vhost '/'`, 'queue.bind');
  });

  it('queue.bind to a missing exchange; with both missing the exchange is reported', async () => {
    const q = qname('bind');
    const x = missing('x');
    await declareQueue(q);
    c.sendMethod(ERR, 'queue.bind', { queue: q, exchange: x, routingKey: 'k' });
    await expectChannelError(404, `NOT_FOUND - no exchange '${x}' in vhost '/'`, 'queue.bind');
    c.sendMethod(ERR, 'queue.bind', { queue: missing('q'), exchange: x, routingKey: 'k' });
    await expectChannelError(404, `NOT_FOUND - no exchange '${x}' in vhost '/'`, 'queue.bind');
  });

  it('exchange.bind with a missing source or destination', async () => {
    const x = missing('x');
    c.sendMethod(ERR, 'exchange.bind', { destination: 'amq.fanout', source: x });
    await expectChannelError(404, `NOT_FOUND - no exchange '${x}' in vhost '/'`, 'exchange.bind');
    c.sendMethod(ERR, 'exchange.bind', { destination: x, source: 'amq.fanout' });
    await expectChannelError(404, `NOT_FOUND - no exchange '${x}' in vhost '/'`, 'exchange.bind');
  });

  it.each([
    ['basic.consume', (q: string): MethodArgs => ({ queue: q, consumerTag: 'c1' })],
    ['basic.get', (q: string): MethodArgs => ({ queue: q })],
    ['queue.purge', (q: string): MethodArgs => ({ queue: q })],
  ])('%s of a missing queue', async (method, args) => {
    const q = missing('q');
    c.sendMethod(ERR, method, args(q));
    await expectChannelError(404, `NOT_FOUND - no queue '${q}' in vhost '/'`, method);
  });

  it.each([
    ['basic.get', { queue: '' }],
    ['basic.consume', { queue: '' }],
    ['queue.purge', { queue: '' }],
    ['queue.bind', { queue: '', exchange: 'amq.direct' }],
    ['queue.delete', { queue: '' }],
  ])('%s with an empty queue name and no queue declared on the channel: no previously declared queue', async (method, args) => {
    c.sendMethod(ERR, method, args);
    await expectChannelError(404, 'NOT_FOUND - no previously declared queue', method);
  });
});

describe('406 PRECONDITION_FAILED on inequivalent redeclaration', () => {
  it.each([
    ['durable', { durable: true }, "inequivalent arg 'durable'", "received 'true' but current is 'false'"],
    ['auto_delete', { autoDelete: true }, "inequivalent arg 'auto_delete'", "received 'true' but current is 'false'"],
  ])('queue redeclared with a different %s', async (_n, flags, what, detail) => {
    const q = qname(`redecl-${_n}`);
    await declareQueue(q);
    c.sendMethod(ERR, 'queue.declare', { queue: q, ...flags });
    await expectChannelError(406, `PRECONDITION_FAILED - ${what} for queue '${q}' in vhost '/': ${detail}`, 'queue.declare');
  });

  it('queue x-args: different value, added arg, removed arg', async () => {
    const q = qname('ttl');
    await declareQueue(q, { arguments: { 'x-message-ttl': 1000 } });
    c.sendMethod(ERR, 'queue.declare', { queue: q, arguments: { 'x-message-ttl': 2000 } });
    await expectChannelError(406, `PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue '${q}' in vhost '/': received '2000' but current is '1000'`, 'queue.declare');
    c.sendMethod(ERR, 'queue.declare', { queue: q });
    await expectChannelError(406, `PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue '${q}' in vhost '/': received none but current is the value '1000' of type 'signedint'`, 'queue.declare');
    c.sendMethod(ERR, 'queue.declare', { queue: q, arguments: { 'x-message-ttl': 1000, 'x-dead-letter-exchange': 'dlx' } });
    await expectChannelError(406, `PRECONDITION_FAILED - inequivalent arg 'x-dead-letter-exchange' for queue '${q}' in vhost '/': received the value 'dlx' of type 'longstr' but current is none`, 'queue.declare');
    c.sendMethod(ERR, 'queue.declare', { queue: q, arguments: { 'x-message-ttl': 1000, 'x-max-length': 5 } });
    await expectChannelError(406, `PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '${q}' in vhost '/': received the value '5' of type 'signedint' but current is none`, 'queue.declare');
  });

  it('queue x-arg added to a queue declared without args', async () => {
    const q = qname('noargs');
    await declareQueue(q);
    c.sendMethod(ERR, 'queue.declare', { queue: q, arguments: { 'x-message-ttl': 20000 } });
    await expectChannelError(406, `PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue '${q}' in vhost '/': received the value '20000' of type 'signedint' but current is none`, 'queue.declare');
  });

  it('integer x-args compare by value across tags, and unknown x-args are not compared', async () => {
    const q = qname('tags');
    await declareQueue(q, { arguments: { 'x-message-ttl': 1000 } });
    await c.call(ERR, 'queue.declare', { queue: q, arguments: { 'x-message-ttl': typed('l', 1000) } });
    await c.call(ERR, 'queue.declare', { queue: q, arguments: { 'x-message-ttl': typed('s', 1000) } });
    await c.call(ERR, 'queue.declare', { queue: q, arguments: { 'x-message-ttl': 1000, 'x-unknown-arg': 'anything' } });
  });

  it('an invalid x-arg value: invalid arg ... {value_negative,-1}', async () => {
    const q = qname('invalid');
    c.sendMethod(ERR, 'queue.declare', { queue: q, arguments: { 'x-message-ttl': -1 } });
    await expectChannelError(406, `PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue '${q}' in vhost '/': {value_negative,-1}`, 'queue.declare');
  });

  it.each([
    ['type', { type: 'fanout' }, "received 'fanout' but current is 'direct'"],
    ['durable', { durable: true }, "received 'true' but current is 'false'"],
    ['auto_delete', { autoDelete: true }, "received 'true' but current is 'false'"],
    ['internal', { internal: true }, "received 'true' but current is 'false'"],
  ])('exchange redeclared with a different %s', async (what, change, detail) => {
    const x = xname(`redecl-${what}`);
    await declareExchange(x, 'direct');
    c.sendMethod(ERR, 'exchange.declare', { exchange: x, type: 'direct', ...change });
    await expectChannelError(406, `PRECONDITION_FAILED - inequivalent arg '${what}' for exchange '${x}' in vhost '/': ${detail}`, 'exchange.declare');
  });

  it('exchange redeclared with an added argument', async () => {
    const x = xname('redecl-args');
    await declareExchange(x, 'direct');
    c.sendMethod(ERR, 'exchange.declare', { exchange: x, type: 'direct', arguments: { 'alternate-exchange': 'ae' } });
    await expectChannelError(406, `PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange '${x}' in vhost '/': received the value 'ae' of type 'longstr' but current is none`, 'exchange.declare');
  });

  it('a passive exchange.declare does not check the type; amq.direct may be redeclared as it is', async () => {
    const x = xname('passive');
    await declareExchange(x, 'direct');
    await c.call(ERR, 'exchange.declare', { exchange: x, type: 'fanout', passive: true });
    await c.call(ERR, 'exchange.declare', { exchange: 'amq.direct', type: 'direct', durable: true });
    c.sendMethod(ERR, 'exchange.declare', { exchange: 'amq.direct', type: 'direct', durable: false });
    await expectChannelError(406, "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'amq.direct' in vhost '/': received 'false' but current is 'true'", 'exchange.declare');
  });
});

describe('406 PRECONDITION_FAILED on acknowledgements', () => {
  it.each(['basic.ack', 'basic.nack', 'basic.reject'])('%s of unknown delivery tag 99', async (method) => {
    c.sendMethod(ERR, method, { deliveryTag: 99 });
    await expectChannelError(406, 'PRECONDITION_FAILED - unknown delivery tag 99', method);
  });

  it('a second ack of the same tag: unknown delivery tag 1', async () => {
    const q = qname('double-ack');
    await declareQueue(q);
    c.publish(ERR, 'm', { routingKey: q });
    const d = await c.get(ERR, q);
    expect(d?.method.args.deliveryTag).toBe(1);
    c.sendMethod(ERR, 'basic.ack', { deliveryTag: 1 });
    c.sendMethod(ERR, 'basic.ack', { deliveryTag: 1 });
    await expectChannelError(406, 'PRECONDITION_FAILED - unknown delivery tag 1', 'basic.ack');
  });

  it('ack of tag 0 without multiple, or multiple up to a tag never delivered, is an unknown delivery tag', async () => {
    c.sendMethod(ERR, 'basic.ack', { deliveryTag: 0 });
    await expectChannelError(406, 'PRECONDITION_FAILED - unknown delivery tag 0', 'basic.ack');
    c.sendMethod(ERR, 'basic.ack', { deliveryTag: 5, multiple: true });
    await expectChannelError(406, 'PRECONDITION_FAILED - unknown delivery tag 5', 'basic.ack');
  });

  it('ack of tag 0 with multiple=true and nothing outstanding is accepted', async () => {
    c.sendMethod(ERR, 'basic.ack', { deliveryTag: 0, multiple: true });
    await c.call(ERR, 'basic.qos', { prefetchCount: 1 });
  });

  it('a delivery tag is per channel: acking it on another channel fails', async () => {
    const q = qname('tag-per-channel');
    await declareQueue(q);
    c.publish(OK, 'm', { routingKey: q });
    const d = await c.get(OK, q);
    expect(d?.method.args.deliveryTag).toBe(1);
    c.sendMethod(ERR, 'basic.ack', { deliveryTag: 1 });
    await expectChannelError(406, 'PRECONDITION_FAILED - unknown delivery tag 1', 'basic.ack');
    c.sendMethod(OK, 'basic.ack', { deliveryTag: 1 });
    await c.call(OK, 'basic.qos', { prefetchCount: 1 });
  });
});

describe('405 RESOURCE_LOCKED and 403 ACCESS_REFUSED', () => {
  const locked = (q: string): string =>
    `RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '${q}' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`;

  it.each([
    ['queue.declare', '', (q: string): MethodArgs => ({ queue: q })],
    ['queue.declare', '(passive)', (q: string): MethodArgs => ({ queue: q, passive: true })],
    ['basic.consume', '', (q: string): MethodArgs => ({ queue: q })],
    ['basic.get', '', (q: string): MethodArgs => ({ queue: q })],
    ['queue.purge', '', (q: string): MethodArgs => ({ queue: q })],
    ['queue.delete', '', (q: string): MethodArgs => ({ queue: q })],
    ['queue.bind', '', (q: string): MethodArgs => ({ queue: q, exchange: 'amq.direct', routingKey: 'k' })],
  ])("%s %s on another connection's exclusive queue", async (method, _label, args) => {
    const owner = await otherConnection();
    const q = `${S}-excl-${Math.random().toString(36).slice(2, 8)}`;
    await owner.call(1, 'queue.declare', { queue: q, exclusive: true });
    c.sendMethod(ERR, method, args(q));
    await expectChannelError(405, locked(q), method);
  });

  it("queue.unbind on another connection's exclusive queue succeeds (RabbitMQ 3.10.8 does not check exclusivity there)", async () => {
    const owner = await otherConnection();
    const q = `${S}-excl-unbind`;
    await owner.call(1, 'queue.declare', { queue: q, exclusive: true });
    await c.call(ERR, 'queue.unbind', { queue: q, exchange: 'amq.direct', routingKey: 'k' });
  });

  it('redeclaring a queue with a different exclusive flag on the same connection is 405', async () => {
    const q = qname('excl-flag');
    await declareQueue(q);
    c.sendMethod(ERR, 'queue.declare', { queue: q, exclusive: true });
    await expectChannelError(405, locked(q), 'queue.declare');
  });

  it('basic.consume on a queue with an exclusive consumer, and exclusive consume on a queue with consumers', async () => {
    const q = qname('excl-consume');
    await declareQueue(q);
    const other = await otherConnection();
    await other.call(1, 'basic.consume', { queue: q, consumerTag: 'owner', exclusive: true });
    c.sendMethod(ERR, 'basic.consume', { queue: q, consumerTag: 'c1' });
    await expectChannelError(403, `ACCESS_REFUSED - queue '${q}' in vhost '/' in exclusive use`, 'basic.consume');
    await other.call(1, 'basic.cancel', { consumerTag: 'owner' });
    await other.call(1, 'basic.consume', { queue: q, consumerTag: 'shared' });
    c.sendMethod(ERR, 'basic.consume', { queue: q, consumerTag: 'c2', exclusive: true });
    await expectChannelError(403, `ACCESS_REFUSED - queue '${q}' in vhost '/' in exclusive use`, 'basic.consume');
  });

  it("declaring an exchange or a queue named amq.* is refused: contains reserved prefix 'amq.*'", async () => {
    const name = `amq.${S}`;
    c.sendMethod(ERR, 'exchange.declare', { exchange: name, type: 'direct' });
    await expectChannelError(403, `ACCESS_REFUSED - exchange name '${name}' contains reserved prefix 'amq.*'`, 'exchange.declare');
    c.sendMethod(ERR, 'queue.declare', { queue: name });
    await expectChannelError(403, `ACCESS_REFUSED - queue name '${name}' contains reserved prefix 'amq.*'`, 'queue.declare');
  });

  it.each([
    ['exchange.declare', { exchange: '', type: 'direct' }],
    ['exchange.declare', { exchange: '', type: 'direct', passive: true }],
    ['exchange.delete', { exchange: '' }],
    ['queue.bind', { queue: 'QUEUE', exchange: '', routingKey: 'k' }],
    ['queue.unbind', { queue: 'QUEUE', exchange: '', routingKey: 'k' }],
    ['exchange.bind', { destination: 'amq.fanout', source: '' }],
    ['exchange.bind', { destination: '', source: 'amq.fanout' }],
  ])('%s %o: operation not permitted on the default exchange', async (method, args) => {
    const q = qname('default-x');
    await declareQueue(q);
    c.sendMethod(ERR, method, { ...args, ...('queue' in args ? { queue: q } : {}) });
    await expectChannelError(403, 'ACCESS_REFUSED - operation not permitted on the default exchange', method);
  });

  it.each(['amq.direct', 'amq.topic'])("deleting %s: deletion of system exchange ... not allowed", async (x) => {
    c.sendMethod(ERR, 'exchange.delete', { exchange: x });
    await expectChannelError(403, `ACCESS_REFUSED - deletion of system exchange '${x}' in vhost '/' not allowed`, 'exchange.delete');
  });

  it('publish to an internal exchange', async () => {
    const x = xname('internal');
    await declareExchange(x, 'fanout', { internal: true });
    c.publish(ERR, 'm', { exchange: x });
    await expectChannelError(403, `ACCESS_REFUSED - cannot publish to internal exchange '${x}' in vhost '/'`, 'basic.publish');
  });
});

describe('406 PRECONDITION_FAILED on delete, publish properties and modes', () => {
  it('exchange.delete if-unused of an exchange that is the source of a binding', async () => {
    const x = xname('if-unused');
    const q = qname('if-unused');
    await declareExchange(x, 'direct');
    await declareQueue(q);
    await c.call(OK, 'queue.bind', { queue: q, exchange: x, routingKey: 'k' });
    c.sendMethod(ERR, 'exchange.delete', { exchange: x, ifUnused: true });
    await expectChannelError(406, `PRECONDITION_FAILED - exchange '${x}' in vhost '/' in use`, 'exchange.delete');
  });

  it('exchange.delete if-unused succeeds for an exchange that is only a binding destination', async () => {
    const x = xname('dest-only');
    await declareExchange(x, 'fanout');
    await c.call(OK, 'exchange.bind', { destination: x, source: 'amq.fanout' });
    await c.call(ERR, 'exchange.delete', { exchange: x, ifUnused: true });
  });

  it('queue.delete if-unused of a queue with a consumer, if-empty of a queue with messages', async () => {
    const q = qname('if-unused-q');
    await declareQueue(q);
    await c.call(OK, 'basic.consume', { queue: q, consumerTag: 'keep' });
    c.sendMethod(ERR, 'queue.delete', { queue: q, ifUnused: true });
    await expectChannelError(406, `PRECONDITION_FAILED - queue '${q}' in vhost '/' in use`, 'queue.delete');

    const q2 = qname('if-empty-q');
    await declareQueue(q2);
    c.publish(OK, 'm', { routingKey: q2 });
    await c.call(OK, 'basic.qos', {}); // the publish is processed before this returns
    c.sendMethod(ERR, 'queue.delete', { queue: q2, ifEmpty: true });
    await expectChannelError(406, `PRECONDITION_FAILED - queue '${q2}' in vhost '/' not empty`, 'queue.delete');
  });

  it("publish with a user-id other than the connection's user", async () => {
    c.publish(ERR, 'm', { routingKey: 'nowhere', properties: { userId: 'bob' } });
    await expectChannelError(406, "PRECONDITION_FAILED - user_id property set to 'bob' but authenticated user was 'guest'", 'basic.publish');
  });

  it('publish with a non-numeric expiration', async () => {
    c.publish(ERR, 'm', { routingKey: 'nowhere', properties: { expiration: 'abc' } });
    await expectChannelError(406, "PRECONDITION_FAILED - invalid expiration 'abc': no_integer", 'basic.publish');
  });

  it('tx.select on a confirm channel: cannot switch from confirm to tx mode', async () => {
    await c.call(ERR, 'confirm.select');
    c.sendMethod(ERR, 'tx.select');
    await expectChannelError(406, 'PRECONDITION_FAILED - cannot switch from confirm to tx mode', 'tx.select');
  });

  it('confirm.select on a tx channel: cannot switch from tx to confirm mode', async () => {
    await c.call(ERR, 'tx.select');
    c.sendMethod(ERR, 'confirm.select');
    await expectChannelError(406, 'PRECONDITION_FAILED - cannot switch from tx to confirm mode', 'confirm.select');
  });

  it.each(['tx.commit', 'tx.rollback'])('%s on a non-transactional channel: channel is not transactional', async (method) => {
    c.sendMethod(ERR, method);
    await expectChannelError(406, 'PRECONDITION_FAILED - channel is not transactional', method);
  });
});

describe('idempotent and lenient operations', () => {
  it('queue.delete and exchange.delete of missing objects succeed (also with if-unused/if-empty)', async () => {
    const del = await c.call(ERR, 'queue.delete', { queue: missing('q') });
    expect(del.args).toEqual({ messageCount: 0 });
    await c.call(ERR, 'queue.delete', { queue: missing('q'), ifUnused: true, ifEmpty: true });
    await c.call(ERR, 'exchange.delete', { exchange: missing('x') });
    await c.call(ERR, 'exchange.delete', { exchange: missing('x'), ifUnused: true });
  });

  /*
   * RabbitMQ 3.10.8 answers exchange.unbind-ok (40.51, the spec's id quirk) when the source or the destination
   * is gone, so clients can clean up bindings of auto-deleted exchanges; also with nowait nothing comes back.
   */
  it('exchange.unbind with a missing source or destination exchange, or a binding never made, succeeds', async () => {
    const x = xname('unbind-dest');
    await declareExchange(x, 'fanout');
    await c.call(ERR, 'exchange.unbind', { destination: x, source: missing('src'), routingKey: 'k' });
    await c.call(ERR, 'exchange.unbind', { destination: missing('dest'), source: 'amq.direct', routingKey: 'k' });
    await c.call(ERR, 'exchange.unbind', { destination: missing('dest'), source: missing('src'), routingKey: 'k' });
    await c.call(ERR, 'exchange.unbind', { destination: x, source: 'amq.direct', routingKey: 'never-bound' });
    // A bound pair whose source is then deleted: the unbind of the dangling binding is still ok.
    const src = xname('unbind-src');
    await declareExchange(src, 'direct');
    await c.call(ERR, 'exchange.bind', { destination: x, source: src, routingKey: 'k' });
    await c.call(ERR, 'exchange.delete', { exchange: src });
    await c.call(ERR, 'exchange.unbind', { destination: x, source: src, routingKey: 'k' });
    c.sendMethod(ERR, 'exchange.unbind', { destination: missing('dest'), source: missing('src'), routingKey: 'k', nowait: true });
    await c.call(ERR, 'exchange.delete', { exchange: x });
  });

  it('queue.unbind of a missing queue or binding succeeds', async () => {
    await c.call(ERR, 'queue.unbind', { queue: missing('q'), exchange: 'amq.direct', routingKey: 'k' });
    const q = qname('unbind');
    await declareQueue(q);
    await c.call(ERR, 'queue.unbind', { queue: q, exchange: 'amq.direct', routingKey: 'never-bound' });
  });

  it('basic.cancel of an unknown consumer tag succeeds with cancel-ok', async () => {
    const ok = await c.call(ERR, 'basic.cancel', { consumerTag: 'no-such-consumer' });
    expect(ok.args).toEqual({ consumerTag: 'no-such-consumer' });
  });
});

describe('the closing channel', () => {
  it('frames sent on a channel after the server closed it are discarded until close-ok', async () => {
    c.sendMethod(ERR, 'queue.declare', { queue: missing('q'), passive: true });
    await c.expectMethod(ERR, 'channel.close');
    c.sendMethod(ERR, 'basic.qos', { prefetchCount: 1 });
    c.sendMethod(ERR, 'queue.declare', { queue: missing('q2'), passive: true });
    c.publish(ERR, 'dropped', { exchange: missing('x') });
    await c.call(OK, 'basic.qos', { prefetchCount: 1 }); // the frames above were processed by now
    c.sendMethod(ERR, 'channel.close-ok');
    await c.openChannel(ERR);
    await c.call(ERR, 'basic.qos', { prefetchCount: 1 });
    expect(c.queue.filter((f) => f.type !== FRAME_HEARTBEAT)).toEqual([]);
  });

  it("a client channel.close crossing the server's channel.close is answered with close-ok; the server still waits for its own close-ok", async () => {
    c.sendMethod(ERR, 'queue.declare', { queue: missing('q'), passive: true });
    await c.expectMethod(ERR, 'channel.close');
    c.sendMethod(ERR, 'channel.close', { replyCode: 200, replyText: 'bye' });
    await c.expectMethod(ERR, 'channel.close-ok');
    c.sendMethod(ERR, 'channel.close-ok');
    await c.openChannel(ERR);
    await c.call(ERR, 'basic.qos', { prefetchCount: 1 });
  });
});
