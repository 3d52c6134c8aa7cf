/**
 * The broker's error vocabulary: one factory per condition, each with RabbitMQ
 * 3.10.8's exact reply code and text. Every method-level AMQP error in `broker/`,
 * `server/` and `admin/` is built here; nothing else writes a reply code or text.
 * The codec's own errors (malformed frames and fields) stay in `amqp/errors.ts`.
 *
 * Factories that name a method take its class/method ids from the generated
 * spec; the others get them filled in by the channel or connection that ran the
 * method (RabbitMQ names the method that caused an error in the close).
 */
import { ChannelError, ConnectionError } from '../amqp/errors.js';
import { ClassId, MethodId, methodOf } from '../amqp/spec.generated.js';

export { AmqpError, ChannelError, ConnectionError } from '../amqp/errors.js';

const PUBLISH_CLASS = ClassId.BASIC;
const PUBLISH_METHOD = methodOf(MethodId.BasicPublish);
const CONNECTION = ClassId.CONNECTION;

// ------------------------------------------------------------------ 403 ACCESS_REFUSED

/** What a permission check names: `access to queue 'q' in vhost '/' refused for user 'u'` (3.10.8). */
export type ResourceKind = 'queue' | 'exchange' | 'topic';

/** 403: the user lacks configure/write/read permission on the resource. */
export const accessRefused = (kind: ResourceKind, resource: string, vhost: string, user: string): ChannelError =>
  new ChannelError(403, `access to ${kind} '${resource}' in vhost '${vhost}' refused for user '${user}'`);

/** 403: a topic permission refuses the routing (publish) or binding (bind) key on a topic exchange (3.10.8's text). */
export const topicAccessRefused = (routingKey: string, exchange: string, vhost: string, user: string): ChannelError =>
  new ChannelError(403, `access to topic '${routingKey}' in exchange '${exchange}' in vhost '${vhost}' refused for user '${user}'`);

/** 403: declare, delete or bind on the default exchange. */
export const defaultExchangeForbidden = (): ChannelError =>
  new ChannelError(403, 'operation not permitted on the default exchange');

/** 403: exchange.declare of a new `amq.*` name. */
export const reservedExchangeName = (name: string): ChannelError =>
  new ChannelError(403, `exchange name '${name}' contains reserved prefix 'amq.*'`);

/** 403: queue.declare of a new `amq.*` name. */
export const reservedQueueName = (name: string): ChannelError =>
  new ChannelError(403, `queue name '${name}' contains reserved prefix 'amq.*'`);

/** 403: exchange.delete of an `amq.*` exchange. */
export const systemExchangeDeletion = (name: string, vhost: string): ChannelError =>
  new ChannelError(403, `deletion of system exchange '${name}' in vhost '${vhost}' not allowed`);

/** 403: basic.publish to an internal exchange. */
export const internalExchangePublish = (name: string, vhost: string): ChannelError =>
  new ChannelError(403, `cannot publish to internal exchange '${name}' in vhost '${vhost}'`, PUBLISH_CLASS, PUBLISH_METHOD);

/** 403: basic.consume where an exclusive consumer holds the queue, or exclusive=true on a queue with consumers. */
export const exclusiveConsumerInUse = (queue: string, vhost: string): ChannelError =>
  new ChannelError(403, `queue '${queue}' in vhost '${vhost}' in exclusive use`);

// ------------------------------------------------------------------ 404 NOT_FOUND

/** 404: no such queue. */
export const noQueue = (name: string, vhost: string): ChannelError =>
  new ChannelError(404, `no queue '${name}' in vhost '${vhost}'`);

/** 404: no such exchange. */
export const noExchange = (name: string, vhost: string): ChannelError =>
  new ChannelError(404, `no exchange '${name}' in vhost '${vhost}'`);

/** 404: a "" queue name on a channel that has declared no queue yet. */
export const noPreviousQueue = (): ChannelError => new ChannelError(404, 'no previously declared queue');

// ------------------------------------------------------------------ 405 RESOURCE_LOCKED

/** 405: an exclusive queue of another connection, or a redeclare whose exclusive flag differs. */
export const queueLocked = (name: string, vhost: string): ChannelError =>
  new ChannelError(
    405,
    `cannot obtain exclusive access to locked queue '${name}' in vhost '${vhost}'. ` +
      'It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.',
  );

// ------------------------------------------------------------------ 406 PRECONDITION_FAILED

/** 406: a redeclare whose flag or argument differs (rabbit_misc:assert_args_equivalence). */
export const inequivalentArg = (field: string, where: string, received: string, current: string): ChannelError =>
  new ChannelError(406, `inequivalent arg '${field}' for ${where}: received ${received} but current is ${current}`);

