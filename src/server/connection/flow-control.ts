import type { Socket } from 'node:net';
import type { ResourceAlarms } from '../../resources/alarms.js';
import type { Queue } from '../../broker/queue/queue.js';

/** What flow control needs from its connection. */
export interface FlowTarget {
  readonly socket: Socket;
  /** True once the socket is closed: nothing is resumed any more. */
  readonly isClosed: boolean;
  /** The client announced the connection.blocked capability. */
  readonly wantsBlockedNotifications: boolean;
  /** True when the connection also consumes (it has consumers or unacked deliveries). */
  readonly isConsuming: boolean;
  /** Sends connection.blocked (with the alarm's reason) or connection.unblocked. */
  sendBlocked(reason: string | null): void;
  /** Reads the socket again (socket.resume, and the frames of a chunk left unhandled when reading stopped). */
  resumeReading(): void;
}

/**
 * Bytes a connection is read for before it lets the event loop come round once. libuv reads a
 * readable socket up to 32 times (64 KiB each) in one go, and each chunk is handled before the next
 * read: a fast publisher would hold the loop for ~2 MiB of frames (tens of ms) while the management
 * API's requests, heartbeats and the other connections wait. 256 KiB is a few ms of frames.
 */
export const READ_TURN_BYTES = 256 * 1024;

/**
 * When a connection stops being read, and why: credit-style flow control
 * while a queue it publishes to is congested or while the message store is
 * behind (its unwritten bytes above the high mark: RabbitMQ's credit flow from
 * the message store), resource-alarm blocking (RabbitMQ connection_state
 * 'blocked'), a client that does not read what it asked for (its unsent
 * bytes past the output cap), and for one turn of the event loop every
 * READ_TURN_BYTES read. Reading resumes only once none holds it back.
 */
export class FlowControl {
  private readonly target: FlowTarget;
  private readonly alarms: ResourceAlarms;
  /** Paused by flow control until a congested queue drains. */
  private throttled = false;
  /** Blocked by a resource alarm: not read until every alarm clears. */
  private alarmBlocked = false;
  /** connection.blocked was sent and connection.unblocked is owed. */
  private blockedSent = false;
  /** Not read while the connection's unsent bytes are over the output cap (the client is not reading). */
  private outputBlocked = false;
  /** Paused while the message store is behind, until it catches up. */
  private storeThrottled = false;
  /** Bytes read since the connection last let the event loop come round (READ_TURN_BYTES). */
  private turnBytes = 0;
  /** Paused until the event loop's check phase: it read READ_TURN_BYTES (read). */
  private turnYielded = false;
  private readonly endTurn = (): void => {
    this.turnYielded = false;
    this.resumeIfFree();
  };
  private readonly resumeAfterRelief = (): void => {
    this.throttled = false;
    this.resumeIfFree();
  };
  private readonly resumeAfterStore = (): void => {
    this.storeThrottled = false;
    this.resumeIfFree();
  };

  constructor(target: FlowTarget, alarms: ResourceAlarms) {
    this.target = target;
    this.alarms = alarms;
  }

  /** True while the socket is paused by any cause. */
  get isPaused(): boolean {
    return this.throttled || this.storeThrottled || this.alarmBlocked || this.outputBlocked || this.turnYielded;
  }

  /**
   * A chunk of `bytes` was read. Every READ_TURN_BYTES the connection stops being read until the
   * event loop has come round (setImmediate), so the other sockets and the timers get their turn:
   * one pause and resume per 256 KiB read, nothing per frame.
   */
  read(bytes: number): void {
    if ((this.turnBytes += bytes) < READ_TURN_BYTES) return;
    this.turnBytes = 0;
    if (this.turnYielded) return;
    this.turnYielded = true;
    this.target.socket.pause();
    setImmediate(this.endTurn);
  }

  /**
   * RabbitMQ's connection state as flow control sees it (rabbit_reader i(state)): `blocked`
   * once it published during an alarm, `blocking` while an alarm is raised before that,
   * `flow` while throttled by a congested queue, else `running`. Read for the management API.
   */
  get state(): 'running' | 'flow' | 'blocking' | 'blocked' {
    if (this.alarmBlocked) return 'blocked';
    if (this.alarms.active) return 'blocking';
    return this.throttled || this.storeThrottled || this.outputBlocked ? 'flow' : 'running';
  }

  /** The unsent bytes passed the output cap: nothing more is read until outputDrained. */
  outputFull(): void {
    if (this.outputBlocked) return;
    this.outputBlocked = true;
    this.target.socket.pause();
  }

  /** The socket drained after outputFull: reading resumes unless something else holds it. */
  outputDrained(): void {
    if (!this.outputBlocked) return;
    this.outputBlocked = false;
    this.resumeIfFree();
  }

  /**
   * Flow control: stop reading from this publisher until queue drains.
   * A connection that also consumes is never paused: its acks arrive on the
   * same socket, and pausing them could stop the very drain it waits for.
   */
  throttle(queue: Queue): void {
    if (this.throttled || this.target.isConsuming) return;
    this.throttled = true;
    this.target.socket.pause();
    queue.onRelief(this.resumeAfterRelief);
  }

  /**
   * A basic.publish arrived. RabbitMQ (rabbit_reader publish_received): a
   * connection is blocked only once it publishes while an alarm is raised, so
   * consumers keep consuming and acking. This publish is still handled;
   * nothing more is read until the alarms clear. Clients with the
   * connection.blocked capability are told why.
   *
   * While the message store is behind (no alarm), the connection is paused
   * the same way until the store catches up, connection or not consuming too:
   * the relief comes from the disk, not from this connection's acks. Clients
   * are not told (RabbitMQ's flow state is not announced either).
   *
   * The cost when nothing holds publishers back: one field read (alarms.hold).
   */
  publishing(): void {
    const a = this.alarms;
    if (!a.hold) return;
    if (!a.active) {
      if (this.storeThrottled || this.alarmBlocked) return;
      this.storeThrottled = true;
      this.target.socket.pause();
      a.onStoreRelief(this.resumeAfterStore);
      return;
    }
    if (this.alarmBlocked) return;
    this.alarmBlocked = true;
    this.target.socket.pause();
    if (this.target.wantsBlockedNotifications) {
      this.blockedSent = true;
      this.target.sendBlocked(this.alarms.reason);
    }
  }

  /** The set of raised alarms changed: once none is left, a blocked connection is unblocked and read again. */
  alarmsChanged(): void {
    if (this.alarms.active || !this.alarmBlocked) return;
    this.alarmBlocked = false;
    if (this.target.isClosed) return;
    if (this.blockedSent) {
      this.blockedSent = false;
      this.target.sendBlocked(null);
    }
    this.resumeIfFree();
  }

  /** Reads the socket again unless it is closed or another cause still holds it. */
  private resumeIfFree(): void {
    if (this.target.isClosed || this.throttled || this.storeThrottled || this.alarmBlocked || this.outputBlocked || this.turnYielded) return;
    this.target.resumeReading();
  }
}
