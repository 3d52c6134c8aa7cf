/**
 * Compares the JSON *shape* of Warren's management answers with RabbitMQ's.
 *
 * A shape is the set of key paths of a JSON value with the JSON type at each path
 * (`items[].message_stats.publish: number`); arrays merge their elements under `[]`.
 * `expectShapeLike(name, warrenJson)`:
 *  - with WARREN_REFERENCE_MGMT_URL set (a live RabbitMQ, e.g. ../shared/tools/rabbitmq-local.sh
 *    start: http://127.0.0.1:15682) the caller has fetched the same request from RabbitMQ too and
 *    passes it as `reference`; with WARREN_RECORD_SHAPES=1 that reference shape is (re)written to
 *    test/fixtures/rabbitmq-shapes/<name>.json;
 *  - otherwise (CI) the recorded fixture is the reference.
 * It fails when a key RabbitMQ has is missing in Warren, or has another JSON type (null matches
 * anything: RabbitMQ and Warren both send null for "not known yet"). Extra keys in Warren are allowed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { basic } from './management.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/rabbitmq-shapes');

/** The reference RabbitMQ's management base URL, when one is configured for this run. */
export const referenceMgmtUrl: string | undefined = process.env.WARREN_REFERENCE_MGMT_URL;
/** The reference RabbitMQ's AMQP URL (WARREN_REFERENCE_URL, default amqp://guest:guest@127.0.0.1:5682). */
export const referenceAmqpUrl: string = process.env.WARREN_REFERENCE_URL ?? 'amqp://guest:guest@127.0.0.1:5682';

export type Shape = Record<string, string>;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** The key paths of a JSON value and their types. */
export function shapeOf(value: unknown, prefix = '', out: Shape = {}): Shape {
  const t = typeOf(value);
  if (prefix !== '' || t !== 'object') {
    const prev = out[prefix];
    // Arrays merge elements: a path that is null in one element and typed in another keeps the type.
    if (prev === undefined || prev === 'null') out[prefix] = t;
  }
  if (t === 'array') {
    for (const el of value as unknown[]) shapeOf(el, `${prefix}[]`, out);
  } else if (t === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) shapeOf(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
  return out;
}

/**
 * What Warren's shape lacks against the reference: missing paths, and paths of another type.
 * `ignore` holds path prefixes left out on purpose (each with a reason at the call site).
 */
export function shapeDiff(reference: Shape, warren: Shape, ignore: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const [p, t] of Object.entries(reference)) {
    if (ignore.some((i) => p === i || p.startsWith(i + '.') || p.startsWith(i + '['))) continue;
    const w = warren[p];
    if (w === undefined) problems.push(`missing ${p} (${t})`);
    else if (w !== t && t !== 'null' && w !== 'null') problems.push(`type of ${p}: RabbitMQ ${t}, Warren ${w}`);
  }
  return problems.sort();
}

/** GET (or another method) with guest's Basic credentials; the parsed JSON body and status. */
export async function fetchJson(base: string, p: string, init: { method?: string; body?: unknown; auth?: string } = {}): Promise<{ status: number; json: unknown }> {
  const r = await fetch(base + p, {
    method: init.method ?? 'GET',
    headers: { authorization: init.auth ?? basic('guest', 'guest'), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, json };
}

/**
 * Asserts that `warren` has every key (and type) of RabbitMQ's answer to the same request.
 * `reference` is RabbitMQ's live answer (when referenceMgmtUrl is set), else the fixture `name` is used.
 */
export function expectShapeLike(name: string, warren: unknown, reference?: unknown, ignore: readonly string[] = []): void {
  const file = path.join(FIXTURES, `${name}.json`);
  let refShape: Shape;
  if (reference !== undefined) {
    refShape = shapeOf(reference);
    if (process.env.WARREN_RECORD_SHAPES === '1') {
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(file, JSON.stringify(refShape, null, 1) + '\n');
    }
  } else {
    if (!existsSync(file)) throw new Error(`no recorded RabbitMQ shape ${file}: run with WARREN_REFERENCE_MGMT_URL and WARREN_RECORD_SHAPES=1`);
    refShape = JSON.parse(readFileSync(file, 'utf8')) as Shape;
  }
  expect(shapeDiff(refShape, shapeOf(warren), ignore), `${name}: keys RabbitMQ has and Warren lacks`).toEqual([]);
}
