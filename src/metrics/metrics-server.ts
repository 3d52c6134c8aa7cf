/**
 * rabbitmq_prometheus's HTTP listener (RabbitMQ: port 15692, no authentication):
 * `<path>` (aggregated, or per object with prometheus.return_per_object_metrics),
 * `<path>/per-object`, `<path>/detailed?family=...&vhost=...`, answered as RabbitMQ 3.10.8's
 * cowboy handler answers (status codes, Content-Type, gzip when the scraper accepts it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Logger } from 'pino';
import {
  alarmFamilies,
  CLUSTER_GROUP_NAMES,
  clusterFamilies,
  CORE_GROUP_NAMES,
  coreFamilies,
  globalFamilies,
  identityFamilies,
  totalFamilies,
  type CoreInput,
  type Family,
} from './families.js';
import { CONTENT_TYPE, formatFamilies, runtimeRegistry, ScrapeTelemetry, type RegistryName } from './exposition.js';
import { buildInfo, type BuildInfo } from './identity.js';
import type { MetricsSource } from './metrics-source.js';

const gzip = promisify(gzipCallback);

/** The listener's settings (the prometheus.* config keys). */
export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** prometheus.path, e.g. "/metrics". */
  path: string;
  /** prometheus.return_per_object_metrics */
  perObject: boolean;
  /** prometheus.filter_aggregated_queue_metrics_pattern ("" = none). */
  aggregatedQueueFilter: string;
}

const KNOWN_GROUPS = new Set([...CORE_GROUP_NAMES, ...CLUSTER_GROUP_NAMES]);
const ALLOW = 'HEAD, GET, OPTIONS';
// rabbit_web_dispatch's answer for a path no handler takes.
const NOT_FOUND_BODY = JSON.stringify({ error: 'Object Not Found', reason: 'Not Found' });

/** Renders the three registries from a MetricsSource. */
export class MetricsRenderer {
  private readonly telemetry = new ScrapeTelemetry();
  private readonly queueFilter: RegExp | undefined;

  constructor(
    private readonly source: MetricsSource,
    private readonly opts: Pick<MetricsServerOptions, 'perObject' | 'aggregatedQueueFilter'>,
    private readonly build: BuildInfo = buildInfo(),
  ) {
    this.queueFilter = opts.aggregatedQueueFilter === '' ? undefined : new RegExp(opts.aggregatedQueueFilter);
  }

  /** One registry's exposition text; `query` carries detailed's family= and vhost= parameters. */
  async render(registry: RegistryName, query: URLSearchParams = new URLSearchParams()): Promise<string> {
    const startedAt = performance.now();
    const text = registry === 'detailed' ? await this.detailed(query) : await this.standard(registry === 'per-object' || this.opts.perObject, registry === 'default');
    const full = text + (await this.telemetry.text(registry));
    this.telemetry.rendered(registry, (performance.now() - startedAt) / 1000, Buffer.byteLength(full));
    return full;
  }

  /** Records what was sent (the encoded-size summary). */
  sent(registry: RegistryName, encoding: string, bytes: number): void {
    this.telemetry.encodedSize(registry, encoding, bytes);
  }

  // /metrics and /metrics/per-object: the default registry also has the alarm collector.
  private async standard(perObject: boolean, withAlarms: boolean): Promise<string> {
    const s = this.source;
    const input = await this.coreInput();
    const consumers = input.channels.reduce((n, c) => n + c.consumers, 0);
    const families: Family[] = [
      ...(withAlarms ? alarmFamilies(s.alarms()) : []),
      ...coreFamilies(input, { perObject, prefix: 'rabbitmq_', aggregatedQueueFilter: this.queueFilter }),
      ...totalFamilies({ connections: input.connections.length, channels: input.channels.length, consumers, queues: input.queues.length }),
      ...identityFamilies(this.build, s.identity()),
      ...globalFamilies(s.counters().globalCounters(), consumers),
    ];
    return (await formatFamilies(families)) + (await runtimeRegistry().metrics());
  }

