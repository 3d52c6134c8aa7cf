import { decodeProperties } from '../../amqp/codec/properties.js';
import { REPLY_TO, type ReplyConsumer } from '../../broker/direct-reply-to.js';
import { fastReplyConsumerMissing } from '../../broker/errors.js';
import type { Message } from '../../broker/message.js';
import { rewriteMessage } from '../../broker/message.js';

/**
 * A publish whose reply_to is amq.rabbitmq.reply-to carries the publishing
 * channel's reply address instead (RabbitMQ maybe_set_fast_reply_to); 406 when
 * that channel has no reply consumer. Other messages are returned as they are.
 */
export function withReplyAddress(message: Message, rc: ReplyConsumer | null): Message {
  const start = message.keysLength;
  if (decodeProperties(message.raw, start, start + message.propsLength).replyTo !== REPLY_TO) return message;
  if (rc === null) throw fastReplyConsumerMissing();
  return rewriteMessage(message, message.exchange, message.routingKey, (props) => {
    props.replyTo = rc.address;
  });
}
