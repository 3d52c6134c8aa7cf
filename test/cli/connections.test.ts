// warrenctl list_connections, list_channels, close_connection and close_all_connections against a
// running broker's management API (Warren in-process, or RabbitMQ's on 15682 with WARREN_TEST_URL
// set): output and exit codes are rabbitmqctl 3.10.8's, checked with its ctl, except where Warren has
// no Erlang pid (pid and connection columns, close_connection's argument: the names instead), and
// client_properties' keys (sorted, as the API has them; types inferred from the API's JSON).
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { waitFor } from '../helpers/wait.js';
import { buildIfNeeded } from '../helpers/warren-process.js';
import { runCtl } from '../helpers/warrenctl.js';
import { byProvidedName, call, pollJson, sessionName, Side } from '../http/connections-env.js';

let t: ManagementTarget;
let side: Side;

beforeAll(async () => {
  buildIfNeeded();
  t = await startManagementTarget();
  side = new Side(t.base, t.amqpUrl);
}, 180_000);
afterAll(async () => {
  await side?.cleanup();
  await t?.close();
});

const ctl = (...args: string[]) => runCtl(t.base, ...args);

/** Waits until the API lists the connection (client-provided name n) with `channels` channels; returns its JSON. */
async function listed(n: string, channels: number): Promise<Record<string, unknown>> {
  const a = await pollJson(t.base, '/api/connections', (j) => byProvidedName({ json: j } as never, n)?.channels === channels);
  const c = byProvidedName(a, n);
  expect(c, n).toBeDefined();
  return c!;
}

/** The close error amqplib reports for conn, once the broker closed it. */
function closeMessage(conn: ChannelModel): Promise<string> {
  return new Promise((resolve) => conn.once('close', (err?: Error) => resolve(err?.message ?? '')));
}

describe('warrenctl list_connections', () => {
  it('prints rabbitmqctl\'s banner, default columns and TAB-separated rows; columns in the order asked', async () => {
    const n = sessionName('ctl-list');
    const conn = await side.connect(n);
    await conn.createChannel();
    const c = await listed(n, 1);
    const name = c.name as string;
    const port = String(c.peer_port);

    const list = await ctl('list_connections');
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Listing connections ...', 'user\tpeer_host\tpeer_port\tstate']);
    expect(lines).toContain(`guest\t127.0.0.1\t${port}\trunning`);

    const cols = await ctl('-q', 'list_connections', 'name', 'user,vhost', 'channels', 'protocol', 'ssl', 'ssl_protocol', 'peer_cert_subject', 'timeout', 'frame_max', 'channel_max', 'auth_mechanism', 'name');
    expect(cols.code).toBe(0);
    const colLines = cols.stdout.split('\n');
    expect(colLines[0]).toBe('name\tuser\tvhost\tchannels\tprotocol\tssl\tssl_protocol\tpeer_cert_subject\ttimeout\tframe_max\tchannel_max\tauth_mechanism');
    expect(colLines).toContain(`${name}\tguest\t/\t1\t{0,9,1}\tfalse\t\t\t60\t131072\t2047\tPLAIN`);

    const props = await ctl('-q', '--no-table-headers', 'list_connections', 'name', 'client_properties');
    const row = props.stdout.split('\n').find((l) => l.startsWith(`${name}\t`));
    expect(row).toBeDefined();
    expect(row).toContain(`{"connection_name","${n}"}`);
    expect(row).toContain('{"product","amqplib"}');
    expect(row).toMatch(/\{"capabilities",\[.*\{"publisher_confirms",true\}.*\]\}/);

    if (!t.external) {
      // Warren has no Erlang pid: the name stands for it.
      const pid = await ctl('-s', 'list_connections', 'pid', 'name');
      expect(pid.stdout.split('\n')).toContain(`${name}\t${name}`);
    }
  }, 60_000);

  it('--formatter json: no banner, one object a line, addresses and protocol as Erlang tuples, typed client properties', async () => {
    const n = sessionName('ctl-json');
    await (await side.connect(n)).createChannel();
    const c = await listed(n, 1);
    const json = await ctl('list_connections', '--formatter', 'json', 'name', 'peer_port', 'protocol', 'ssl', 'ssl_protocol', 'client_properties', 'host', 'state');
    expect(json.code).toBe(0);
    expect(json.stdout.startsWith('[\n{')).toBe(true);
    expect(json.stdout.endsWith('\n]\n')).toBe(true);
    const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    const row = rows.find((r) => r.name === c.name)!;
    expect(row).toMatchObject({ name: c.name, peer_port: c.peer_port, protocol: [0, 9, 1], ssl: false, ssl_protocol: '', state: 'running' });
    expect(Object.keys(row)).toEqual(['name', 'peer_port', 'protocol', 'ssl', 'ssl_protocol', 'client_properties', 'host', 'state']);
    expect(row.client_properties).toContainEqual(['connection_name', 'longstr', n]);
    expect(row.client_properties).toContainEqual(['capabilities', 'table', expect.arrayContaining([['publisher_confirms', 'bool', true]])]);
    // RabbitMQ's dual-stack listener reports ::ffff:127.0.0.1 as 8 numbers; Warren's IPv4 listener the 4 of an IPv4 tuple.
    if (!t.external) expect(row.host).toEqual([127, 0, 0, 1]);
  }, 60_000);

  it('refuses unknown columns (64) and bad credentials (77)', async () => {
    const bogus = await ctl('list_connections', 'user', 'bogus');
    expect(bogus.code).toBe(64);
    expect(bogus.stderr).toMatch(/^Error \(argument validation\): Info key\(s\) bogus are not supported\nArguments given:\n\t/);
    const denied = await ctl('--password', 'wrong', 'list_connections');
    expect(denied.code).toBe(77);
    expect(denied.stderr).toBe('Error:\nLogin failed\n');
    expect((await ctl('list_channels', 'bogus')).code).toBe(64);
  });
});

