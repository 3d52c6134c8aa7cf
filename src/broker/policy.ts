/**
 * Policies (RabbitMQ rabbit_policy + rabbit_policies): per-vhost rules that
 * give matching queues and exchanges settings without touching the code that
 * declares them. Validation keeps RabbitMQ's texts; matching and the choice of
 * the one policy that applies follow rabbit_policy:match.
 */
import { erlangString, formatJsonTerm } from '../amqp/codec/erlang-term.js';

/** What a policy applies to (`apply-to`). */
export type ApplyTo = 'all' | 'queues' | 'exchanges' | 'classic_queues' | 'quorum_queues' | 'streams';

const APPLY_TO: readonly ApplyTo[] = ['all', 'queues', 'exchanges', 'classic_queues', 'quorum_queues', 'streams'];

/** A validated policy. */
export interface Policy {
  readonly vhost: string;
  readonly name: string;
  readonly pattern: string;
  readonly applyTo: ApplyTo;
  readonly priority: number;
  /** The settings, keys in sorted order (RabbitMQ keeps definitions as sorted maps). */
  readonly definition: Readonly<Record<string, unknown>>;
  /** The compiled pattern (unanchored, like Erlang's re:run). */
  readonly regex: RegExp;
}

/** A policy as a client sends it, before validation: any field may be of any type. */
export interface PolicyInput {
  pattern: unknown;
  definition: unknown;
  /** Absent means 0. */
  priority?: unknown;
  /** Absent means "all". */
  applyTo?: unknown;
}

/** A policy that failed validation; `messages` are RabbitMQ's texts, in the order RabbitMQ reports them. */
export class PolicyValidationError extends Error {
  readonly messages: readonly string[];
  constructor(messages: string[]) {
    // RabbitMQ (rabbit_parameter_validation:proplist): every failing check, the last field checked
    // first: definition, apply-to, pattern, priority (the callers push them in that order).
    const unique = [...new Set(messages)];
    super(`Validation failed\n\n${unique.join('\n')}\n`);
    this.messages = unique;
  }
}

type Check = (v: unknown) => string | undefined;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const intAtLeast =
  (min: number, what: string): Check =>
  (v) =>
    isInt(v) && v >= min ? undefined : `${formatJsonTerm(v)} is not a valid ${what}`;
const isString =
  (what: string): Check =>
  (v) =>
    typeof v === 'string' ? undefined : `${formatJsonTerm(v)} is not a valid ${what}`;
const oneOf =
  (allowed: readonly string[], what: string): Check =>
  (v) =>
    typeof v === 'string' && allowed.includes(v) ? undefined : `${formatJsonTerm(v)} is not a valid ${what}`;

/**
 * The definition keys Warren knows, with rabbit_policies' validation. Keys Warren
 * accepts but has no effect for (queue-mode: lazy is the default behaviour since
 * RabbitMQ 3.12; delivery-limit and the rest are quorum-queue/stream settings)
 * are listed so definitions written for RabbitMQ still load.
 */
const CHECKS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ['alternate-exchange', isString('alternate exchange name')],
  ['dead-letter-exchange', isString('dead letter exchange name')],
  ['dead-letter-routing-key', isString('dead letter routing key')],
  ['message-ttl', intAtLeast(0, 'message TTL')],
  ['expires', intAtLeast(1, 'queue expiry')],
  ['max-length', intAtLeast(0, 'maximum length')],
  ['max-length-bytes', intAtLeast(0, 'maximum length in bytes')],
  ['overflow', oneOf(['drop-head', 'reject-publish', 'reject-publish-dlx'], 'overflow value')],
  // RabbitMQ 3.12+ (3.10 does not know the key).
  ['consumer-timeout', intAtLeast(0, 'consumer timeout')],
  ['queue-mode', oneOf(['default', 'lazy'], 'queue-mode value')],
  ['delivery-limit', intAtLeast(0, 'delivery limit')],
  ['max-in-memory-length', intAtLeast(0, 'maximum memory in bytes')],
  ['max-in-memory-bytes', intAtLeast(0, 'maximum memory in bytes')],
]);

/**
 * The definition keys an operator policy may set (rabbit_policies' operator_policy_validator
 * registrations, RabbitMQ 3.10.8): numeric limits only, merged with the policy's by the lower value.
 */
export const OPERATOR_POLICY_KEYS: readonly string[] = [
  'delivery-limit',
  'expires',
  'max-in-memory-bytes',
  'max-in-memory-length',
  'max-length',
  'max-length-bytes',
  'message-ttl',
];

const OPERATOR_CHECKS: ReadonlyMap<string, Check> = new Map([...CHECKS].filter(([k]) => OPERATOR_POLICY_KEYS.includes(k)));

/**
 * Validates a policy as RabbitMQ's rabbit_policy:policy_validation does and
 * returns it; throws PolicyValidationError with every failing check.
 */
export function parsePolicy(vhost: string, name: string, input: PolicyInput): Policy {
  return parseWith(CHECKS, vhost, name, input);
}

