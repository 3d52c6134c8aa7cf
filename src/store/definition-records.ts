import { decodeTable, encodeTable } from '../amqp/codec/field-table.js';
import type { FieldTable } from '../amqp/codec/field-value.js';
import type { StoredBinding, StoredExchange, StoredPolicy, StoredQueue } from '../broker/persistence.js';
import { BINDING, EXCHANGE, POLICY, QUEUE, nameKey, vhostKey } from './keys.js';

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

/** Vhost record. */
export function vhostRecord(name: string): [Buffer, Buffer] {
  return [vhostKey(name), json({ name })];
}
/** Decodes a vhost record. */
export function readVhost(value: Buffer): string {
  return str(parse(value), 'name');
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
