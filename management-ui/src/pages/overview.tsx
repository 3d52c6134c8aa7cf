/**
 * Overview: totals, live charts of queued messages and message rates (the last minute or ten),
 * the node's facts (version, uptime, memory, disk, file descriptors, alarms in red) and its
 * listeners. With a vhost selected the totals, counts and charts are that vhost's.
 */
import { signal } from '@preact/signals';
import { api, type ListParams, type Range } from '../api/endpoints';
import type { Details, MessageStats, NodeInfo, Overview } from '../api/types';
import { LineChart, type ChartLine } from '../charts/line-chart';
import type { SeriesInput } from '../charts/series';
import { useChart } from '../charts/use-chart';
import { ErrorBox } from '../components/error-box';
import { bytes, count, duration, rate } from '../components/format';
import { Link } from '../components/link';
import { Table } from '../components/table';
import { can } from '../state/session';
import { usePoll } from '../state/use-poll';
import { currentVhost } from '../state/vhost';

/** The chart range: last minute or last ten minutes, samples every 5 s. */
export const RANGES: { label: string; range: Range }[] = [
  { label: 'Last minute', range: { age: 60, incr: 5 } },
  { label: 'Last 10 minutes', range: { age: 600, incr: 5 } },
];

/** The selected range (shared by the overview, queue and exchange charts). */
export const chartRange = signal(RANGES[0].range);

/** The range buttons. */
export function RangePicker() {
  return (
    <div class="range" role="group" aria-label="Chart range">
      {RANGES.map((r) => (
        <button key={r.label} type="button" aria-pressed={chartRange.value.age === r.range.age} onClick={() => (chartRange.value = r.range)}>
          {r.label}
        </button>
      ))}
    </div>
  );
}

/** The lines of the queued-messages chart. */
export const QUEUED_LINES: ChartLine[] = [
  { label: 'Ready', color: '#e6a700' },
  { label: 'Unacked', color: '#4c8bf5' },
  { label: 'Total', color: '#7f7f7f' },
];

/** The lines of the message-rates chart (publish, confirm, deliver, redeliver, ack, get, return). */
export const RATE_LINES: ChartLine[] = [
  { label: 'Publish', color: '#e6a700' },
  { label: 'Confirm', color: '#7a4cf5' },
  { label: 'Deliver', color: '#2e9e44' },
  { label: 'Redeliver', color: '#d9534f' },
  { label: 'Ack', color: '#4c8bf5' },
  { label: 'Get', color: '#17a2b8' },
  { label: 'Return', color: '#a0522d' },
];

/** Rate chart inputs from message_stats. */
export function rateInputs(ms: MessageStats | undefined): SeriesInput[] {
  const d = (k: string): Details | undefined => ms?.[`${k}_details`] as Details | undefined;
  const c = (label: string, ...keys: string[]): SeriesInput => ({ label, kind: 'counter', details: keys.map(d), current: undefined });
  return [c('Publish', 'publish'), c('Confirm', 'confirm'), c('Deliver', 'deliver', 'deliver_no_ack'), c('Redeliver', 'redeliver'), c('Ack', 'ack'), c('Get', 'get', 'get_no_ack'), c('Return', 'return_unroutable')];
}

/** Queued-messages chart inputs from an object with messages, messages_ready, messages_unacknowledged. */
export function queuedInputs(o: { messages?: number; messages_details?: Details; messages_ready?: number; messages_ready_details?: Details; messages_unacknowledged?: number; messages_unacknowledged_details?: Details } | undefined): SeriesInput[] {
  return [
    { label: 'Ready', kind: 'gauge', details: [o?.messages_ready_details], current: o?.messages_ready ?? 0 },
    { label: 'Unacked', kind: 'gauge', details: [o?.messages_unacknowledged_details], current: o?.messages_unacknowledged ?? 0 },
    { label: 'Total', kind: 'gauge', details: [o?.messages_details], current: o?.messages ?? 0 },
  ];
}

const ONE: ListParams = { page: 1, page_size: 1, name: '', use_regex: false, sort: '', sort_reverse: false };

