import { FIELD_TYPES, type FieldTable, type FieldValue, type Tagged } from '../amqp/codec/field-value.js';
import { Message, rewriteMessage } from './message.js';
import type { DeadLetterer, DeadLetterReason } from './queue/dead-letterer.js';
import type { Queue } from './queue/queue.js';
import type { Vhost } from './vhost.js';

/** One death, as recorded in x-death. */
export interface Death {
  queue: string;
  reason: DeadLetterReason;
  /** The exchange the message was published to (the last DLX for a message dead-lettered before). */
  exchange: string;
  /** Its routing key followed by its CC keys. */
  routingKeys: string[];
  /** The expiration property it had, saved as original-expiration. */
  expiration: string | undefined;
  /** Whole seconds, as a timestamp ('T'). */
  time: Date;
}

/** Records wire tags on a table the broker builds, where the inferred ones would be wrong ('l' for counts). */
function withTags<T extends object>(t: T, tags: Record<string, string>): T {
  Object.defineProperty(t, FIELD_TYPES, { value: tags, enumerable: false, configurable: true });
  return t;
}

function isTable(v: unknown): v is FieldTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date);
}

/** A copy of t with keys in byte order and their tags kept (RabbitMQ rabbit_misc:sort_field_table). */
function sorted(t: FieldTable, override: Record<string, string> = {}): FieldTable {
  const tags = (t as Tagged)[FIELD_TYPES] ?? {};
  const out: FieldTable = {};
  const outTags: Record<string, string> = {};
  for (const k of Object.keys(t).sort()) {
    out[k] = t[k];
    const tag = override[k] ?? tags[k];
    if (tag !== undefined) outTags[k] = tag;
  }
  return withTags(out, outTags);
}

/** A copy of t with an extra or replaced key (tags kept). */
function setKey(t: FieldTable, key: string, value: FieldValue, tag?: string): FieldTable {
  const { [key]: _previous, ...tags } = (t as Tagged)[FIELD_TYPES] ?? {};
  const out: FieldTable = { ...t, [key]: value };
  if (tag !== undefined) tags[key] = tag;
  return withTags(out, tags);
}

/** A new x-death entry: count first, then the fields in RabbitMQ's order. */
function newEntry(d: Death): FieldTable {
  const e: FieldTable = {
    count: 1,
    reason: d.reason,
    queue: d.queue,
    time: d.time,
    exchange: d.exchange,
    'routing-keys': d.routingKeys,
  };
  if (d.expiration !== undefined) e['original-expiration'] = d.expiration;
  return withTags(e, { count: 'l', time: 'T' });
}

function matches(t: FieldTable, queue: unknown, reason: unknown): boolean {
  return t.queue === queue && t.reason === reason;
}

/** The entry with count + 1 (count 1 when it had none), as a long. */
function incremented(t: FieldTable): FieldTable {
  const n = t.count;
  return setKey(t, 'count', n === undefined ? 1 : Number(n) + 1, 'l');
}

/**
 * RabbitMQ 3.10 group_by_queue_and_reason: one entry per (queue, reason), the
 * first seen, with count defaulting to the number of duplicates. Its fold
 * prepends, so two or more entries come back in reverse order; that is what
 * 3.10.8 sends (checked against it), so we do the same.
 */
function grouped(tables: FieldTable[]): FieldTable[] {
  if (tables.length <= 1) return tables;
  const seen = new Set<string>();
  const out: FieldTable[] = [];
  for (const t of tables) {
    // x-death's queue and reason are longstrs: a string, or a Buffer that prints its text.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- x-death's queue and reason are longstrs (string or Buffer: both print their text)
    const key = JSON.stringify([String(t.queue), String(t.reason)]);
    if (seen.has(key)) continue;
    seen.add(key);
    const n = tables.filter((o) => matches(o, t.queue, t.reason)).length;
    out.unshift(t.count === undefined ? setKey(t, 'count', n, 'l') : t);
  }
  return out;
}

/**
 * The headers of a dead-lettered message (RabbitMQ 3.10 rabbit_dead_letter
 * update_x_death_header): x-death gets the death in front, collapsed with an
 * earlier one of the same queue and reason (whose count goes up, its other
 * fields unchanged); the first death also sets x-first-death-*. dropCc removes
 * CC (RabbitMQ does when a dead-letter routing key replaces the keys). The
 * table comes back sorted by key, as RabbitMQ sorts it.
 */
