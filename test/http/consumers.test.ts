// /api/consumers[/{vhost}] on a real port with amqplib consumers: RabbitMQ 3.10.8's JSON shape,
// single-active-consumer status, visibility per user tag and the auth errors.
// WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 runs it against RabbitMQ's management API (15682);
// RabbitMQ's API reports consumers from its stats database, up to 5 s late, so every read polls.
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpTracker, uniq } from '../helpers/amqp-tracker.js';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';

let t: ManagementTarget;
const tracker = new AmqpTracker(() => t.amqpUrl);
const GUEST = basic('guest', 'guest');

beforeAll(async () => {
  t = await startManagementTarget();
});
afterAll(async () => {
  await tracker.cleanup();
  await t?.close();
});

type ConsumerJson = {
  consumer_tag: string;
  queue: { name: string; vhost: string };
  channel_details: Record<string, unknown>;
  active: boolean;
  activity_status: string;
  [k: string]: unknown;
};

async function get(path: string, auth: string | null = GUEST): Promise<{ status: number; json: unknown }> {
  const r = await fetch(t.base + path, { headers: auth === null ? {} : { authorization: auth } });
  const text = await r.text();
  return { status: r.status, json: text === '' ? undefined : JSON.parse(text) };
}

/** Reads path until the consumers of queue q satisfy done (RabbitMQ's stats lag); returns them by tag. */
async function consumersOf(path: string, q: string, done: (cs: ConsumerJson[]) => boolean, auth = GUEST): Promise<Map<string, ConsumerJson>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await get(path, auth);
    expect(r.status).toBe(200);
    const cs = (r.json as ConsumerJson[]).filter((c) => c.queue.name === q);
    if (done(cs) || Date.now() > deadline) return new Map(cs.map((c) => [c.consumer_tag, c]));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const CONNECTION_NAME = /^127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+$/;