describe('warrenctl list_channels', () => {
  it('prints the default columns, and the columns asked with the connection\'s and channel\'s names', async () => {
    const n = sessionName('ctl-chans');
    const conn = await side.connect(n);
    const ch1 = await conn.createChannel();
    await ch1.prefetch(5);
    await ch1.prefetch(2, true);
    await conn.createConfirmChannel();
    const c = await listed(n, 2);
    const name = c.name as string;
    await pollJson(t.base, '/api/channels', (j) => Array.isArray(j) && j.filter((x: { connection_details: { name: string } }) => x.connection_details.name === name).length === 2);

    const list = await ctl('list_channels');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').slice(0, 2)).toEqual(['Listing channels ...', 'pid\tuser\tconsumer_count\tmessages_unacknowledged']);
    if (!t.external) expect(list.stdout.split('\n')).toContain(`${name} (1)\tguest\t0\t0`);

    const cols = await ctl('-q', 'list_channels', 'name', 'number', 'user', 'vhost', 'transactional', 'confirm', 'prefetch_count', 'global_prefetch_count', 'messages_unconfirmed', 'acks_uncommitted', 'messages_uncommitted');
    const lines = cols.stdout.split('\n');
    expect(lines[0]).toBe('name\tnumber\tuser\tvhost\ttransactional\tconfirm\tprefetch_count\tglobal_prefetch_count\tmessages_unconfirmed\tacks_uncommitted\tmessages_uncommitted');
    expect(lines).toContain(`${name} (1)\t1\tguest\t/\tfalse\tfalse\t5\t2\t0\t0\t0`);
    expect(lines).toContain(`${name} (2)\t2\tguest\t/\tfalse\ttrue\t0\t0\t0\t0\t0`);

    const json = await ctl('list_channels', '--formatter', 'json', 'name', 'number', 'confirm', 'prefetch_count');
    const rows = (JSON.parse(json.stdout) as Array<Record<string, unknown>>).filter((r) => String(r.name).startsWith(name));
    expect(rows).toContainEqual({ name: `${name} (1)`, number: 1, confirm: false, prefetch_count: 5 });
    expect(rows).toContainEqual({ name: `${name} (2)`, number: 2, confirm: true, prefetch_count: 0 });
    if (!t.external) {
      const pids = await ctl('-s', 'list_channels', 'pid', 'connection');
      expect(pids.stdout.split('\n')).toContain(`${name} (1)\t${name}`);
    }
  }, 60_000);
});

describe('warrenctl close_connection', () => {
  it('closes the named connection with the explanation (320), is silent for one that is gone, refuses a malformed name', async () => {
    const n = sessionName('ctl-close');
    const conn = await side.connect(n);
    const name = (await listed(n, 0)).name as string;
    const closed = closeMessage(conn);
    // rabbitmqctl takes the connection's Erlang pid; warrenctl its name (what its list_connections prints as pid).
    const id = name;
    const r = await ctl('close_connection', id, 'sessions bye');
    expect(r).toEqual({ code: 0, stdout: `Closing connection ${id}, reason: sessions bye...\n`, stderr: '' });
    expect(await closed).toBe('Connection closed: 320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - sessions bye"');
    await waitFor(async () => (await call(t.base, `/api/connections/${encodeURIComponent(name)}`)).status === 404, 'the connection to go', { timeoutMs: 20_000, intervalMs: 200 });
    expect((await ctl('close_connection', id, 'again')).code).toBe(0);

    const garbage = await ctl('close_connection', 'garbage', 'x');
    expect(garbage).toEqual({ code: 69, stdout: 'Closing connection garbage, reason: x...\n', stderr: 'Error:\n{:invalid_pid_syntax, "garbage"}\n' });
    const one = await ctl('close_connection', 'onlyone');
    expect(one.code).toBe(64);
    expect(one.stderr).toMatch(/^Error \(argument validation\): not enough arguments\.\nArguments given:\n\t.*close_connection onlyone/);
    expect((await ctl('close_connection', 'a', 'b', 'c')).stderr).toMatch(/^Error \(argument validation\): too many arguments\./);
  }, 60_000);
});

