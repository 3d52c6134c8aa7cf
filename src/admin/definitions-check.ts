/**
 * The validation half of definitions import (POST /api/definitions, import_definitions,
 * load_definitions): reads a whole RabbitMQ definitions document (3.10-3.13) into a plan and
 * refuses it with RabbitMQ's 400 body naming the first problem, before anything changes.
 */
import type { FieldTable } from '../amqp/codec/field-value.js';
import { importHashingAlgorithm, isValidPasswordHash, type HashingAlgorithm } from '../auth/password.js';
import { validatePatterns } from '../auth/permissions.js';
import { InvalidTagsError, parseTagsField } from '../auth/tags.js';
import { validateExchangeArguments, validateQueueArguments } from '../broker/arguments.js';
import { AmqpError } from '../broker/errors.js';
import { isKnownExchangeType } from '../broker/exchange/exchange-types.js';
import { validateHeadersBinding } from '../broker/exchange/headers-router.js';
import type { VhostMetadata } from '../broker/persistence.js';
import { parsePolicy, PolicyValidationError, type Policy } from '../broker/policy.js';
import type { AdminContext } from './admin-context.js';
import { AdminError, badRequest } from './errors.js';
import { USER_LIMITS, VHOST_LIMITS } from './limits.js';
import { checkParameter, type CheckedParameter } from './parameters.js';
import { jsonTable } from './json-arguments.js';
import { compiled } from './permissions.js';
import { parseMetadata } from './vhosts.js';

type Row = Record<string, unknown>;

/** A checked definitions document: every row valid and every name it refers to known. */
export interface ImportPlan {
  users: { name: string; passwordHash: string; hashingAlgorithm: HashingAlgorithm; tags: string[]; limits?: Record<string, number> }[];
  /** metadata undefined: the file gives none (an existing vhost keeps its own). */
  vhosts: { name: string; metadata?: VhostMetadata; limits?: Record<string, number> }[];
  permissions: { user: string; vhost: string; configure: string; write: string; read: string }[];
  topicPermissions: { user: string; vhost: string; exchange: string; write: string; read: string }[];
  vhostLimits: { vhost: string; limits: Record<string, number> }[];
  /** The other runtime parameters (operator policies, stored-only components), checked. */
  parameters: CheckedParameter[];
  /** Whole-node documents only (RabbitMQ ignores them in a vhost's import). */
  globalParameters: { name: string; value: unknown }[];
  policies: Policy[];
  exchanges: { vhost: string; name: string; type: string; durable: boolean; autoDelete: boolean; internal: boolean; arguments: FieldTable }[];
  queues: { vhost: string; name: string; durable: boolean; autoDelete: boolean; arguments: FieldTable }[];
  bindings: { vhost: string; source: string; destination: string; destinationType: 'queue' | 'exchange'; routingKey: string; arguments: FieldTable }[];
}

/** The document as JSON text: 400 `failed_to_parse_json` unless it is a JSON object. */
export function parseDefinitionsJson(text: string): Row {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw badRequest('failed_to_parse_json');
  }
  if (!isRow(doc)) throw badRequest('failed_to_parse_json');
  return doc;
}

/**
 * Checks a whole document against the node; `vhost` set: one vhost's shape (POST
 * /api/definitions/{vhost}: rows without `vhost`, only policies, parameters, queues, exchanges, bindings).
 */
