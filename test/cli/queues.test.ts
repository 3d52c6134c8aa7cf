// warrenctl list_queues, list_exchanges, list_bindings, purge_queue and delete_queue against a running
// broker's management API: banners, columns (rabbitmqctl 3.10.8's names, defaults, order as asked,
// each once), TAB tables, --formatter json, -p, -q, and the exit codes, as rabbitmqctl 3.10.8 prints
// them (checked with /work/shared/tools/rabbitmq-local.sh ctl). Warren has no Erlang pids: pid
// prints the node.
// Against RabbitMQ's API (WARREN_TEST_URL) the message counts lag its statistics by up to 5 s: this file runs against Warren.
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { guestApi, useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const conns: amqp.ChannelModel[] = [];
afterAll(async () => {
  for (const c of conns) await c.close().catch(() => {});
  for (const q of ['objects-t-cq1', 'objects-t-cq2', 'objects-t-busy']) await guestApi(env.t, 'DELETE', `/api/queues/%2F/${q}`);
  await guestApi(env.t, 'DELETE', '/api/exchanges/%2F/objects-t-cx');
});

async function publish(queue: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await guestApi(env.t, 'POST', '/api/exchanges/%2F/amq.default/publish', { properties: {}, routing_key: queue, payload: `m${i}`, payload_encoding: 'string' });
    expect(r.body).toEqual({ routed: true });
  }
}

describe('list_queues, list_exchanges, list_bindings', () => {
  it('list_queues prints the timeout and listing banners, a header and rabbitmqctl\'s default columns', async () => {
    await guestApi(env.t, 'PUT', '/api/queues/%2F/objects-t-cq1', { durable: true, arguments: { 'x-max-length': 10, s: 'x' } });
    await guestApi(env.t, 'PUT', '/api/queues/%2F/objects-t-cq2', {});
    await publish('objects-t-cq1', 2);
    const r = await env.ctl('list_queues');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['Timeout: 60.0 seconds ...', 'Listing queues for vhost / ...', 'name\tmessages']);
    expect(env.mine(r.stdout, 'objects-t-cq1', 'objects-t-cq2').sort()).toEqual(['objects-t-cq1\t2', 'objects-t-cq2\t0']);

    // Columns in the order asked, each once; comma-separated works too; -t sets the timeout shown.
    const cols = await env.ctl('list_queues', '-t', '5', 'name', 'name,durable', 'arguments', 'messages_ready', 'pid', 'policy', 'state', 'type', 'exclusive', 'consumers');
    expect(cols.stdout.split('\n').slice(0, 3)).toEqual(['Timeout: 5.0 seconds ...', 'Listing queues for vhost / ...', 'name\tdurable\targuments\tmessages_ready\tpid\tpolicy\tstate\ttype\texclusive\tconsumers']);
    const [row] = env.mine(cols.stdout, 'objects-t-cq1');
    expect(row).toMatch(/^objects-t-cq1\ttrue\t\[\{"s","x"\},\{"x-max-length",10\}\]\t2\t<[^>]+>\t\trunning\tclassic\tfalse\t0$/);

    // -q: no banners; --no-table-headers: no header row.
    const quiet = await env.ctl('-q', 'list_queues', 'name', '--no-table-headers');
    expect(quiet.stdout.split('\n')[0]).not.toMatch(/Timeout|Listing|^name$/);
    expect(env.mine(quiet.stdout, 'objects-t-cq1')).toEqual(['objects-t-cq1']);
  }, 60_000);

  it('list_queues --formatter json: one object a line, arguments as the Erlang table', async () => {
    const r = await env.ctl('list_queues', '--formatter', 'json', 'name', 'arguments', 'messages', 'durable', 'policy');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('[\n{')).toBe(true);
    expect(r.stdout.endsWith('}\n]\n')).toBe(true);
    const items = (JSON.parse(r.stdout) as Array<Record<string, unknown>>).filter((i) => String(i.name).startsWith('objects-t-cq'));
    expect(items).toContainEqual({ name: 'objects-t-cq1', arguments: [['s', 'longstr', 'x'], ['x-max-length', 'long', 10]], messages: 2, durable: true, policy: '' });
  });

  it('list_queues for a vhost that does not exist prints the banners only (exit 0); unknown columns are 64', async () => {
    expect(await env.ctl('list_queues', '-p', 'objects-t-nosuchv')).toEqual({ code: 0, stdout: 'Timeout: 60.0 seconds ...\nListing queues for vhost objects-t-nosuchv ...\n', stderr: '' });
    expect(await env.ctl('list_queues', '-p', 'objects-t-nosuchv', '--formatter', 'json')).toEqual({ code: 0, stdout: '[\n]\n', stderr: '' });
    const bad = await env.ctl('list_queues', 'bogus');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('Error (argument validation): Info key(s) bogus are not supported\n');
  });

  it('list_exchanges and list_bindings print rabbitmqctl\'s banners, default columns and formats', async () => {
    await guestApi(env.t, 'PUT', '/api/exchanges/%2F/objects-t-cx', { type: 'topic', durable: true });
    await guestApi(env.t, 'POST', '/api/bindings/%2F/e/objects-t-cx/q/objects-t-cq1', { routing_key: 'a.#', arguments: { x: 1, s: 'a' } });
    const x = await env.ctl('list_exchanges');
    expect(x.code).toBe(0);
    expect(x.stdout.split('\n').slice(0, 2)).toEqual(['Listing exchanges for vhost / ...', 'name\ttype']);
    expect(env.mine(x.stdout, 'objects-t-cx', 'amq.topic', '').filter((l) => l !== '').sort()).toEqual(['\tdirect', 'amq.topic\ttopic', 'objects-t-cx\ttopic']);
    const xcols = await env.ctl('-q', 'list_exchanges', 'type', 'name', 'durable', 'auto_delete', 'internal', 'arguments', 'policy');
    expect(xcols.stdout.split('\n')[0]).toBe('type\tname\tdurable\tauto_delete\tinternal\targuments\tpolicy');
    expect(env.mine(xcols.stdout, 'objects-t-cx')).toEqual(['topic\tobjects-t-cx\ttrue\tfalse\tfalse\t[]\t']);

    const b = await env.ctl('list_bindings');
    expect(b.code).toBe(0);
    // rabbitmqctl 3.10.8's banner has no space before the dots.
    expect(b.stdout.split('\n').slice(0, 2)).toEqual(['Listing bindings for vhost /...', 'source_name\tsource_kind\tdestination_name\tdestination_kind\trouting_key\targuments']);
    const rows = b.stdout.split('\n').filter((l) => l.includes('objects-t-cq1'));
    expect(rows).toContain('\texchange\tobjects-t-cq1\tqueue\tobjects-t-cq1\t[]');
    expect(rows).toContain('objects-t-cx\texchange\tobjects-t-cq1\tqueue\ta.#\t[{"s","a"},{"x",1}]');
    const json = await env.ctl('list_bindings', '--formatter', 'json', 'source_name', 'routing_key', 'arguments');
    const items = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(items).toContainEqual({ source_name: 'objects-t-cx', routing_key: 'a.#', arguments: [['s', 'longstr', 'a'], ['x', 'long', 1]] });
    expect(await env.ctl('list_bindings', '-p', 'objects-t-nosuchv')).toEqual({ code: 0, stdout: 'Listing bindings for vhost objects-t-nosuchv...\n', stderr: '' });
    expect(await env.ctl('list_exchanges', '-p', 'objects-t-nosuchv')).toEqual({ code: 0, stdout: 'Listing exchanges for vhost objects-t-nosuchv ...\n', stderr: '' });
  });
});

