/**
 * A binding's `properties_key`, the last segment of /api/bindings/{vhost}/e/{src}/{q|e}/{dst}/{props}
 * (rabbit_mgmt_format:pack_binding_props, rabbit_mgmt_wm_binding:unpack in RabbitMQ 3.10.8):
 * `~` for no routing key and no arguments, the quoted routing key for no arguments, else the
 * quoted key, `~` and a hash of the arguments: base64url of erlang:phash2 (32 bits) of the
 * field table as RabbitMQ stores it (a list of {Key, Type, Value} sorted by key). The same
 * binding therefore has the same key on Warren and on RabbitMQ.
 */
import { FIELD_TYPES, isDecimal, rabbitTypeName, type FieldTable, type FieldValue, type Tagged } from '../amqp/codec/field-value.js';
import { erl, phash2, type ErlangTerm } from './erlang-hash.js';

/**
 * The tag RabbitMQ would give a value that carries none: tables built from JSON (definitions
 * import) hold plain JS values, which RabbitMQ's to_amqp_table types as long / double / longstr ...
 */
function untaggedTag(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? 'l' : 'd';
    case 'bigint':
      return 'l';
    case 'string':
      return 'S';
    case 'boolean':
      return 't';
    case 'object':
      if (v === null) return 'V';
      if (Buffer.isBuffer(v)) return 'x';
      if (v instanceof Date) return 'T';
      if (Array.isArray(v)) return 'A';
      return isDecimal(v) ? 'D' : 'F';
    default:
      return 'V';
  }
}

function tagAt(container: object, key: string | number, v: unknown): string {
  return (container as Tagged)[FIELD_TYPES]?.[key] ?? untaggedTag(v);
}

function valueTerm(tag: string, v: FieldValue): ErlangTerm {
  switch (tag) {
    case 'S':
    case 'x':
      return erl.bin(typeof v === 'string' ? v : Buffer.isBuffer(v) ? v : '');
    case 't':
      return erl.atom(v === true ? 'true' : 'false');
    case 'f':
    case 'd':
      return erl.float(Number(v));
    case 'D': {
      const d = v as { scale: number; value: number };
      return erl.tuple(erl.int(d.scale), erl.int(d.value));
    }
    case 'T':
      return erl.int(v instanceof Date ? Math.floor(v.getTime() / 1000) : Number(v));
    case 'F':
      return tableTerm(v as FieldTable, false);
    case 'A': {
      const arr = v as FieldValue[];
      return erl.list(arr.map((el, i) => {
        const t = tagAt(arr, i, el);
        return erl.tuple(erl.atom(rabbitTypeName(t)), valueTerm(t, el));
      }));
    }
    case 'V':
      return erl.atom('undefined');
    default:
      // The integer tags (b B s u U I i l L).
      return typeof v === 'bigint' || typeof v === 'number' ? erl.int(typeof v === 'number' ? Math.trunc(v) : v) : erl.int(0);
  }
}

/** Code-point (UTF-8 byte) order, as Erlang compares binaries. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * A field table as the Erlang term RabbitMQ holds: [{Key, Type, Value}], top level sorted by
 * key (rabbit_binding sorts a binding's arguments), nested tables in their own order.
 */
export function tableTerm(table: FieldTable, sort = true): ErlangTerm {
  const keys = Object.keys(table);
  if (sort) keys.sort(byteOrder);
  return erl.list(
    keys.map((k) => {
      const v = table[k];
      const t = tagAt(table, k, v);
      return erl.tuple(erl.bin(k), erl.atom(rabbitTypeName(t)), valueTerm(t, v));
    }),
  );
}

/** rabbit_mgmt_format:args_hash: base64url (no padding) of the 32-bit phash2 of the sorted table. */
export function argsHash(args: FieldTable): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(phash2(tableTerm(args)));
  return b.toString('base64url');
}

/** rabbit_http_util:quote_plus: UTF-8 bytes, `[A-Za-z0-9._~-]` kept, space as `+`, the rest %XX. */
export function quotePlus(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9._~-]/.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** quote_plus with `~` escaped too: the key part of a properties_key. */
function quoteBinding(s: string): string {
  return quotePlus(s).replace(/~/g, '%7E');
}

/** rabbit_http_util:unquote: %XX and `+` decoded, as UTF-8 (malformed escapes stay as they are). */
export function unquote(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '+') bytes.push(0x20);
    else if (c === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The properties_key of a binding with this routing key and these arguments. */
export function packBindingProps(routingKey: string, args: FieldTable): string {
  const hasArgs = Object.keys(args).length > 0;
  if (!hasArgs) return routingKey === '' ? '~' : quoteBinding(routingKey);
  return quoteBinding(routingKey) + '~' + quoteBinding(argsHash(args));
}

/** A properties_key read back: the routing key and, when it names arguments, their hash. */
export interface BindingProps {
  routingKey: string;
  /** undefined: the binding has no arguments. */
  argsHash?: string;
}

/** Reads a properties_key; undefined for one with more than one `~` (RabbitMQ: too_many_tokens, the binding is not found). */
export function unpackBindingProps(props: string): BindingProps | undefined {
  const tokens: string[] = [];
  // rabbit_mgmt_format:tokenise: split at each `~`, a trailing `~` adds nothing.
  let rest = props;
  while (rest !== '') {
    const i = rest.indexOf('~');
    if (i < 0) {
      tokens.push(rest);
      break;
    }
    tokens.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  if (tokens.length === 0) return { routingKey: '' };
  if (tokens.length === 1) return { routingKey: unquote(tokens[0]) };
  if (tokens.length === 2) return { routingKey: unquote(tokens[0]), argsHash: unquote(tokens[1]) };
  return undefined;
}
