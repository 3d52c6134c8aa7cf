/**
 * Request bodies of the exchange, queue and binding endpoints read as RabbitMQ 3.10.8 reads them
 * (rabbit_mgmt_util:decode, props_to_method, rabbit_misc:parse_bool / parse_int), with its 400
 * reasons. Where RabbitMQ crashes (500) on a value of the wrong type, Warren answers 400 naming
 * the field instead, and changes nothing.
 */
import { badRequest } from './errors.js';

/** A decoded body: its fields by name. */
export type Body = Record<string, unknown>;

/**
 * The body text as a JSON object. Empty, `null` and `undefined` bodies (and JSON `true`/`false`)
 * are `{}`; a JSON string is RabbitMQ's "doubly-JSON-encoded" 400; anything else that is not an
 * object (or not JSON) is 400 `not_json`.
 */
export function decodeBody(raw: unknown): Body {
  const text = typeof raw === 'string' ? raw : '';
  if (text === '' || text === 'null' || text === 'undefined') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw badRequest('not_json');
  }
  if (v === null || typeof v === 'boolean') return {};
  if (typeof v === 'string') throw badRequest('invalid payload: the request body JSON-decoded to a string. Is the input doubly-JSON-encoded?');
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest('not_json');
  return v as Body;
}

/** The body's mandatory fields (rabbit_mgmt_util:with_decode): 400 `[{key_missing,k},...]` naming every missing one. */
export function requireKeys(body: Body, keys: readonly string[]): void {
  const missing = keys.filter((k) => body[k] === undefined).map((k) => `{key_missing,${k}}`);
  if (missing.length === 0) return;
  // Printed with ~p: one line while it fits (78 columns), else one element a line, indented by one.
  const line = `[${missing.join(',')}]`;
  throw badRequest(line.length <= 78 ? line : `[${missing.join(',\n ')}]`);
}

/** rabbit_misc:parse_bool: true, false, "true", "false"; absent is `dflt`; else 400 ["not_boolean", v]. */
export function boolField(body: Body, key: string, dflt = false): boolean {
  const v = body[key];
  if (v === undefined) return dflt;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw badRequest(['not_boolean', v ?? null]);
}

/** rabbit_misc:parse_int: an integer, a number (truncated) or a string of digits; else 400 ["not_integer", v]. */
export function intValue(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return Number(v);
  throw badRequest(['not_integer', v ?? null]);
}

/** A string field (absent: `dflt`); another type is 400 `<key> must be a string`. */
export function stringField(body: Body, key: string, dflt = ''): string {
  const v = body[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  return v;
}

/** AMQP shortstr fields (names, routing keys) are at most 255 bytes. */
export function checkShortstr(what: string, s: string): void {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > 255) throw badRequest(`${what} should be less than 255 bytes, actually was ${n}`);
}