/** 406: a queue or exchange argument with a bad value; `error` is RabbitMQ's printed term. */
export const invalidArg = (key: string, where: string, error: string): ChannelError =>
  new ChannelError(406, `invalid arg '${key}' for ${where}: ${error}`);

/** 406: a quorum/stream-only argument on a classic queue. */
export const argNotForClassicQueue = (key: string, where: string): ChannelError =>
  new ChannelError(406, `invalid arg '${key}' for ${where} of queue type rabbit_classic_queue`);

/** 406: an argument of the wrong field type (x-dead-letter-exchange, alternate-exchange). */
export const invalidArgType = (typeName: string, key: string, where: string): ChannelError =>
  new ChannelError(406, `invalid type '${typeName}' for arg '${key}' in ${where}`);

/** 406: a headers binding whose x-match is not a longstr. */
export const invalidXMatchType = (typeName: string, printed: string): ChannelError =>
  new ChannelError(406, `Invalid x-match field type ${typeName} (value ${printed}); expected longstr`);

/** 406: a headers binding whose x-match is not one of the four values. */
export const invalidXMatchValue = (printed: string): ChannelError =>
  new ChannelError(406, `Invalid x-match field value ${printed}; expected all, any, all-with-x, or any-with-x`);

/** 406: exchange.delete if-unused of an exchange with bindings. */
export const exchangeInUse = (name: string, vhost: string): ChannelError =>
  new ChannelError(406, `exchange '${name}' in vhost '${vhost}' in use`);

/** 406: queue.delete if-unused of a queue with consumers. */
export const queueInUse = (name: string, vhost: string): ChannelError =>
  new ChannelError(406, `queue '${name}' in vhost '${vhost}' in use`);

/** 406: queue.delete if-empty of a queue with messages. */
export const queueNotEmpty = (name: string, vhost: string): ChannelError =>
  new ChannelError(406, `queue '${name}' in vhost '${vhost}' not empty`);

/** 406: ack/nack/reject of a tag this channel never delivered (or already settled). */
export const unknownDeliveryTag = (tag: number | bigint): ChannelError =>
  new ChannelError(406, `unknown delivery tag ${tag}`);

/** 406: a publish whose user-id property is not the connection's user. */
export const userIdMismatch = (claimed: string, user: string): ChannelError =>
  new ChannelError(406, `user_id property set to '${claimed}' but authenticated user was '${user}'`, PUBLISH_CLASS, PUBLISH_METHOD);

/** 406: an expiration property that is not an integer string. */
export const expirationNotInteger = (exp: string): ChannelError =>
  new ChannelError(406, `invalid expiration '${exp}': no_integer`, PUBLISH_CLASS, PUBLISH_METHOD);

/** 406: a negative expiration property. */
export const expirationNegative = (exp: string, n: number): ChannelError =>
  new ChannelError(406, `invalid expiration '${exp}': {value_negative,${n}}`, PUBLISH_CLASS, PUBLISH_METHOD);

/** 406: a content header announcing more than max_message_size. */
export const messageTooLarge = (size: number | bigint, max: number): ChannelError =>
  // rabbit_channel:check_msg_size: the text drops "configured" when the limit is the hard maximum (?MAX_MSG_SIZE, 512 MiB).
  new ChannelError(406, `message size ${size} is larger than ${max === 536870912 ? '' : 'configured '}max size ${max}`, PUBLISH_CLASS, PUBLISH_METHOD);

/** 406: confirm.select on a transactional channel. */
export const txToConfirm = (): ChannelError => new ChannelError(406, 'cannot switch from tx to confirm mode');

/** 406: tx.select on a channel in confirm mode. */
export const confirmToTx = (): ChannelError => new ChannelError(406, 'cannot switch from confirm to tx mode');

/** 406: tx.commit / tx.rollback before tx.select. */
export const notTransactional = (): ChannelError => new ChannelError(406, 'channel is not transactional');

/** 406: a tx.commit one of whose publishes a queue refused (x-overflow reject-publish). */
export const partialTxCompletion = (): ChannelError => new ChannelError(406, 'partial tx completion');

/** 406: a publish to amq.rabbitmq.reply-to.* whose consumer is gone. */
export const fastReplyConsumerMissing = (): ChannelError =>
  new ChannelError(406, 'fast reply consumer does not exist', PUBLISH_CLASS, PUBLISH_METHOD);

/** 406: basic.consume of amq.rabbitmq.reply-to without no-ack. */
export const replyConsumerCannotAck = (): ChannelError => new ChannelError(406, 'reply consumer cannot acknowledge');

