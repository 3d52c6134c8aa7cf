/**
 * Queue and exchange declare arguments: validation of a new declaration and
 * the equivalence check of a redeclaration, with RabbitMQ's exact 405/406
 * texts. Every text and rule here was checked against RabbitMQ 3.10.8
 * (rabbit_channel, rabbit_amqqueue check_declare_arguments, rabbit_misc
 * assert_args_equivalence / equivalence_fail, rabbit_exchange assert_equivalence).
 * Values inside texts are printed the way Erlang's io_lib prints them
 * (amqp/codec/erlang-term.ts), since clients see those texts verbatim.
 */
import { erlangEquals } from '../amqp/codec/erlang-equals.js';
import { erlangAtom, erlangString, formatErlangTerm } from '../amqp/codec/erlang-term.js';
import { fieldTypeOf, hasField, rabbitTypeName, type FieldTable } from '../amqp/codec/field-value.js';
import { argNotForClassicQueue, inequivalentArg, invalidArg, invalidArgType, queueLocked } from './errors.js';

/** A queue as declared (the existing one); exclusive may be omitted when the caller already checked ownership. */
export interface QueueDeclaration {
  name: string;
  vhost: string;
  durable: boolean;
  exclusive?: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
}

/** What a queue.declare asks for. */
export interface QueueRequest {
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
}

