import type { FieldTable } from './field-table-types.js';

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

  constructor(
    exchange: string,
    routingKey: string,
    raw: Buffer,
    keysLength: number,
    propsLength: number,
    persistent: boolean,
    priority: number,
    headers: FieldTable | undefined,
  ) {
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.raw = raw;
    this.keysLength = keysLength;
    this.propsLength = propsLength;
    this.persistent = persistent;
    this.priority = priority;
    this.headers = headers;
  }

  /** Builds a message from its parts (used when the broker itself publishes). */
  static fromParts(
    exchange: string,
    routingKey: string,
    props: Buffer,
    body: Buffer,
    persistent: boolean,
    priority: number,
    headers: FieldTable | undefined,
  ): Message {
    const ex = Buffer.from(exchange, 'utf8');
    const rk = Buffer.from(routingKey, 'utf8');
    const keysLength = 2 + ex.length + rk.length;
    const raw = Buffer.allocUnsafe(keysLength + props.length + body.length);
    raw[0] = ex.length;
    ex.copy(raw, 1);
    raw[1 + ex.length] = rk.length;
    rk.copy(raw, 2 + ex.length);
    props.copy(raw, keysLength);
    body.copy(raw, keysLength + props.length);
    return new Message(exchange, routingKey, raw, keysLength, props.length, persistent, priority, headers);
  }

  /** Offset of the body in raw. */
  get bodyOffset(): number {
    return this.keysLength + this.propsLength;
  }

  /** Body size in bytes. */
  get size(): number {
    return this.raw.length - this.keysLength - this.propsLength;
  }

  /** The body (a view into raw). */
  get body(): Buffer {
    return this.raw.subarray(this.keysLength + this.propsLength);
  }

  /** The property flags and list (a view into raw). */
  get propsRaw(): Buffer {
    return this.raw.subarray(this.keysLength, this.keysLength + this.propsLength);
  }
}
