import { isDecimal, type FieldTable } from '../amqp/codec/field-value.js';

/**
 * A canonical string for a field table, so bindings that differ only in key
 * order or integer width compare equal (RabbitMQ compares argument values,
 * not their encoding). Not on the hot path: used at bind/unbind time.
 */
export function fieldTableKey(table: FieldTable | undefined): string {
  if (table === undefined) return '';
  const keys = Object.keys(table);
  if (keys.length === 0) return '';
  keys.sort();
  let out = '{';
  for (const k of keys) out += JSON.stringify(k) + ':' + valueKey(table[k]) + ',';
  return out + '}';
}

function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'V';
  if (typeof v === 'bigint') return 'n' + v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? 'n' + String(v) : 'f' + String(v);
  if (typeof v === 'boolean') return v ? 't1' : 't0';
  if (typeof v === 'string') return 'S' + JSON.stringify(v);
  if (Buffer.isBuffer(v)) return 'x' + v.toString('base64');
  if (v instanceof Date) return 'T' + String(Math.floor(v.getTime() / 1000));
  if (Array.isArray(v)) return '[' + v.map(valueKey).join(',') + ']';
  if (isDecimal(v)) return 'D' + String(v.scale) + ':' + String(v.value);
  if (typeof v === 'object') return 'F' + fieldTableKey(v as FieldTable);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- every object form was keyed above: v is a number or bigint
  return String(v);
}