describe('warrenctl close_all_connections', () => {
  it('closes a vhost\'s connections, --limit n of them first; says how many; 0 for a missing vhost; -q and json', async () => {
    const vhost = sessionName('ctl-vh');
    await t.addVhost(vhost);
    const user = sessionName('ctl-user');
    await t.addUser(user, 'pw', ['management'], [vhost]);
    const conns = [];
    for (let i = 0; i < 3; i++) conns.push(await side.connect(sessionName(`ctl-all${i}`), { user, vhost }));
    const other = sessionName('ctl-other');
    const otherConn = await side.connect(other);
    await pollJson(t.base, `/api/vhosts/${encodeURIComponent(vhost)}/connections`, (j) => Array.isArray(j) && j.length === 3);
    const closed = conns.map(closeMessage);

    const first = await ctl('close_all_connections', '-p', vhost, '--limit', '1', 'sessions limit');
    expect(first).toEqual({ code: 0, stdout: `Closing 1 connections in vhost ${vhost}, reason: sessions limit...\nClosed 1 connections\n`, stderr: '' });
    await pollJson(t.base, `/api/vhosts/${encodeURIComponent(vhost)}/connections`, (j) => Array.isArray(j) && j.length === 2);
    const rest = await ctl('close_all_connections', '-p', vhost, '--per-connection-delay', '10', 'sessions rest');
    expect(rest).toEqual({ code: 0, stdout: `Closing all connections in vhost ${vhost}, reason: sessions rest...\nClosed 2 connections\n`, stderr: '' });
    const texts = await Promise.all(closed);
    expect(texts.filter((m) => m.includes('"CONNECTION_FORCED - sessions limit"'))).toHaveLength(1);
    expect(texts.filter((m) => m.includes('"CONNECTION_FORCED - sessions rest"'))).toHaveLength(2);
    // The default vhost's connection is untouched.
    await (await otherConn.createChannel()).close();

    const missing = sessionName('novhost');
    expect(await ctl('close_all_connections', '-p', missing, 'x')).toEqual({ code: 0, stdout: `Closing all connections in vhost ${missing}, reason: x...\nClosed 0 connections\n`, stderr: '' });
    expect(await ctl('-q', 'close_all_connections', '-p', missing, 'x')).toEqual({ code: 0, stdout: 'Closed 0 connections\n', stderr: '' });
    const json = await ctl('close_all_connections', '-p', missing, '--formatter', 'json', 'x');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ node: expect.any(String), result: 'ok', value: 'Closed 0 connections' });
    expect(json.stdout.split('\n')).toHaveLength(2);

    const bad = await ctl('close_all_connections', '-p', missing, '--limit', 'abc', 'x');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/^Error \(argument validation\): Invalid options for this command:\n--limit : abc\nArguments given:\n\t/);
    expect((await ctl('close_all_connections')).stderr).toMatch(/^Error \(argument validation\): not enough arguments\./);
    expect((await ctl('close_all_connections', 'a', 'b')).code).toBe(64);
  }, 60_000);

  it('--global closes every vhost\'s connections (Warren only: never on the shared reference)', async () => {
    if (t.external) return;
    const a = await side.connect(sessionName('glob-a'));
    const b = await side.connect(sessionName('glob-b'));
    await pollJson(t.base, '/api/connections', (j) => Array.isArray(j) && j.length >= 2);
    const count = ((await call(t.base, '/api/connections')).json as unknown[]).length;
    const closedA = closeMessage(a);
    const closedB = closeMessage(b);
    const node = ((await call(t.base, '/api/connections')).json as Array<{ node: string }>)[0].node;
    const r = await ctl('close_all_connections', '--global', '--limit', '1', 'everyone');
    expect(r).toEqual({ code: 0, stdout: `Closing all connections to node ${node} (across all vhosts), reason: everyone...\nClosed ${count} connections\n`, stderr: '' });
    expect(await closedA).toContain('"CONNECTION_FORCED - everyone"');
    expect(await closedB).toContain('"CONNECTION_FORCED - everyone"');
  }, 60_000);
});
