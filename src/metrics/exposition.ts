/**
 * The text exposition format, through prom-client: a scrape's families go into a fresh
 * prom-client Registry (which formats, escapes and orders them), followed by the Node.js runtime
 * metrics (the counterpart of rabbitmq_prometheus's erlang_vm_* families) and the scrape
 * telemetry summaries RabbitMQ also serves.
 */
import { collectDefaultMetrics, Registry, Summary, type Metric } from 'prom-client';
import type { Family } from './families.js';

/** rabbitmq_prometheus's Content-Type (prometheus.erl's text format 0.0.4, no charset). */
export const CONTENT_TYPE = 'text/plain; version=0.0.4';

/** The registries rabbitmq_prometheus serves: `/metrics`, `/metrics/per-object`, `/metrics/detailed`. */
export type RegistryName = 'default' | 'per-object' | 'detailed';

/**
 * A family with its samples already computed, in the shape prom-client's Registry formats
 * (`get()` resolving to name, help, type, values). Gauge and Counter would keep state between
 * scrapes and cannot say `untyped`, which RabbitMQ's identity and alarm families are.
 */
class ComputedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  private readonly values: { labels: Readonly<Record<string, string>>; value: number }[];

  constructor(f: Family) {
    this.name = f.name;
    this.help = f.help;
    this.type = f.type;
    this.values = f.samples;
  }

  get(): Promise<{ name: string; help: string; type: string; values: ComputedFamily['values']; aggregator: 'sum' }> {
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values: this.values, aggregator: 'sum' });
  }
}

/** The families as text, in the order given. */
export async function formatFamilies(families: readonly Family[]): Promise<string> {
  const registry = new Registry();
  for (const f of families) registry.registerMetric(new ComputedFamily(f) as unknown as Metric);
  return families.length === 0 ? '' : registry.metrics();
}

// prom-client's default metrics whose names promtool rejects (gauges ending in _total).
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

let runtime: Registry | undefined;

/**
 * process_* and nodejs_* (prom-client's default metrics): one registry per process, created on
 * first use, because they describe the process and prom-client's collectors (GC observer, event
 * loop monitor) cannot be stopped again.
 */
export function runtimeRegistry(): Registry {
  if (runtime === undefined) {
    runtime = new Registry();
    collectDefaultMetrics({ register: runtime });
    for (const name of LINT_FAILING_DEFAULTS) runtime.removeSingleMetric(name);
  }
  return runtime;
}

/**
 * rabbitmq_prometheus's scrape telemetry: every registry declares the three summaries; a
 * registry's own scrapes are observed in its duration and size summaries, and the encoded size
 * of every registry's scrapes in the default registry's (RabbitMQ's telemetry registry).
 */
export class ScrapeTelemetry {
  private readonly registries = new Map<RegistryName, { registry: Registry; duration: Summary; size: Summary; encoded: Summary }>();

  constructor() {
    for (const name of ['default', 'per-object', 'detailed'] as const) {
      const registry = new Registry();
      const labelNames = ['registry', 'content_type'];
      const summary = (n: string, help: string, labels: string[]): Summary => new Summary({ name: n, help, labelNames: labels, percentiles: [], registers: [registry] });
      this.registries.set(name, {
        registry,
        duration: summary('telemetry_scrape_duration_seconds', 'Scrape duration', labelNames),
        size: summary('telemetry_scrape_size_bytes', 'Scrape size, not encoded', labelNames),
        encoded: summary('telemetry_scrape_encoded_size_bytes', 'Scrape size, encoded', [...labelNames, 'encoding']),
      });
    }
  }

  /** The summaries a registry's scrape shows, as text. */
  text(name: RegistryName): Promise<string> {
    return this.of(name).registry.metrics();
  }

  /** Records one rendered scrape (after it was rendered: a scrape does not count itself). */
  rendered(name: RegistryName, seconds: number, bytes: number): void {
    const labels = { registry: name, content_type: CONTENT_TYPE };
    const r = this.of(name);
    r.duration.observe(labels, seconds);
    r.size.observe(labels, bytes);
  }

  /** Records the size of a scrape as sent. */
  encodedSize(name: RegistryName, encoding: string, bytes: number): void {
    this.of('default').encoded.observe({ registry: name, content_type: CONTENT_TYPE, encoding }, bytes);
  }

  private of(name: RegistryName): { registry: Registry; duration: Summary; size: Summary; encoded: Summary } {
    const r = this.registries.get(name);
    if (r === undefined) throw new Error(`unknown registry ${name}`);
    return r;
  }
}
