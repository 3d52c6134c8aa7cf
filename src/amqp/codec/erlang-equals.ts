/**
 * Erlang's `==` on decoded field values: how RabbitMQ compares a
 * headers-binding value with a header, and declare arguments of one type class.
 */
import { fieldTypeOf, isDecimal, rabbitTypeName } from './field-value.js';

/**
 * Erlang's `==` on two decoded values, as RabbitMQ compares them (verified on
 * 3.10.8): numbers by value whatever their tags (byte 1, signedint 1, double
 * 1.0 and long 1 are equal; a timestamp is its integer seconds), longstr and
 * binary by bytes, booleans only with booleans, decimals by scale and digits.
 * Inside arrays and tables the type tags count as well (RabbitMQ keeps
 * `{Type, Value}` there): [byte 1] ≠ [signedint 1], and nested tables compare
 * key by key in order.
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
  if (isDecimal(a)) return isDecimal(b) && a.scale === b.scale && a.value === b.value;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!typedEquals(a, i, b, i)) return false;
    return true;
  }
  if (Array.isArray(b) || b instanceof Uint8Array || b instanceof Date || isDecimal(b)) return false;
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
  if (typeNameAt(ca, ka) !== typeNameAt(cb, kb)) return false;
  return erlangEquals((ca as Record<string, unknown>)[ka], (cb as Record<string, unknown>)[kb]);
}

/** A hole in a sparse array has no tag: it reads as undefined, which is void. */
function typeNameAt(container: object, key: string | number): string {
  return rabbitTypeName(fieldTypeOf(container, key) ?? 'V');
}

function numeric(v: unknown): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (v instanceof Date) return Math.floor(v.getTime() / 1000);
  return undefined;
}

function bytesOf(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}
