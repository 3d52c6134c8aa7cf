import type { Socket } from 'node:net';
import { HEARTBEAT_FRAME } from '../../amqp/frame/frame-writer.js';
import type { OutputWriter } from './output-writer.js';

/** Silent intervals of timeout/2 after which the peer is taken for dead: two whole timeouts (rabbit_heartbeat). */
const MAX_MISSED_TICKS = 4;

/** What the heartbeat watches and how it gives up. */
export interface HeartbeatTarget {
  readonly socket: Socket;
  readonly writer: OutputWriter;
  /** True while flow control or an alarm keeps the socket paused: we are not reading, so silence proves nothing. */
  readonly isReadingPaused: boolean;
  /** The peer missed its heartbeats: log and drop the socket. */
  heartbeatsMissed(timeoutSeconds: number): void;
}

/**
 * The negotiated heartbeat of one connection, as RabbitMQ's rabbit_heartbeat:
 * one timer at half the timeout sends a heartbeat frame when nothing else was
 * sent in the interval, and counts intervals in which nothing was received.
 */
export class Heartbeat {
  private readonly target: HeartbeatTarget;
  private timer: NodeJS.Timeout | null = null;
  private receivedSinceTick = true;
  private missedTicks = 0;
  private bytesOutAtTick = 0;

  constructor(target: HeartbeatTarget) {
    this.target = target;
  }

  /** Bytes arrived from the peer. */
  received(): void {
    this.receivedSinceTick = true;
  }

  /** Starts the timer for a timeout of `seconds` (0: no heartbeats, as negotiated). */
  start(seconds: number): void {
    if (seconds <= 0) return;
    const { writer, socket } = this.target;
    // Bytes handed to the writer: those written to the socket plus those still in its buffer.
    // -1: the first tick always sends, as rabbit_heartbeat's (the handshake's frames do not count).
    this.bytesOutAtTick = -1;
    this.timer = setInterval(() => {
      const quiet = this.bytesOutAtTick < 0 || writer.bytesOut + writer.pos === this.bytesOutAtTick;
      if (quiet && socket.writableLength === 0) writer.write(HEARTBEAT_FRAME);
      // Read after our own heartbeat, as rabbit_heartbeat re-reads send_oct after sending: an idle
      // connection gets one every half timeout, not every other half (its own beat is not traffic).
      this.bytesOutAtTick = writer.bytesOut + writer.pos;
      if (this.receivedSinceTick || this.target.isReadingPaused) {
        this.receivedSinceTick = false;
        this.missedTicks = 0;
      } else if (++this.missedTicks >= MAX_MISSED_TICKS) {
        this.target.heartbeatsMissed(seconds);
      }
    }, (seconds * 1000) / 2);
    this.timer.unref();
  }

  /** Stops the timer (the socket is gone). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