/** An exchange as declared, or as a redeclaration asks for it. */
export interface ExchangeDeclaration {
  name: string;
  vhost: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/**
 * The queue arguments compared on redeclare, in the order RabbitMQ 3.10.8
 * checks them (rabbit_classic_queue queue_arguments). Unknown x-args, and the
 * quorum/stream ones a classic queue never has, are not compared.
 */
export const EQUIVALENT_QUEUE_ARGS: readonly string[] = [
  'x-expires',
  'x-message-ttl',
  'x-dead-letter-exchange',
  'x-dead-letter-routing-key',
  'x-max-length',
  'x-max-length-bytes',
  'x-max-priority',
  'x-overflow',
  'x-queue-mode',
  'x-queue-version',
  'x-single-active-consumer',
  'x-queue-type',
  'x-queue-master-locator',
];

/**
 * Arguments of quorum queues and streams. 3.10.8 refuses them on a classic
 * queue (rabbit_amqqueue check_arguments_key), and Warren has only classic queues.
 */
const OTHER_QUEUE_TYPE_ARGS: ReadonlySet<string> = new Set([
  'x-dead-letter-strategy',
  'x-max-in-memory-length',
  'x-max-in-memory-bytes',
  'x-quorum-initial-group-size',
  'x-delivery-limit',
  'x-queue-leader-locator',
  'x-max-age',
  'x-stream-max-segment-size-bytes',
  'x-initial-cluster-size',
]);

/** rabbit_misc:check_expiry: TTLs and expiries above ten years are refused. */
const MAX_EXPIRY_MS = 315_360_000_000;
/** rabbit.hrl MAX_SUPPORTED_PRIORITY. */
const MAX_PRIORITY = 255;

/**
 * RabbitMQ's name for the type of table[key] (`'signedint'`, `'longstr'`…),
 * from its wire tag or its JS value; an absent key reads as void.
 */
export function typeNameOf(table: FieldTable, key: string): string {
  return rabbitTypeName(fieldTypeOf(table, key) ?? 'V');
}

// ---------------------------------------------------------------- equivalence

/**
 * queue.declare of an existing queue (rabbit_amqqueue:assert_equivalence):
 * 405 when the exclusive flag differs (errata §8: exclusivity first; RabbitMQ's
 * strict owner check), then 406 for durable, auto_delete and the
 * EQUIVALENT_QUEUE_ARGS in order. An exclusive queue is never durable, so the
 * request's durable is taken as `durable && !exclusive` (rabbit_channel), and
 * an absent x-queue-type equals longstr "classic".
 */
export function checkQueueEquivalence(q: QueueDeclaration, req: QueueRequest): void {
  if (q.exclusive !== undefined && q.exclusive !== req.exclusive) {
    throw queueLocked(q.name, q.vhost);
  }
  const where = `queue '${q.name}' in vhost '${q.vhost}'`;
  checkField(where, 'durable', q.durable, req.durable && !req.exclusive);
  checkField(where, 'auto_delete', q.autoDelete, req.autoDelete);
  for (const key of EQUIVALENT_QUEUE_ARGS) checkArg(where, key, q.arguments, req.arguments);
}

/**
 * exchange.declare of an existing exchange (rabbit_exchange:assert_equivalence):
 * 406 for type, durable, auto_delete, internal, then `alternate-exchange`, the
 * only argument compared.
 */
export function checkExchangeEquivalence(x: ExchangeDeclaration, req: ExchangeDeclaration): void {
  const where = `exchange '${x.name}' in vhost '${x.vhost}'`;
  if (x.type !== req.type) fail(where, 'type', `'${erlangAtom(req.type)}'`, `'${erlangAtom(x.type)}'`);
  checkField(where, 'durable', x.durable, req.durable);
  checkField(where, 'auto_delete', x.autoDelete, req.autoDelete);
  checkField(where, 'internal', x.internal, req.internal);
  checkArg(where, 'alternate-exchange', x.arguments, req.arguments);
}

function checkField(where: string, field: string, current: boolean, received: boolean): void {
  if (current !== received) fail(where, field, `'${received}'`, `'${current}'`);
}

/** rabbit_misc:assert_args_equivalence1 as 3.10.8 behaves. */
function checkArg(where: string, key: string, current: FieldTable, received: FieldTable): void {
  const ct = fieldTypeOf(current, key);
  const nt = fieldTypeOf(received, key);
  if (ct !== undefined && nt !== undefined) {
    const cv = current[key];
    const nv = received[key];
    if (typeClass(ct) === typeClass(nt) && erlangEquals(cv, nv)) return;
    // Both present but different: bare values, and a void one prints as none (Erlang's undefined).
    fail(where, key, nt === 'V' ? 'none' : `'${plainValue(nv, nt)}'`, ct === 'V' ? 'none' : `'${plainValue(cv, ct)}'`);
  }
  if (ct !== undefined) checkOneSided(where, key, current, ct, true);
  else if (nt !== undefined) checkOneSided(where, key, received, nt, false);
}

/** An argument only one side has (the existing queue when isCurrent): 406 naming its value and type. */
function checkOneSided(where: string, key: string, table: FieldTable, tag: string, isCurrent: boolean): void {
  // RabbitMQ: a queue declared without x-queue-type is a classic queue.
  if (key === 'x-queue-type' && tag === 'S' && table[key] === 'classic') return;
  const tagged = `the value '${plainValue(table[key], tag)}' of type '${rabbitTypeName(tag)}'`;
  if (isCurrent) fail(where, key, 'none', tagged);
  fail(where, key, tagged, 'none');
}

function fail(where: string, field: string, received: string, current: string): never {
  throw inequivalentArg(field, where, received, current);
}

/**
 * Type classes for the equivalence check, as 3.10.8 behaves: every integer tag
 * and timestamp are one class (byte 5 == timestamp 5), float and double one,
 * longstr and binary one; a double 5.0 is not an integer 5.
 */
function typeClass(tag: string): string {
  switch (tag) {
    case 'b':
    case 'B':
    case 's':
    case 'u':
    case 'I':
    case 'i':
    case 'l':
    case 'U':
    case 'L':
    case 'T':
      return 'int';
    case 'f':
    case 'd':
      return 'float';
    case 'x':
      return 'S';
    default:
      return tag;
  }
}

/** rabbit_misc:val: binaries print raw (~s), everything else as Erlang terms (~p). */
function plainValue(v: unknown, tag: string): string {
  if (tag === 'S' || tag === 'x') return typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('utf8');
  return formatErlangTerm(v, tag);
}

// ---------------------------------------------------------------- validation

/**
 * Validates a new queue's arguments as RabbitMQ 3.10.8 does, throwing 406:
 * 1. x-dead-letter-exchange must be a longstr (rabbit_channel):
 *    `invalid type 'byte' for arg 'x-dead-letter-exchange' in queue 'q' in vhost '/'`;
 * 2. x-queue-type (only "classic" here: a broker without quorum queues and
 *    streams answers `"unsupported queue type 'quorum'"`);
 * 3. the classic queue arguments, in RabbitMQ's order:
 *    `invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_negative,-1}`;
 * 4. quorum/stream-only arguments, in table order:
 *    `invalid arg 'x-max-age' for queue 'q' in vhost '/' of queue type rabbit_classic_queue`.
 * Unknown arguments are accepted and stored. x-queue-master-locator is not
 * checked: 3.10.8 fails with an internal error on a bad one, later versions
 * ignore it, and one node has nothing to locate.
 */
export function validateQueueArguments(name: string, vhost: string, args: FieldTable): void {
  const where = `queue '${name}' in vhost '${vhost}'`;
  const dlxType = fieldTypeOf(args, 'x-dead-letter-exchange');
  if (dlxType !== undefined && dlxType !== 'S') {
    throw invalidArgType(typeNameOf(args, 'x-dead-letter-exchange'), 'x-dead-letter-exchange', where);
  }
  validateArg(where, args, 'x-queue-type', checkQueueType);
  for (const [key, check] of QUEUE_VALIDATORS) validateArg(where, args, key, check);
  for (const key of Object.keys(args)) {
    if (OTHER_QUEUE_TYPE_ARGS.has(key)) {
      throw argNotForClassicQueue(key, where);
    }
  }
}

/**
 * Validates a new exchange's arguments: `alternate-exchange` must be a longstr
 * (rabbit_channel, checked only when the exchange is created):
 * `invalid type 'byte' for arg 'alternate-exchange' in exchange 'x' in vhost '/'`.
 */
export function validateExchangeArguments(name: string, vhost: string, args: FieldTable): void {
  const aeType = fieldTypeOf(args, 'alternate-exchange');
  if (aeType !== undefined && aeType !== 'S') {
    const type = typeNameOf(args, 'alternate-exchange');
    const where = `exchange '${name}' in vhost '${vhost}'`;
    throw invalidArgType(type, 'alternate-exchange', where);
  }
}

/** A check returns undefined when the value is fine, else RabbitMQ's error term already printed (~p). */
type ArgCheck = (v: unknown, tag: string, args: FieldTable) => string | undefined;

function validateArg(where: string, args: FieldTable, key: string, check: ArgCheck): void {
  const tag = fieldTypeOf(args, key);
  if (tag === undefined) return;
  const error = check(args[key], tag, args);
  if (error !== undefined) throw invalidArg(key, where, error);
}

const INT_TAGS = new Set(['b', 'B', 's', 'u', 'I', 'i', 'l', 'U', 'L']);

/** check_int_arg: any integer tag; a float, string, timestamp… is refused by type name. */
function intError(tag: string): string | undefined {
  return INT_TAGS.has(tag) ? undefined : erlangString(`expected integer, got ${rabbitTypeName(tag)}`);
}

const int = (v: unknown): string => String(v);

const nonNegative: ArgCheck = (v, tag) => intError(tag) ?? (Number(v) < 0 ? `{value_negative,${int(v)}}` : undefined);

/** rabbit_misc:check_expiry. */
const expiry: ArgCheck = (v, tag) => {
  const e = intError(tag);
  if (e !== undefined) return e;
  if (Number(v) > MAX_EXPIRY_MS) return `{value_too_large,${int(v)}}`;
  return Number(v) < 0 ? `{value_negative,${int(v)}}` : undefined;
};

/** A longstr naming one of `allowed`; otherwise `invalid` builds the error. */
function oneOf(allowed: readonly string[], invalid: (v: string) => string): ArgCheck {
  return (v, tag) => {
    if (tag !== 'S') return `{unacceptable_type,${rabbitTypeName(tag)}}`;
    const s = typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('utf8');
    return allowed.includes(s) ? undefined : invalid(s);
  };
}

const checkQueueType = oneOf(['classic'], (v) => erlangString(`unsupported queue type '${v}'`));

/** rabbit_amqqueue declare_args, filtered to classic queues, in RabbitMQ's order. */
const QUEUE_VALIDATORS: ReadonlyArray<readonly [string, ArgCheck]> = [
  ['x-expires', (v, tag, args) => intError(tag) ?? (Number(v) === 0 ? `{value_zero,${int(v)}}` : expiry(v, tag, args))],
  ['x-message-ttl', expiry],
  ['x-dead-letter-exchange', (_v, tag) => (tag === 'S' ? undefined : `{unacceptable_type,${rabbitTypeName(tag)}}`)],
  [
    'x-dead-letter-routing-key',
    (_v, tag, args) => {
      if (tag !== 'S') return `{unacceptable_type,${rabbitTypeName(tag)}}`;
      return hasField(args, 'x-dead-letter-exchange') ? undefined : 'routing_key_but_no_dlx_defined';
    },
  ],
  ['x-max-length', nonNegative],
  ['x-max-length-bytes', nonNegative],
  [
    'x-max-priority',
    (v, tag, args) =>
      nonNegative(v, tag, args) ?? (Number(v) > MAX_PRIORITY ? `{max_value_exceeded,${int(v)}}` : undefined),
  ],
  ['x-overflow', oneOf(['drop-head', 'reject-publish', 'reject-publish-dlx'], () => 'invalid_overflow')],
  ['x-queue-mode', oneOf(['default', 'lazy'], (v) => erlangString(`unsupported queue mode '${v}'`))],
  [
    'x-queue-version',
    (v, tag, args) =>
      nonNegative(v, tag, args) ??
      (Number(v) === 1 || Number(v) === 2 ? undefined : erlangString(`unsupported queue version '${int(v)}'`)),
  ],
  ['x-single-active-consumer', (_v, tag) => (tag === 't' ? undefined : `{unacceptable_type,${rabbitTypeName(tag)}}`)],
];
