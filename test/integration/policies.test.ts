// Policies seen from an AMQP client: set through the management API, they take effect on existing
// exchanges at once and un-apply when cleared. Effects that need TTL, length limits and
// dead-lettering are in policies-effects.test.ts.
// WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 runs it against RabbitMQ (management on 15682).
import type { Channel, ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { parsePolicy } from '../../src/broker/policy.js';
import { defaultConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { uniq } from '../helpers/amqp-tracker.js';
import { deletePolicy, putPolicy, usePolicyTarget } from '../helpers/management.js';

const env = usePolicyTarget();

function policyName(prefix: string): string {
  const name = uniq(prefix);
  env.policies.push(name);
  return name;
}

/** An exchange x, an alternate exchange ae (fanout) and a queue bound to ae; all tracked. */
async function setup(ch: Channel, xArgs: Record<string, unknown> = {}): Promise<{ x: string; ae: string; aeQueue: string }> {
  const x = uniq('x');
  const ae = uniq('ae');
  const aeQueue = uniq('ae-q');
  env.tracker.exchanges.add(x).add(ae);
  env.tracker.queues.add(aeQueue);
  await ch.assertExchange(ae, 'fanout', { durable: false });
  await ch.assertExchange(x, 'direct', { durable: false, arguments: xArgs });
  await ch.assertQueue(aeQueue, { durable: false });
  await ch.bindQueue(aeQueue, ae, '');
  return { x, ae, aeQueue };
}

/** Publishes with mandatory in confirm mode; resolves 'returned' when the broker returns it, else 'routed'. */
async function publishMandatory(ch: Channel & { waitForConfirms(): Promise<void> }, x: string, rk: string): Promise<'returned' | 'routed'> {
  let returned = false;
  const onReturn = (): void => void (returned = true);
  ch.on('return', onReturn);
  ch.publish(x, rk, Buffer.from('m'), { mandatory: true });
  await ch.waitForConfirms(); // basic.return comes before the ack
  ch.off('return', onReturn);
  return returned ? 'returned' : 'routed';
}

describe('policies over AMQP', () => {
  it('an alternate-exchange policy applies to an existing exchange at once and un-applies when cleared', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const { x, ae, aeQueue } = await setup(ch);
    expect(await publishMandatory(ch, x, 'nowhere')).toBe('returned');

    const name = policyName('ae');
    await putPolicy(env.t, name, { pattern: `^${x.replace(/\./g, '\\.')}$`, definition: { 'alternate-exchange': ae }, 'apply-to': 'exchanges' });
    expect(await publishMandatory(ch, x, 'nowhere')).toBe('routed');
    expect((await ch.checkQueue(aeQueue)).messageCount).toBe(1);

    await deletePolicy(env.t, name);
    expect(await publishMandatory(ch, x, 'nowhere')).toBe('returned');
    expect((await ch.checkQueue(aeQueue)).messageCount).toBe(1);
  });

  it('an exchange declared after the policy gets it; the exchange\'s own alternate-exchange argument wins', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const prefix = uniq('later');
    const name = policyName('ae-later');
    const ae = uniq('ae');
    const aeQueue = uniq('ae-q');
    env.tracker.exchanges.add(ae);
    env.tracker.queues.add(aeQueue);
    await ch.assertExchange(ae, 'fanout', { durable: false });
    await ch.assertQueue(aeQueue, { durable: false });
    await ch.bindQueue(aeQueue, ae, '');
    await putPolicy(env.t, name, { pattern: `^${prefix.replace(/\./g, '\\.')}`, definition: { 'alternate-exchange': ae } });

    const x = `${prefix}.x`;
    env.tracker.exchanges.add(x);
    await ch.assertExchange(x, 'topic', { durable: false });
    expect(await publishMandatory(ch, x, 'nowhere')).toBe('routed');
    expect((await ch.checkQueue(aeQueue)).messageCount).toBe(1);

    // The argument names another AE: messages go there, not to the policy's.
    const own = await setup(ch);
    const withArg = `${prefix}.with-arg`;
    env.tracker.exchanges.add(withArg);
    await ch.assertExchange(withArg, 'direct', { durable: false, arguments: { 'alternate-exchange': own.ae } });
    expect(await publishMandatory(ch, withArg, 'nowhere')).toBe('routed');
    expect((await ch.checkQueue(own.aeQueue)).messageCount).toBe(1);
    expect((await ch.checkQueue(aeQueue)).messageCount).toBe(1);
  });

  it('the highest-priority matching policy applies; removing it lets the next one apply', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const a = await setup(ch);
    const b = await setup(ch);
    const x = a.x;
    const low = policyName('low');
    const high = policyName('high');
    const exact = `^${x.replace(/\./g, '\\.')}$`;
    await putPolicy(env.t, low, { pattern: exact, definition: { 'alternate-exchange': a.ae }, priority: 1 });
    await putPolicy(env.t, high, { pattern: exact, definition: { 'alternate-exchange': b.ae }, priority: 2 });
    expect(await publishMandatory(ch, x, 'nowhere')).toBe('routed');
    expect((await ch.checkQueue(b.aeQueue)).messageCount).toBe(1);
    await deletePolicy(env.t, high);
    expect(await publishMandatory(ch, x, 'nowhere')).toBe('routed');
    expect((await ch.checkQueue(a.aeQueue)).messageCount).toBe(1);
  });

  it('a queues-only policy does not give an exchange an alternate exchange', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const { x, ae } = await setup(ch);
    await putPolicy(env.t, policyName('qonly'), { pattern: `^${x.replace(/\./g, '\\.')}$`, definition: { 'alternate-exchange': ae }, 'apply-to': 'queues' });
    expect(await publishMandatory(ch, x, 'nowhere')).toBe('returned');
  });

  it('messages routed through a policy alternate exchange reach consumers', async () => {
    const conn = await env.tracker.connect();
    const ch = await conn.createConfirmChannel();
    const { x, ae, aeQueue } = await setup(ch);
    await putPolicy(env.t, policyName('consume'), { pattern: `^${x.replace(/\./g, '\\.')}$`, definition: { 'alternate-exchange': ae } });
    const got = new Promise<ConsumeMessage>((resolve) => void ch.consume(aeQueue, (m) => m && resolve(m), { noAck: true }));
    ch.publish(x, 'rk', Buffer.from('hello'));
    const m = await got;
    expect(m.content.toString()).toBe('hello');
    expect(m.fields.exchange).toBe(x);
    expect(m.fields.routingKey).toBe('rk');
  });
});

