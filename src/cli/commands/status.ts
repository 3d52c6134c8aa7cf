/**
 * status, cluster_status and environment: rabbitmqctl 3.10.8's sections, lines and JSON keys
 * (status_command.ex, cluster_status_command.ex, environment_command.ex), filled from the
 * management API (/api/overview, /api/nodes/{node}?memory=true, /api/vhosts, /api/feature-flags,
 * /api/config/effective). Where Warren has no counterpart of an Erlang detail the line says what
 * Warren has instead (the runtime is Node.js) or is left out (Raft data directory).
 */
import { erlangAtom, erlangFloat } from '../../amqp/codec/erlang-term.js';
import type { ApiResponse } from '../api-client.js';
import { expectArgs, UsageError } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { ApiFailure, ok } from '../failure.js';

/** rabbitmqctl's section titles are bold (IO.ANSI.bright), whether or not the output is a terminal. */
function bright(s: string): string {
  return `\x1b[1m${s}\x1b[0m`;
}

/** An Elixir float as `#{}` prints it: shortest digits, always with a fraction ("0.0", "1.0", "0.1421"). */
function elixirFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

// RabbitMQ.CLI.InformationUnit: decimal multiples, rounded to 4 places.
const UNITS: Record<string, number> = { kb: 1e3, kilobytes: 1e3, mb: 1e6, megabytes: 1e6, gb: 1e9, gigabytes: 1e9, tb: 1e12, terabytes: 1e12 };

function knownUnit(unit: string): boolean {
  const u = unit.toLowerCase();
  return u === 'bytes' || UNITS[u] !== undefined;
}

/** IU.convert/2: bytes in the unit, as the status lines print it. */
function convert(bytes: unknown, unit: string): string {
  if (typeof bytes !== 'number') return String(bytes);
  if (unit === 'bytes') return String(bytes);
  const factor = UNITS[unit.toLowerCase()] ?? 1;
  return elixirFloat(Math.round((bytes / factor) * 1e4) / 1e4);
}

// RabbitMQ.CLI.Core.Listeners.protocol_label/1.
const PROTOCOL_LABELS: Record<string, string> = {
  amqp: 'AMQP 0-9-1 and AMQP 1.0',
  'amqp/ssl': 'AMQP 0-9-1 and AMQP 1.0 over TLS',
  mqtt: 'MQTT',
  'mqtt/ssl': 'MQTT over TLS',
  stomp: 'STOMP',
  'stomp/ssl': 'STOMP over TLS',
  http: 'HTTP API',
  https: 'HTTP API over TLS (HTTPS)',
  'http/prometheus': 'Prometheus exporter API over HTTP',
  'https/prometheus': 'Prometheus exporter API over TLS (HTTPS)',
  clustering: 'inter-node and CLI tool communication',
};

interface ListenerMap {
  interface: string;
  node: string;
  port: number;
  protocol: string;
  purpose: string;
}

/** The overview's listeners as rabbitmqctl's listener maps (IPv6 interfaces bracketed). */
function listenerMaps(overview: Overview): ListenerMap[] {
  return (overview.listeners ?? []).map((l) => ({
    interface: l.ip_address.includes(':') ? `[${l.ip_address}]` : l.ip_address,
    node: l.node,
    port: l.port,
    protocol: l.protocol,
    purpose: PROTOCOL_LABELS[l.protocol] ?? l.protocol,
  }));
}

interface Overview {
  node: string;
  cluster_name: string;
  product_name: string;
  product_version: string;
  rabbitmq_version: string;
  erlang_version: string;
  erlang_full_version: string;
  release_series_support_status: string;
  object_totals: { connections: number; queues: number };
  listeners?: { node: string; protocol: string; ip_address: string; port: number }[];
}

interface NodeInfo {
  os_pid: string;
  os?: string;
  uptime: number;
  proc_used: number;
  proc_total: number;
  run_queue: number;
  net_ticktime: number;
  crypto_lib_version?: string;
  enabled_plugins: string[];
  db_dir: string;
  config_files: string[];
  log_files: string[];
  mem_alarm: boolean;
  disk_free_alarm: boolean;
  mem_limit: number;
  mem_calculation_strategy: string;
  vm_memory_high_watermark_setting?: { relative?: number; absolute?: number };
  memory: Record<string, unknown> & { total: Record<string, number> };
  fd_used: number | string;
  fd_total: number | string;
  sockets_used: number;
  sockets_total: number | string;
  disk_free: number;
  disk_free_limit: number;
}

