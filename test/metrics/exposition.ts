/**
 * Reading Prometheus text exposition in tests: a small parser (families with TYPE, HELP and
 * samples), lookups by name and labels, and the catalog of a scrape (each family's type, help
 * and label names) that is compared with RabbitMQ's.
 *
 * Catalog fixtures: test/fixtures/rabbitmq-prometheus/<name>.json is RabbitMQ 3.10.8's catalog
 * of one endpoint. With WARREN_REFERENCE_PROMETHEUS_URL set (a live RabbitMQ with
 * rabbitmq_prometheus, e.g. http://127.0.0.1:15692) the tests read the reference live, and with
 * WARREN_RECORD_SHAPES=1 also rewrite the fixture; otherwise (CI) the fixture is the reference.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One sample line. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One family: its TYPE and HELP lines and the samples that follow them. */
export interface ParsedFamily {
  name: string;
  type?: string;
  help?: string;
  samples: ParsedSample[];
}

function unescapeLabel(v: string): string {
  return v.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** Parses exposition text into families by name (a summary's _sum/_count lines go to the summary). */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { name, samples: [] }));
    return f;
  };
  let current: ParsedFamily | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (TYPE|HELP) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      current = family(meta[2]);
      if (meta[1] === 'TYPE') current.type = meta[3];
      else current.help = meta[3].replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    for (let l = re.exec(m[3] ?? ''); l !== null; l = re.exec(m[3] ?? '')) labels[l[1]] = unescapeLabel(l[2]);
    const name = m[1];
    const owner = current !== undefined && (name === current.name || name.startsWith(`${current.name}_`)) ? current : family(name);
    owner.samples.push({ name, labels, value: Number(m[4]) });
  }
  return families;
}

/** The one sample of `name` whose labels include `labels`; throws when there is not exactly one. */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number {
  const f = families.get(name);
  if (f === undefined) throw new Error(`no family ${name}`);
  const matching = f.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matching.length !== 1) throw new Error(`${matching.length} samples of ${name} with ${JSON.stringify(labels)}`);
  return matching[0].value;
}

/** A family as the catalog records it. */
export interface CatalogEntry {
  type: string;
  help: string;
  /** The label names its samples carry (sorted, union over samples). */
  labels: string[];
  /** True when it had at least one sample. */
  sampled: boolean;
}

/** Each family's type, help and label names (summaries' sample suffixes folded into their family). */
export function catalogOf(families: Map<string, ParsedFamily>): Record<string, CatalogEntry> {
  const out: Record<string, CatalogEntry> = {};
  for (const f of [...families.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const labels = new Set<string>();
    for (const s of f.samples) for (const k of Object.keys(s.labels)) labels.add(k);
    out[f.name] = { type: f.type ?? 'untyped', help: f.help ?? '', labels: [...labels].sort(), sampled: f.samples.length > 0 };
  }
  return out;
}

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/rabbitmq-prometheus');

/** The reference RabbitMQ's Prometheus base URL, when one is configured for this run. */
export const referencePrometheusUrl: string | undefined = process.env.WARREN_REFERENCE_PROMETHEUS_URL;

/**
 * RabbitMQ's catalog of one endpoint: from the live reference text when given (recorded with
 * WARREN_RECORD_SHAPES=1), else from the committed fixture.
 */
export function referenceCatalog(name: string, referenceText: string | undefined): Record<string, CatalogEntry> {
  const file = path.join(FIXTURES, `${name}.json`);
  if (referenceText !== undefined) {
    const catalog = catalogOf(parseExposition(referenceText));
    if (process.env.WARREN_RECORD_SHAPES === '1') {
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(file, JSON.stringify(catalog, null, 2) + '\n');
    }
    return catalog;
  }
  if (!existsSync(file)) throw new Error(`no recorded catalog ${file}: run with WARREN_REFERENCE_PROMETHEUS_URL and WARREN_RECORD_SHAPES=1`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, CatalogEntry>;
}

/**
 * What Warren's catalog lacks against RabbitMQ's: missing families, another TYPE or HELP, and
 * label names RabbitMQ's samples have and Warren's do not. `noSamples` names families Warren
 * exposes without samples on purpose (values it does not know); their labels are not compared.
 */
export function catalogDiff(reference: Record<string, CatalogEntry>, warren: Record<string, CatalogEntry>, skip: (name: string) => boolean, noSamples: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [name, r] of Object.entries(reference)) {
    if (skip(name)) continue;
    const w = warren[name];
    if (w === undefined) {
      problems.push(`missing ${name} (${r.type})`);
      continue;
    }
    if (w.type !== r.type) problems.push(`TYPE of ${name}: RabbitMQ ${r.type}, Warren ${w.type}`);
    if (w.help !== r.help) problems.push(`HELP of ${name}: RabbitMQ "${r.help}", Warren "${w.help}"`);
    if (!r.sampled || noSamples.has(name)) continue;
    if (!w.sampled) problems.push(`no samples of ${name} (RabbitMQ has some)`);
    else for (const l of r.labels) if (!w.labels.includes(l)) problems.push(`label ${l} missing on ${name}`);
  }
  return problems.sort();
}