interface Totals {
  connections: number;
  channels: number;
  exchanges: number;
  queues: number;
  consumers: number;
}

interface OverviewData {
  overview: Overview;
  /** Totals and message figures of the selected vhost (the overview's when all). */
  totals: Totals | undefined;
  queued: Parameters<typeof queuedInputs>[0];
  stats: MessageStats | undefined;
}

async function loadOverview(vhost: string, range: Range): Promise<OverviewData> {
  if (vhost === '') {
    const overview = await api.overview(range);
    return { overview, totals: overview.object_totals, queued: overview.queue_totals, stats: overview.message_stats };
  }
  const [overview, v, q, x, c, ch] = await Promise.all([
    api.overview(),
    api.vhost(vhost, range),
    api.queues(vhost, ONE),
    api.exchanges(vhost, ONE),
    api.connections(vhost, ONE),
    api.channels(vhost, ONE),
  ]);
  const consumers = (await api.consumers(vhost)).length;
  return {
    overview,
    totals: { queues: q.total_count, exchanges: x.total_count, connections: c.total_count, channels: ch.total_count, consumers },
    queued: v,
    stats: v.message_stats,
  };
}

function Tile({ label, value, href, title }: { label: string; value: number | undefined; href?: string; title?: string }) {
  const body = (
    <>
      <span class="tile-value">{count(value ?? 0)}</span>
      <span class="tile-label">{label}</span>
    </>
  );
  return (
    <div class="tile" title={title} data-tile={label}>
      {href === undefined ? body : <Link href={href}>{body}</Link>}
    </div>
  );
}

function Meter({ label, used, limit, alarm, format, alarmText, invert, limitText }: { label: string; used: number | undefined; limit: number | undefined; alarm: boolean; format: (n: number) => string; alarmText: string; invert?: boolean; limitText: (limit: string) => string }) {
  if (used === undefined) return null;
  // Memory: used against its high watermark. Disk: free space against its low limit (inverted).
  const pct = limit === undefined || limit === 0 ? 0 : invert ? Math.min(100, (limit / Math.max(used, 1)) * 100) : Math.min(100, (used / limit) * 100);
  return (
    <div class={`meter${alarm ? ' alarm' : ''}`}>
      <div class="meter-head">
        <span>{label}</span>
        <span>
          {format(used)}
          {limit !== undefined && <span class="muted"> {limitText(format(limit))}</span>}
        </span>
      </div>
      <div class="bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <span style={{ width: `${pct}%` }} />
      </div>
      {alarm && (
        <div class="alarm-text" role="alert">
          {alarmText}
        </div>
      )}
    </div>
  );
}

function NodeFacts({ node, overview }: { node: NodeInfo; overview: Overview }) {
  const alarms = [node.mem_alarm ? 'memory' : '', node.disk_free_alarm ? 'disk' : ''].filter((a) => a !== '');
  return (
    <section class="panel" aria-labelledby="node-title">
      <h2 id="node-title">Node {node.name}</h2>
      {alarms.length > 0 && (
        <p class="alarm-banner" role="alert">
          Resource alarm: {alarms.join(' and ')}. Publishers are blocked until it clears.
        </p>
      )}
      <dl class="facts">
        <dt>Version</dt>
        <dd>
          {overview.product_name ?? 'RabbitMQ'} {overview.product_version ?? overview.rabbitmq_version}
          {overview.product_name !== undefined && overview.product_name !== 'RabbitMQ' && <span class="muted"> (RabbitMQ {overview.rabbitmq_version} API)</span>}
        </dd>
        {overview.erlang_version !== undefined && (
          <>
            <dt>Runtime</dt>
            <dd>{overview.erlang_version}</dd>
          </>
        )}
        <dt>Uptime</dt>
        <dd>{duration(node.uptime)}</dd>
        <dt>Cluster</dt>
        <dd>{overview.cluster_name}</dd>
        <dt>State</dt>
        <dd>{node.running ? 'running' : <span class="bad">not running</span>}</dd>
      </dl>
      <Meter label="Memory" used={node.mem_used} limit={node.mem_limit} alarm={node.mem_alarm === true} format={bytes} alarmText="Memory alarm: the high watermark is reached." limitText={(l) => `of ${l} high watermark`} />
      <Meter label="Disk space" used={node.disk_free} limit={node.disk_free_limit} alarm={node.disk_free_alarm === true} format={bytes} alarmText="Disk alarm: free space is below the limit." invert limitText={(l) => `free, limit ${l}`} />
      <Meter
        label="File descriptors"
        used={node.fd_used}
        limit={node.fd_total}
        alarm={false}
        format={(n) => count(n)}
        alarmText=""
        limitText={(l) => `of ${l} available`}
      />
      {node.sockets_used !== undefined && <Meter label="Sockets" used={node.sockets_used} limit={node.sockets_total} alarm={false} format={(n) => count(n)} alarmText="" limitText={(l) => `of ${l} available`} />}
    </section>
  );
}

