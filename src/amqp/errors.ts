/**
 * AMQP exceptions. One hierarchy, mapped to reply codes in one place; the
 * conditions the broker raises are named in broker/errors.ts, the codec's own here.
 * RabbitMQ decides channel-vs-connection by the reply code's class in the spec
 * (`rabbit_binary_generator:map_exception`), not by the method that caused it.
 */

const NAMES: Record<number, string> = {
  311: 'CONTENT_TOO_LARGE',
  312: 'NO_ROUTE',
  313: 'NO_CONSUMERS',
  320: 'CONNECTION_FORCED',
  402: 'INVALID_PATH',
  403: 'ACCESS_REFUSED',
  404: 'NOT_FOUND',
  405: 'RESOURCE_LOCKED',
  406: 'PRECONDITION_FAILED',
  501: 'FRAME_ERROR',
  502: 'SYNTAX_ERROR',
  503: 'COMMAND_INVALID',
  504: 'CHANNEL_ERROR',
  505: 'UNEXPECTED_FRAME',
  506: 'RESOURCE_ERROR',
  530: 'NOT_ALLOWED',
  540: 'NOT_IMPLEMENTED',
  541: 'INTERNAL_ERROR',
};

/** Soft codes close the channel; everything else closes the connection. */
const SOFT = new Set([311, 312, 313, 403, 404, 405, 406]);

/** True when the spec classes this reply code as a soft (channel) error. */
export function isSoftCode(code: number): boolean {
  return SOFT.has(code);
}

/** The RabbitMQ name of a reply code, e.g. 404 -> NOT_FOUND. */
export function replyCodeName(code: number): string {
  return NAMES[code] ?? 'INTERNAL_ERROR';
}

/**
 * An AMQP exception. `detail` is the text after the code name; `replyText`
 * is what goes on the wire: `NOT_FOUND - no queue 'q' in vhost '/'` (just the
 * name when detail is empty).
 * classId/methodId name the method that caused it (0 when none).
 */
export class AmqpError extends Error {
  readonly replyCode: number;
  readonly detail: string;
  classId: number;
  methodId: number;

  constructor(replyCode: number, detail: string, classId = 0, methodId = 0) {
    // RabbitMQ sends a bare name when there is no detail (e.g. "INTERNAL_ERROR").
    super(detail === '' ? replyCodeName(replyCode) : `${replyCodeName(replyCode)} - ${detail}`);
    this.replyCode = replyCode;
    this.detail = detail;
    this.classId = classId;
    this.methodId = methodId;
  }

  /** The reply-text sent in channel.close / connection.close. */
  get replyText(): string {
    return this.message;
  }

  /** True when this error closes only its channel. */
  get isChannelError(): boolean {
    return isSoftCode(this.replyCode);
  }
}

/** A soft error: closes the channel (311, 312, 313, 403, 404, 405, 406). */
export class ChannelError extends AmqpError {}

/** A hard error: closes the whole connection (320, 402, 5xx, and 403 at login). */
export class ConnectionError extends AmqpError {
  override get isChannelError(): boolean {
    return false;
  }
}

/** 540 NOT_IMPLEMENTED. */
export const notImplemented = (detail: string): AmqpError => new ConnectionError(540, detail);
/** 501 FRAME_ERROR. */
export const frameError = (detail: string): AmqpError => new ConnectionError(501, detail);
/** 502 SYNTAX_ERROR. */
export const syntaxError = (detail: string): AmqpError => new ConnectionError(502, detail);