/** 406: a second basic.consume of amq.rabbitmq.reply-to on one channel. */
export const replyConsumerAlreadySet = (): ChannelError => new ChannelError(406, 'reply consumer already set');

/** 406: a delivery unacknowledged past the consumer timeout (raised with no method, as RabbitMQ does). */
export const deliveryAckTimeout = (channel: number, timeoutMs: number): ChannelError =>
  new ChannelError(
    406,
    `delivery acknowledgement on channel ${channel} timed out. Timeout value used: ${timeoutMs} ms. ` +
      'This timeout value can be configured, see consumers doc guide to learn more',
  );

// ------------------------------------------------------------------ connection errors

/** 320: the broker closes the connection (shutdown, management close). */
export const connectionForced = (reason: string): ConnectionError =>
  new ConnectionError(320, `broker forced connection closure with reason '${reason}'`);

/** 320: the connection's user was deleted (rabbitmqctl delete_user, DELETE /api/users/{u}). */
export const userDeletedClose = (user: string): ConnectionError => new ConnectionError(320, `user '${user}' is deleted`);

/** 320: the connection's vhost was deleted (rabbitmqctl delete_vhost). */
export const vhostDownClose = (vhost: string): ConnectionError => new ConnectionError(320, `vhost '${vhost}' is down`);

/** 403 on the connection: a refused login (wrong password, unknown user, loopback-only user). */
export const loginRefused = (mechanism: string): ConnectionError =>
  new ConnectionError(403, `Login was refused using authentication mechanism ${mechanism}. For details see the broker logfile.`);

/** 501: a content body frame longer than the size its header announced. */
export const bodyExceedsContentSize = (): ConnectionError =>
  new ConnectionError(501, 'content body frame exceeds remaining content size', PUBLISH_CLASS, PUBLISH_METHOD);

/** 503: an unknown exchange type (`x-` types are "unknown", others "invalid"). */
export const unknownExchangeType = (type: string): ConnectionError =>
  new ConnectionError(503, `${type.startsWith('x-') ? 'unknown' : 'invalid'} exchange type '${type}'`);

/** 503: a SASL mechanism the broker did not offer. */
export const unknownAuthMechanism = (mechanism: string): ConnectionError =>
  new ConnectionError(503, `unknown authentication mechanism '${mechanism}'`, CONNECTION, methodOf(MethodId.ConnectionStartOk));

/** 503: a mechanism Warren knows but this connection did not offer (EXTERNAL on plain TCP, one left out of auth_mechanisms). */
export const invalidAuthMechanism = (mechanism: string): ConnectionError =>
  new ConnectionError(503, `invalid authentication mechanism '${mechanism}'`, CONNECTION, methodOf(MethodId.ConnectionStartOk));


/** 503: a connection-class method the broker does not implement. */
export const unimplementedConnectionMethod = (methodId: number): ConnectionError =>
  new ConnectionError(503, 'unimplemented method', CONNECTION, methodId);

/** 504: a frame on a channel that is not open expects channel.open first. */
export const expectedChannelOpen = (classId: number, methodId: number): ConnectionError =>
  new ConnectionError(504, `expected 'channel.open'`, classId, methodId);

/** 504: channel.open on an open channel. */
export const secondChannelOpen = (): ConnectionError => new ConnectionError(504, "second 'channel.open' seen");

/**
 * 504: a connection method the connection's state does not expect (rabbit_reader's state names: starting,
 * tuning, opening, running). Before tune-ok RabbitMQ drops the socket instead of sending it (only logged).
 */
export const unexpectedConnectionMethod = (classId: number, methodId: number, state = 'running'): ConnectionError =>
  new ConnectionError(504, `unexpected method in connection state ${state}`, classId, methodId);

/** 505: a content frame where a method frame was expected. */
export const expectedMethodFrame = (): ConnectionError =>
  new ConnectionError(505, 'expected method frame, got non method frame instead');

/** 505: a content header of another class than basic. */
export const contentHeaderClass = (classId: number): ConnectionError =>
  new ConnectionError(505, `expected content header for class 60, got one for class ${classId} instead`, PUBLISH_CLASS, PUBLISH_METHOD);

/** 505: a frame where this publish's content header was expected. */
export const expectedContentHeader = (): ConnectionError =>
  new ConnectionError(505, 'expected content header for class 60, got non content header frame instead', PUBLISH_CLASS, PUBLISH_METHOD);

/** 505: a frame where this publish's content body was expected. */
export const expectedContentBody = (): ConnectionError =>
  new ConnectionError(505, 'expected content body, got non content body frame instead', PUBLISH_CLASS, PUBLISH_METHOD);

