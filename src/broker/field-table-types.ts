/**
 * The broker's view of AMQP field tables (declare arguments, binding arguments,
 * message headers). `broker/` never imports `amqp/`, so this is a structural
 * type: a decoded table is a plain object whose values are boolean | number |
 * bigint | string | Buffer | Date | decimal ({ scale, value }) | nested table |
 * array | null.
 *
 * The codec records each value's wire tag on a non-enumerable property keyed by
 * FIELD_TYPES_KEY (tables and arrays alike: key or index -> tag char). RabbitMQ
 * needs the tag where JS values lose it: error texts name the type
 * ("of type 'signedint'") and nested values compare with their types.
 */

/** A decoded field table, as the broker sees it. */
export type FieldTable = Record<string, unknown>;

/**
 * Where the codec keeps the wire tags of a decoded table or array. A registered
 * symbol, so the codec and the broker agree on it without importing each other.
 */
export const FIELD_TYPES_KEY: unique symbol = Symbol.for('warren.amqp.fieldTypes');

type Tagged = { [FIELD_TYPES_KEY]?: Record<string, string> };

/** RabbitMQ's atom for each tag (rabbit_binary_parser), as error texts print it. */
const TYPE_NAMES: Record<string, string> = {
  t: 'bool',
  b: 'byte',
  B: 'unsignedbyte',
  s: 'short',
  u: 'unsignedshort',
  I: 'signedint',
  i: 'unsignedint',
  l: 'long',
  f: 'float',
  d: 'double',
  D: 'decimal',
  S: 'longstr',
  x: 'binary',
  A: 'array',
  T: 'timestamp',
  F: 'table',
  V: 'void',
  // pika's aliases: RabbitMQ has no such tags, name the type they carry.
  U: 'short',
  L: 'long',
};

/** RabbitMQ's type name for a tag char (`'I'` -> `'signedint'`); unknown tags name themselves. */
export function rabbitTypeName(tag: string): string {
  return TYPE_NAMES[tag] ?? tag;
}

/** True for a decimal value as the codec decodes it: an object with numeric scale and value only. */
export function isDecimalValue(v: unknown): v is { scale: number; value: number } {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v) || v instanceof Date) return false;
  const o = v as Record<string, unknown>;
  return typeof o.scale === 'number' && typeof o.value === 'number' && Object.keys(o).length <= 2;
}

/**
 * The tag the codec would give a value with no recorded tag (integers that fit
 * in int32 are `I`, other safe integers `l`, other numbers `d`): tables built
 * by the broker itself or parsed from JSON have no recorded tags.
 */
export function inferFieldTag(v: unknown): string {
  switch (typeof v) {
    case 'boolean':
      return 't';
    case 'number':
      if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return 'I';
      return Number.isSafeInteger(v) ? 'l' : 'd';
    case 'bigint':
      return 'l';
    case 'string':
      return 'S';
    case 'object':
      if (v === null) return 'V';
      if (v instanceof Uint8Array) return 'x';
      if (v instanceof Date) return 'T';
      if (Array.isArray(v)) return 'A';
      return isDecimalValue(v) ? 'D' : 'F';
    default:
      return 'V';
  }
}

/**
 * The tag of container[key]: the one it was decoded with, else inferred from
 * the value. Callers check that the key is present.
 */
export function fieldTagOf(container: object, key: string | number): string {
  return (container as Tagged)[FIELD_TYPES_KEY]?.[key] ?? inferFieldTag((container as Record<string, unknown>)[key]);
}

/** True when table has its own key (not an inherited one like `constructor`). */
export function hasField(table: FieldTable, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/**
 * Erlang's `==` on two decoded values, as RabbitMQ compares a headers-binding
 * value with a header, and declare arguments of the same type class (verified
 * on 3.10.8): numbers by value whatever their tags (byte 1, signedint 1,
 * double 1.0 and long 1 are equal; a timestamp is its integer seconds),
 * longstr and binary by bytes, booleans only with booleans, decimals by scale
 * and digits. Inside arrays and tables the type tags count as well (RabbitMQ
 * keeps `{Type, Value}` there): [byte 1] ≠ [signedint 1], and nested tables
 * compare key by key in order.
 */
export function erlangEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = numeric(a);
  if (na !== undefined) {
    const nb = numeric(b);
    // JS == between number and bigint compares mathematically, like Erlang.
    return nb !== undefined && na == nb;
  }
  if (typeof a === 'string' || a instanceof Uint8Array) {
    if (typeof b !== 'string' && !(b instanceof Uint8Array)) return false;
    if (typeof a === 'string' && typeof b === 'string') return false; // distinct strings
    return Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
  }
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return false;
  if (isDecimalValue(a)) return isDecimalValue(b) && a.scale === b.scale && a.value === b.value;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!typedEquals(a, i, b, i)) return false;
    return true;
  }
  if (Array.isArray(b) || b instanceof Uint8Array || b instanceof Date || isDecimalValue(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i] || !typedEquals(a, ka[i], b, kb[i])) return false;
  }
  return true;
}

/** Elements of arrays/tables: Erlang compares `{Type, Value}`, so the type names must agree too. */
function typedEquals(ca: object, ka: string | number, cb: object, kb: string | number): boolean {
  if (rabbitTypeName(fieldTagOf(ca, ka)) !== rabbitTypeName(fieldTagOf(cb, kb))) return false;
  return erlangEquals((ca as Record<string, unknown>)[ka], (cb as Record<string, unknown>)[kb]);
}

function numeric(v: unknown): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (v instanceof Date) return Math.floor(v.getTime() / 1000);
  return undefined;
}

function bytesOf(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}