export function checkDefinitions(ctx: AdminContext, doc: Row, vhost?: string): ImportPlan {
  const plan: ImportPlan = {
    users: [],
    vhosts: [],
    permissions: [],
    topicPermissions: [],
    vhostLimits: [],
    parameters: [],
    globalParameters: [],
    policies: [],
    exchanges: [],
    queues: [],
    bindings: [],
  };
  const rabbitVersion = typeof doc.rabbit_version === 'string' ? doc.rabbit_version : undefined;
  const vhosts = new Set(ctx.broker.vhosts.keys());
  const users = new Set(ctx.users.users.keys());
  const vhostOf = (r: Row): string => {
    const v = vhost ?? r.vhost;
    if (typeof v !== 'string') throw badRequest(['invalid_definition', 'vhost', r]);
    if (!vhosts.has(v)) throw badRequest(['no_such_vhost', v]);
    return v;
  };
  if (vhost === undefined) {
    for (const r of rows(doc, 'vhosts')) {
      const name = str(r, 'name');
      const md = isRow(r.metadata) ? r.metadata : {};
      const given = 'description' in r || 'tags' in r || 'default_queue_type' in r || isRow(r.metadata);
      const metadata = given
        ? parseMetadata({ ...md, ...pick(r, ['description', 'tags', 'default_queue_type']) })
        : undefined;
      plan.vhosts.push({ name, metadata, limits: limits(r.limits, VHOST_LIMITS, name) });
      vhosts.add(name);
    }
    for (const r of rows(doc, 'users')) plan.users.push(user(r, rabbitVersion));
    for (const u of plan.users) users.add(u.name);
    const userOf = (r: Row): string => {
      const u = str(r, 'user');
      if (!users.has(u)) throw badRequest(['no_such_user', u]);
      return u;
    };
    for (const r of rows(doc, 'permissions')) {
      const p = { user: userOf(r), vhost: vhostOf(r), configure: str(r, 'configure'), write: str(r, 'write'), read: str(r, 'read') };
      compiled(() => validatePatterns(p));
      plan.permissions.push(p);
    }
    for (const r of rows(doc, 'topic_permissions')) {
      const p = { user: userOf(r), vhost: vhostOf(r), exchange: str(r, 'exchange'), write: str(r, 'write'), read: str(r, 'read') };
      compiled(() => validatePatterns({ write: p.write, read: p.read }));
      plan.topicPermissions.push(p);
    }
  }
  for (const r of rows(doc, 'parameters')) {
    const v = vhostOf(r);
    const component = str(r, 'component');
    const name = str(r, 'name');
    let p: CheckedParameter;
    try {
      p = checkParameter(v, component, name, r.value);
    } catch (e) {
      // RabbitMQ names the parameter after its validation text (rabbit_definitions:add_parameter).
      if (e instanceof AdminError && typeof e.reason === 'string') throw badRequest(`${e.reason} (${v}/${component}/${name})`);
      throw e;
    }
    if (p.kind === 'limits') plan.vhostLimits.push({ vhost: v, limits: p.limits });
    else plan.parameters.push(p);
  }
  if (vhost === undefined) {
    for (const r of rows(doc, 'global_parameters')) plan.globalParameters.push({ name: str(r, 'name'), value: r.value ?? null });
  }
  for (const r of rows(doc, 'policies')) {
    const v = vhostOf(r);
    try {
      plan.policies.push(parsePolicy(v, str(r, 'name'), { pattern: r.pattern, definition: r.definition, priority: r.priority, applyTo: r['apply-to'] }));
    } catch (e) {
      if (e instanceof PolicyValidationError) throw badRequest(e.message);
      throw e;
    }
  }
  const exchanges = new Set<string>();
  const queues = new Set<string>();
  const key = (v: string, n: string): string => JSON.stringify([v, n]);
  for (const r of rows(doc, 'exchanges')) {
    const v = vhostOf(r);
    const name = str(r, 'name');
    const type = str(r, 'type');
    if (!isKnownExchangeType(type)) throw badRequest(['unknown_exchange_type', type]);
    const args = table(r);
    amqp(() => validateExchangeArguments(name, v, args));
    exchanges.add(key(v, name));
    // RabbitMQ skips amq.* exchanges on import (they exist in every vhost).
    if (name === '' || name.startsWith('amq.')) continue;
    plan.exchanges.push({ vhost: v, name, type, durable: bool(r, 'durable', true), autoDelete: bool(r, 'auto_delete', false), internal: bool(r, 'internal', false), arguments: args });
  }
  for (const r of rows(doc, 'queues')) {
    const v = vhostOf(r);
    const name = str(r, 'name');
    if (name === '' || name.startsWith('amq.')) throw badRequest(['invalid_queue_name', name]);
    const args = table(r);
    amqp(() => validateQueueArguments(name, v, args));
    queues.add(key(v, name));
    plan.queues.push({ vhost: v, name, durable: bool(r, 'durable', true), autoDelete: bool(r, 'auto_delete', false), arguments: args });
  }
  checkQueueLimits(ctx, plan);
  for (const r of rows(doc, 'bindings')) {
    const v = vhostOf(r);
    const source = str(r, 'source');
    const destination = str(r, 'destination');
    const destinationType = r.destination_type;
    if (destinationType !== 'queue' && destinationType !== 'exchange') throw badRequest(['invalid_destination_type', String(destinationType)]);
    const args = table(r);
    if (source === '') continue; // the default exchange's implicit bindings
    const x = ctx.broker.getVhost(v)?.exchanges.get(source);
    if (x === undefined && !exchanges.has(key(v, source))) throw badRequest(['no_such_exchange', v, source]);
    const sourceType = x?.type ?? plan.exchanges.find((e) => e.vhost === v && e.name === source)?.type;
    if (sourceType === 'headers') amqp(() => validateHeadersBinding(args));
    if (destinationType === 'queue') {
      if (ctx.broker.getVhost(v)?.queues.get(destination) === undefined && !queues.has(key(v, destination))) throw badRequest(['no_such_queue', v, destination]);
    } else if (ctx.broker.getVhost(v)?.exchanges.get(destination) === undefined && !exchanges.has(key(v, destination))) {
      throw badRequest(['no_such_exchange', v, destination]);
    }
    plan.bindings.push({ vhost: v, source, destination, destinationType, routingKey: str(r, 'routing_key'), arguments: args });
  }
  return plan;
}

