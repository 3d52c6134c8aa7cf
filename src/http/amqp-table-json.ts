/**
 * AMQP field tables rendered as RabbitMQ's management API renders them
 * (rabbit_mgmt_format amqp_table), checked against 3.10.8: keys in sorted
 * order, numbers of every tag as JSON numbers, timestamps as seconds, longstr
 * and byte arrays as text when they are UTF-8 (else "Not UTF-8, base64 is: ..."),
 * void as the string "undefined", a decimal {scale, value} as the number
 * `scale.value` (2, 12345 -> 2.12345), nested tables and arrays recursively.
 */
import { isUtf8 } from 'node:buffer';
import { isDecimal, type FieldTable } from '../amqp/codec/field-value.js';

/** A field table as RabbitMQ's JSON object. */
export function amqpTableJson(table: FieldTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Erlang maps order binary keys bytewise; code-unit order agrees outside surrogate pairs.
  for (const key of Object.keys(table).sort()) {
    const value = amqpValueJson(table[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

function amqpValueJson(v: unknown): unknown {
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      // JSON has no bigint; beyond 2^53 the number is rounded.
      return Number(v);
    case 'object':
      if (v === null) return 'undefined';
      if (v instanceof Uint8Array) {
        const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        return isUtf8(b) ? b.toString('utf8') : `Not UTF-8, base64 is: ${b.toString('base64')}`;
      }
      if (v instanceof Date) return Math.floor(v.getTime() / 1000);
      if (Array.isArray(v)) return v.map(amqpValueJson);
      if (isDecimal(v)) return (v.value < 0 ? -1 : 1) * Number(`${v.scale}.${Math.abs(v.value)}`);
      return amqpTableJson(v as FieldTable);
    default:
      return 'undefined';
  }
}