/**
 * Validates an operator policy (rabbit_policy:operator_policy_validation): a policy whose
 * definition may hold only OPERATOR_POLICY_KEYS; any other key "is not recognised".
 */
export function parseOperatorPolicy(vhost: string, name: string, input: PolicyInput): Policy {
  return parseWith(OPERATOR_CHECKS, vhost, name, input);
}

/**
 * An operator policy given as a runtime parameter's value (PUT /api/parameters/operator_policy/...,
 * a definitions file's `parameters`): RabbitMQ checks it as a proplist, so priority, pattern and
 * definition are mandatory ("Key "priority" not found in <name>") and other keys are
 * "Unrecognised terms". An absent apply-to means all (RabbitMQ 3.10.8 stores `undefined`, which
 * then matches nothing).
 */
export function parseOperatorPolicyValue(vhost: string, name: string, value: unknown): Policy {
  if (Array.isArray(value)) {
    // A JSON array is an Erlang list too: [] lacks every key, anything in it is an unrecognised term.
    const leading = value.length > 0 ? [`Unrecognised terms ${formatJsonTerm(value)} in ${name}`] : [];
    return parseWith(OPERATOR_CHECKS, vhost, name, { pattern: undefined, definition: undefined }, name, leading);
  }
  if (typeof value !== 'object' || value === null) throw new PolicyValidationError([`${name} not a list ${formatJsonTerm(value)}`]);
  const o = value as Record<string, unknown>;
  const extra = Object.keys(o)
    .filter((k) => !['priority', 'pattern', 'apply-to', 'definition'].includes(k))
    .sort();
  const leading = extra.length > 0 ? [`Unrecognised terms [${extra.map((k) => `{${formatJsonTerm(k)},${formatJsonTerm(o[k])}}`).join(',')}] in ${name}`] : [];
  return parseWith(OPERATOR_CHECKS, vhost, name, { pattern: o.pattern, definition: o.definition, priority: o.priority, applyTo: o['apply-to'] }, name, leading);
}

/**
 * The validation both kinds share. `mandatoryIn` set (a parameter's value, named so): a missing
 * pattern, definition or priority is an error instead of a default; `leading` errors come first.
 */
function parseWith(
  checks: ReadonlyMap<string, Check>,
  vhost: string,
  name: string,
  input: PolicyInput,
  mandatoryIn?: string,
  leading: string[] = [],
): Policy {
  // RabbitMQ reports the failures of the last field checked first: definition, apply-to, pattern, priority.
  const errors: string[] = [...leading];
  const absent = (key: string, v: unknown): boolean => {
    if (v !== undefined || mandatoryIn === undefined) return false;
    errors.push(`Key "${key}" not found in ${mandatoryIn}`);
    return true;
  };
  const definition = absent('definition', input.definition) ? {} : sortedDefinition(input.definition, errors, checks);
  const applyTo = input.applyTo === undefined ? 'all' : input.applyTo;
  if (typeof applyTo !== 'string' || !(APPLY_TO as readonly string[]).includes(applyTo)) {
    // RabbitMQ 3.12+'s text (3.10 knows only queues/exchanges/all); the double space is RabbitMQ's.
    errors.push(
      `apply-to '${typeof applyTo === 'string' ? applyTo : formatJsonTerm(applyTo)}' unrecognised; should be one of: ` +
        `'queues', 'classic_queues',  'quorum_queues', 'streams', 'exchanges', or 'all'`,
    );
  }
  let regex: RegExp | undefined;
  if (absent('pattern', input.pattern)) {
    // reported
  } else if (typeof input.pattern !== 'string') {
    errors.push(`pattern should be a binary but was ${formatJsonTerm(input.pattern)}`);
  } else {
    try {
      regex = new RegExp(input.pattern);
    } catch (e) {
      errors.push(`pattern should be regular expression but is invalid: ${pcreError(input.pattern, (e as Error).message)}`);
    }
  }
  const priority = input.priority === undefined ? 0 : input.priority;
  if (!absent('priority', input.priority) && (typeof priority !== 'number' || !Number.isFinite(priority))) {
    errors.push(`priority should be a number, actually was ${formatJsonTerm(priority)}`);
  }
  if (errors.length > 0 || regex === undefined) throw new PolicyValidationError(errors);
  return { vhost, name, pattern: input.pattern as string, applyTo: applyTo as ApplyTo, priority: priority as number, definition, regex };
}

