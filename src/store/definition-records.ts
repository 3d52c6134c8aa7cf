import { decodeTable, encodeTable } from '../amqp/codec/field-table.js';
import type { FieldTable } from '../amqp/codec/field-value.js';
import type {
  StoredBinding,
  StoredExchange,
  StoredGlobalParameter,
  StoredParameter,
  StoredPermission,
  StoredPolicy,
  StoredQueue,
  StoredTopicPermission,
  StoredUser,
  StoredVhost,
} from '../broker/persistence.js';
import {
  BINDING,
  EXCHANGE,
  OPERATOR_POLICY,
  PARAMETER,
  PERMISSION,
  POLICY,
  QUEUE,
  TOPIC_PERMISSION,
  globalParameterKey,
  nameKey,
  userKey,
  vhostKey,
} from './keys.js';

/**
 * Definition records: JSON values, with arguments kept as the AMQP field-table
 * bytes (base64) so every value type (long ints, decimals, byte arrays, nested
 * tables) comes back exactly as declared, for equivalence checks after a restart.
 */

/** A stored queue and the id its message records are keyed by. */
export interface QueueRecord extends StoredQueue {
  qid: number;
}

function args(t: FieldTable): string {
  return encodeTable(t).toString('base64');
}

function readArgs(s: unknown): FieldTable {
  if (typeof s !== 'string') throw new Error('arguments missing');
  const buf = Buffer.from(s, 'base64');
  return decodeTable(buf, 0).value;
}

function json(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

function parse(value: Buffer): Record<string, unknown> {
  const o = JSON.parse(value.toString('utf8')) as unknown;
  if (typeof o !== 'object' || o === null) throw new Error('not an object');
  return o as Record<string, unknown>;
}

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new Error(`field ${k} missing`);
  return v;
}

function bool(o: Record<string, unknown>, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new Error(`field ${k} missing`);
  return v;
}

function num(o: Record<string, unknown>, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`field ${k} missing`);
  return v;
}

/** Vhost record; records written before metadata existed hold only the name. */
export function vhostRecord(name: string, settings?: Omit<StoredVhost, 'name'>): [Buffer, Buffer] {
  return [vhostKey(name), json(settings === undefined ? { name } : { name, metadata: settings.metadata, limits: settings.limits })];
}
/** Decodes a vhost record's name. */
export function readVhost(value: Buffer): string {
  return str(parse(value), 'name');
}
/** Decodes a vhost record with its metadata and limits (defaults for a name-only record). */
export function readVhostRecord(value: Buffer): StoredVhost {
  const o = parse(value);
  const m = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  const tags = Array.isArray(m.tags) ? m.tags.filter((t): t is string => typeof t === 'string') : [];
  const metadata = { description: typeof m.description === 'string' ? m.description : '', tags, ...(typeof m.defaultQueueType === 'string' ? { defaultQueueType: m.defaultQueueType } : {}) };
  return { name: str(o, 'name'), metadata, limits: numbers(o.limits) };
}

function numbers(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, n] of Object.entries(v)) if (typeof n === 'number' && Number.isFinite(n)) out[k] = n;
  return out;
}

/** User record. */
export function userRecord(u: StoredUser): [Buffer, Buffer] {
  return [userKey(u.name), json(u)];
}
/** Decodes a user record. */
export function readUser(value: Buffer): StoredUser {
  const o = parse(value);
  const tags = o.tags;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new Error('field tags missing');
  return { name: str(o, 'name'), passwordHash: str(o, 'passwordHash'), hashingAlgorithm: str(o, 'hashingAlgorithm'), tags, limits: numbers(o.limits) };
}

/** Permission key: (vhost, user). */
export function permissionKey(user: string, vhost: string): Buffer {
  return nameKey(PERMISSION, vhost, user);
}
/** Permission record. */
export function permissionRecord(p: StoredPermission): [Buffer, Buffer] {
  return [permissionKey(p.user, p.vhost), json(p)];
}
/** Decodes a permission record. */
export function readPermission(value: Buffer): StoredPermission {
  const o = parse(value);
  return { user: str(o, 'user'), vhost: str(o, 'vhost'), configure: str(o, 'configure'), write: str(o, 'write'), read: str(o, 'read') };
}

/** Topic permission key: (vhost, [user, exchange]). */
export function topicPermissionKey(user: string, vhost: string, exchange: string): Buffer {
  return nameKey(TOPIC_PERMISSION, vhost, JSON.stringify([user, exchange]));
}
/** Topic permission record. */
export function topicPermissionRecord(p: StoredTopicPermission): [Buffer, Buffer] {
  return [topicPermissionKey(p.user, p.vhost, p.exchange), json(p)];
}
/** Decodes a topic permission record. */
export function readTopicPermission(value: Buffer): StoredTopicPermission {
  const o = parse(value);
  return { user: str(o, 'user'), vhost: str(o, 'vhost'), exchange: str(o, 'exchange'), write: str(o, 'write'), read: str(o, 'read') };
}