export function recordDeath(headers: FieldTable | undefined, d: Death, dropCc: boolean): FieldTable {
  let h: FieldTable = headers ?? withTags({}, {});
  const xDeath = h['x-death'];
  if (xDeath === undefined) {
    h = setKey(h, 'x-first-death-reason', d.reason, 'S');
    h = setKey(h, 'x-first-death-queue', d.queue, 'S');
    h = setKey(h, 'x-first-death-exchange', d.exchange, 'S');
    h = setKey(h, 'x-death', [newEntry(d)], 'A');
  } else if (Array.isArray(xDeath)) {
    const tables = grouped(xDeath.filter(isTable));
    const i = tables.findIndex((t) => matches(t, d.queue, d.reason));
    const others = i < 0 ? tables : tables.filter((_, k) => k !== i);
    const entry = i < 0 ? newEntry(d) : incremented(tables[i]);
    h = setKey(h, 'x-death', [sorted(entry), ...others], 'A');
  } else {
    // RabbitMQ resets an x-death that is not an array (a client re-published it converted).
    h = setKey(h, 'x-death', [newEntry(d)], 'A');
  }
  // RabbitMQ 3.13+ (3.10 lacks these): the latest death also at top level.
  h = setKey(h, 'x-last-death-reason', d.reason, 'S');
  h = setKey(h, 'x-last-death-queue', d.queue, 'S');
  h = setKey(h, 'x-last-death-exchange', d.exchange, 'S');
  if (dropCc) delete h.CC;
  return sorted(h);
}

/** The CC header's routes (RabbitMQ rabbit_basic:header_routes: longstr elements of an array). */
function ccRoutes(headers: FieldTable | undefined): string[] {
  const cc = headers?.CC;
  if (!Array.isArray(cc)) return [];
  const out: string[] = [];
  for (const v of cc) if (typeof v === 'string') out.push(v);
  return out;
}

/**
 * RabbitMQ's detect_cycles/is_cycle: the message already died in queue, and
 * every death from the latest back to that one was automatic (no 'rejected'),
 * so delivering it there would loop forever.
 */
export function isDeathCycle(queue: string, headers: FieldTable): boolean {
  const deaths = headers['x-death'];
  if (!Array.isArray(deaths)) return false;
  const at = deaths.findIndex((d) => isTable(d) && d.queue === queue);
  if (at < 0) return false;
  for (let i = 0; i <= at; i++) {
    const d = deaths[i];
    // Something we did not write means a client edited the deaths: not "fully automatic".
    if (!isTable(d) || d.reason === 'rejected') return false;
  }
  return true;
}

/**
 * Dead-lettering for one vhost: republishes a message that left a queue
 * (rejected, expired, over a length limit) to the queue's dead-letter
 * exchange, with the death recorded in its headers.
 */
export class DeadLetterPublisher implements DeadLetterer {
  private readonly vhost: Vhost;
  private readonly targets = new Set<Queue>();

  constructor(vhost: Vhost) {
    this.vhost = vhost;
  }

  /** Republishes message from queue; dropped when the queue has no DLX, the DLX is missing, or it would cycle. */
  deadLetter(queue: Queue, message: Message, reason: DeadLetterReason): void {
    const dlxName = queue.settings.deadLetterExchange;
    if (dlxName === undefined) return;
    // RabbitMQ: a dead-letter exchange that does not exist drops the message silently.
    const dlx = this.vhost.exchanges.get(dlxName);
    if (dlx === undefined) return;
    const dlrk = queue.settings.deadLetterRoutingKey;
    const keys = [message.routingKey, ...ccRoutes(message.headers)];
    const death: Death = {
      queue: queue.name,
      reason,
      exchange: message.exchange,
      routingKeys: keys,
      expiration: undefined,
      time: new Date(Math.floor(Date.now() / 1000) * 1000),
    };
    const dead = rewriteMessage(message, dlxName, dlrk ?? message.routingKey, (props) => {
      death.expiration = props.expiration;
      delete props.expiration;
      props.headers = recordDeath(props.headers, death, dlrk !== undefined);
    });
    const out = this.targets;
    try {
      this.vhost.routeTo(dlx, dead, out);
      if (dlrk === undefined) {
        // Without a dead-letter routing key the message keeps all its keys (RabbitMQ: routing_keys incl. CC).
        for (let i = 1; i < keys.length; i++) {
          const alias = new Message(dead.exchange, keys[i], dead.raw, dead.keysLength, dead.propsLength, dead.persistent, dead.priority, dead.headers, dead.ttl);
          this.vhost.routeTo(dlx, alias, out);
        }
      }
      for (const q of out) {
        if (reason !== 'rejected' && isDeathCycle(q.name, dead.headers as FieldTable)) continue;
        q.enqueue(dead);
      }
    } finally {
      out.clear();
    }
  }
}
