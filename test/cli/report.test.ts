// warrenctl report: rabbitmqctl 3.10.8's report (ReportCommand with the Report formatter, read in
// deps/rabbitmq_cli: when this was written the shared reference had lost its Mnesia tables to a
// file-descriptor exhaustion, so its `rabbitmqctl report` could not be observed and the layout
// comes from the source): the banner, then each part
// opened by an empty line and its banner, node parts first, then the vhost parts for every vhost;
// each part is what the warrenctl command of that name prints on its own.
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestApi, useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);

let node: string;
let conn: amqp.ChannelModel;

beforeAll(async () => {
  node = ((await guestApi(env.t, 'GET', '/api/overview')).body as { node: string }).node;
  expect((await guestApi(env.t, 'PUT', '/api/vhosts/f11-report-vh')).status).toBe(201);
  env.vhosts.push('f11-report-vh');
  conn = await amqp.connect(env.t.amqpUrl);
  const ch = await conn.createChannel();
  await ch.assertQueue('f11-report-q', { durable: false });
  ch.sendToQueue('f11-report-q', Buffer.from('x'));
});

afterAll(async () => {
  await conn?.close();
});

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('warrenctl report', () => {
  it('prints every part in rabbitmqctl\'s order, each after an empty line, each as its own command prints it', async () => {
    const r = await ctl('report');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const out = r.stdout;
    expect(out.startsWith(`Reporting server status of node ${node} ...\n\nStatus of node ${node} ...\n`)).toBe(true);
    const vhostBanners = (v: string): string[] => [
      `Listing queues for vhost ${v} ...`,
      `Listing exchanges for vhost ${v} ...`,
      `Listing bindings for vhost ${v}...`,
      `Listing permissions for vhost "${v}" ...`,
      `Listing policies for vhost "${v}" ...`,
      'Listing global runtime parameters ...',
      `Listing runtime parameters for vhost "${v}" ...`,
    ];
    const expected = [
      `Status of node ${node} ...`,
      `Cluster status of node ${node} ...`,
      `Application environment of node ${node} ...`,
      'Listing connections ...',
      'Listing channels ...',
      ...vhostBanners('/'),
      ...vhostBanners('f11-report-vh'),
    ];
    // Each banner follows an empty line, in this order.
    const lines = out.split('\n');
    let at = 0;
    for (const b of expected) {
      const i = lines.indexOf(b, at);
      expect(i, b).toBeGreaterThan(at - 1);
      // list_queues' banner has two lines (rabbitmqctl's banner list: the timeout first).
      if (b.startsWith('Listing queues')) {
        expect(lines[i - 1]).toBe('Timeout: 60.0 seconds ...');
        expect(lines[i - 2], `the line before ${b}`).toBe('');
      } else expect(lines[i - 1], `the line before ${b}`).toBe('');
      at = i + 1;
    }
    // The parts are the commands' own output: the same text as running each alone.
    const queues = await ctl('list_queues', '-p', '/', 'name', 'durable', 'auto_delete', 'arguments', 'policy', 'pid', 'owner_pid', 'exclusive', 'exclusive_consumer_pid', 'exclusive_consumer_tag', 'messages_ready', 'messages_unacknowledged', 'messages', 'messages_ready_ram', 'messages_unacknowledged_ram', 'messages_ram', 'messages_persistent', 'message_bytes', 'message_bytes_ready', 'message_bytes_unacknowledged', 'message_bytes_ram', 'message_bytes_persistent', 'head_message_timestamp', 'disk_reads', 'disk_writes', 'consumers', 'consumer_utilisation', 'consumer_capacity', 'memory', 'slave_pids', 'synchronised_slave_pids', 'state', 'type', 'leader', 'members', 'online');
    expect(queues.code).toBe(0);
    const queueRow = queues.stdout.split('\n').find((l) => l.startsWith('f11-report-q\t'));
    expect(queueRow).toBeDefined();
    // All info keys: the header row names every column.
    expect(out).toContain(queues.stdout.split('\n').find((l) => l.startsWith('name\tdurable\t'))!);
    const conns = env.mine(out, 'guest');
    expect(conns.length).toBeGreaterThan(0);
    const exchanges = await ctl('list_exchanges', '-p', 'f11-report-vh', 'name', 'type', 'durable', 'auto_delete', 'internal', 'arguments', 'policy');
    expect(out).toContain(exchanges.stdout.split('\n').slice(1).join('\n'));
  });

  it('takes no arguments and only its own formatter (exit 64, as rabbitmqctl\'s validation)', async () => {
    const extra = await ctl('report', 'x');
    expect(extra.code).toBe(64);
    const json = await ctl('report', '--formatter', 'json');
    expect(json.code).toBe(64);
    expect(json.stderr).toContain('Only report formatter is supported');
  });

  it('-q leaves the banners out, the empty lines between the parts stay', async () => {
    const r = await ctl('-q', 'report');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Reporting server status');
    expect(r.stdout).not.toContain('Listing queues for vhost');
    expect(r.stdout.startsWith('\n')).toBe(true);
  });
});