// max-queues (the file's own limits included) would stop the import half way: refused up front instead.
function checkQueueLimits(ctx: AdminContext, plan: ImportPlan): void {
  const added = new Map<string, number>();
  for (const q of plan.queues) {
    if (ctx.broker.getVhost(q.vhost)?.queues.has(q.name) === true) continue;
    added.set(q.vhost, (added.get(q.vhost) ?? 0) + 1);
  }
  for (const [v, n] of added) {
    const fileLimits = plan.vhostLimits.findLast((l) => l.vhost === v)?.limits ?? plan.vhosts.findLast((x) => x.name === v)?.limits;
    const max = (fileLimits ?? ctx.broker.getVhost(v)?.limits)?.['max-queues'];
    const existing = ctx.broker.getVhost(v)?.queues.size ?? 0;
    if (max !== undefined && max >= 0 && existing + n > max) throw badRequest(['queue_limit_exceeded', v, max]);
  }
}

function user(r: Row, rabbitVersion: string | undefined): ImportPlan['users'][number] {
  const name = str(r, 'name');
  let tags: string[];
  try {
    tags = parseTagsField(r.tags ?? []);
  } catch (e) {
    if (e instanceof InvalidTagsError) throw badRequest(['invalid_tags', name]);
    throw e;
  }
  const given = r.hashing_algorithm;
  if (given !== undefined && typeof given !== 'string') throw badRequest(['unknown_hashing_algorithm', JSON.stringify(given)]);
  const algorithm = importHashingAlgorithm(given, rabbitVersion);
  if (algorithm === undefined) throw badRequest(['unknown_hashing_algorithm', given]);
  const hash = r.password_hash ?? '';
  if (typeof hash !== 'string' || !isValidPasswordHash(hash, algorithm)) throw badRequest(['not_base64', typeof hash === 'string' ? hash : JSON.stringify(hash)]);
  return { name, passwordHash: hash, hashingAlgorithm: algorithm, tags, limits: limits(r.limits, USER_LIMITS, name) };
}

function limits(value: unknown, names: readonly string[], owner: string): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  if (!isRow(value)) throw badRequest(['invalid_limits', owner]);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!names.includes(k) || typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(['invalid_limit', owner, k]);
    out[k] = v;
  }
  return out;
}

function rows(doc: Row, section: string): Row[] {
  const list = doc[section];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || !list.every(isRow)) throw badRequest(['invalid_definitions', section]);
  return list;
}

function str(r: Row, k: string): string {
  const v = r[k];
  if (typeof v !== 'string') throw badRequest(['invalid_definition', k, r]);
  return v;
}

function bool(r: Row, k: string, dflt: boolean): boolean {
  const v = r[k] ?? dflt;
  if (typeof v !== 'boolean') throw badRequest(['invalid_definition', k, r]);
  return v;
}

function table(r: Row): FieldTable {
  const a = r.arguments ?? {};
  if (!isRow(a)) throw badRequest(['invalid_definition', 'arguments', r]);
  // Typed as the management API types a JSON arguments object (json-arguments.ts), so an imported
  // binding has the same field types, and properties_key, before and after a restart.
  return jsonTable(a);
}

function pick(r: Row, keys: string[]): Row {
  const out: Row = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

function amqp(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof AmqpError) throw badRequest(e.message);
    throw e;
  }
}

function isRow(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
