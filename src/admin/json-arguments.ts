/**
 * JSON bodies' `arguments` (and message `headers`) as AMQP field tables, typed the way RabbitMQ's
 * management API types them (rabbit_misc:to_amqp_table): integers are `long`, other numbers
 * `double`, strings `longstr`, booleans `bool`, objects `table`, lists `array`, and `null` is
 * refused (400 `null_not_allowed`). The tags are recorded on the table (FIELD_TYPES), so the
 * wire, the store and a binding's properties_key see RabbitMQ's types, not the narrowest ones.
 */
import { FIELD_TYPES, type FieldTable, type FieldValue } from '../amqp/codec/field-value.js';
import { badRequest } from './errors.js';

/** RabbitMQ's reason for a null anywhere in a table. */
const NULL_NOT_ALLOWED = 'null_not_allowed';

function tagOf(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? 'l' : 'd';
    case 'string':
      return 'S';
    case 'boolean':
      return 't';
    default:
      return Array.isArray(v) ? 'A' : 'F';
  }
}

function convert(v: unknown): FieldValue {
  if (v === null || v === undefined) throw badRequest(NULL_NOT_ALLOWED);
  if (Array.isArray(v)) {
    const out: FieldValue[] = [];
    const tags: Record<string, string> = {};
    for (const el of v) {
      tags[out.length] = tagOf(el);
      out.push(convert(el));
    }
    Object.defineProperty(out, FIELD_TYPES, { value: tags });
    return out;
  }
  if (typeof v === 'object') return jsonTable(v as Record<string, unknown>);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  throw badRequest(NULL_NOT_ALLOWED);
}

/** A JSON object as a field table with RabbitMQ's management types. */
export function jsonTable(obj: Record<string, unknown>): FieldTable {
  const out: FieldTable = {};
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const value = convert(v);
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
    tags[k] = tagOf(v);
  }
  Object.defineProperty(out, FIELD_TYPES, { value: tags });
  return out;
}

/**
 * A body's `arguments` field: absent (or `[]`, which RabbitMQ's own UI sends for none) is an
 * empty table; an object is converted; anything else is a 400.
 */
export function jsonArguments(value: unknown, field = 'arguments'): FieldTable {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return jsonTable({});
  if (value === null) throw badRequest(NULL_NOT_ALLOWED);
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field} must be a JSON object`);
  return jsonTable(value as Record<string, unknown>);
}