/** 505: a frame the connection's state does not allow; `snippet` is RabbitMQ's printed frame. */
export const unexpectedFrame = (snippet: string): ConnectionError => new ConnectionError(505, snippet);

/** 530: basic.consume with a tag already used on this channel. */
export const consumerTagReused = (tag: string): ConnectionError =>
  new ConnectionError(530, `attempt to reuse consumer tag '${tag}'`);

/** 530: channel.open past the negotiated channel_max. */
export const channelMaxReached = (open: number, max: number): ConnectionError =>
  new ConnectionError(530, `number of channels opened (${open}) has reached the negotiated channel_max (${max})`);

/** 530: channel.open past the user's max-channels limit, counted over all its connections (closes the connection). */
export const userChannelLimitReached = (user: string, limit: number): ConnectionError =>
  new ConnectionError(530, `number of channels opened for user '${user}' has reached the maximum allowed user limit of (${limit})`);

/** 530: connection.open past the vhost's max-connections limit. */
export const vhostConnectionLimitReached = (vhost: string, user: string, limit: number): ConnectionError =>
  new ConnectionError(
    530,
    `access to vhost '${vhost}' refused for user '${user}': connection limit (${limit}) is reached`,
    CONNECTION,
    methodOf(MethodId.ConnectionOpen),
  );

/** 530: connection.open past the user's max-connections limit. */
export const userConnectionLimitReached = (user: string, limit: number): ConnectionError =>
  new ConnectionError(530, `connection refused for user '${user}': user connection limit (${limit}) is reached`, CONNECTION, methodOf(MethodId.ConnectionOpen));

/** 530: tune-ok with a frame_max above the broker's. */
export const frameMaxTooHigh = (asked: number, max: number): ConnectionError =>
  new ConnectionError(530, `negotiated frame_max = ${asked} is higher than the maximum allowed value (${max})`, CONNECTION, methodOf(MethodId.ConnectionTuneOk));

/** 530: tune-ok with a frame_max below the spec's minimum. */
export const frameMaxTooLow = (asked: number, min: number): ConnectionError =>
  new ConnectionError(530, `negotiated frame_max = ${asked} is lower than the minimum allowed value (${min})`, CONNECTION, methodOf(MethodId.ConnectionTuneOk));

/** 530: tune-ok with a channel_max above the broker's. */
export const channelMaxTooHigh = (shown: number | string, max: number): ConnectionError =>
  new ConnectionError(530, `negotiated channel_max = ${shown} is higher than the maximum allowed value (${max})`, CONNECTION, methodOf(MethodId.ConnectionTuneOk));

/** 530: connection.open of a vhost that does not exist. */
export const vhostNotFound = (vhost: string): ConnectionError =>
  new ConnectionError(530, `vhost ${vhost} not found`, CONNECTION, methodOf(MethodId.ConnectionOpen));

/** 530: connection.open of a vhost the user has no permissions on. */
export const vhostAccessRefused = (vhost: string, user: string): ConnectionError =>
  new ConnectionError(530, `access to vhost '${vhost}' refused for user '${user}'`, CONNECTION, methodOf(MethodId.ConnectionOpen));

/** 540: a method argument RabbitMQ does not implement (`immediate=true`, `active=false`, ...). */
export const notImplementedArg = (what: string, classId = 0, methodId = 0): ConnectionError =>
  new ConnectionError(540, what, classId, methodId);

/** 540: a method the broker does not implement. */
export const unimplementedMethod = (name: string): ConnectionError => new ConnectionError(540, `unimplemented method '${name}'`);

/** 541: an internal error, sent bare (no text) as RabbitMQ does. */
export const internalError = (): ConnectionError => new ConnectionError(541, '');

/** 541: a tx.commit whose writes the message store could not make. */
export const storeWriteFailed = (): ConnectionError =>
  new ConnectionError(541, 'message store write failed; transaction not committed');

/** 320: an operator closed the connection (DELETE /api/connections/{name}, close_connection): `CONNECTION_FORCED - <reason>`. */
export const operatorClose = (reason: string): ConnectionError => {
  const e = new ConnectionError(320, reason);
  // RabbitMQ keeps the separator for an empty reason (an empty X-Reason header): "CONNECTION_FORCED - ".
  if (reason === '') e.message = 'CONNECTION_FORCED - ';
  return e;
};

/** 530: connection.open past the node's connection_max (RabbitMQ 3.12+ rabbit_reader; 3.10's Ranch stops accepting instead). */
export const nodeConnectionLimitReached = (limit: number): ConnectionError =>
  new ConnectionError(530, `connection refused: node connection limit (${limit}) is reached`, CONNECTION, methodOf(MethodId.ConnectionOpen));
