// /api/connections, /api/vhosts/{v}/connections, /api/connections/{name} (GET, DELETE) and
// /api/connections/username/{u} on a real port with amqplib clients: RabbitMQ 3.10.8's JSON
// (shape compared with the reference or its recorded fixture), values, the 320 close with the
// X-Reason text, and who sees and closes what. WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682
// runs the assertions against RabbitMQ itself (its API reports connections from statistics, up
// to 5 s late: reads poll).
import { describe, expect, it } from 'vitest';
import { basic } from '../helpers/management.js';
import { expectShapeLike } from '../helpers/shape-compare.js';
import { waitFor } from '../helpers/wait.js';
import { byProvidedName, call, items, pollJson, seg, sessionName, useSessionsEnv, type Answer } from './connections-env.js';

const env = useSessionsEnv();

// Left out on purpose, with why:
const CONNECTION_IGNORE = [
  // Erlang process internals: Warren has no Erlang process per connection.
  'garbage_collection',
  'reductions',
  'reductions_details',
  // stats: wired in later (octet rates and socket read/write counts are the statistics work's).
  'recv_oct_details',
  'send_oct_details',
  'recv_cnt',
  'send_cnt',
];
/** The same paths inside a list answer. */
const inList = (paths: readonly string[]): string[] => paths.map((p) => `[].${p}`);

/** The close error amqplib reports for conn, once the broker closed it. */
function closeMessage(conn: import('amqplib').ChannelModel): Promise<string> {
  return new Promise((resolve) => conn.once('close', (err?: Error) => resolve(err?.message ?? '')));
}

/** Polls the list until the connection named `name` (client-provided) is in it with `channels` channels. */
async function listed(base: string, name: string, channels: number, path = '/api/connections', auth?: string): Promise<Record<string, unknown>> {
  const a = await pollJson(base, path, (j) => Array.isArray(j) && byProvidedName({ json: j } as Answer, name)?.channels === channels, auth);
  const c = byProvidedName(a, name);
  expect(c, `${name} in ${path}`).toBeDefined();
  return c!;
}