/** GET path; throws ApiFailure for a failed response (runWarrenctl prints it as rabbitmqctl would). */
async function get<T>(c: Context, path: string): Promise<T> {
  const r: ApiResponse = await c.request('GET', path);
  if (!ok(r)) throw new ApiFailure(r);
  return r.body as T;
}

/**
 * The overview, which names the node to a monitoring user or an administrator; for other users
 * the node's own resource answers the refusal (401 "Not monitor user"), as rabbitmqctl needs it.
 */
async function overviewOf(c: Context): Promise<Overview> {
  const o = await get<Partial<Overview>>(c, '/api/overview');
  if (o.node === undefined) await get(c, '/api/nodes');
  return o as Overview;
}

/** Product name and version lines/keys appear only when the product is not RabbitMQ (rabbitmqctl: when overridden). */
function overridden(o: Overview): { name: string; version: string } {
  return o.product_name === 'RabbitMQ' ? { name: '', version: '' } : { name: o.product_name, version: o.product_version };
}

/** rabbit:status's alarms, as alarm maps. */
function alarmMaps(n: NodeInfo, node: string): { type: string; resource: string; node: string }[] {
  const out = [];
  if (n.mem_alarm) out.push({ type: 'resource_limit', resource: 'memory', node });
  if (n.disk_free_alarm) out.push({ type: 'resource_limit', resource: 'disk', node });
  return out;
}

function alarmLines(alarms: { resource: string; node: string }[]): string[] {
  if (alarms.length === 0) return ['(none)'];
  return alarms.map((a) => (a.resource === 'memory' ? `Memory alarm on node ${a.node}` : `Free disk space alarm on node ${a.node}`));
}

/** RabbitMQ.CLI.Core.Memory.compute_relative_values/1: categories by size, percentages of the largest total. */
function relativeMemory(memory: NodeInfo['memory']): [string, number, number][] {
  const totals = Object.values(memory.total);
  const total = Math.max(...totals);
  return Object.entries(memory)
    .filter(([k, v]) => k !== 'total' && k !== 'strategy' && typeof v === 'number')
    .map(([k, v]) => [k, v as number, Math.round(((v as number) / total) * 100 * 100) / 100] as [string, number, number])
    .sort((a, b) => b[1] - a[1]);
}

function sortedKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))) as T;
}

