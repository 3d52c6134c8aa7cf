// RabbitMQ 3.10.8's rabbitmqadmin (the Python script Debian's rabbitmq-server ships), unchanged, against
// Warren's management port: declare, list, publish, get, purge, delete, export and import. The script
// is found at $RABBITMQADMIN, .tmp/rabbitmqadmin/usr/bin/rabbitmqadmin (where .ci/run extracts it from
// the .deb, without installing the broker) or /usr/bin/rabbitmqadmin; the test fails, not skips, when
// it is missing. With WARREN_REFERENCE_MGMT_URL set every command also runs against the reference
// RabbitMQ and must print the same.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { PYTHON } from '../helpers/pika.js';
import { ROOT } from '../helpers/warren-process.js';
import { referenceMgmtUrl } from '../helpers/shape-compare.js';
import { removeTestObjects } from '../http/objects-target.js';

const CANDIDATES = [process.env.RABBITMQADMIN, path.join(ROOT, '.tmp/rabbitmqadmin/usr/bin/rabbitmqadmin'), '/usr/bin/rabbitmqadmin'];
const SCRIPT = CANDIDATES.find((p): p is string => p !== undefined && p !== '' && existsSync(p));

let t: ManagementTarget;
let dir: string;

beforeAll(async () => {
  expect(SCRIPT, `rabbitmqadmin not found (looked at ${CANDIDATES.filter(Boolean).join(', ')}); .ci/run extracts it from Debian's rabbitmq-server package`).toBeDefined();
  t = await startManagementTarget();
  dir = await mkdtemp(path.join(os.tmpdir(), 'warren-rabbitmqadmin-'));
  if (referenceMgmtUrl !== undefined) await removeTestObjects(referenceMgmtUrl);
});
afterAll(async () => {
  if (referenceMgmtUrl !== undefined) await removeTestObjects(referenceMgmtUrl);
  await t?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs rabbitmqadmin with args against the management API at base (guest/guest). */
function admin(base: string, ...args: string[]): Promise<Run> {
  const url = new URL(base);
  return new Promise((resolve) => {
    execFile(PYTHON, ['-B', SCRIPT as string, '-H', url.hostname, '-P', url.port, '-u', 'guest', '-p', 'guest', ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/** Runs on Warren and, when there is one, the reference; expects the same output from both; returns Warren's. */
async function both(...args: string[]): Promise<Run> {
  const w = await admin(t.base, ...args);
  if (referenceMgmtUrl !== undefined) {
    const r = await admin(referenceMgmtUrl, ...args);
    expect(w, `rabbitmqadmin ${args.join(' ')}: Warren and RabbitMQ`).toEqual(r);
  }
  return w;
}

const mine = (out: string): string[] => out.split('\n').filter((l) => l.includes('objects-t-'));

/** A list command on both: the lines about this test's objects must be the same (the reference has others too). */
async function bothMine(...args: string[]): Promise<string[]> {
  const w = await admin(t.base, ...args);
  expect(w.code, w.stderr).toBe(0);
  if (referenceMgmtUrl !== undefined) expect(mine(w.stdout), `rabbitmqadmin ${args.join(' ')}: Warren and RabbitMQ`).toEqual(mine((await admin(referenceMgmtUrl, ...args)).stdout));
  return mine(w.stdout);
}

/** A raw_json list command on both: this test's items must be the same. */
async function bothItems(...args: string[]): Promise<Array<Record<string, unknown>>> {
  const items = (out: string): Array<Record<string, unknown>> =>
    (JSON.parse(out) as Array<Record<string, unknown>>).filter((i) => Object.values(i).some((v) => typeof v === 'string' && v.startsWith('objects-t-')));
  const w = items((await admin(t.base, '-f', 'raw_json', ...args)).stdout);
  if (referenceMgmtUrl !== undefined) expect(w, `rabbitmqadmin ${args.join(' ')}: Warren and RabbitMQ`).toEqual(items((await admin(referenceMgmtUrl, '-f', 'raw_json', ...args)).stdout));
  return w;
}

describe('rabbitmqadmin', () => {
  it('declares, lists, publishes, gets, purges and deletes as against RabbitMQ', async () => {
    expect(await both('declare', 'queue', 'name=objects-t-aq', 'durable=true', 'arguments={"x-max-length":10}')).toEqual({ code: 0, stdout: 'queue declared\n', stderr: '' });
    expect(await both('declare', 'queue', 'name=objects-t-aq', 'durable=false')).toEqual({
      code: 1,
      stdout: '',
      stderr: "*** inequivalent arg 'durable' for queue 'objects-t-aq' in vhost '/': received 'false' but current is 'true'\n\n",
    });
    expect((await both('declare', 'exchange', 'name=objects-t-ax', 'type=topic')).stdout).toBe('exchange declared\n');
    expect((await both('declare', 'binding', 'source=objects-t-ax', 'destination=objects-t-aq', 'routing_key=a.#')).stdout).toBe('binding declared\n');

    // rabbitmqadmin's tsv leaves out values that are objects (arguments); raw_json has them.
    expect(await bothMine('-f', 'tsv', 'list', 'queues', 'name', 'durable', 'arguments')).toEqual(['objects-t-aq\tTrue\t']);
    expect(await bothItems('list', 'queues', 'name', 'arguments')).toEqual([{ name: 'objects-t-aq', arguments: { 'x-max-length': 10 } }]);
    expect(await bothMine('-f', 'tsv', 'list', 'exchanges', 'name', 'type', 'durable')).toEqual(['objects-t-ax\ttopic\tTrue']);
    expect(await bothMine('-f', 'tsv', 'list', 'bindings', 'source', 'destination', 'routing_key', 'properties_key')).toEqual([
      '\tobjects-t-aq\tobjects-t-aq\tobjects-t-aq',
      'objects-t-ax\tobjects-t-aq\ta.#\ta.%23',
    ]);
    // The default table output.
    const table = await admin(t.base, 'list', 'queues');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\|\s+name\s+\|\s+messages\s+\|/);
    expect(table.stdout).toMatch(/\| objects-t-aq \| 0\s+\|/);

    expect((await both('publish', 'exchange=objects-t-ax', 'routing_key=a.b', 'payload=hi there')).stdout).toBe('Message published\n');
    expect((await both('publish', 'exchange=objects-t-ax', 'routing_key=zzz', 'payload=x')).stdout).toBe('Message published but NOT routed\n');
    const got = await both('-f', 'raw_json', 'get', 'queue=objects-t-aq', 'ackmode=ack_requeue_true');
    expect(JSON.parse(got.stdout)).toEqual([
      { payload_bytes: 8, redelivered: false, exchange: 'objects-t-ax', routing_key: 'a.b', message_count: 0, properties: [], payload: 'hi there', payload_encoding: 'string' },
    ]);
    const table2 = await both('get', 'queue=objects-t-aq', 'ackmode=ack_requeue_false');
    expect(table2.stdout).toMatch(/\| a\.b\s+\| objects-t-ax \| 0\s+\| hi there \| 8\s+\| string\s+\|\s+\| True\s+\|/);
    expect(JSON.parse((await both('-f', 'raw_json', 'get', 'queue=objects-t-aq')).stdout)).toEqual([]);

    expect((await both('publish', 'routing_key=objects-t-aq', 'payload=again')).stdout).toBe('Message published\n');
    expect((await both('purge', 'queue', 'name=objects-t-aq')).stdout).toBe('queue purged\n');
    expect((await both('delete', 'binding', 'source=objects-t-ax', 'destination_type=queue', 'destination=objects-t-aq', 'properties_key=a.%23')).stdout).toBe('binding deleted\n');
    expect(await bothMine('-f', 'tsv', 'list', 'bindings', 'source', 'destination')).toEqual(['\tobjects-t-aq']);
    expect(await both('get', 'queue=objects-t-nosuch')).toEqual({ code: 1, stdout: '', stderr: '*** Not found: /api/queues/%2F/objects-t-nosuch/get\n\n' });
    expect((await both('delete', 'queue', 'name=objects-t-aq')).stdout).toBe('queue deleted\n');
    expect((await both('delete', 'exchange', 'name=objects-t-ax')).stdout).toBe('exchange deleted\n');
    expect(await both('delete', 'queue', 'name=objects-t-aq')).toEqual({ code: 1, stdout: '', stderr: '*** Not found: /api/queues/%2F/objects-t-aq\n\n' });
  }, 120_000);

  it('exports the definitions declared through the API and imports them back', async () => {
    await admin(t.base, 'declare', 'queue', 'name=objects-t-eq', 'durable=true');
    await admin(t.base, 'declare', 'exchange', 'name=objects-t-ex', 'type=fanout', 'durable=true');
    await admin(t.base, 'declare', 'binding', 'source=objects-t-ex', 'destination=objects-t-eq', 'arguments={"k":1}');
    const file = path.join(dir, 'defs.json');
    const exported = await admin(t.base, 'export', file);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^Exported definitions for 127\.0\.0\.1 to "/);
    const defs = JSON.parse(await readFile(file, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    expect(defs.queues).toContainEqual({ name: 'objects-t-eq', vhost: '/', durable: true, auto_delete: false, arguments: {} });
    expect(defs.exchanges).toContainEqual({ name: 'objects-t-ex', vhost: '/', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} });
    expect(defs.bindings).toContainEqual({ source: 'objects-t-ex', vhost: '/', destination: 'objects-t-eq', destination_type: 'queue', routing_key: '', arguments: { k: 1 } });

    await admin(t.base, 'delete', 'queue', 'name=objects-t-eq');
    await admin(t.base, 'delete', 'exchange', 'name=objects-t-ex');
    const imported = await admin(t.base, 'import', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Uploaded definitions from "127\.0\.0\.1" to /);
    const bindings = JSON.parse((await admin(t.base, '-f', 'raw_json', 'list', 'bindings', 'source', 'destination', 'arguments')).stdout) as Array<Record<string, unknown>>;
    expect(bindings.filter((b) => b.destination === 'objects-t-eq')).toEqual([
      { source: '', destination: 'objects-t-eq', arguments: {} },
      { source: 'objects-t-ex', destination: 'objects-t-eq', arguments: { k: 1 } },
    ]);
  }, 60_000);
});