function sortedDefinition(def: unknown, errors: string[], checks: ReadonlyMap<string, Check>): Record<string, unknown> {
  if (typeof def !== 'object' || def === null || Array.isArray(def)) {
    errors.push(`definition must be a dictionary: ${formatJsonTerm(def)}`);
    return {};
  }
  const keys = Object.keys(def).sort();
  if (keys.length === 0) {
    errors.push('no policy provided');
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = (def as Record<string, unknown>)[k];
  // rabbit_policies validates known keys in (sorted) key order and stops at the first error;
  // only when they all pass are the unknown ones reported.
  for (const k of keys) {
    const check = checks.get(k);
    const err = check?.(out[k]);
    if (err !== undefined) {
      errors.push(err);
      return out;
    }
  }
  const unknown = keys.filter((k) => !checks.has(k));
  if (unknown.length > 0) {
    errors.push(`[${unknown.map((k) => `{${formatJsonTerm(k)},${formatJsonTerm(out[k])}}`).join(',')}] are not recognised policy settings`);
  }
  return out;
}

/** True when policy applies to a queue (kind 'queue') or exchange of this name. */
export function policyMatches(p: Policy, kind: 'queue' | 'exchange', name: string): boolean {
  if (kind === 'queue') {
    // Warren's queues are all classic: quorum_queues and streams policies match none of them.
    if (p.applyTo !== 'all' && p.applyTo !== 'queues' && p.applyTo !== 'classic_queues') return false;
  } else if (p.applyTo !== 'all' && p.applyTo !== 'exchanges') {
    return false;
  }
  return p.regex.test(name);
}

/**
 * The policy that applies to a queue or exchange: the matching one with the
 * highest priority (rabbit_policy:match_all sorts by priority, highest first).
 * RabbitMQ leaves ties to its table's order, which is unspecified; Warren picks
 * the name that sorts first, so the choice does not depend on history.
 */
export function effectivePolicy(policies: Iterable<Policy>, kind: 'queue' | 'exchange', name: string): Policy | undefined {
  let best: Policy | undefined;
  for (const p of policies) {
    if (!policyMatches(p, kind, name)) continue;
    if (best === undefined || p.priority > best.priority || (p.priority === best.priority && p.name < best.name)) best = p;
  }
  return best;
}

/**
 * The definition a queue or exchange gets from its policy and its operator policy
 * (rabbit_policy:merge_operator_definitions): the keys of both, sorted; where both set a
 * key, the lower value (every operator policy key is a numeric limit); undefined when
 * neither applies.
 */
export function mergeOperatorDefinition(
  policy: Readonly<Record<string, unknown>> | undefined,
  operator: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> | undefined {
  if (operator === undefined) return policy;
  if (policy === undefined) return operator;
  const out: Record<string, unknown> = {};
  for (const k of [...new Set([...Object.keys(policy), ...Object.keys(operator)])].sort()) {
    const p = policy[k];
    const o = operator[k];
    if (o === undefined) out[k] = p;
    else if (p === undefined) out[k] = o;
    // rabbit_policies:merge_policy_value: min for the numeric keys; the operator's value for booleans.
    else if (typeof p === 'number' && typeof o === 'number') out[k] = Math.min(p, o);
    else out[k] = o;
  }
  return out;
}

/**
 * Erlang re:compile's `{"message",Offset}` for the usual mistakes, from the JS
 * RegExp error (which has no offset). Erlang's `~p` wraps the tuple when it
 * would reach column 80 of RabbitMQ's message line; the indent is kept.
 */
function pcreError(pattern: string, jsMessage: string): string {
  let text = jsMessage.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  let offset = 0;
  if (/Unterminated group/i.test(text)) {
    text = 'missing )';
    offset = pattern.length;
  } else if (/Unmatched '\)'/i.test(text)) {
    text = 'unmatched parentheses';
    offset = unmatchedParen(pattern);
  } else if (/Nothing to repeat/i.test(text)) {
    text = 'nothing to repeat';
    offset = nothingToRepeat(pattern);
  } else if (/Unterminated character class/i.test(text)) {
    text = 'missing terminating ] for character class';
    offset = pattern.length;
  } else if (/numbers out of order/i.test(text)) {
    text = 'numbers out of order in {} quantifier';
    offset = Math.max(0, pattern.indexOf('}'));
  }
  // An Erlang string (a charlist), which ~p prints in double quotes.
  const quoted = erlangString(text);
  const tuple = `{${quoted},${offset}}`;
  const column = 'pattern should be regular expression but is invalid: '.length;
  if (column + tuple.length < 80) return tuple;
  return `{${quoted},\n${' '.repeat(column + 1)}${offset}}`;
}

/** Offset of the first quantifier with nothing before it to repeat (after a start, `(`, `|` or another quantifier). */
function nothingToRepeat(pattern: string): number {
  let canRepeat = false;
  let afterQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      if (c === '?' && afterQuantifier) {
        afterQuantifier = false; // lazy quantifier
        continue;
      }
      if (!canRepeat) return i;
      canRepeat = false;
      afterQuantifier = true;
      if (c === '{') i = Math.max(i, pattern.indexOf('}', i));
      continue;
    }
    afterQuantifier = false;
    if (c === '\\') i++;
    else if (c === '(' && pattern[i + 1] === '?') i++;
    else if (c === '[') while (i < pattern.length && pattern[++i] !== ']') if (pattern[i] === '\\') i++;
    canRepeat = c !== '(' && c !== '|';
  }
  return 0;
}

/** Offset of the first `)` without an opening one, skipping escapes and character classes. */
function unmatchedParen(pattern: string): number {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return i;
  }
  return 0;
}
