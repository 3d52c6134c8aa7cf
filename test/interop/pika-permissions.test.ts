// pika (python3-pika 1.2.0) logging in as a user made at run time, as the RabbitMQ guide does
// (add_user, set_permissions, then PlainCredentials): it works within its permissions and gets
// RabbitMQ's 403 outside them. With WARREN_TEST_URL set it runs against that RabbitMQ
// (users made through its management API, test/integration/access-target.ts).
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPika, runPika } from '../helpers/pika.js';
import { startAccessTarget, type AccessTarget } from '../integration/access-target.js';

const V = 'pika-perm';
let t: AccessTarget;

beforeAll(async () => {
  await expectPika();
  t = await startAccessTarget();
  await t.deleteVhost(V);
  await t.addVhost(V);
  await t.setPermissions('guest', V, '.*', '.*', '.*');
  await t.addUser('alex', '123', ['administrator']);
  await t.setPermissions('alex', V, '^alex-', '^(alex-|amq\\.default)', '^alex-');
  const { default: amqp } = await import('amqplib');
  const g = await amqp.connect(t.url('guest', 'guest', V));
  const ch = await g.createChannel();
  await ch.assertExchange('alex-x', 'direct', { durable: false });
  await ch.assertQueue('alex-q', { autoDelete: true, durable: false });
  await ch.bindQueue('alex-q', 'alex-x', 'alex-q');
  // Keep alex-q alive (auto-delete) until pika has used it: the guest connection stays open.
  afterAll(() => g.close());
});

afterAll(async () => {
  await t?.deleteVhost(V).catch(() => undefined);
  await t?.close();
});

describe('pika with a new user', () => {
  it('logs in with its password, works within its permissions, gets 403 outside them', async () => {
    const r = await runPika('permissions_login', t.url('alex', '123', V), t.url('alex', 'wrong', V));
    expect(r.got).toBe('hi');
    expect(r.refused).toEqual({
      reply_code: 403,
      reply_text: `ACCESS_REFUSED - access to queue 'other-q' in vhost '${V}' refused for user 'alex'`,
    });
    expect(r.connection_open).toBe(true);
    expect(r.new_channel_works).toBe(true);
    expect(r.wrong_password).toMatch(/Authentication/);
  });
});

/** This machine's first non-loopback IPv4 address. */
function nonLoopbackAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('no non-loopback IPv4 address on this machine');
}

describe('pika from a non-loopback address (Warren only: rabbitmq-local.sh sets loopback_users = none)', () => {
  it('the new user logs in from there, guest (loopback_users) is refused', async () => {
    if (process.env.WARREN_TEST_URL) return;
    const ip = nonLoopbackAddress();
    const w = await startAccessTarget({ host: '0.0.0.0' });
    try {
      await w.addUser('alex', '123', ['administrator']);
      await w.setPermissions('alex', '/', '.*', '.*', '.*');
      const at = (user: string, pw: string): string => `amqp://${user}:${pw}@${ip}:${w.endpoint.port}/%2F`;
      const alex = await runPika('login_check', at('alex', '123'));
      expect(alex.ok).toBe(true);
      expect(alex.queue).toMatch(/^amq\.gen-/);
      const guest = await runPika('login_check', at('guest', 'guest'));
      expect(guest).toEqual({ ok: false, error: expect.stringMatching(/Authentication|AccessDenied/) });
    } finally {
      await w.close();
    }
  });
});
