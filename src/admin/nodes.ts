/**
 * GET /api/nodes, /api/nodes/{name}[?memory=true] and /api/nodes/{name}/memory[/relative]
 * (rabbit_mgmt_wm_node(s), rabbit_mgmt_wm_node_memory, rabbit_mgmt_external_stats in 3.10.8):
 * the one node Warren is, with its memory, disk, file descriptors, alarms and listeners read now.
 *
 * Monitoring users and administrators only (others: 401 "Not monitor user"). Values with no
 * meaning outside the Erlang VM (Mnesia, GC, io_* counters, Erlang processes) are left out or, where
 * tools require the key, given Node.js's nearest equivalent (documented at each key). The
 * `*_details` rates and the churn counters belong to the statistics work and are not here yet.
 */
import os from 'node:os';
import { getHeapSpaceStatistics } from 'node:v8';
import type { AdminContext, ListenerInfo, NodeRuntime } from './admin-context.js';
import { seesEverything, type User } from './authorization.js';
import { identityOf } from './cluster-name.js';
import { notFound, NotAuthorised } from './errors.js';
import { AUTH_MECHANISMS, exchangeTypes, nodeApplications } from './node-facts.js';
import { nodeListeners, webContexts } from './overview.js';
import { nodeStats } from '../stats/render.js';
import { statsRanges, type StatsRanges } from './stats-query.js';

/** RabbitMQ's is_authorized_monitor: administrators and monitoring users. */
export function requireMonitor(user: User): void {
  if (!seesEverything(user)) throw new NotAuthorised('Not monitor user');
}

// Erlang's default process limit: Warren has no such limit; the key is there for tools that read it.
const PROC_TOTAL = 1048576;
const STARTED_AT = Date.now();

/** The node runtime of the context, or what can be told without the node's monitors. */
function runtime(ctx: AdminContext): NodeRuntime {
  if (ctx.node !== undefined) return ctx.node;
  const c = ctx.broker.config;
  const limit = c.memoryHighWatermarkAbsolute > 0 ? c.memoryHighWatermarkAbsolute : Math.floor(c.memoryHighWatermark * os.totalmem());
  return {
    startedAt: STARTED_AT,
    listeners: () => [],
    memoryUsed: () => process.memoryUsage.rss(),
    memoryLimit: limit,
    memoryWatermark: c.memoryHighWatermarkAbsolute > 0 ? { absolute: c.memoryHighWatermarkAbsolute } : { relative: c.memoryHighWatermark },
    diskFree: () => -1,
    diskFreeLimit: () => c.diskFreeLimit,
    fileDescriptors: async () => null,
  };
}

/** The memory breakdown (rabbit_vm:memory/0's keys), from what Node.js reports. */
export type MemoryBreakdown = Record<string, number | string | Record<string, number>>;

/**
 * rabbit_vm:memory/0's categories filled from process.memoryUsage() and V8's heap spaces: JS
 * objects are `other_proc`, compiled code `code`, Buffers (message bodies, socket buffers)
 * `binary`, other native memory `other_system`, V8's free heap `allocated_unused`, the rest of
 * the resident set `reserved_unallocated`; categories for Erlang processes Warren does not have
 * (connection readers, queue processes, Mnesia, ETS...) are 0. They add up to `total.rss`.
 */
export function memoryBreakdown(): MemoryBreakdown {
  const m = process.memoryUsage();
  const code = getHeapSpaceStatistics().find((s) => s.space_name === 'code_space')?.space_used_size ?? 0;
  const zero = (...keys: string[]): Record<string, number> => Object.fromEntries(keys.map((k) => [k, 0]));
  const otherSystem = Math.max(0, m.external - m.arrayBuffers);
  return {
    ...zero('connection_readers', 'connection_writers', 'connection_channels', 'connection_other'),
    ...zero('queue_procs', 'queue_slave_procs', 'quorum_queue_procs', 'quorum_queue_dlx_procs', 'stream_queue_procs'),
    ...zero('stream_queue_replica_reader_procs', 'stream_queue_coordinator_procs', 'plugins'),
    other_proc: Math.max(0, m.heapUsed - code),
    ...zero('metrics', 'mgmt_db', 'mnesia', 'quorum_ets', 'other_ets'),
    binary: m.arrayBuffers,
    msg_index: 0,
    code,
    atom: 0,
    other_system: otherSystem,
    allocated_unused: Math.max(0, m.heapTotal - m.heapUsed),
    reserved_unallocated: Math.max(0, m.rss - m.heapTotal - m.external),
    strategy: 'rss',
    total: { erlang: m.heapUsed + m.external, rss: m.rss, allocated: m.heapTotal + m.external },
  };
}

/** /memory/relative: each category as a whole percentage of `total.rss` (at least 1 when not 0), `total` 100. */
export function relativeMemory(b: MemoryBreakdown): Record<string, number> {
  const total = (b.total as Record<string, number>).rss;
  const out: Record<string, number> = { total: 100 };
  for (const [k, v] of Object.entries(b)) {
    if (k === 'total' || k === 'strategy' || typeof v !== 'number') continue;
    const pct = total > 0 ? Math.round((v / total) * 100) : 0;
    out[k] = pct === 0 && v !== 0 ? 1 : pct;
  }
  return out;
}