/** Exchange key. */
export function exchangeKey(vhost: string, name: string): Buffer {
  return nameKey(EXCHANGE, vhost, name);
}
/** Exchange record. */
export function exchangeRecord(x: StoredExchange): [Buffer, Buffer] {
  const { arguments: a, ...rest } = x;
  return [exchangeKey(x.vhost, x.name), json({ ...rest, arguments: args(a) })];
}
/** Decodes an exchange record. */
export function readExchange(value: Buffer): StoredExchange {
  const o = parse(value);
  return {
    vhost: str(o, 'vhost'),
    name: str(o, 'name'),
    type: str(o, 'type'),
    durable: true,
    autoDelete: bool(o, 'autoDelete'),
    internal: bool(o, 'internal'),
    arguments: readArgs(o.arguments),
  };
}

/** Queue key. */
export function queueKey(vhost: string, name: string): Buffer {
  return nameKey(QUEUE, vhost, name);
}
/** Queue record. */
export function queueRecord(q: QueueRecord): [Buffer, Buffer] {
  return [queueKey(q.vhost, q.name), json({ vhost: q.vhost, name: q.name, qid: q.qid, autoDelete: q.autoDelete, arguments: args(q.arguments) })];
}
/** Decodes a queue record. */
export function readQueue(value: Buffer): QueueRecord {
  const o = parse(value);
  const qid = num(o, 'qid');
  if (!Number.isInteger(qid) || qid <= 0 || qid > 0xffffffff) throw new Error('bad qid');
  return { vhost: str(o, 'vhost'), name: str(o, 'name'), qid, durable: true, autoDelete: bool(o, 'autoDelete'), arguments: readArgs(o.arguments) };
}

/** Binding key: identity is (source, destination type, destination, routing key, arguments). */
export function bindingKey(b: StoredBinding): Buffer {
  const id = Buffer.concat([
    Buffer.from(JSON.stringify([b.source, b.destinationType, b.destination, b.routingKey]), 'utf8'),
    encodeTable(b.arguments),
  ]);
  const head = nameKey(BINDING, b.vhost, '');
  const n = Buffer.allocUnsafe(4);
  n.writeUInt32BE(id.length, 0);
  return Buffer.concat([head, n, id]);
}
/** Binding record. */
export function bindingRecord(b: StoredBinding): [Buffer, Buffer] {
  const { arguments: a, ...rest } = b;
  return [bindingKey(b), json({ ...rest, arguments: args(a) })];
}
/** Decodes a binding record. */
export function readBinding(value: Buffer): StoredBinding {
  const o = parse(value);
  const t = str(o, 'destinationType');
  if (t !== 'queue' && t !== 'exchange') throw new Error('bad destinationType');
  return {
    vhost: str(o, 'vhost'),
    source: str(o, 'source'),
    destination: str(o, 'destination'),
    destinationType: t,
    routingKey: str(o, 'routingKey'),
    arguments: readArgs(o.arguments),
  };
}

/** Policy key. */
export function policyKey(vhost: string, name: string): Buffer {
  return nameKey(POLICY, vhost, name);
}
/** Policy record (the definition is JSON already: it comes from JSON). */
export function policyRecord(p: StoredPolicy): [Buffer, Buffer] {
  return [policyKey(p.vhost, p.name), json(p)];
}
/** Decodes a policy record. */
export function readPolicy(value: Buffer): StoredPolicy {
  const o = parse(value);
  const d = o.definition;
  if (typeof d !== 'object' || d === null) throw new Error('definition missing');
  return {
    vhost: str(o, 'vhost'),
    name: str(o, 'name'),
    pattern: str(o, 'pattern'),
    applyTo: str(o, 'applyTo'),
    priority: num(o, 'priority'),
    definition: d as Record<string, unknown>,
  };
}

/** Operator policy key. */
export function operatorPolicyKey(vhost: string, name: string): Buffer {
  return nameKey(OPERATOR_POLICY, vhost, name);
}
/** Operator policy record (a policy record under its own tag). */
export function operatorPolicyRecord(p: StoredPolicy): [Buffer, Buffer] {
  return [operatorPolicyKey(p.vhost, p.name), json(p)];
}

/** Runtime parameter key: (vhost, [component, name]). */
export function parameterKey(vhost: string, component: string, name: string): Buffer {
  return nameKey(PARAMETER, vhost, JSON.stringify([component, name]));
}
/** Runtime parameter record (the value is JSON already). */
export function parameterRecord(p: StoredParameter): [Buffer, Buffer] {
  return [parameterKey(p.vhost, p.component, p.name), json(p)];
}
/** Decodes a runtime parameter record. */
export function readParameter(value: Buffer): StoredParameter {
  const o = parse(value);
  if (!('value' in o)) throw new Error('field value missing');
  return { vhost: str(o, 'vhost'), component: str(o, 'component'), name: str(o, 'name'), value: o.value };
}

/** Global runtime parameter record. */
export function globalParameterRecord(p: StoredGlobalParameter): [Buffer, Buffer] {
  return [globalParameterKey(p.name), json(p)];
}
/** Decodes a global runtime parameter record. */
export function readGlobalParameter(value: Buffer): StoredGlobalParameter {
  const o = parse(value);
  if (!('value' in o)) throw new Error('field value missing');
  return { name: str(o, 'name'), value: o.value };
}