describe('GET /api/connections', () => {
  it('lists an open connection with RabbitMQ 3.10.8 keys and values; GET of its name gives the same with "" for the TLS fields', async () => {
    const { t, warren, reference } = env;
    const name = sessionName('conn');
    const conn = await warren.connect(name);
    await conn.createChannel();
    await conn.createChannel();
    const before = Date.now();
    const c = await listed(t.base, name, 2);
    const connName = c.name as string;
    expect(connName).toMatch(/^127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+$/);
    const [peer, local] = connName.split(' -> ');
    expect(c).toMatchObject({
      auth_mechanism: 'PLAIN',
      channel_max: 2047,
      channels: 2,
      frame_max: 131072,
      host: '127.0.0.1',
      name: connName,
      node: expect.any(String),
      peer_cert_issuer: null,
      peer_cert_subject: null,
      peer_cert_validity: null,
      peer_host: '127.0.0.1',
      peer_port: Number(peer.split(':')[1]),
      port: Number(local.split(':')[1]),
      protocol: 'AMQP 0-9-1',
      send_pend: 0,
      ssl: false,
      ssl_cipher: null,
      ssl_hash: null,
      ssl_key_exchange: null,
      ssl_protocol: null,
      state: 'running',
      timeout: 60,
      type: 'network',
      user: 'guest',
      user_provided_name: name,
      user_who_performed_action: 'guest',
      vhost: '/',
    });
    expect(c.connected_at as number).toBeLessThanOrEqual(before);
    expect(c.connected_at as number).toBeGreaterThan(before - 60_000);
    expect(c.recv_oct as number).toBeGreaterThan(0);
    expect(c.send_oct as number).toBeGreaterThan(0);
    // amqplib's client properties, as a JSON table with sorted keys.
    const props = c.client_properties as Record<string, unknown>;
    expect(props).toMatchObject({ connection_name: name, product: 'amqplib', capabilities: { publisher_confirms: true, 'basic.nack': true } });
    expect(Object.keys(props)).toEqual(Object.keys(props).sort());

    const one = await call(t.base, `/api/connections/${seg(connName)}`);
    expect(one.status).toBe(200);
    const single = one.json as Record<string, unknown>;
    expect(single).toMatchObject({ name: connName, user: 'guest', channels: 2, ssl: false, ssl_protocol: '', ssl_cipher: '', ssl_hash: '', ssl_key_exchange: '', peer_cert_subject: '', peer_cert_issuer: '', peer_cert_validity: '' });

    if (t.external) return;
    // Without the connection_name client property there is no user_provided_name.
    const plain = await warren.connect(undefined);
    const withoutName = items(await call(t.base, '/api/connections')).filter((x) => x.user_provided_name === undefined && x.client_properties !== undefined);
    expect(withoutName.length).toBeGreaterThan(0);
    await plain.close();

    let refList: unknown;
    let refOne: unknown;
    if (reference !== undefined) {
      const rc = await reference.connect(name);
      await rc.createChannel();
      await rc.createChannel();
      const refConn = await listed(reference.base, name, 2);
      refList = [refConn];
      refOne = (await call(reference.base, `/api/connections/${seg(refConn.name as string)}`)).json;
    }
    expectShapeLike('connections-list', [c], refList, inList(CONNECTION_IGNORE));
    expectShapeLike('connection', single, refOne, CONNECTION_IGNORE);
  }, 60_000);

  it('per vhost: /api/vhosts/{v}/connections filters, 404 for a missing vhost; ?disable_stats=true gives the tracked form', async () => {
    const { t, warren } = env;
    const vhost = sessionName('vh');
    await t.addVhost(vhost);
    const user = sessionName('admin');
    await t.addUser(user, 'pw', ['administrator'], [vhost]);
    const inVhost = sessionName('invh');
    const inDefault = sessionName('indefault');
    await (await warren.connect(inVhost, { user, vhost })).createChannel();
    await (await warren.connect(inDefault)).createChannel();

    const c = await listed(t.base, inVhost, 1, `/api/vhosts/${seg(vhost)}/connections`);
    expect(c).toMatchObject({ vhost, user, user_who_performed_action: user });
    expect(items(await call(t.base, `/api/vhosts/${seg(vhost)}/connections`)).map((x) => x.user_provided_name)).toEqual([inVhost]);
    await listed(t.base, inDefault, 1, '/api/vhosts/%2F/connections');
    expect(items(await call(t.base, '/api/vhosts/%2F/connections')).some((x) => x.user_provided_name === inVhost)).toBe(false);

    expect(await call(t.base, `/api/vhosts/${seg(sessionName('novhost'))}/connections`)).toMatchObject({ status: 404, json: { error: 'Object Not Found', reason: 'Not Found' } });

    const tracked = items(await call(t.base, '/api/connections?disable_stats=true')).find((x) => x.name === c.name);
    expect(tracked).toEqual({ name: c.name, vhost, user, node: c.node });
    expect((await call(t.base, `/api/connections/${seg(c.name as string)}?disable_stats=true`)).json).toEqual({ name: c.name });
  }, 60_000);

  it('management users see their own connections only, monitoring users all; 401 for others\' and outside their vhosts', async () => {
    const { t, warren } = env;
    const vhost = sessionName('vis');
    await t.addVhost(vhost);
    const mgmt = sessionName('mgmt');
    const mon = sessionName('mon');
    const none = sessionName('notag');
    await t.addUser(mgmt, 'pw', ['management'], [vhost, '/']);
    await t.addUser(mon, 'pw', ['monitoring'], ['/']);
    await t.addUser(none, 'pw', [], ['/']);
    const mine = sessionName('mine');
    const guests = sessionName('guests');
    await (await warren.connect(mine, { user: mgmt, vhost })).createChannel();
    await (await warren.connect(guests)).createChannel();
    const asMgmt = basic(mgmt, 'pw');
    const asMon = basic(mon, 'pw');

    const own = await listed(t.base, mine, 1, '/api/connections', asMgmt);
    expect(items(await call(t.base, '/api/connections', { auth: asMgmt })).map((x) => x.user)).toEqual([mgmt]);
    expect(items(await call(t.base, '/api/vhosts/%2F/connections', { auth: asMgmt }))).toEqual([]);
    const guestConn = await listed(t.base, guests, 1, '/api/connections', asMon);
    await listed(t.base, mine, 1, '/api/connections', asMon);

    expect((await call(t.base, `/api/connections/${seg(own.name as string)}`, { auth: asMgmt })).status).toBe(200);
    const denied = { status: 401, json: { error: 'not_authorised', reason: 'User not authorised to access object' } };
    expect(await call(t.base, `/api/connections/${seg(guestConn.name as string)}`, { auth: asMgmt })).toMatchObject(denied);
    expect((await call(t.base, `/api/connections/${seg(guestConn.name as string)}`, { auth: asMon })).status).toBe(200);
    // is_authorized_vhost: a monitoring user without permissions in the vhost.
    expect(await call(t.base, `/api/vhosts/${seg(vhost)}/connections`, { auth: asMon })).toMatchObject({
      status: 401,
      json: { error: 'not_authorised', reason: 'User not authorised to access virtual host' },
    });
    expect(await call(t.base, '/api/connections', { auth: basic(none, 'pw') })).toMatchObject({ status: 401, json: { error: 'not_authorised', reason: 'Not management user' } });
    expect(await call(t.base, '/api/connections', { auth: basic('guest', 'wrong') })).toMatchObject({ status: 401, json: { error: 'not_authorized', reason: 'Login failed' } });
    const anonymous = await call(t.base, '/api/connections', { auth: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="RabbitMQ Management"');

    expect(await call(t.base, `/api/connections/${seg('127.0.0.1:1 -> 127.0.0.1:2')}`)).toMatchObject({ status: 404, json: { error: 'Object Not Found', reason: 'Not Found' } });
    // RabbitMQ 3.10.8 answers a non-monitoring user 500 here (its authorisation check crashes on the missing connection).
    if (!t.external) expect((await call(t.base, `/api/connections/${seg('127.0.0.1:1 -> 127.0.0.1:2')}`, { auth: asMgmt })).status).toBe(404);
  }, 60_000);
});

describe('DELETE /api/connections/{name}', () => {
  it('closes it with 320 CONNECTION_FORCED and RabbitMQ\'s default text, or the X-Reason header\'s', async () => {
    const { t, warren } = env;
    const a = sessionName('del-a');
    const b = sessionName('del-b');
    const connA = await warren.connect(a);
    const connB = await warren.connect(b);
    await connA.createChannel();
    await connB.createChannel();
    const nameA = (await listed(t.base, a, 1)).name as string;
    const nameB = (await listed(t.base, b, 1)).name as string;
    const closedA = closeMessage(connA);
    const closedB = closeMessage(connB);

    const r = await call(t.base, `/api/connections/${seg(nameA)}`, { method: 'DELETE' });
    expect(r.status).toBe(204);
    expect(r.json).toBeUndefined();
    expect(await closedA).toBe('Connection closed: 320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - Closed via management plugin"');
    expect((await call(t.base, `/api/connections/${seg(nameB)}`, { method: 'DELETE', headers: { 'x-reason': 'sessions maintenance' } })).status).toBe(204);
    expect(await closedB).toBe('Connection closed: 320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - sessions maintenance"');

    await waitFor(async () => (await call(t.base, `/api/connections/${seg(nameA)}`)).status === 404, 'the closed connection to go', { timeoutMs: 20_000, intervalMs: 200 });
    expect(await call(t.base, `/api/connections/${seg(nameA)}`, { method: 'DELETE' })).toMatchObject({ status: 404, json: { error: 'Object Not Found', reason: 'Not Found' } });
  }, 60_000);

  it('passes a UTF-8 X-Reason through as UTF-8, an empty one as empty', async () => {
    const { t, warren } = env;
    const n = sessionName('utf8');
    const conn = await warren.connect(n);
    const name = (await listed(t.base, n, 0)).name as string;
    const closed = closeMessage(conn);
    // fetch sends header values as latin1 bytes: send the reason's UTF-8 bytes that way, as curl would.
    const reason = Buffer.from('arrêt prévu', 'utf8').toString('latin1');
    expect((await call(t.base, `/api/connections/${seg(name)}`, { method: 'DELETE', headers: { 'x-reason': reason } })).status).toBe(204);
    expect(await closed).toContain('"CONNECTION_FORCED - arrêt prévu"');

    // An empty X-Reason is an empty reason, not the default.
    const e = sessionName('empty');
    const connE = await warren.connect(e);
    const nameE = (await listed(t.base, e, 0)).name as string;
    const closedE = closeMessage(connE);
    expect((await call(t.base, `/api/connections/${seg(nameE)}`, { method: 'DELETE', headers: { 'x-reason': '' } })).status).toBe(204);
    expect(await closedE).toBe('Connection closed: 320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - "');
  }, 60_000);

  it('administrators close any connection, other users only their own (monitoring users too)', async () => {
    const { t, warren } = env;
    const mgmt = sessionName('mgmt-del');
    const mon = sessionName('mon-del');
    await t.addUser(mgmt, 'pw', ['management'], ['/']);
    await t.addUser(mon, 'pw', ['monitoring'], ['/']);
    const g = sessionName('guest-del');
    const m = sessionName('mgmt-own');
    const guestConn = await warren.connect(g);
    const ownConn = await warren.connect(m, { user: mgmt });
    const guestName = (await listed(t.base, g, 0)).name as string;
    const ownName = (await listed(t.base, m, 0)).name as string;
    const denied = { status: 401, json: { error: 'not_authorised', reason: 'User not authorised to access object' } };
    expect(await call(t.base, `/api/connections/${seg(guestName)}`, { method: 'DELETE', auth: basic(mgmt, 'pw') })).toMatchObject(denied);
    expect(await call(t.base, `/api/connections/${seg(guestName)}`, { method: 'DELETE', auth: basic(mon, 'pw') })).toMatchObject(denied);
    const closed = closeMessage(ownConn);
    expect((await call(t.base, `/api/connections/${seg(ownName)}`, { method: 'DELETE', auth: basic(mgmt, 'pw'), headers: { 'x-reason': 'own' } })).status).toBe(204);
    expect(await closed).toContain('"CONNECTION_FORCED - own"');
    // The guest connection is still there.
    expect((await call(t.base, `/api/connections/${seg(guestName)}`)).status).toBe(200);
    await guestConn.close();
  }, 60_000);
});

describe('/api/connections/username/{user}', () => {
  it('GET lists the user\'s connections in the tracked form; DELETE closes them all with the reason', async () => {
    const { t, warren } = env;
    const user = sessionName('byuser');
    await t.addUser(user, 'pw', ['management'], ['/']);
    const n1 = sessionName('u1');
    const n2 = sessionName('u2');
    const c1 = await warren.connect(n1, { user });
    const c2 = await warren.connect(n2, { user });
    const other = await warren.connect(sessionName('other'));
    const name1 = (await listed(t.base, n1, 0)).name as string;
    const name2 = (await listed(t.base, n2, 0)).name as string;

    const list = await call(t.base, `/api/connections/username/${seg(user)}`);
    expect(list.status).toBe(200);
    const node = (items(await call(t.base, '/api/connections'))[0] as { node: string }).node;
    expect(items(list).sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual(
      [name1, name2].sort().map((name) => ({ name, vhost: '/', user, node })),
    );
    expect(await call(t.base, `/api/connections/username/${seg(sessionName('nobody'))}`)).toMatchObject({ status: 200, json: [] });
    if (!t.external) {
      // RabbitMQ 3.10.8 answers non-monitoring users 500 (its check crashes); Warren lets them ask for themselves only.
      expect((await call(t.base, `/api/connections/username/${seg(user)}`, { auth: basic(user, 'pw') })).status).toBe(200);
      expect((await call(t.base, '/api/connections/username/guest', { auth: basic(user, 'pw') })).status).toBe(401);
      expect((await call(t.base, '/api/connections/username/guest', { method: 'DELETE', auth: basic(user, 'pw') })).status).toBe(401);
    }

    const closed1 = closeMessage(c1);
    const closed2 = closeMessage(c2);
    expect((await call(t.base, `/api/connections/username/${seg(user)}`, { method: 'DELETE', headers: { 'x-reason': 'all of them' } })).status).toBe(204);
    expect(await closed1).toContain('"CONNECTION_FORCED - all of them"');
    expect(await closed2).toContain('"CONNECTION_FORCED - all of them"');
    expect((await call(t.base, `/api/connections/username/${seg(sessionName('nobody'))}`, { method: 'DELETE' })).status).toBe(204);
    // Only that user's connections went.
    const ch = await other.createChannel();
    await ch.close();
  }, 60_000);
});

describe('connection state', () => {
  it('is blocking while a resource alarm is raised, blocked once the connection published, running after', async () => {
    const { t, warren } = env;
    if (t.external) return; // alarms cannot be raised on the shared reference
    const alarms = t.services!.alarms;
    const n = sessionName('alarm');
    const conn = await warren.connect(n);
    const ch = await conn.createChannel();
    const q = await warren.queue(ch, 'alarm');
    const state = async (): Promise<unknown> => byProvidedName(await call(t.base, '/api/connections'), n)?.state;
    expect(await state()).toBe('running');
    alarms.raise('sessions-test', 'memory');
    try {
      expect(await state()).toBe('blocking');
      ch.sendToQueue(q, Buffer.from('x'));
      await waitFor(async () => (await state()) === 'blocked', 'the publishing connection to be blocked');
    } finally {
      alarms.clear('sessions-test');
    }
    await waitFor(async () => (await state()) === 'running', 'the connection to run again');
  }, 60_000);
});
