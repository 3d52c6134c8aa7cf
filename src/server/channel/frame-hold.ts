import { AmqpError } from '../../amqp/errors.js';
import * as spec from '../../amqp/spec.generated.js';
import { internalError } from '../../broker/errors.js';

/** A frame kept (copied) while a channel waits for a basic.get's paged bodies. */
interface HeldFrame {
  type: number;
  /** Method id (method frames). */
  id: number;
  /** The frame's payload (a method's starts with its class and method ids). */
  payload: Buffer;
}

/** What replaying held frames needs from the channel. */
export interface FrameTarget {
  readonly state: 'open' | 'closing';
  handleMethod(id: number, buf: Buffer, start: number, end: number): void;
  handleHeader(buf: Buffer, start: number, end: number): void;
  handleBody(buf: Buffer, start: number, end: number): void;
  /** A channel error: close the channel. */
  closeWithError(e: AmqpError): void;
  /** A connection error: close the connection. */
  failConnection(e: AmqpError): void;
  /** False once the connection is closing or closed: replay stops. */
  readonly connectionOpen: boolean;
}

/**
 * While a basic.get waits for paged bodies to be read back, the channel's
 * later frames are copied here and processed once it has been answered, so
 * the channel's replies keep the order of its requests.
 */
export class FrameHold {
  private frames: HeldFrame[] | null = null;

  /** True while frames are being held. */
  get active(): boolean {
    return this.frames !== null;
  }

  /** Starts holding. */
  start(): void {
    this.frames ??= [];
  }

  /** Keeps a copy of a frame (payload buf[start..end); a method's ids are the 4 bytes before start). */
  keep(type: number, id: number, buf: Buffer, start: number, end: number): void {
    const from = type === spec.FRAME_METHOD ? start - 4 : start;
    (this.frames as HeldFrame[]).push({ type, id, payload: Buffer.from(buf.subarray(from, end)) });
  }

  /**
   * Stops holding, runs `first` (the waiting basic.get), then processes the
   * held frames in order; if one of them starts a new hold, the rest stays held.
   */
  release(target: FrameTarget, first: () => void, firstMethod: number): void {
    const frames = this.frames ?? [];
    this.frames = null;
    if (!target.connectionOpen) return;
    if (target.state === 'open') guarded(target, first, firstMethod);
    for (let i = 0; i < frames.length; i++) {
      if (this.frames !== null) {
        for (let k = i; k < frames.length; k++) (this.frames as HeldFrame[]).push(frames[k]);
        return;
      }
      const f = frames[i];
      const p = f.payload;
      if (f.type === spec.FRAME_METHOD) guarded(target, () => target.handleMethod(f.id, p, 4, p.length), f.id);
      else if (f.type === spec.FRAME_HEADER) guarded(target, () => target.handleHeader(p, 0, p.length), 0);
      else guarded(target, () => target.handleBody(p, 0, p.length), 0);
      if (!target.connectionOpen) return;
    }
  }
}

/** Runs deferred frame processing, routing errors as the connection does for frames it reads. */
function guarded(target: FrameTarget, fn: () => void, methodId: number): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof AmqpError) {
      if (methodId !== 0 && e.classId === 0) {
        e.classId = spec.classOf(methodId);
        e.methodId = spec.methodOf(methodId);
      }
      if (e.isChannelError) {
        if (target.state === 'open') target.closeWithError(e);
      } else target.failConnection(e);
      return;
    }
    target.failConnection(internalError());
  }
}
