/**
 * The value model of AMQP field tables (method `arguments`, `client-properties`,
 * message headers): the JS values a table holds and the wire tag of each.
 *
 * One model for the whole server: the codec decodes into it and encodes from
 * it, and broker/ reads it directly (ARCHITECTURE.md: the broker may use the
 * codec's value types). Tags follow RabbitMQ's errata: t b B s u I i l f d D S
 * x A T F V (https://www.rabbitmq.com/amqp-0-9-1-errata, §3), plus pika's U
 * (int16) and L (int64). JS values lose the tag (clients disagree on integer
 * tags: amqplib picks the smallest signed type, pika always I), so every decoded
 * table and array remembers each value's tag under FIELD_TYPES: error texts can
 * name RabbitMQ's type ("of type 'signedint'"), nested values compare with their
 * types, and re-encoding keeps the sender's tags.
 */

/** A decimal field value: `value / 10^scale` (tag D, u8 scale + signed int32). */
export class Decimal {
  constructor(
    readonly scale: number,
    readonly value: number,
  ) {}
}

/** Any value a field table or array may hold. */
export type FieldValue =
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | Date
  | Decimal
  | FieldTable
  | FieldValue[]
  | null;

/** A field table: shortstr keys to tagged values. */
export interface FieldTable {
  [key: string]: FieldValue;
}

/**
 * Key of the non-enumerable record every decoded table (and array) carries:
 * key (or index) -> the tag character it arrived with. Non-enumerable so it
 * never shows up in JSON, spreads or equality checks, and a spread copy falls
 * back to inferred tags. A registered symbol, so that code holding a table
 * can read its tags without importing this module (tests pin the identity).
 */
export const FIELD_TYPES: unique symbol = Symbol.for('warren.amqp.fieldTypes');

/** A table or array as it may carry recorded tags. */
export type Tagged = { [FIELD_TYPES]?: Record<string, string> };

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

/**
 * True for a decimal: a Decimal, or an object of just a numeric scale and
 * value. The plain shape counts because tables rebuilt from JSON or by hand
 * (tests, definitions) carry decimals that way, and the broker has always
 * treated them as decimals.
 */
export function isDecimal(v: unknown): v is Decimal {
  if (v instanceof Decimal) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || v instanceof Date) return false;
  const o = v as Record<string, unknown>;
  return typeof o.scale === 'number' && typeof o.value === 'number' && Object.keys(o).length <= 2;
}

/**
 * The tag of a value that has no recorded tag (tables built by the broker or
 * parsed from JSON): integers that fit in int32 are `I`, other safe integers
 * `l`, other numbers `d`; undefined is void. Throws TypeError for values no
 * table can carry (functions, symbols).
 */
export function inferFieldType(v: unknown): string {
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
    case 'undefined':
      return 'V';
    case 'object':
      if (v === null) return 'V';
      if (v instanceof Uint8Array) return 'x';
      if (v instanceof Date) return 'T';
      if (Array.isArray(v)) return 'A';
      return isDecimal(v) ? 'D' : 'F';
    default:
      throw new TypeError(`cannot encode a ${typeof v} in a field table`);
  }
}

/** True when table has its own key (not an inherited one like `constructor`). */
export function hasField(table: object, key: string | number): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/**
 * The tag of container[key]: the one it was decoded with, else the one the
 * encoder would infer; undefined when the key is absent.
 */
export function fieldTypeOf(container: object, key: string | number): string | undefined {
  if (!hasField(container, key)) return undefined;
  return (container as Tagged)[FIELD_TYPES]?.[key] ?? inferFieldType((container as Record<string, unknown>)[key]);
}