  // /metrics/detailed: only the families asked for, per object, with the detailed prefix.
  private async detailed(query: URLSearchParams): Promise<string> {
    const s = this.source;
    const groups = new Set(query.getAll('family').filter((f) => KNOWN_GROUPS.has(f)));
    const asked = query.getAll('vhost');
    // rabbitmq_prometheus keeps the vhosts that exist; vhost= naming none of them selects no queue.
    const existing = new Set(s.vhosts());
    const vhosts = asked.length === 0 ? undefined : new Set(asked.filter((v) => existing.has(v)));
    const families: Family[] = [];
    if (CORE_GROUP_NAMES.some((g) => groups.has(g))) {
      families.push(...coreFamilies(await this.coreInput(), { perObject: true, prefix: 'rabbitmq_detailed_', groups, vhosts }));
    }
    families.push(...clusterFamilies(groups, () => [...existing], () => s.exchanges()));
    families.push(...identityFamilies(this.build, s.identity()));
    return formatFamilies(families);
  }

  private async coreInput(): Promise<CoreInput> {
    const s = this.source;
    const counters = s.counters();
    const { connections, channels } = s.sessions();
    return { node: await s.node(), queues: s.queues(), channels, connections, churn: counters.churn(), authAttempts: counters.authAttempts() };
  }
}

/** The Prometheus metrics HTTP listener. */
export class MetricsServer {
  private readonly renderer: MetricsRenderer;
  private readonly base: string;
  private server: Server | null = null;

  constructor(
    source: MetricsSource,
    private readonly opts: MetricsServerOptions,
    private readonly logger: Logger,
    /** rabbitmq_build_info's labels (the node's product); RabbitMQ 3.10.8's when not given. */
    build: BuildInfo = buildInfo(),
  ) {
    this.renderer = new MetricsRenderer(source, opts, build);
    this.base = opts.path === '/' ? '' : opts.path;
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.logger.error({ err }, 'Prometheus metrics scrape failed');
        if (!res.headersSent) res.writeHead(500, { 'content-length': 0 });
        res.end();
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.error({ err }, 'Prometheus metrics listener error'));
        const a = server.address() as AddressInfo;
        resolve({ host: this.opts.host, port: a.port });
      });
    });
  }

  /** Stops listening and drops idle keep-alive connections (a scraper keeps one open). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await closed;
  }

  private registryOf(pathname: string): RegistryName | 'unknown' | null {
    if (pathname === this.base || pathname === `${this.base}/`) return 'default';
    if (!pathname.startsWith(`${this.base}/`)) return null;
    // cowboy's `<path>/[:registry]` route: one segment, a trailing slash allowed.
    const rest = pathname.slice(this.base.length + 1);
    const name = rest.endsWith('/') ? rest.slice(0, -1) : rest;
    if (name.includes('/')) return null;
    return name === 'default' || name === 'per-object' || name === 'detailed' ? name : 'unknown';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      pathname = url.pathname;
    }
    const registry = this.registryOf(pathname);
    if (registry === null) {
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(NOT_FOUND_BODY) });
      res.end(NOT_FOUND_BODY);
      return;
    }
    // cowboy_rest: OPTIONS lists the methods, HEAD gets 204 (the handler only answers GET), the rest 405.
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { allow: ALLOW, 'content-length': 0 });
      res.end();
      return;
    }
    if (req.method === 'HEAD') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: ALLOW, 'content-length': 0 });
      res.end();
      return;
    }
    if (registry === 'unknown') {
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 16 });
      res.end('Unknown Registry');
      return;
    }
    const text = await this.renderer.render(registry, url.searchParams);
    const encoding = acceptsGzip(req.headers['accept-encoding']) ? 'gzip' : 'identity';
    const body = encoding === 'gzip' ? await gzip(text) : Buffer.from(text);
    this.renderer.sent(registry, encoding, body.length);
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-encoding': encoding, 'content-length': body.length });
    res.end(body);
  }
}

/** True when an Accept-Encoding header accepts gzip at least as much as identity (which it need not name). */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding === '') continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(coding, qp === undefined ? 1 : Number(qp.slice(2)) || 0);
  }
  const gz = q.get('gzip') ?? q.get('*') ?? 0;
  const identity = q.get('identity');
  return gz > 0 && (identity === undefined || gz >= identity);
}