/** rabbitmqctl status [--unit bytes|mb|gb]. */
async function status(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  const unit = c.option('unit') ?? 'gb';
  if (!knownUnit(unit)) throw new UsageError(`"unit '${unit}' is not supported. Please use one of: bytes, mb, gb"`, false);
  const o = await overviewOf(c);
  const node = o.node;
  c.banner(`Status of node ${node} ...`, true);
  const n = await get<NodeInfo>(c, `${apiPath('/api/nodes', node)}?memory=true`);
  const vhosts = await get<unknown[]>(c, '/api/vhosts');
  const product = overridden(o);
  const alarms = alarmMaps(n, node);
  const listeners = listenerMaps(o);
  const strategy = n.mem_calculation_strategy;
  const watermark = n.vm_memory_high_watermark_setting ?? { relative: 0.4 };
  const fds = { sockets_limit: n.sockets_total, sockets_used: n.sockets_used, total_limit: n.fd_total, total_used: n.fd_used };
  const totals = { virtual_host_count: vhosts.length, connection_count: o.object_totals.connections, queue_count: o.object_totals.queues };
  if (c.json) {
    const m = sortedKeys({
      active_plugins: n.enabled_plugins,
      alarms,
      config_files: n.config_files,
      crypto_lib_version: n.crypto_lib_version ?? '',
      data_directory: n.db_dir,
      disk_free: n.disk_free,
      disk_free_limit: n.disk_free_limit,
      enabled_plugin_file: '',
      erlang_version: o.erlang_full_version,
      file_descriptors: fds,
      is_under_maintenance: false,
      listeners,
      log_files: n.log_files,
      memory: sortedKeys(n.memory),
      net_ticktime: n.net_ticktime,
      os: n.os ?? '',
      pid: Number(n.os_pid),
      processes: { limit: n.proc_total, used: n.proc_used },
      product_name: product.name,
      product_version: product.version,
      rabbitmq_version: o.rabbitmq_version,
      raft_data_directory: '',
      release_series_support_status: o.release_series_support_status,
      run_queue: n.run_queue,
      totals,
      uptime: Math.floor(n.uptime / 1000),
      vm_memory_calculation_strategy: strategy,
      vm_memory_high_watermark_limit: n.mem_limit,
      vm_memory_high_watermark_setting: watermark,
    });
    c.io.out(JSON.stringify(m) + '\n');
    return ExitCode.OK;
  }
  const watermarkText =
    watermark.absolute !== undefined ? `${convert(watermark.absolute, unit)} ${unit}` : `${elixirFloat(watermark.relative ?? 0.4)} of available memory`;
  const lines = [
    `${bright('Runtime')}\n`,
    `OS PID: ${n.os_pid}`,
    `OS: ${n.os ?? ''}`,
    `Uptime (seconds): ${Math.floor(n.uptime / 1000)}`,
    'Is under maintenance?: false',
    ...(product.name !== '' ? [`Product name: ${product.name}`] : []),
    ...(product.version !== '' ? [`Product version: ${product.version}`] : []),
    `RabbitMQ version: ${o.rabbitmq_version}`,
    `RabbitMQ release series support status: ${o.release_series_support_status}`,
    `Node name: ${node}`,
    // Warren runs on Node.js: the runtime in place of the Erlang/OTP build.
    `Erlang configuration: ${o.erlang_full_version}`,
    `Crypto library: ${n.crypto_lib_version ?? ''}`,
    `Erlang processes: ${n.proc_used} used, ${n.proc_total} limit`,
    `Scheduler run queue: ${n.run_queue}`,
    `Cluster heartbeat timeout (net_ticktime): ${n.net_ticktime}`,
    `\n${bright('Plugins')}\n`,
    // Warren has the plugins' APIs built in: no enabled plugins file.
    'Enabled plugin file: (none)',
    'Enabled plugins:\n',
    ...n.enabled_plugins.map((p) => ` * ${p}`),
    `\n${bright('Data directory')}\n`,
    `Node data directory: ${n.db_dir}`,
    `\n${bright('Config files')}\n`,
    ...n.config_files.map((f) => ` * ${f}`),
    `\n${bright('Log file(s)')}\n`,
    ...n.log_files.map((f) => ` * ${f}`),
    `\n${bright('Alarms')}\n`,
    ...alarmLines(alarms),
    `\n${bright('Memory')}\n`,
    `Total memory used: ${convert(n.memory.total[strategy], unit)} ${unit}`,
    `Calculation strategy: ${strategy}`,
    `Memory high watermark setting: ${watermarkText}, computed to: ${convert(n.mem_limit, unit)} ${unit}\n`,
    ...relativeMemory(n.memory).map(([k, bytes, pct]) => `${k}: ${convert(bytes, unit)} ${unit} (${elixirFloat(pct)} %)`),
    `\n${bright('File Descriptors')}\n`,
    `Total: ${fds.total_used}, limit: ${fds.total_limit}`,
    `Sockets: ${fds.sockets_used}, limit: ${fds.sockets_limit}`,
    `\n${bright('Free Disk Space')}\n`,
    `Low free disk space watermark: ${convert(n.disk_free_limit, unit)} ${unit}`,
    `Free disk space: ${convert(n.disk_free, unit)} ${unit}`,
    `\n${bright('Totals')}\n`,
    `Connection count: ${totals.connection_count}`,
    `Queue count: ${totals.queue_count}`,
    `Virtual host count: ${totals.virtual_host_count}`,
    `\n${bright('Listeners')}\n`,
    ...(listeners.length === 0 ? ['(none)'] : listeners.map((l) => `Interface: ${l.interface}, port: ${l.port}, protocol: ${l.protocol}, purpose: ${l.purpose}`)),
  ];
  c.io.out(lines.join('\n') + '\n');
  return ExitCode.OK;
}

interface FeatureFlagInfo {
  name: string;
  desc: string;
  doc_url: string;
  provided_by: string;
  stability: string;
  state: string;
}

