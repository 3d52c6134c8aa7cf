// warrenctl status, cluster_status and environment against a running Warren: rabbitmqctl 3.10.8's
// sections, lines, JSON keys and exit codes (observed with rabbitmq-local.sh ctl status /
// cluster_status / environment on the reference; the key lists below are copied from that output).
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { pollUntil } from '../helpers/wait.js';
import { runCtl, runCtlArgs } from '../helpers/warrenctl.js';
import { useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);
const B = (s: string) => `\x1b[1m${s}\x1b[0m`;

// rabbitmqctl 3.10.8 status: the section titles in order, and the JSON keys.
const STATUS_SECTIONS = ['Runtime', 'Plugins', 'Data directory', 'Config files', 'Log file(s)', 'Alarms', 'Memory', 'File Descriptors', 'Free Disk Space', 'Totals', 'Listeners'];
const STATUS_JSON_KEYS = [
  'active_plugins', 'alarms', 'config_files', 'crypto_lib_version', 'data_directory', 'disk_free', 'disk_free_limit', 'enabled_plugin_file',
  'erlang_version', 'file_descriptors', 'is_under_maintenance', 'listeners', 'log_files', 'memory', 'net_ticktime', 'os', 'pid', 'processes',
  'product_name', 'product_version', 'rabbitmq_version', 'raft_data_directory', 'release_series_support_status', 'run_queue', 'totals', 'uptime',
  'vm_memory_calculation_strategy', 'vm_memory_high_watermark_limit', 'vm_memory_high_watermark_setting',
];
const CLUSTER_JSON_KEYS = ['alarms', 'cluster_name', 'disk_nodes', 'feature_flags', 'listeners', 'maintenance_status', 'partitions', 'ram_nodes', 'running_nodes', 'versions'];

let node: string;
let conn: amqp.ChannelModel;

beforeAll(async () => {
  node = ((await (await fetch(`${env.t.base}/api/overview`, { headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } })).json()) as any).node;
  conn = await amqp.connect(env.t.amqpUrl);
  const ch = await conn.createChannel();
  await ch.assertQueue('node-tstatus-q', { durable: false });
});

afterAll(async () => {
  await conn?.close();
});

