/**
 * Typed key/value rows for x-arguments, message headers, binding arguments and policy
 * definitions, with RabbitMQ's UI's click-to-add hints (a hint adds its key with the right type).
 * An empty row is always last, for the next entry.
 */
import type { JsonObject } from '../api/types';

/** A value type as RabbitMQ's UI offers them. */
export type ArgType = 'string' | 'number' | 'boolean' | 'list';

/** One row. */
export interface ArgRow {
  key: string;
  value: string;
  type: ArgType;
}

/** A hint: a key with its type and what it does. */
export interface ArgHint {
  key: string;
  type: ArgType;
  title: string;
  /** A value to put in (e.g. "true", "lazy"). */
  value?: string;
}

/** An empty row. */
export function emptyRow(type: ArgType = 'string'): ArgRow {
  return { key: '', value: '', type };
}

function withTrailingEmpty(rows: ArgRow[]): ArgRow[] {
  const last = rows[rows.length - 1];
  return last !== undefined && last.key === '' && last.value === '' ? rows : [...rows, emptyRow()];
}

/** The rows as a JSON object; throws an Error naming the bad row. */
export function rowsToObject(rows: ArgRow[], what = 'argument'): JsonObject {
  const out: JsonObject = {};
  for (const r of rows) {
    const key = r.key.trim();
    if (key === '' && r.value === '') continue;
    if (key === '') throw new Error(`${what} with value '${r.value}' has no name`);
    switch (r.type) {
      case 'number': {
        const n = Number(r.value);
        if (r.value.trim() === '' || !Number.isFinite(n)) throw new Error(`${what} '${key}' is not a number: '${r.value}'`);
        out[key] = n;
        break;
      }
      case 'boolean':
        out[key] = r.value === 'true';
        break;
      case 'list': {
        const t = r.value.trim();
        if (t.startsWith('[')) {
          try {
            out[key] = JSON.parse(t) as unknown;
          } catch {
            throw new Error(`${what} '${key}' is not a JSON list: '${r.value}'`);
          }
        } else out[key] = t === '' ? [] : t.split(',').map((s) => s.trim());
        break;
      }
      default:
        out[key] = r.value;
    }
  }
  return out;
}

/** Props of ArgsEditor. */
export interface ArgsEditorProps {
  rows: ArgRow[];
  onChange: (rows: ArgRow[]) => void;
  hints?: ArgHint[];
  label: string;
}

