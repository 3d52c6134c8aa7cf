import type { FieldTable } from './field-table-types.js';

/**
 * A published message as the broker sees it. The content properties stay in
 * their wire form (`propsRaw`) so a delivery re-sends them without re-encoding;
 * the few the broker acts on are peeked once by the server layer at publish.
 * The body buffer is shared by every queue the message is routed to.
 */
export class Message {
  /** Property flags + property list, exactly as the content header carried them. */
  propsRaw: Buffer;
  /** Message body (never copied again after assembly). */
  readonly body: Buffer;
  /** Exchange name and routing key it was published with. */
  readonly exchange: string;
  readonly routingKey: string;
  /** delivery_mode 2 = persistent. */
  readonly persistent: boolean;
  /** The priority property (0 when absent). */
  readonly priority: number;
  /** The headers property, decoded only when present (needed by headers exchanges). */
  readonly headers: FieldTable | undefined;

  constructor(
    exchange: string,
    routingKey: string,
    propsRaw: Buffer,
    body: Buffer,
    persistent: boolean,
    priority: number,
    headers: FieldTable | undefined,
  ) {
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.propsRaw = propsRaw;
    this.body = body;
    this.persistent = persistent;
    this.priority = priority;
    this.headers = headers;
  }

  /** Body size in bytes. */
  get size(): number {
    return this.body.length;
  }
}
