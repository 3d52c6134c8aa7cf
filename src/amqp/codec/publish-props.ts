import { BASIC_PROPERTY_FLAGS } from '../spec.generated.js';
import { decodeTable, type FieldTable } from './field-table.js';

/** The properties the broker acts on, read once per publish from the raw property bytes. */
export interface PublishProps {
  persistent: boolean;
  priority: number;
  headers: FieldTable | undefined;
  /** The expiration property as a number of ms (per-message TTL), -1 when absent. */
  expiration: number;
}

const {
  contentType: CONTENT_TYPE,
  contentEncoding: CONTENT_ENCODING,
  headers: HEADERS,
  deliveryMode: DELIVERY_MODE,
  priority: PRIORITY,
  correlationId: CORRELATION_ID,
  replyTo: REPLY_TO,
  expiration: EXPIRATION,
} = BASIC_PROPERTY_FLAGS;

/**
 * Reads delivery-mode, priority, headers and expiration from a content
 * header's property bytes (flags first, at props[start..start+length))
 * without decoding the other properties: they are re-sent as they came.
 * Headers are decoded only when present. `out` is reused by the caller, so
 * nothing is allocated for plain messages. The expiration string must already
 * be validated (digits only: the channel checks it).
 */
export function readPublishProps(props: Buffer, start: number, length: number, out: PublishProps): PublishProps {
  out.persistent = false;
  out.priority = 0;
  out.headers = undefined;
  out.expiration = -1;
  if (length < 2) return out;
  const flags = props.readUInt16BE(start);
  if ((flags & (HEADERS | DELIVERY_MODE | PRIORITY | EXPIRATION)) === 0) return out;
  let p = start + 2;
  if (flags & CONTENT_TYPE) p += 1 + props[p];
  if (flags & CONTENT_ENCODING) p += 1 + props[p];
  if (flags & HEADERS) {
    const t = decodeTable(props, p);
    out.headers = t.value;
    p = t.end;
  }
  if (flags & DELIVERY_MODE) out.persistent = props[p++] === 2;
  if (flags & PRIORITY) out.priority = props[p++];
  if (flags & EXPIRATION) {
    if (flags & CORRELATION_ID) p += 1 + props[p];
    if (flags & REPLY_TO) p += 1 + props[p];
    const end = p + 1 + props[p];
    let n = 0;
    // "-0" passes the channel's check (RabbitMQ: value 0): skip a sign.
    for (let i = p + 1; i < end; i++) {
      const d = props[i] - 48;
      if (d >= 0 && d <= 9) n = n * 10 + d;
    }
    out.expiration = n;
  }
  return out;
}
