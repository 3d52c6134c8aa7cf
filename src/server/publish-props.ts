import { decodeTable, type FieldTable } from '../amqp/codec/field-table.js';

/** The properties the broker acts on, read once per publish from the raw property bytes. */
export interface PublishProps {
  persistent: boolean;
  priority: number;
  headers: FieldTable | undefined;
}

const CONTENT_TYPE = 0x8000;
const CONTENT_ENCODING = 0x4000;
const HEADERS = 0x2000;
const DELIVERY_MODE = 0x1000;
const PRIORITY = 0x0800;

/**
 * Reads delivery-mode, priority and headers from a content header's property
 * bytes (flags first, at props[start..start+length)) without decoding the other properties: they are
 * re-sent as they came. Headers are decoded only when present.
 * `out` is reused by the caller, so nothing is allocated for plain messages.
 */
export function readPublishProps(props: Buffer, start: number, length: number, out: PublishProps): PublishProps {
  out.persistent = false;
  out.priority = 0;
  out.headers = undefined;
  if (length < 2) return out;
  const flags = props.readUInt16BE(start);
  if ((flags & (HEADERS | DELIVERY_MODE | PRIORITY)) === 0) return out;
  let p = start + 2;
  if (flags & CONTENT_TYPE) p += 1 + (props[p] as number);
  if (flags & CONTENT_ENCODING) p += 1 + (props[p] as number);
  if (flags & HEADERS) {
    const t = decodeTable(props, p);
    out.headers = t.value;
    p = t.end;
  }
  if (flags & DELIVERY_MODE) out.persistent = props[p++] === 2;
  if (flags & PRIORITY) out.priority = props[p++] as number;
  return out;
}
