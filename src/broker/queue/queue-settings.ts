import type { FieldTable } from '../../amqp/codec/field-value.js';

/** What x-overflow does when a length limit is reached. */
export type Overflow = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';

/**
 * A queue's behaviour as its declare arguments and the policy that applies to
 * it decide. Recomputed when a policy is set or cleared; the queue reads only
 * this, never the raw arguments. -1 means "not set" for numbers.
 */
export interface QueueSettings {
  /** x-message-ttl / message-ttl, ms. */
  messageTtl: number;
  /** x-expires / expires, ms. */
  expires: number;
  /** x-dead-letter-exchange / dead-letter-exchange. */
  deadLetterExchange: string | undefined;
  /** x-dead-letter-routing-key / dead-letter-routing-key. */
  deadLetterRoutingKey: string | undefined;
  /** x-max-length / max-length, messages. */
  maxLength: number;
  /** x-max-length-bytes / max-length-bytes, body bytes. */
  maxLengthBytes: number;
  /** x-overflow / overflow. */
  overflow: Overflow;
  /** x-max-priority (arguments only: RabbitMQ does not take it from policies); 0 = not a priority queue. */
  maxPriority: number;
  /** x-single-active-consumer (arguments only). */
  singleActiveConsumer: boolean;
  /** x-consumer-timeout / consumer-timeout, ms; -1 = the broker's consumer_timeout. */
  consumerTimeout: number;
}

/**
 * How RabbitMQ combines an argument with the policy's value
 * (rabbit_amqqueue_process process_args_policy): for numeric limits the lower
 * of the two wins (res_min); for the others the queue's argument wins (res_arg).
 * Either alone applies as is.
 */
const NUMERIC: readonly [keyof QueueSettings, string][] = [
  ['messageTtl', 'message-ttl'],
  ['expires', 'expires'],
  ['maxLength', 'max-length'],
  ['maxLengthBytes', 'max-length-bytes'],
  ['consumerTimeout', 'consumer-timeout'],
];

/** Reads an integer of any AMQP integer tag (and longstr digits from policies' JSON), -1 when absent or not a number. */
function intOf(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : -1;
  if (typeof v === 'bigint') return Number(v);
  return -1;
}

function strOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return undefined;
}

/**
 * The effective settings of a queue from its declare arguments (`x-` keys,
 * already validated) and the definition of the policy that applies to it
 * (keys without `x-`, e.g. `message-ttl`), if any.
 */
export function resolveQueueSettings(args: FieldTable, policy?: Readonly<Record<string, unknown>>): QueueSettings {
  const s: QueueSettings = {
    messageTtl: -1,
    expires: -1,
    deadLetterExchange: undefined,
    deadLetterRoutingKey: undefined,
    maxLength: -1,
    maxLengthBytes: -1,
    overflow: 'drop-head',
    maxPriority: 0,
    singleActiveConsumer: false,
    consumerTimeout: -1,
  };
  for (const [field, key] of NUMERIC) {
    const a = intOf(args['x-' + key]);
    const p = policy === undefined ? -1 : intOf(policy[key]);
    (s[field] as number) = a < 0 ? p : p < 0 ? a : Math.min(a, p);
  }
  s.deadLetterExchange = strOf(args['x-dead-letter-exchange']) ?? strOf(policy?.['dead-letter-exchange']);
  s.deadLetterRoutingKey = strOf(args['x-dead-letter-routing-key']) ?? strOf(policy?.['dead-letter-routing-key']);
  const overflow = strOf(args['x-overflow']) ?? strOf(policy?.['overflow']);
  if (overflow === 'reject-publish' || overflow === 'reject-publish-dlx') s.overflow = overflow;
  const prio = intOf(args['x-max-priority']);
  s.maxPriority = prio > 0 ? Math.min(prio, 255) : 0;
  s.singleActiveConsumer = args['x-single-active-consumer'] === true;
  return s;
}