describe('policies are definitions', () => {
  it.skipIf(!!process.env.WARREN_TEST_URL)('a policy survives a broker restart and applies to recovered queues and exchanges', async () => {
    // Same store instance across two Broker lives; real durability comes with the LevelDB store.
    const store = new MemoryStore();
    const config = { ...defaultConfig(), logLevel: 'silent' };
    const logger = createLogger('silent');
    const b1 = new Broker({ config, logger, store });
    await b1.start();
    const v1 = b1.getVhost('/')!;
    v1.declareQueue('jobs', { passive: false, durable: true, exclusive: false, autoDelete: false, arguments: {} }, {});
    v1.declareExchange('events', 'topic', { passive: false, durable: true, autoDelete: false, internal: false, arguments: {} });
    v1.setPolicy(parsePolicy('/', 'limits', { pattern: '^jobs$', definition: { 'max-length': 10 }, priority: 3, applyTo: 'queues' }));
    v1.setPolicy(parsePolicy('/', 'ae', { pattern: '^events$', definition: { 'alternate-exchange': 'amq.fanout' }, applyTo: 'exchanges' }));
    v1.setPolicy(parsePolicy('/', 'gone', { pattern: '.*', definition: { 'message-ttl': 1 } }));
    v1.clearPolicy('gone');
    await b1.close();

    const b2 = new Broker({ config, logger, store });
    await b2.start();
    const v2 = b2.getVhost('/')!;
    expect([...v2.policies.keys()].sort()).toEqual(['ae', 'limits']);
    expect(v2.policies.get('limits')).toMatchObject({ pattern: '^jobs$', applyTo: 'queues', priority: 3, definition: { 'max-length': 10 } });
    expect(v2.queues.get('jobs')?.policyName).toBe('limits');
    expect(v2.queues.get('jobs')?.settings.maxLength).toBe(10);
    expect(v2.exchanges.get('events')?.alternateExchange).toBe('amq.fanout');
    await b2.close();
  });
});

