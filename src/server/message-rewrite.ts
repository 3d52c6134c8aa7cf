import { decodeProperties, encodeProperties, type BasicProperties } from '../amqp/codec/properties.js';
import type { EditableProperties } from '../broker/dead-letter.js';
import { Message } from '../broker/message.js';

/**
 * A new message with message's body and its properties decoded, changed by
 * edit and re-encoded, under exchange and routingKey (dead-lettering, direct
 * reply-to). The raw buffer is new: the original stays shared, unchanged, by
 * the queues that hold it. Not on the plain publish path.
 */
export function rewriteMessage(message: Message, exchange: string, routingKey: string, edit: (props: EditableProperties) => void): Message {
  const start = message.keysLength;
  const props: BasicProperties = decodeProperties(message.raw, start, start + message.propsLength);
  edit(props as EditableProperties);
  const propsBytes = encodeProperties(props);
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
