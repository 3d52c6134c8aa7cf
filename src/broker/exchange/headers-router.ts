import { erlangEquals } from '../../amqp/codec/erlang-equals.js';
import { formatErlangTerm } from '../../amqp/codec/erlang-term.js';
import { fieldTypeOf, hasField, rabbitTypeName, type FieldTable } from '../../amqp/codec/field-value.js';
import { invalidXMatchType, invalidXMatchValue } from '../errors.js';
import type { Router } from './router.js';

/** One binding, pre-compiled at bind time so routing walks arrays and never allocates. */
interface HeadersBinding<D> {
  readonly dest: D;
  readonly routingKey: string;
  readonly args: FieldTable | undefined;
  /** x-match any / any-with-x: one matching key is enough. */
  readonly any: boolean;
  readonly keys: string[];
  readonly values: unknown[];
  /** True where the binding value is void: the header only has to be present. */
  readonly presenceOnly: boolean[];
}

/**
 * Headers matching (RabbitMQ rabbit_exchange_type_headers, checked against
 * 3.10.8): the binding arguments are the pattern, the message headers the data.
 * - `x-match`: `all` (also when absent or, for bindings made before validation,
 *   not one of the four), `any`, `all-with-x`, `any-with-x`.
 * - Keys starting with `x-` are ignored in `all`/`any`; in the `-with-x` modes
 *   they are matched too, except `x-match` itself.
 * - A void binding value only asks for the header to be present.
 * - `all` with no keys left matches every message (even one without headers);
 *   `any` with no keys matches nothing.
 * - Values compare as Erlang's `==` (see erlangEquals): byte 1, signedint 1 and
 *   double 1.0 are equal; longstr and binary compare by bytes.
 */
export class HeadersRouter<D> implements Router<D> {
  private readonly bindings: HeadersBinding<D>[] = [];

  /** Adds a binding; routingKey is kept only to tell bindings apart. */
  add(dest: D, routingKey: string, args: FieldTable | undefined): void {
    this.bindings.push(compile(dest, routingKey, args));
  }

  /** Removes the binding added with these values (args by identity). */
  remove(dest: D, routingKey: string, args: FieldTable | undefined): void {
    const i = this.bindings.findIndex((b) => b.dest === dest && b.routingKey === routingKey && b.args === args);
    if (i >= 0) this.bindings.splice(i, 1);
  }

  /** Adds every destination with a binding that matches headers to out. */
  route(_routingKey: string, headers: FieldTable | undefined, out: Set<D>): void {
    const bindings = this.bindings;
    for (let i = 0; i < bindings.length; i++) {
      const b = bindings[i];
      // Already routed there by another binding: the answer can't change.
      if (out.has(b.dest)) continue;
      if (matches(b, headers)) out.add(b.dest);
    }
  }

  /** Drops every binding to dest. */
  removeDestination(dest: D): void {
    let j = 0;
    for (let i = 0; i < this.bindings.length; i++) {
      if (this.bindings[i].dest !== dest) this.bindings[j++] = this.bindings[i];
    }
    this.bindings.length = j;
  }
}

/**
 * Binding validation for headers exchanges (rabbit_exchange_type_headers
 * validate_binding): `x-match` must be a longstr naming one of the four modes.
 * Throws 406 with RabbitMQ's texts, e.g. `Invalid x-match field value <<"foo">>;
 * expected all, any, all-with-x, or any-with-x` and `Invalid x-match field type
 * byte (value 1); expected longstr`.
 */
export function validateHeadersBinding(args: FieldTable | undefined): void {
  if (args === undefined) return;
  const tag = fieldTypeOf(args, 'x-match');
  if (tag === undefined) return;
  const v = args['x-match'];
  if (tag !== 'S' || typeof v !== 'string') {
    throw invalidXMatchType(rabbitTypeName(tag), formatErlangTerm(v, tag));
  }
  if (v !== 'all' && v !== 'any' && v !== 'all-with-x' && v !== 'any-with-x') {
    throw invalidXMatchValue(formatErlangTerm(v, 'S'));
  }
}

function compile<D>(dest: D, routingKey: string, args: FieldTable | undefined): HeadersBinding<D> {
  const mode = args !== undefined && hasField(args, 'x-match') ? args['x-match'] : undefined;
  const withX = mode === 'all-with-x' || mode === 'any-with-x';
  const b: HeadersBinding<D> = {
    dest,
    routingKey,
    args,
    any: mode === 'any' || mode === 'any-with-x',
    keys: [],
    values: [],
    presenceOnly: [],
  };
  if (args === undefined) return b;
  for (const key of Object.keys(args)) {
    if (key === 'x-match' || (!withX && key.startsWith('x-'))) continue;
    b.keys.push(key);
    b.values.push(args[key]);
    b.presenceOnly.push(fieldTypeOf(args, key) === 'V');
  }
  return b;
}

function matches<D>(b: HeadersBinding<D>, headers: FieldTable | undefined): boolean {
  const keys = b.keys;
  if (headers === undefined) return !b.any && keys.length === 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const hit = hasField(headers, key) && (b.presenceOnly[i] || erlangEquals(b.values[i], headers[key]));
    if (hit === b.any) return hit;
  }
  return !b.any;
}