describe('/api/consumers', () => {
  it('a single-active-consumer queue reports the first consumer single_active and the next waiting, until it takes over', async () => {
    const conn = await tracker.connect();
    const ch1 = await conn.createChannel();
    const q = await tracker.queue(ch1, 'sac', { 'x-single-active-consumer': true });
    await ch1.prefetch(5);
    await ch1.consume(q, () => {}, { consumerTag: 'first' });
    const ch2 = await conn.createChannel();
    await ch2.consume(q, () => {}, { consumerTag: 'second', noAck: true });

    let cs = await consumersOf('/api/consumers/%2F', q, (l) => l.length === 2);
    const first = cs.get('first')!;
    const connectionName = (first.channel_details as { connection_name: string }).connection_name;
    expect(connectionName).toMatch(CONNECTION_NAME);
    expect(first).toEqual({
      arguments: {},
      ack_required: true,
      active: true,
      activity_status: 'single_active',
      channel_details: {
        connection_name: connectionName,
        name: `${connectionName} (1)`,
        node: expect.any(String),
        number: 1,
        peer_host: '127.0.0.1',
        peer_port: Number(connectionName.split(' ')[0].split(':')[1]),
        user: 'guest',
      },
      consumer_tag: 'first',
      exclusive: false,
      prefetch_count: 5,
      queue: { name: q, vhost: '/' },
    });
    // RabbitMQ's key order (arguments first, the rest sorted).
    expect(Object.keys(first)).toEqual(['arguments', 'ack_required', 'active', 'activity_status', 'channel_details', 'consumer_tag', 'exclusive', 'prefetch_count', 'queue']);
    expect(cs.get('second')).toMatchObject({
      ack_required: false,
      active: false,
      activity_status: 'waiting',
      prefetch_count: 0,
      channel_details: { name: `${connectionName} (2)`, number: 2 },
    });

    // RabbitMQ 3.10.8 only hands over when the active consumer's channel closes, not on basic.cancel
    // (a bug fixed later, see RABBITMQ-COMPAT.md §5): Warren hands over at once, so cancel there only.
    if (!t.external) {
      await ch1.cancel('first');
      cs = await consumersOf('/api/consumers/%2F', q, (l) => l.length === 1);
      expect([...cs.keys()]).toEqual(['second']);
      expect(cs.get('second')).toMatchObject({ active: true, activity_status: 'single_active' });
      await ch1.consume(q, () => {}, { consumerTag: 'first' });
    }
    // Closing the active consumer's channel hands over on both.
    const ch3 = await conn.createChannel();
    await ch3.consume(q, () => {}, { consumerTag: 'third' });
    const activeTag = t.external ? 'first' : 'second';
    await (t.external ? ch1 : ch2).close();
    const next = t.external ? 'second' : 'first';
    cs = await consumersOf('/api/consumers/%2F', q, (l) => l.length === 2 && l.some((c) => c.consumer_tag === next && c.active));
    expect(cs.has(activeTag)).toBe(false);
    expect(cs.get(next)).toMatchObject({ active: true, activity_status: 'single_active' });
    expect(cs.get('third')).toMatchObject({ active: false, activity_status: 'waiting' });
  }, 90_000);

  it('an ordinary queue reports every consumer active "up", with its arguments rendered as RabbitMQ does', async () => {
    const conn = await tracker.connect();
    const ch = await conn.createChannel();
    const q = await tracker.queue(ch, 'plain');
    await ch.consume(q, () => {}, {
      consumerTag: 'typed',
      exclusive: true,
      arguments: {
        'x-priority': 3,
        s: 'str',
        utf: 'héllo',
        b: true,
        f: 1.5,
        big: 2 ** 40,
        neg: -5,
        t: { n: 1, arr: [1, 'a', true] },
        emptyarr: [],
        emptytab: {},
        buf: Buffer.from([0xff, 0x00, 0x41]),
        text: Buffer.from('bytes'),
        ts: { '!': 'timestamp', value: 1700000000 },
        dec: { '!': 'decimal', value: { places: 2, digits: 12345 } },
        fl: { '!': 'float', value: 2.5 },
        v: null,
      },
    });
    const cs = await consumersOf('/api/consumers', q, (l) => l.length === 1);
    const c = cs.get('typed')!;
    expect(c).toMatchObject({ ack_required: true, active: true, activity_status: 'up', exclusive: true, prefetch_count: 0 });
    expect(c.arguments).toEqual({
      b: true,
      big: 1099511627776,
      buf: 'Not UTF-8, base64 is: /wBB',
      dec: 2.12345,
      emptyarr: [],
      emptytab: {},
      f: 1.5,
      fl: 2.5,
      neg: -5,
      s: 'str',
      t: { arr: [1, 'a', true], n: 1 },
      text: 'bytes',
      ts: 1700000000,
      utf: 'héllo',
      v: 'undefined',
      'x-priority': 3,
    });
    // Keys come sorted, as RabbitMQ's JSON has them.
    expect(Object.keys(c.arguments as object)).toEqual(Object.keys(c.arguments as object).sort());
  }, 60_000);

  it('per vhost: /api/consumers/{vhost} filters, a missing vhost is 404; management users see only their own consumers', async () => {
    const vhost = uniq('vh');
    await t.addVhost(vhost);
    const mgmt = uniq('mgmt');
    const mon = uniq('mon');
    await t.addUser(mgmt, 'pw', ['management'], [vhost]);
    await t.addUser(mon, 'pw', ['monitoring'], []);

    const guestConn = await tracker.connect();
    const gch = await guestConn.createChannel();
    const q = await tracker.queue(gch, 'vh-guest');
    await gch.consume(q, () => {}, { consumerTag: 'guest-c' });

    const userConn = await amqp.connect(`${t.amqpUrl.replace('guest:guest', `${mgmt}:pw`)}/${encodeURIComponent(vhost)}`);
    userConn.on('error', () => {});
    tracker.connections.push(userConn);
    const uch = await userConn.createChannel();
    // Same name in the other vhost: the vhost filter must tell them apart.
    await uch.assertQueue(q, { durable: false });
    await uch.consume(q, () => {}, { consumerTag: 'mgmt-c' });

    const vq = `/api/consumers/${encodeURIComponent(vhost)}`;
    const inVhost = await consumersOf(vq, q, (l) => l.length === 1);
    expect([...inVhost.keys()]).toEqual(['mgmt-c']);
    expect(inVhost.get('mgmt-c')).toMatchObject({ queue: { name: q, vhost }, channel_details: { user: mgmt } });
    expect([...(await consumersOf('/api/consumers/%2F', q, (l) => l.length === 1)).keys()]).toEqual(['guest-c']);
    const all = await consumersOf('/api/consumers', q, (l) => l.length === 2);
    expect([...all.keys()].sort()).toEqual(['guest-c', 'mgmt-c']);

    // rabbit_mgmt_wm_consumers: non-monitoring users see the consumers of their own connections only.
    const asMgmt = basic(mgmt, 'pw');
    expect([...(await consumersOf('/api/consumers', q, (l) => l.length === 1, asMgmt)).keys()]).toEqual(['mgmt-c']);
    expect((await consumersOf('/api/consumers/%2F', q, () => true, asMgmt)).size).toBe(0);
    const asMon = basic(mon, 'pw');
    expect([...(await consumersOf('/api/consumers', q, (l) => l.length === 2, asMon)).keys()].sort()).toEqual(['guest-c', 'mgmt-c']);

    expect(await get(`/api/consumers/${encodeURIComponent(uniq('novhost'))}`)).toEqual({ status: 404, json: { error: 'Object Not Found', reason: 'Not Found' } });
    expect((await get(`/api/consumers/${encodeURIComponent(uniq('novhost'))}`, asMgmt)).status).toBe(404);
  }, 90_000);

  it('answers 401 without credentials, with a wrong password and for a user without a management tag', async () => {
    const none = uniq('notag');
    await t.addUser(none, 'pw', [], ['/']);
    const anonymous = await fetch(`${t.base}/api/consumers`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="RabbitMQ Management"');
    expect(await get('/api/consumers', basic('guest', 'wrong'))).toEqual({ status: 401, json: { error: 'not_authorized', reason: 'Login failed' } });
    expect(await get('/api/consumers/%2F', basic(none, 'pw'))).toEqual({ status: 401, json: { error: 'not_authorised', reason: 'Not management user' } });
  });
});