describe('purge_queue, delete_queue', () => {
  it('purge_queue empties the queue; a missing queue is "not_found" (69); missing arguments 64', async () => {
    await publish('objects-t-cq2', 3);
    expect(await env.ctl('purge_queue', 'objects-t-cq2')).toEqual({ code: 0, stdout: "Purging queue 'objects-t-cq2' in vhost '/' ...\n", stderr: '' });
    expect((await guestApi(env.t, 'GET', '/api/queues/%2F/objects-t-cq2?columns=messages')).body).toEqual({ messages: 0 });
    expect(await env.ctl('purge_queue', 'objects-t-nosuch')).toEqual({ code: 69, stdout: "Purging queue 'objects-t-nosuch' in vhost '/' ...\n", stderr: 'Error:\nnot_found\n' });
    expect(await env.ctl('-q', 'purge_queue', 'objects-t-cq2')).toEqual({ code: 0, stdout: '', stderr: '' });
    const none = await env.ctl('purge_queue');
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('Error (argument validation): not enough arguments.');
  });

  it('delete_queue reports the ready messages; --if-empty / -e and --if-unused / -u refuse with 64', async () => {
    await publish('objects-t-cq1', 1);
    expect(await env.ctl('delete_queue', 'objects-t-cq1', '--if-empty')).toEqual({
      code: 64,
      stdout: "Deleting queue 'objects-t-cq1' on vhost '/' if queue is empty ...\n",
      stderr: 'Error:\nQueue is not empty\n',
    });
    await guestApi(env.t, 'PUT', '/api/queues/%2F/objects-t-busy', {});
    const c = await amqp.connect(env.t.amqpUrl);
    conns.push(c);
    const ch = await c.createChannel();
    await ch.consume('objects-t-busy', () => {});
    expect(await env.ctl('delete_queue', 'objects-t-busy', '-u', '-e')).toEqual({
      code: 64,
      stdout: "Deleting queue 'objects-t-busy' on vhost '/' if queue is empty and if queue is unused ...\n",
      stderr: 'Error:\nQueue is in use\n',
    });
    expect(await env.ctl('delete_queue', 'objects-t-nosuch')).toEqual({ code: 64, stdout: "Deleting queue 'objects-t-nosuch' on vhost '/' ...\n", stderr: 'Error:\nQueue not found\n' });
    expect(await env.ctl('delete_queue', '-p', 'objects-t-nosuchv', 'q')).toEqual({ code: 64, stdout: "Deleting queue 'q' on vhost 'objects-t-nosuchv' ...\n", stderr: 'Error:\nQueue not found\n' });
    expect(await env.ctl('delete_queue', 'objects-t-cq1')).toEqual({
      code: 0,
      stdout: "Deleting queue 'objects-t-cq1' on vhost '/' ...\nQueue was successfully deleted with 3 ready messages\n",
      stderr: '',
    });
    expect((await guestApi(env.t, 'GET', '/api/queues/%2F/objects-t-cq1')).status).toBe(404);
    const many = await env.ctl('delete_queue', 'a', 'b');
    expect(many.code).toBe(64);
    expect(many.stderr).toContain('Error (argument validation): too many arguments.');
  });
});