/** The overview page. */
export function OverviewPage() {
  const vhost = currentVhost.value;
  const range = chartRange.value;
  const { data, error } = usePoll(() => loadOverview(vhost, range), [vhost, range]);
  const nodes = usePoll(() => (can.monitor.value ? api.nodes() : Promise.resolve([] as NodeInfo[])), [can.monitor.value]);
  const queued = useChart(data, () => queuedInputs(data?.queued), range.age, `q|${vhost}`);
  const rates = useChart(data, () => rateInputs(data?.stats), range.age, `r|${vhost}`);
  const o = data?.overview;
  const t = data?.totals;
  const qt = data?.queued;
  return (
    <section>
      <div class="page-head">
        <h1>Overview{vhost !== '' && <span class="muted"> of vhost {vhost}</span>}</h1>
        <RangePicker />
      </div>
      <ErrorBox error={error} context="Overview" />
      <div class="tiles" aria-label="Totals">
        <Tile label="Connections" value={t?.connections} href="/connections" />
        <Tile label="Channels" value={t?.channels} href="/channels" />
        <Tile label="Exchanges" value={t?.exchanges} href="/exchanges" />
        <Tile label="Queues" value={t?.queues} href="/queues" />
        <Tile label="Consumers" value={t?.consumers} />
        <Tile label="Ready" value={qt?.messages_ready} title="Messages ready for delivery" />
        <Tile label="Unacked" value={qt?.messages_unacknowledged} title="Messages delivered, not yet acknowledged" />
        <Tile label="Total" value={qt?.messages} title="All messages in queues" />
      </div>
      <div class="charts">
        <section class="panel">
          <h2>Queued messages</h2>
          <LineChart label="Queued messages" lines={QUEUED_LINES} data={queued} format={(v) => count(Math.round(v))} minMax={5} ageSeconds={range.age} />
        </section>
        <section class="panel">
          <h2>Message rates</h2>
          <LineChart label="Message rates" lines={RATE_LINES} data={rates} format={rate} ageSeconds={range.age} />
        </section>
      </div>
      <ErrorBox error={nodes.error} context="Node" />
      {o !== undefined && nodes.data !== undefined && nodes.data.length > 0 && (
        <div class="charts">
          {nodes.data.map((n) => (
            <NodeFacts key={n.name} node={n} overview={o} />
          ))}
          <section class="panel" aria-labelledby="listeners-title">
            <h2 id="listeners-title">Ports and listeners</h2>
            <Table
              label="Listeners"
              columns={[
                { key: 'protocol', label: 'Protocol', render: (l) => l.protocol },
                { key: 'ip', label: 'Bound to', render: (l) => l.ip_address },
                { key: 'port', label: 'Port', num: true, render: (l) => l.port },
              ]}
              rows={o.listeners ?? []}
              rowKey={(l) => `${l.protocol}|${l.ip_address}|${l.port}`}
            />
          </section>
        </div>
      )}
      {o !== undefined && (nodes.data === undefined || nodes.data.length === 0) && (
        <p class="muted">
          {o.product_name ?? 'RabbitMQ'} {o.product_version ?? o.rabbitmq_version}, node {o.node}
        </p>
      )}
    </section>
  );
}