/** The editor. */
export function ArgsEditor({ rows, onChange, hints = [], label }: ArgsEditorProps) {
  const shown = withTrailingEmpty(rows);
  const update = (i: number, change: Partial<ArgRow>) => {
    const next = shown.map((r, j) => (j === i ? { ...r, ...change } : r));
    onChange(withTrailingEmpty(next.filter((r, j) => j === next.length - 1 || r.key !== '' || r.value !== '')));
  };
  const addHint = (h: ArgHint) => {
    const kept = shown.filter((r) => r.key !== '' || r.value !== '').filter((r) => r.key !== h.key);
    onChange(withTrailingEmpty([...kept, { key: h.key, value: h.value ?? (h.type === 'boolean' ? 'true' : ''), type: h.type }]));
  };
  return (
    <fieldset class="args">
      <legend>{label}</legend>
      {shown.map((r, i) => (
        <div class="arg-row" key={i}>
          <input aria-label={`${label} ${i + 1} name`} placeholder="name" value={r.key} onInput={(e) => update(i, { key: e.currentTarget.value })} />
          <span aria-hidden="true">=</span>
          {r.type === 'boolean' ? (
            <select aria-label={`${label} ${i + 1} value`} value={r.value === 'false' ? 'false' : 'true'} onChange={(e) => update(i, { value: e.currentTarget.value })}>
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          ) : (
            <input
              aria-label={`${label} ${i + 1} value`}
              placeholder={r.type === 'list' ? 'a, b or ["a","b"]' : 'value'}
              inputMode={r.type === 'number' ? 'numeric' : undefined}
              value={r.value}
              onInput={(e) => update(i, { value: e.currentTarget.value })}
            />
          )}
          <select aria-label={`${label} ${i + 1} type`} value={r.type} onChange={(e) => update(i, { type: e.currentTarget.value as ArgType })}>
            <option value="string">String</option>
            <option value="number">Number</option>
            <option value="boolean">Boolean</option>
            <option value="list">List</option>
          </select>
        </div>
      ))}
      {hints.length > 0 && (
        <div class="hints">
          <span>Add:</span>
          {hints.map((h) => (
            <button type="button" class="hint" key={h.key} title={h.title} onClick={() => addHint(h)}>
              {h.key}
            </button>
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** The x-arguments RabbitMQ 3.10's UI offers when adding a classic queue. */
export const QUEUE_ARG_HINTS: ArgHint[] = [
  { key: 'x-message-ttl', type: 'number', title: 'How long a message may stay in the queue (ms)' },
  { key: 'x-expires', type: 'number', title: 'How long the queue may be unused before it is deleted (ms)' },
  { key: 'x-max-length', type: 'number', title: 'How many ready messages the queue holds at most' },
  { key: 'x-max-length-bytes', type: 'number', title: 'How many bytes of ready message bodies the queue holds at most' },
  { key: 'x-overflow', type: 'string', value: 'drop-head', title: 'What happens when it is full: drop-head, reject-publish or reject-publish-dlx' },
  { key: 'x-dead-letter-exchange', type: 'string', title: 'Exchange rejected or expired messages are republished to' },
  { key: 'x-dead-letter-routing-key', type: 'string', title: 'Routing key for dead-lettered messages (default: their own)' },
  { key: 'x-single-active-consumer', type: 'boolean', title: 'Only one consumer receives at a time; the next takes over when it goes' },
  { key: 'x-max-priority', type: 'number', title: 'Highest message priority the queue supports (1-255)' },
  { key: 'x-queue-mode', type: 'string', value: 'lazy', title: 'lazy: keep messages on disk as early as possible' },
  { key: 'x-queue-version', type: 'number', value: '2', title: 'Classic queue storage version (1 or 2)' },
  { key: 'x-queue-master-locator', type: 'string', value: 'client-local', title: 'Where the queue is placed in a cluster' },
];

/** The exchange arguments RabbitMQ's UI offers. */
export const EXCHANGE_ARG_HINTS: ArgHint[] = [{ key: 'alternate-exchange', type: 'string', title: 'Where messages go that this exchange cannot route' }];

/** The policy definition keys RabbitMQ 3.10's UI offers (classic queues and exchanges). */
export const POLICY_HINTS: ArgHint[] = [
  { key: 'message-ttl', type: 'number', title: 'Message TTL (ms)' },
  { key: 'expires', type: 'number', title: 'Queue expires after unused (ms)' },
  { key: 'max-length', type: 'number', title: 'Maximum ready messages' },
  { key: 'max-length-bytes', type: 'number', title: 'Maximum ready bytes' },
  { key: 'overflow', type: 'string', value: 'drop-head', title: 'drop-head, reject-publish or reject-publish-dlx' },
  { key: 'dead-letter-exchange', type: 'string', title: 'Dead-letter exchange' },
  { key: 'dead-letter-routing-key', type: 'string', title: 'Dead-letter routing key' },
  { key: 'consumer-timeout', type: 'number', title: 'Consumer acknowledgement timeout (ms)' },
  { key: 'queue-mode', type: 'string', value: 'lazy', title: 'lazy or default' },
  { key: 'queue-version', type: 'number', value: '2', title: 'Classic queue storage version' },
  { key: 'alternate-exchange', type: 'string', title: 'Alternate exchange (exchanges)' },
  { key: 'federation-upstream-set', type: 'string', value: 'all', title: 'Federation upstream set' },
  { key: 'ha-mode', type: 'string', value: 'all', title: 'Mirroring (classic queues, deprecated)' },
];

/** The operator policy keys RabbitMQ 3.10 accepts. */
export const OPERATOR_POLICY_HINTS: ArgHint[] = [
  { key: 'message-ttl', type: 'number', title: 'Message TTL (ms); the lower of this and the queue\u2019s wins' },
  { key: 'expires', type: 'number', title: 'Queue expiry (ms)' },
  { key: 'max-length', type: 'number', title: 'Maximum ready messages' },
  { key: 'max-length-bytes', type: 'number', title: 'Maximum ready bytes' },
  { key: 'max-in-memory-length', type: 'number', title: 'Quorum queues: messages kept in memory' },
  { key: 'max-in-memory-bytes', type: 'number', title: 'Quorum queues: bytes kept in memory' },
  { key: 'delivery-limit', type: 'number', title: 'Quorum queues: deliveries before dead-lettering' },
];

/** Rows from an object (to edit an existing definition). */
export function objectToRows(o: JsonObject): ArgRow[] {
  return Object.entries(o).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? v : Array.isArray(v) ? JSON.stringify(v) : String(v),
    type: typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : Array.isArray(v) ? 'list' : 'string',
  }));
}