/** The plugins whose APIs Warren serves, as RabbitMQ would name them. */
function enabledPlugins(listeners: readonly ListenerInfo[]): string[] {
  const plugins = ['rabbitmq_management'];
  if (listeners.some((l) => l.protocol === 'http/prometheus')) plugins.push('rabbitmq_prometheus');
  return plugins;
}

/**
 * A node as /api/nodes shows it, resources read now; with `memory` the breakdown of ?memory=true;
 * the rates of the sampled resources and the churn counters from the statistics sampler.
 */
async function nodeJson(ctx: AdminContext, memory: boolean, ranges: StatsRanges | undefined): Promise<Record<string, unknown>> {
  const id = identityOf(ctx);
  const rt = runtime(ctx);
  const fds = await rt.fileDescriptors();
  const listeners = nodeListeners(ctx);
  const alarms = ctx.alarms.resources;
  const connections = ctx.connections.listConnections().length;
  const fdLimit = fds === null ? 'unknown' : Number.isFinite(fds.limit) ? fds.limit : 'infinity';
  const out: Record<string, unknown> = {
    partitions: [],
    os_pid: String(process.pid),
    fd_total: fdLimit,
    // Warren does not keep part of the descriptors for files as RabbitMQ's file_handle_cache does.
    sockets_total: fdLimit,
    mem_limit: rt.memoryLimit,
    mem_alarm: alarms.includes('memory'),
    disk_free_limit: rt.diskFreeLimit(),
    disk_free_alarm: alarms.includes('disk'),
    proc_total: PROC_TOTAL,
    rates_mode: ctx.broker.config.managementRatesMode,
    uptime: Date.now() - rt.startedAt,
    // Node.js runs one event loop: no scheduler run queue to report.
    run_queue: 0,
    processors: os.availableParallelism(),
    exchange_types: exchangeTypes('registry'),
    auth_mechanisms: AUTH_MECHANISMS.map((m) => ({ ...m })),
    applications: nodeApplications(),
    contexts: webContexts(ctx, listeners, false),
    log_files: ['<stdout>'],
    db_dir: ctx.broker.config.dataDir,
    config_files: [],
    net_ticktime: 60,
    enabled_plugins: enabledPlugins(listeners),
    mem_calculation_strategy: 'rss',
    name: id.node,
    type: 'disc',
    running: true,
    mem_used: rt.memoryUsed(),
    fd_used: fds === null ? 'unknown' : fds.used,
    sockets_used: connections,
    // Node.js's nearest thing to Erlang processes: the handles and requests keeping the event loop busy.
    proc_used: process.getActiveResourcesInfo().length,
    disk_free: rt.diskFree(),
    cluster_links: [],
    // Warren's own keys, for warrenctl status (rabbitmqctl gets them from rabbit:status/0): the
    // operating system, the TLS library and how the memory high watermark was set.
    os: os.type(),
    crypto_lib_version: `OpenSSL ${process.versions.openssl}`,
    vm_memory_high_watermark_setting: { ...rt.memoryWatermark },
  };
  if (ranges !== undefined) {
    const now = { memUsed: out.mem_used as number, fdUsed: fds?.used, socketsUsed: connections, procUsed: out.proc_used as number, diskFree: out.disk_free as number };
    Object.assign(out, nodeStats(ctx.stats, now, ranges.nodeStats));
  }
  if (memory) out.memory = memoryBreakdown();
  return out;
}

/** GET /api/nodes: the one node; with `query` (range parameters) its statistics too. */
export async function listNodes(ctx: AdminContext, user: User, query?: unknown): Promise<Record<string, unknown>[]> {
  requireMonitor(user);
  // 3.10.8: bad_request here, unlike the vhosts, queues and exchanges lists.
  const ranges = query === undefined ? undefined : statsRanges(query, { lengthsCeil: true });
  return [await nodeJson(ctx, false, ranges)];
}

/** The node named name (404 for another name). */
function requireNode(ctx: AdminContext, name: string): void {
  if (name !== identityOf(ctx).node) throw notFound();
}

/**
 * GET /api/nodes/{name}[?memory=true]; 404 for a name that is not this node's (3.10.8 answers an
 * empty 500 there, later releases 404).
 */
export async function getNode(ctx: AdminContext, user: User, name: string, memory: boolean, query?: unknown): Promise<Record<string, unknown>> {
  requireMonitor(user);
  requireNode(ctx, name);
  return nodeJson(ctx, memory, query === undefined ? undefined : statsRanges(query, { lengthsCeil: true }));
}

/** GET /api/nodes/{name}/memory[/relative]: `{"memory": {...}}`. */
export function getNodeMemory(ctx: AdminContext, user: User, name: string, relative: boolean): { memory: Record<string, unknown> } {
  requireMonitor(user);
  requireNode(ctx, name);
  const b = memoryBreakdown();
  return { memory: relative ? relativeMemory(b) : b };
}