/** rabbitmqctl cluster_status: Warren is a one-node cluster. */
async function clusterStatus(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  const o = await overviewOf(c);
  const node = o.node;
  c.banner(`Cluster status of node ${node} ...`, true);
  const n = await get<NodeInfo>(c, apiPath('/api/nodes', node));
  const flags = await get<FeatureFlagInfo[]>(c, '/api/feature-flags');
  const alarms = alarmMaps(n, node);
  const listeners = listenerMaps(o);
  const version = { erlang_version: o.erlang_version, rabbitmq_name: o.product_name, rabbitmq_version: o.product_version };
  if (c.json) {
    c.io.out(
      JSON.stringify({
        alarms,
        cluster_name: o.cluster_name,
        disk_nodes: [node],
        feature_flags: flags.map((f) => sortedKeys({ ...f })),
        listeners: { [node]: listeners },
        maintenance_status: { [node]: 'not under maintenance' },
        partitions: {},
        ram_nodes: [],
        running_nodes: [node],
        versions: { [node]: version },
      }) + '\n',
    );
    return ExitCode.OK;
  }
  const lines = [
    `${bright('Basics')}\n`,
    `Cluster name: ${o.cluster_name}`,
    `\n${bright('Disk Nodes')}\n`,
    node,
    `\n${bright('Running Nodes')}\n`,
    node,
    `\n${bright('Versions')}\n`,
    // rabbitmqctl: "<node>: RabbitMQ 3.10.8 on Erlang 25.2.3"; Warren's runtime is Node.js.
    `${node}: ${version.rabbitmq_name} ${version.rabbitmq_version} on ${version.erlang_version}`,
    `\n${bright('Maintenance status')}\n`,
    `Node: ${node}, status: not under maintenance`,
    `\n${bright('Alarms')}\n`,
    ...alarmLines(alarms),
    `\n${bright('Network Partitions')}\n`,
    '(none)',
    `\n${bright('Listeners')}\n`,
    ...(listeners.length === 0
      ? ['(none)']
      : listeners.map((l) => `Node: ${node}, interface: ${l.interface}, port: ${l.port}, protocol: ${l.protocol}, purpose: ${l.purpose}`)),
    `\n${bright('Feature flags')}\n`,
    ...(flags.length === 0 ? ['(none)'] : flags.map((f) => `Flag: ${f.name}, state: ${f.state}`)),
  ];
  c.io.out(lines.join('\n') + '\n');
  return ExitCode.OK;
}

/** An environment value as Erlang's ~p would print RabbitMQ's: strings as binaries, objects as proplists. */
function erlangValue(v: unknown): string {
  if (typeof v === 'string') return `<<"${v.replace(/["\\]/g, (ch) => '\\' + ch)}">>`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : erlangFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(erlangValue).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  return `[${entries.map(([k, x]) => `{${erlangAtom(k)},${erlangValue(x)}}`).join(',')}]`;
}

// io_lib_pretty's line width.
const LINE = 80;

/** `[{app,[{k,v},...]},...]` laid out as rabbitmqctl environment prints it: an app per line, long ones one setting per line. */
function erlangEnvironment(env: Record<string, Record<string, unknown>>): string {
  const apps = Object.entries(env).map(([app, settings]) => {
    const items = Object.entries(settings).map(([k, v]) => `{${erlangAtom(k)},${erlangValue(v)}}`);
    const flat = `{${erlangAtom(app)},[${items.join(',')}]}`;
    if (flat.length + 2 < LINE) return flat;
    return `{${erlangAtom(app)},\n     [${items.join(',\n      ')}]}`;
  });
  return `[${apps.join(',\n ')}]`;
}

/** rabbitmqctl environment: the configuration in force (GET /api/config/effective). */
async function environment(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  const o = await overviewOf(c);
  c.banner(`Application environment of node ${o.node} ...`, true);
  const env = await get<Record<string, Record<string, unknown>>>(c, '/api/config/effective');
  c.io.out((c.json ? JSON.stringify(env) : erlangEnvironment(env)) + '\n');
  return ExitCode.OK;
}

/** The status commands. */
export const STATUS_COMMANDS: Record<string, Command> = {
  status: { usage: 'status [--unit <bytes | mb | gb>]', run: status },
  cluster_status: { usage: 'cluster_status', run: clusterStatus },
  environment: { usage: 'environment', run: environment },
};