/** The lines of one section of rabbitmqctl's text output (between its title and the next). */
function section(out: string, title: string): string[] {
  const lines = out.split('\n');
  const start = lines.indexOf(B(title));
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(start + 2);
  const end = rest.findIndex((l) => l.startsWith('\x1b[1m'));
  return (end < 0 ? rest : rest.slice(0, end)).filter((l) => l !== '');
}

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('warrenctl status', () => {
  it('prints rabbitmqctl 3.10.8\'s sections and lines with the node\'s values', async () => {
    const r = await ctl('status');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.startsWith(`Status of node ${node} ...\n${B('Runtime')}\n\nOS PID: ${process.pid}\nOS: Linux\nUptime (seconds): `)).toBe(true);
    const titles = r.stdout.split('\n').filter((l) => l.startsWith('\x1b[1m')).map((l) => l.slice(4, -4));
    expect(titles).toEqual(STATUS_SECTIONS);
    const runtime = section(r.stdout, 'Runtime');
    expect(runtime.map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      'OS PID', 'OS', 'Uptime (seconds)', 'Is under maintenance?', 'RabbitMQ version', 'RabbitMQ release series support status', 'Node name',
      'Erlang configuration', 'Crypto library', 'Erlang processes', 'Scheduler run queue', 'Cluster heartbeat timeout (net_ticktime)',
    ]);
    expect(runtime).toEqual(expect.arrayContaining(['Is under maintenance?: false', 'RabbitMQ version: 3.10.8', `Node name: ${node}`, 'Cluster heartbeat timeout (net_ticktime): 60']));
    expect(runtime.find((l) => l.startsWith('Erlang configuration: '))).toBe(`Erlang configuration: Node.js ${process.version} [${process.platform}-${process.arch}] [V8 ${process.versions.v8}]`);
    expect(runtime.find((l) => l.startsWith('Erlang processes: '))).toMatch(/^Erlang processes: \d+ used, 1048576 limit$/);
    expect(section(r.stdout, 'Plugins')).toEqual(['Enabled plugin file: (none)', 'Enabled plugins:', ' * rabbitmq_management', ' * rabbitmq_prometheus']);
    expect(section(r.stdout, 'Data directory')).toEqual([`Node data directory: ${env.t.services!.config.dataDir}`]);
    expect(section(r.stdout, 'Log file(s)')).toEqual([' * <stdout>']);
    expect(section(r.stdout, 'Alarms')).toEqual(['(none)']);
    const memory = section(r.stdout, 'Memory');
    expect(memory[0]).toMatch(/^Total memory used: \d+\.\d+ gb$/);
    expect(memory[1]).toBe('Calculation strategy: rss');
    expect(memory[2]).toMatch(/^Memory high watermark setting: 0\.4 of available memory, computed to: \d+\.\d+ gb$/);
    for (const l of memory.slice(3)) expect(l).toMatch(/^[a-z_]+: \d+\.\d+ gb \(\d+\.\d+ %\)$/);
    expect(memory.slice(3).map((l) => l.split(':')[0])).toEqual(expect.arrayContaining(['other_proc', 'binary', 'code', 'queue_procs']));
    const fds = section(r.stdout, 'File Descriptors');
    expect(fds[0]).toMatch(/^Total: \d+, limit: \d+$/);
    expect(fds[1]).toMatch(/^Sockets: 1, limit: \d+$/);
    expect(section(r.stdout, 'Free Disk Space')).toEqual(['Low free disk space watermark: 0.05 gb', expect.stringMatching(/^Free disk space: \d+\.\d+ gb$/)]);
    expect(section(r.stdout, 'Totals')).toEqual(['Connection count: 1', 'Queue count: 1', 'Virtual host count: 1']);
    const { amqp: a, management: m, prometheus: p } = env.t.services!;
    expect(section(r.stdout, 'Listeners')).toEqual([
      `Interface: ${a.host}, port: ${a.port}, protocol: amqp, purpose: AMQP 0-9-1 and AMQP 1.0`,
      `Interface: ${m.host}, port: ${m.port}, protocol: http, purpose: HTTP API`,
      `Interface: ${p.host}, port: ${p.port}, protocol: http/prometheus, purpose: Prometheus exporter API over HTTP`,
    ]);
  });

  it('-q drops the banner; --unit mb and bytes convert the sizes', async () => {
    const q = await ctl('-q', 'status');
    expect(q.stdout.startsWith(`${B('Runtime')}\n`)).toBe(true);
    expect(section((await ctl('status', '--unit', 'mb')).stdout, 'Free Disk Space')[0]).toBe('Low free disk space watermark: 50.0 mb');
    expect(section((await ctl('status', '--unit', 'bytes')).stdout, 'Free Disk Space')[0]).toBe('Low free disk space watermark: 50000000 bytes');
  });

  it('--formatter json: rabbitmqctl\'s keys, no banner', async () => {
    const r = await ctl('status', '--formatter', 'json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s)).toEqual(STATUS_JSON_KEYS);
    expect(s).toMatchObject({
      pid: process.pid,
      rabbitmq_version: '3.10.8',
      product_name: '',
      product_version: '',
      is_under_maintenance: false,
      alarms: [],
      disk_free_limit: 50000000,
      totals: { virtual_host_count: 1, connection_count: 1, queue_count: 1 },
      vm_memory_calculation_strategy: 'rss',
      vm_memory_high_watermark_setting: { relative: 0.4 },
      processes: { limit: 1048576 },
    });
    expect(Object.keys(s.file_descriptors)).toEqual(['sockets_limit', 'sockets_used', 'total_limit', 'total_used']);
    expect(s.listeners[0]).toEqual({ interface: env.t.services!.amqp.host, node, port: env.t.services!.amqp.port, protocol: 'amqp', purpose: 'AMQP 0-9-1 and AMQP 1.0' });
  });

  it('an alarm is listed as rabbitmqctl lists it', async () => {
    const s = env.t.services!;
    s.diskMonitor.setLimit(Number.MAX_SAFE_INTEGER);
    try {
      await pollUntil(() => s.alarms.resources.length, (n) => n === 1);
      expect(section((await ctl('status')).stdout, 'Alarms')).toEqual([`Free disk space alarm on node ${node}`]);
      expect(JSON.parse((await ctl('status', '--formatter', 'json')).stdout).alarms).toEqual([{ type: 'resource_limit', resource: 'disk', node }]);
      expect(section((await ctl('cluster_status')).stdout, 'Alarms')).toEqual([`Free disk space alarm on node ${node}`]);
    } finally {
      s.diskMonitor.setLimit(s.config.diskFreeLimit);
    }
    await pollUntil(() => s.alarms.resources.length, (n) => n === 0);
  });

  it('usage errors exit 64, an unreachable node 69, a user who is not a monitor 77', async () => {
    const unit = await ctl('status', '--unit', 'foo');
    expect(unit.code).toBe(64);
    expect(unit.stderr).toMatch(/^Error \(argument validation\): "unit 'foo' is not supported\. Please use one of: bytes, mb, gb"\n/);
    const extra = await ctl('status', 'extra');
    expect([extra.code, extra.stderr.split('\n')[0]]).toEqual([64, 'Error (argument validation): too many arguments.']);
    expect((await runCtlArgs(['--api-url', 'http://127.0.0.1:1', 'status'])).code).toBe(69);
    await env.t.addUser('node-tstatus-m', 'pw', ['management'], []);
    env.users.push('node-tstatus-m');
    const refused = await runCtlArgs(['--api-url', env.t.base, '--username', 'node-tstatus-m', '--password', 'pw', 'status']);
    expect([refused.code, refused.stderr]).toEqual([77, 'Error:\nNot monitor user\n']);
  });

  it('names the product when server_properties.product is not RabbitMQ', async () => {
    const w: ManagementTarget = await startManagementTarget({ serverPropertiesProduct: 'Warren' });
    try {
      const r = await runCtl(w.base, 'status');
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      expect(section(r.stdout, 'Runtime').slice(4, 7)).toEqual(['Product name: Warren', `Product version: ${pkg.version}`, 'RabbitMQ version: 3.10.8']);
      expect(JSON.parse((await runCtl(w.base, 'status', '--formatter', 'json')).stdout)).toMatchObject({ product_name: 'Warren', product_version: pkg.version });
    } finally {
      await w.close();
    }
  });
});

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('warrenctl cluster_status and environment', () => {
  it('cluster_status: a one-node cluster in rabbitmqctl 3.10.8\'s sections', async () => {
    const r = await ctl('cluster_status');
    expect(r.code).toBe(0);
    const { amqp: a, management: m, prometheus: p } = env.t.services!;
    const flags = ((await (await fetch(`${env.t.base}/api/feature-flags`, { headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } })).json()) as any[]).map(
      (f) => `Flag: ${f.name}, state: ${f.state}`,
    );
    expect(r.stdout).toBe(
      [
        `Cluster status of node ${node} ...`,
        B('Basics'), '', `Cluster name: ${node}`, '',
        B('Disk Nodes'), '', node, '',
        B('Running Nodes'), '', node, '',
        B('Versions'), '', `${node}: RabbitMQ 3.10.8 on Node.js ${process.versions.node}`, '',
        B('Maintenance status'), '', `Node: ${node}, status: not under maintenance`, '',
        B('Alarms'), '', '(none)', '',
        B('Network Partitions'), '', '(none)', '',
        B('Listeners'), '',
        `Node: ${node}, interface: ${a.host}, port: ${a.port}, protocol: amqp, purpose: AMQP 0-9-1 and AMQP 1.0`,
        `Node: ${node}, interface: ${m.host}, port: ${m.port}, protocol: http, purpose: HTTP API`,
        `Node: ${node}, interface: ${p.host}, port: ${p.port}, protocol: http/prometheus, purpose: Prometheus exporter API over HTTP`, '',
        B('Feature flags'), '', ...flags, '',
      ].join('\n'),
    );
    const json = JSON.parse((await ctl('cluster_status', '--formatter', 'json')).stdout);
    expect(Object.keys(json)).toEqual(CLUSTER_JSON_KEYS);
    expect(json).toMatchObject({
      cluster_name: node,
      disk_nodes: [node],
      running_nodes: [node],
      ram_nodes: [],
      partitions: {},
      maintenance_status: { [node]: 'not under maintenance' },
      versions: { [node]: { erlang_version: `Node.js ${process.versions.node}`, rabbitmq_name: 'RabbitMQ', rabbitmq_version: '3.10.8' } },
    });
    expect(Object.keys(json.feature_flags[0])).toEqual(['desc', 'doc_url', 'name', 'provided_by', 'stability', 'state']);
    expect((await ctl('cluster_status', 'x')).code).toBe(64);
  });

  it('environment: the configuration in force as Erlang terms (or JSON), secrets left out', async () => {
    const r = await ctl('environment');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`Application environment of node ${node} ...\n[{rabbit,\n     [{channel_max,2047},\n      {cluster_name,<<"${node}">>},`)).toBe(true);
    const m = env.t.services!.management;
    expect(r.stdout).toContain(`\n {rabbitmq_management,[{listener,[{port,${m.port}},{ip,<<"${m.host}">>}]}]},\n {warren,\n`);
    expect(r.stdout).toContain('      {default_permissions,[<<".*">>,<<".*">>,<<".*">>]},\n');
    expect(r.stdout).not.toContain('default_pass');
    const json = JSON.parse((await ctl('-q', 'environment', '--formatter', 'json')).stdout);
    expect(Object.keys(json)).toEqual(['rabbit', 'rabbitmq_management', 'warren']);
    expect(json.rabbit).toMatchObject({ channel_max: 2047, frame_max: 131072, heartbeat: 60, default_user: 'guest', vm_memory_high_watermark: 0.4, tcp_listeners: [[env.t.services!.amqp.host, env.t.services!.amqp.port]] });
    expect(json.warren).toMatchObject({ server_properties_product: 'RabbitMQ', paging_head_messages: 4096 });
    expect(JSON.stringify(json)).not.toContain('default_pass');
    await env.t.addUser('node-tenv-m', 'pw', ['monitoring'], []);
    env.users.push('node-tenv-m');
    const refused = await runCtlArgs(['--api-url', env.t.base, '--username', 'node-tenv-m', '--password', 'pw', 'environment']);
    expect([refused.code, refused.stderr]).toEqual([77, 'Error:\nNot administrator user\n']);
  });
});
