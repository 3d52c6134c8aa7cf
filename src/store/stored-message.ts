import { Message } from '../broker/message.js';
import { readPublishProps, type PublishProps } from '../amqp/codec/publish-props.js';

const scratch: PublishProps = { persistent: false, priority: 0, headers: undefined, expiration: -1 };

/**
 * Rebuilds a Message from a stored body record: `raw` is Message.raw exactly as
 * published ([exchange shortstr][routing key shortstr][properties][body]); the
 * property length comes from the record's key. Throws on a malformed record.
 */
export function decodeStoredMessage(raw: Buffer, propsLength: number): Message {
  if (raw.length < 2) throw new Error('record too short');
  const xLen = raw[0];
  if (1 + xLen >= raw.length) throw new Error('exchange name overruns the record');
  const rkLen = raw[1 + xLen];
  const keysLength = 2 + xLen + rkLen;
  if (keysLength + propsLength > raw.length || propsLength < 2) throw new Error('properties overrun the record');
  const exchange = raw.toString('utf8', 1, 1 + xLen);
  const routingKey = raw.toString('utf8', 2 + xLen, keysLength);
  const p = readPublishProps(raw, keysLength, propsLength, scratch);
  return new Message(exchange, routingKey, raw, keysLength, propsLength, p.persistent, p.priority, p.headers, p.expiration);
}
