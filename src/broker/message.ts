import { rewriteProperties, type BasicProperties } from '../amqp/codec/properties.js';
import type { FieldTable } from '../amqp/codec/field-value.js';
import { NOT_STORED, type StoreState } from './persistence.js';

/**
 * A published message as the broker sees it. Everything a delivery re-sends
 * lives in one buffer, in wire form, as the publisher sent it:
 * `[exchange shortstr][routing-key shortstr][property flags + list][body]`.
 * basic.deliver, get-ok and return carry exchange and routing key as
 * consecutive shortstrs too, so a delivery is a few copies, no encoding; the
 * buffer is shared by every queue the message is routed to.
 */
export class Message {
  readonly exchange: string;
  readonly routingKey: string;
  /** The wire-form bytes described above. */
  readonly raw: Buffer;
  /** Length of the two shortstrs at the start of raw. */
  readonly keysLength: number;
  /** Length of the property bytes after them. */
  readonly propsLength: number;
  /** delivery_mode 2 = persistent. */
  readonly persistent: boolean;
  /** The priority property (0 when absent). */
  readonly priority: number;
  /** The headers property, decoded only when present (needed by headers exchanges). */
  readonly headers: FieldTable | undefined;
  /** The expiration property in ms (per-message TTL), -1 when absent. */
  readonly ttl: number;
  /** Persistence (store/): record id (0 = not stored, STORE_REFUSED = refused during a store alarm). */
  storeId = 0;
  /** Persistence: number of stored queue entries that reference this body. */
  storeRefs = 0;
  /** Persistence: where the body record stands (NOT_STORED, STORE_PENDING, STORE_WRITTEN in broker/persistence.ts). */
  storeState: StoreState = NOT_STORED;

  constructor(
    exchange: string,
    routingKey: string,
    raw: Buffer,
    keysLength: number,
    propsLength: number,
    persistent: boolean,
    priority: number,
    headers: FieldTable | undefined,
    ttl: number,
  ) {
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.raw = raw;
    this.keysLength = keysLength;
    this.propsLength = propsLength;
    this.persistent = persistent;
    this.priority = priority;
    this.headers = headers;
    this.ttl = ttl;
  }

  /** Offset of the body in raw. */
  get bodyOffset(): number {
    return this.keysLength + this.propsLength;
  }

  /** Body size in bytes. */
  get size(): number {
    return this.raw.length - this.keysLength - this.propsLength;
  }
}

/**
 * A new message with message's body and its properties decoded, changed by
 * edit and re-encoded, under exchange and routingKey (dead-lettering, direct
 * reply-to). The raw buffer is new: the original stays shared, unchanged, by
 * the queues that hold it. Not on the plain publish path.
 */
export function rewriteMessage(message: Message, exchange: string, routingKey: string, edit: (props: BasicProperties) => void): Message {
  const start = message.keysLength;
  const { props, bytes: propsBytes } = rewriteProperties(message.raw, start, start + message.propsLength, edit);
  const ex = Buffer.from(exchange, 'utf8');
  const rk = Buffer.from(routingKey, 'utf8');
  const keysLength = 2 + ex.length + rk.length;
  const raw = Buffer.allocUnsafe(keysLength + propsBytes.length + message.size);
  raw[0] = ex.length;
  ex.copy(raw, 1);
  raw[1 + ex.length] = rk.length;
  rk.copy(raw, 2 + ex.length);
  propsBytes.copy(raw, keysLength);
  message.raw.copy(raw, keysLength + propsBytes.length, message.bodyOffset);
  return new Message(exchange, routingKey, raw, keysLength, propsBytes.length, props.deliveryMode === 2, props.priority ?? 0, props.headers,
    props.expiration === undefined ? -1 : Number(props.expiration));
}
