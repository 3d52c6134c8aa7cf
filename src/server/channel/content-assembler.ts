import { copyBytes } from '../../amqp/frame/copy-bytes.js';
import { ClassId, type BasicPublishArgs } from '../../amqp/spec.generated.js';
import {
  bodyExceedsContentSize,
  contentHeaderClass,
  expectedContentBody,
  expectedContentHeader,
  expectedMethodFrame,
  messageTooLarge,
} from '../../broker/errors.js';
import type { ConnectionError } from '../../amqp/errors.js';

/**
 * Collects the content of one basic.publish on a channel: the method frame,
 * the content header, then body frames, in RabbitMQ's order and with its 505
 * texts for frames out of place. Keys (exchange and routing key as the
 * publisher encoded them), properties and body are gathered into a single
 * exactly-sized buffer: a queued message pins no socket chunk, and
 * deliveries later copy those bytes as they are. One assembler per channel,
 * reused for every message.
 */
export class ContentAssembler {
  exchange = '';
  routingKey = '';
  mandatory = false;
  /** [keys][props][body] of the message being assembled (null until the header arrives). */
  buf: Buffer | null = null;
  keysLength = 0;
  propsLength = 0;
  bodySize = 0;
  private received = 0;
  private keysSrc: Buffer | null = null;
  private keysStart = 0;
  private active = false;

  /** True between a basic.publish and the end of its content. */
  get isActive(): boolean {
    return this.active;
  }

  /** basic.publish arrived; args were decoded from payload[start..] (after the class/method ids). */
  start(a: BasicPublishArgs, payload: Buffer, start: number): void {
    // After the 2-byte ticket: exchange shortstr, routing-key shortstr (already validated by the decoder).
    const keysStart = start + 2;
    const exLen = payload[keysStart];
    // The method frame's buffer stays valid: socket chunks are never reused.
    this.keysSrc = payload;
    this.keysStart = keysStart;
    this.keysLength = 2 + exLen + payload[keysStart + 1 + exLen];
    this.exchange = a.exchange;
    this.routingKey = a.routingKey;
    this.mandatory = a.mandatory;
    this.buf = null;
    this.received = 0;
    this.active = true;
  }

  /** A content header frame; returns true when the message is complete (empty body). */
  header(frame: Buffer, start: number, end: number, maxMessageSize: number): boolean {
    if (!this.active) throw expectedMethodFrame();
    if (this.buf !== null) throw this.outOfPlace();
    const classId = frame.readUInt16BE(start);
    if (classId !== ClassId.BASIC) throw contentHeaderClass(classId);
    if (frame.readUInt16BE(start + 2) !== 0) throw this.outOfPlace();
    const bodySize = frame.readUInt32BE(start + 4) * 0x100000000 + frame.readUInt32BE(start + 8);
    if (bodySize > maxMessageSize) {
      this.reset();
      throw messageTooLarge(bodySize, maxMessageSize);
    }
    const propsLength = end - start - 12;
    const keys = this.keysLength;
    const buf = Buffer.allocUnsafe(keys + propsLength + bodySize);
    copyBytes(this.keysSrc as Buffer, this.keysStart, buf, 0, keys);
    this.keysSrc = null;
    copyBytes(frame, start + 12, buf, keys, propsLength);
    this.buf = buf;
    this.propsLength = propsLength;
    this.bodySize = bodySize;
    return bodySize === 0;
  }

  /** A content body frame; returns true when the message is complete. */
  body(frame: Buffer, start: number, end: number): boolean {
    if (!this.active) throw expectedMethodFrame();
    const buf = this.buf;
    if (buf === null) throw this.outOfPlace();
    const n = end - start;
    if (this.received + n > this.bodySize) {
      throw bodyExceedsContentSize();
    }
    copyBytes(frame, start, buf, this.keysLength + this.propsLength + this.received, n);
    this.received += n;
    return this.received === this.bodySize;
  }

  /** Hands over the completed buffer and gets ready for the next publish. */
  take(): Buffer {
    const buf = this.buf as Buffer;
    this.buf = null;
    this.active = false;
    return buf;
  }

  /** Drops a partial message (channel closing). */
  reset(): void {
    this.buf = null;
    this.keysSrc = null;
    this.active = false;
  }

  /** The 505 for a frame arriving where this publish's header or body was expected. */
  outOfPlace(): ConnectionError {
    return this.buf !== null ? expectedContentBody() : expectedContentHeader();
  }
}
