import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { AmqpError } from '../../amqp/errors.js';
import type { FieldTable } from '../../amqp/codec/field-table.js';
import { FrameParser, formatFrameSnippet } from '../../amqp/frame/frame-parser.js';
import * as spec from '../../amqp/spec.generated.js';
import type { VhostAccess } from '../../auth/access-table.js';
import type { User, UserStore } from '../../auth/users.js';
import type { ResourceAlarms } from '../../resources/alarms.js';
import type { Broker } from '../../broker/broker.js';
import {
  channelMaxReached,
  connectionForced,
  expectedChannelOpen,
  expectedMethodFrame,
  internalError,
  unexpectedConnectionMethod,
  unexpectedFrame,
  unimplementedConnectionMethod,
  userChannelLimitReached,
  type ConnectionError,
} from '../../broker/errors.js';
import type { MessageStore } from '../../broker/persistence.js';
import type { Queue } from '../../broker/queue/queue.js';
import type { Vhost } from '../../broker/vhost.js';
import type { Config } from '../../config.js';
import type { StatsCollector } from '../../stats/collector.js';
import { ConnectionCounters } from '../../stats/counters.js';
import { Channel } from '../channel/channel.js';
import { FlowControl } from './flow-control.js';
import { Handshake } from './handshake.js';
import type { ConnectionTracker } from '../connection-tracker.js';
import { Heartbeat } from './heartbeat.js';
import { unmapAddress } from '../listeners.js';
import { userLimit } from './limits.js';
import { OutputWriter } from './output-writer.js';
import type { TuneResult } from './tune.js';

const M = spec.MethodId;
/** How long we wait for connection.close-ok before dropping the socket. */
const CLOSE_TIMEOUT_MS = 1000;
const EMPTY = Buffer.alloc(0);

/** Thrown through the frame parser to stop it after a frame (the output cap): it keeps the chunk's rest. */
class StopReading extends Error {}
const STOP_READING = new StopReading('output cap reached');

/** The pieces of the server a connection needs. */
export interface ConnectionContext {
  config: Config;
  broker: Broker;
  /** The node's users, for the login and connection.open's permission check. */
  users: UserStore;
  logger: Logger;
  /** The node's resource alarms (publishers are blocked while one is raised). */
  alarms: ResourceAlarms;
  /** The node's opened connections by vhost and user (connection and channel limits). */
  tracker: ConnectionTracker<Connection>;
  /** The statistics sampler: the connection registers its counters and its channels' there. */
  stats: StatsCollector;
  /** Called once when the socket is gone. */
  onClosed(conn: Connection): void;
}

/** Where the connection is in its life: the handshake steps, running, and the close handshake. */
export type ConnectionState = 'header' | 'start' | 'tune' | 'open-wait' | 'open' | 'closing' | 'closed';

/**
 * One AMQP connection: the handshake (handshake.ts: protocol header,
 * start/start-ok with SASL, tune, open), the channel multiplexer, errors
 * routed to the channel or the connection, and the close handshake both ways.
 * Frames are parsed in place from socket chunks; all output goes through one
 * OutputWriter so frames leave in order and in batches; heartbeat.ts and
 * flow-control.ts own the timers and the pausing of the socket.
 */
export class Connection {
  readonly socket: Socket;
  /** RabbitMQ's connection name: `127.0.0.1:54321 -> 127.0.0.1:5672`. */
  readonly name: string;
  /** The client's address and port, kept after the socket closes. */
  readonly peerHost: string;
  readonly peerPort: number;
  readonly config: Config;
  readonly writer: OutputWriter;
  readonly connectedAt = Date.now();
  state: ConnectionState = 'header';
  vhost: Vhost | null = null;
  user: User | null = null;
  /** The user's permissions in the vhost (from connection.open; updated in place by the UserStore). */
  access: VhostAccess | null = null;
  /** The node's connection registry by vhost and user (limits, closing a deleted user's connections). */
  readonly tracker: ConnectionTracker<Connection>;
  /** Capabilities the client announced (consumer_cancel_notify, authentication_failure_close, ...). */
  capabilities: Record<string, unknown> = {};
  clientProperties: FieldTable = {};
  authMechanism = '';
  /** Negotiated values. */
  frameMax: number;
  channelMax: number;
  heartbeat = 0;
  /** Largest body-frame payload we send: frame_max - 8. */
  maxPayload: number;
  /** Socket counters (recv_oct, send_oct, recv_cnt, send_cnt); stats/ samples them. */
  readonly counters = new ConnectionCounters();
  /** Message persistence (absent with the memory store): channels wait on it for confirms and tx.commit-ok. */
  readonly messageStore: MessageStore | undefined;
  /** When the socket is not read: congested queues (channels throttle through it) and resource alarms. */
  readonly flow: FlowControl;

  /** The open channels, for the management API (read only). */
  get openChannels(): IterableIterator<Channel> {
    return this.channels.values();
  }

  /** Number of open channels (the user's max-channels counts them over its connections). */
  get channelCount(): number {
    return this.channels.size;
  }

  private readonly ctx: ConnectionContext;
  private log: Logger;
  private readonly parser: FrameParser;
  private readonly handshake: Handshake;
  private readonly heartbeats: Heartbeat;
  private readonly channels = new Map<number, Channel>();
  private readonly exclusiveQueues = new Set<Queue>();
  private readonly confirmChannels = new Set<Channel>();
  private handshakeTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private readonly onFrameBound = this.onFrame.bind(this);
  /** A parse of the chunk rest left when reading stopped is scheduled (after the reading resumed). */
  private leftoverScheduled = false;
  private readonly parseLeftover = (): void => {
    this.leftoverScheduled = false;
    if (this.state !== 'closed' && !this.flow.isPaused && this.parser.hasLeftover) this.parse(EMPTY);
  };
  private cleanedUp = false;
  /** "closing AMQP connection" was logged (the client's connection.close): the socket's end is not logged again. */
  private closeLogged = false;

  constructor(socket: Socket, ctx: ConnectionContext) {
    this.socket = socket;
    this.ctx = ctx;
    this.config = ctx.config;
    this.tracker = ctx.tracker;
    this.messageStore = ctx.broker.store.messages;
    // Dual-stack listeners see IPv4 clients as ::ffff:a.b.c.d; RabbitMQ (rabbit_misc:ntoa) shows a.b.c.d.
    this.peerHost = unmapAddress(socket.remoteAddress) ?? '';
    this.peerPort = socket.remotePort ?? 0;
    this.name = `${this.peerHost}:${socket.remotePort} -> ${unmapAddress(socket.localAddress)}:${socket.localPort}`;
    this.log = ctx.logger.child({ connection: this.name });
    this.handshake = new Handshake(this, ctx.broker, ctx.users, this.log);
    this.frameMax = ctx.config.frameMax;
    this.channelMax = ctx.config.channelMax;
    this.maxPayload = this.frameMax - 8;
    // Before tune-ok, accept frames up to our own frame_max (lenient: big client property tables).
    this.parser = new FrameParser(this.frameMax - 8);
    ctx.stats.addConnection(this.counters);
    this.writer = new OutputWriter(
      socket,
      this.counters,
      () => this.flushConfirms(),
      () => this.resumeDeliveries(),
      () => this.flow.outputDrained(),
    );
    // The flow-control and heartbeat targets read live state through getters, which cannot be arrows.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const conn = this;
    this.flow = new FlowControl(
      {
        socket,
        get isClosed() {
          return conn.state === 'closed';
        },
        get wantsBlockedNotifications() {
          return conn.capabilities['connection.blocked'] === true;
        },
        get isConsuming() {
          for (const ch of conn.channels.values()) if (ch.consumers.size !== 0 || ch.unacked.size !== 0) return true;
          return false;
        },
        sendBlocked: (reason) => {
          if (reason === null) this.sendMethod(0, M.ConnectionUnblocked, {});
          else this.sendMethod(0, M.ConnectionBlocked, { reason });
        },
        resumeReading: () => this.resumeReading(),
      },
      ctx.alarms,
    );
    this.heartbeats = new Heartbeat({
      socket,
      writer: this.writer,
      get isReadingPaused() {
        return conn.flow.isPaused;
      },
      heartbeatsMissed: (timeout) => {
        this.log.warn({ timeout }, 'missed heartbeats from client, closing connection');
        socket.destroy();
      },
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.writer.drained());
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => this.cleanup());
    this.handshakeTimer = setTimeout(() => {
      if (this.state !== 'open' && this.state !== 'closed') {
        this.log.warn('closing connection: handshake timeout');
        socket.destroy();
      }
    }, ctx.config.handshakeTimeout);
    this.log.info('accepting AMQP connection');
  }

  // ---- input -------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    this.heartbeats.received();
    const s = this.counters;
    s.recvOct += chunk.length;
    s.recvCnt++;
    if (this.state === 'closed') return;
    this.flow.read(chunk.length);
    if (this.state === 'header') {
      const rest = this.handshake.readHeader(chunk);
      if (rest === null || rest.length === 0) return;
      chunk = rest;
    }
    this.parse(chunk);
  }

  private parse(chunk: Buffer): void {
    try {
      this.parser.push(chunk, this.onFrameBound);
    } catch (e) {
      // STOP_READING: the output cap stopped the parser after a frame; it keeps the rest for resumeReading.
      if (e !== STOP_READING) this.fail(e, 0, true);
    }
  }

  /**
   * After each frame, one field read: a client whose unsent bytes passed the output cap (it asks for
   * confirms, returns, get-oks or replies and does not read them) is not read any further until its
   * socket drains (OutputWriter.overCap, FlowControl.outputFull); the chunk's rest waits in the parser.
   */
  private onFrame(type: number, channel: number, buf: Buffer, start: number, end: number): void {
    this.handleFrame(type, channel, buf, start, end);
    if (this.writer.overCap) {
      this.flow.outputFull();
      throw STOP_READING;
    }
  }

  /** FlowControl let the socket be read again: resume it, and parse what was left when reading stopped. */
  private resumeReading(): void {
    this.socket.resume();
    if (this.parser.hasLeftover && !this.leftoverScheduled) {
      // Never from inside the parser's callback (a queue's relief can come from an ack being handled).
      this.leftoverScheduled = true;
      setImmediate(this.parseLeftover);
    }
  }

  private handleFrame(type: number, channel: number, buf: Buffer, start: number, end: number): void {
    try {
      if (type === spec.FRAME_METHOD) {
        const id = buf.readUInt32BE(start);
        if (channel === 0) return this.onConnectionMethod(buf, start, end);
        if (this.state !== 'open') {
          if (this.state === 'closing') return;
          // RabbitMQ: 505 UNEXPECTED_FRAME - type 1, all octets = <<0,20,0,10,0>>
          throw unexpectedFrame(formatFrameSnippet(type, buf, start, end));
        }
        if (spec.classOf(id) === spec.ClassId.CONNECTION) throw unimplementedConnectionMethod(spec.methodOf(id));
        if (id === M.BasicPublish) this.flow.publishing();
        const ch = this.channels.get(channel);
        if (ch === undefined) return this.openChannel(channel, id);
        ch.handleMethod(id, buf, start + 4, end);
      } else if (type === spec.FRAME_HEARTBEAT) {
        // RabbitMQ: 505 UNEXPECTED_FRAME - type 8, all octets = <<>>
        if (channel !== 0) throw unexpectedFrame(formatFrameSnippet(type, buf, start, end));
      } else {
        if (this.state === 'closing') return;
        if (channel === 0 || this.state !== 'open') throw unexpectedFrame(formatFrameSnippet(type, buf, start, end));
        const ch = this.channels.get(channel);
        if (ch === undefined) throw expectedMethodFrame();
        if (type === spec.FRAME_HEADER) ch.handleHeader(buf, start, end);
        else ch.handleBody(buf, start, end);
      }
    } catch (e) {
      this.fail(e, channel, false);
    }
  }

  /**
   * Routes an error: soft codes close the channel, everything else the connection; unexpected ones become 541.
   * Before tune-ok (states start and tune) RabbitMQ answers nothing: it drops the socket (rabbit_reader
   * handle_exception for starting/tuning: "we don't trust the client at this point"), so Warren does too.
   */
  private fail(e: unknown, channel: number, parserDead: boolean): void {
    if (this.state === 'start' || this.state === 'tune') {
      this.dropInHandshake(e);
      return;
    }
    if (e instanceof AmqpError) {
      const ch = channel === 0 ? undefined : this.channels.get(channel);
      if (e.isChannelError && ch !== undefined && !parserDead) {
        ch.closeWithError(e);
        return;
      }
      this.closeWithError(e, parserDead);
      return;
    }
    this.log.error({ err: e }, 'internal error');
    this.closeWithError(internalError(), parserDead);
  }

  /** An error before tune-ok: logged, nothing sent, the socket dropped (and nothing more of this chunk handled). */
  private dropInHandshake(e: unknown): void {
    if (e instanceof AmqpError) {
      this.log.warn({ state: this.state, error: `${e.replyCode} ${e.replyText}`, cause: causeText(e) }, 'closing AMQP connection: handshake error');
    } else {
      this.log.error({ err: e, state: this.state }, 'internal error in the handshake, closing the connection');
    }
    this.state = 'closing';
    this.socket.destroy();
  }

  private openChannel(channel: number, id: number): void {
    if (id !== M.ChannelOpen) throw expectedChannelOpen(spec.classOf(id), spec.methodOf(id));
    // RabbitMQ limits how many channels are open, not their numbers.
    if (this.channels.size >= this.channelMax) throw channelMaxReached(this.channels.size, this.channelMax);
    // RabbitMQ: then the user's max-channels, over all its connections (a 530 that closes this one).
    const user = this.user as User;
    const max = userLimit(this.ctx.users, user, 'max-channels');
    if (max !== undefined && this.tracker.userChannels(user.name) >= max) throw userChannelLimitReached(user.name, max);
    const ch = new Channel(channel, this);
    this.channels.set(channel, ch);
    this.ctx.stats.addChannel(ch.stats, (this.vhost as Vhost).name);
    this.sendMethod(channel, M.ChannelOpenOk, {});
  }

  // ---- connection class ------------------------------------------------------------------

  private onConnectionMethod(buf: Buffer, start: number, end: number): void {
    // Decoded first: a malformed or unknown method is a 501/540 whatever the state expects.
    const m = spec.decodeMethod(buf, start, end);
    switch (this.state) {
      case 'start':
      case 'tune':
      case 'open-wait':
        return this.handshake.method(m);
      case 'closing':
        if (m.id === M.ConnectionCloseOk) this.socket.end();
        else if (m.id === M.ConnectionClose) {
          this.sendMethod(0, M.ConnectionCloseOk, {});
          this.writer.flush();
          this.socket.end();
        }
        return;
      default:
        break;
    }
    switch (m.id) {
      case M.ConnectionClose:
        // RabbitMQ 3.10: "closing AMQP connection <0.1.0> (src -> dst, vhost: '/', user: 'guest')".
        this.log.info({ replyCode: m.args.replyCode, replyText: m.args.replyText }, 'closing AMQP connection');
        this.closeLogged = true;
        this.teardownChannels();
        this.state = 'closing';
        this.sendMethod(0, M.ConnectionCloseOk, {});
        this.writer.flush();
        this.socket.end();
        return;
      case M.ConnectionCloseOk:
        return;
      case M.ConnectionUpdateSecret:
        return this.sendMethod(0, M.ConnectionUpdateSecretOk, {});
      case M.ConnectionBlocked:
      case M.ConnectionUnblocked:
        return;
      default:
        throw unexpectedConnectionMethod(m.classId, m.methodId);
    }
  }

  /** Handshake: applies what tune-ok settled and starts the heartbeat. */
  tuned(t: TuneResult): void {
    this.frameMax = t.frameMax;
    this.channelMax = t.channelMax;
    this.maxPayload = this.frameMax - 8;
    this.parser.maxPayload = this.frameMax - 8;
    this.heartbeat = t.heartbeat;
    this.heartbeats.start(t.heartbeat);
  }

  /** Handshake: connection.open succeeded on vhost, with the user's access there; the connection is open. */
  opened(vhost: Vhost, access: VhostAccess): void {
    const user = this.user as User;
    this.vhost = vhost;
    this.access = access;
    this.tracker.add(this, vhost.name, user.name);
    this.ctx.stats.connectionOpened(this.counters, vhost.name);
    this.state = 'open';
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.sendMethod(0, M.ConnectionOpenOk, { reserved1: '' });
    this.log.info({ user: user.name, vhost: vhost.name }, 'user authenticated and granted access to vhost');
    // From here on every line names the user and vhost too, as RabbitMQ's do.
    this.log = this.log.child({ user: user.name, vhost: vhost.name });
  }

  // ---- output ------------------------------------------------------------------------------

  /** Encodes and queues a method frame. */
  sendMethod(channel: number, id: number, args: object): void {
    this.writer.write(spec.encodeMethodFrame(channel, id, args));
  }

  /** A channel has confirms to send at the next flush. */
  confirmPending(ch: Channel): void {
    if (this.confirmChannels.size === 0) this.writer.scheduleFlush();
    this.confirmChannels.add(ch);
  }

  /** Before each flush: one basic.ack per confirm-mode channel covers the tick's confirms. */
  private flushConfirms(): void {
    if (this.confirmChannels.size === 0) return;
    for (const ch of this.confirmChannels) ch.flushConfirms();
    this.confirmChannels.clear();
  }

  /** The writer is below its high-water mark again: consumers it turned away may deliver. */
  private resumeDeliveries(): void {
    for (const ch of this.channels.values()) {
      for (const c of ch.consumers.values()) c.queue.scheduleDispatch();
    }
  }

  /** The set of raised alarms changed (the server tells every connection). */
  alarmsChanged(): void {
    this.flow.alarmsChanged();
  }

  // ---- closing -----------------------------------------------------------------------------

  /** A channel finished its close handshake. */
  channelFinished(ch: Channel): void {
    if (this.channels.get(ch.id) === ch) this.channels.delete(ch.id);
    this.confirmChannels.delete(ch);
    this.ctx.stats.removeChannel(ch.stats);
  }

  /** Tracks an exclusive queue so it is deleted with this connection. */
  ownExclusive(q: Queue): void {
    this.exclusiveQueues.add(q);
  }

  /** Sends connection.close for a hard error and waits (briefly) for close-ok. */
  closeWithError(e: AmqpError, immediate = false): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.log.warn({ replyCode: e.replyCode, replyText: e.replyText, cause: causeText(e) }, 'closing AMQP connection');
    this.teardownChannels();
    this.state = 'closing';
    this.sendMethod(0, M.ConnectionClose, { replyCode: e.replyCode, replyText: e.replyText, classId: e.classId, methodId: e.methodId });
    this.writer.flush();
    if (immediate) {
      this.socket.end();
      return;
    }
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  /** Server shutdown or an admin close: 320 CONNECTION_FORCED. */
  forceClose(reason: string): void {
    this.closeForced(connectionForced(reason));
  }

  /** Closes with the given connection error (user deleted, vhost down); a connection still in its handshake is dropped. */
  closeForced(e: ConnectionError): void {
    if (this.state !== 'open' && this.state !== 'open-wait' && this.state !== 'tune') {
      this.socket.destroy();
      return;
    }
    this.closeWithError(e);
  }

  private teardownChannels(): void {
    // Closing or closed: no longer counted against the vhost's and user's limits.
    if (this.vhost !== null && this.user !== null) this.tracker.remove(this, this.vhost.name, this.user.name);
    for (const ch of this.channels.values()) {
      ch.teardown();
      this.ctx.stats.removeChannel(ch.stats);
    }
    this.channels.clear();
    this.confirmChannels.clear();
  }

  private cleanup(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    this.state = 'closed';
    this.writer.close();
    this.heartbeats.stop();
    for (const t of [this.handshakeTimer, this.closeTimer]) if (t !== null) clearTimeout(t);
    this.handshakeTimer = this.closeTimer = null;
    this.teardownChannels();
    if (this.vhost !== null) for (const q of this.exclusiveQueues) this.vhost.removeQueue(q);
    this.exclusiveQueues.clear();
    this.ctx.stats.removeConnection(this.counters);
    // One line per closed connection at info (churn at 2,000/s logs 3 lines a connection, as RabbitMQ).
    if (this.closeLogged) this.log.debug('connection closed');
    else this.log.info('connection closed');
    this.ctx.onClosed(this);
  }
}

/** The message of an error's cause (a decode error's reason behind "cannot decode"), for the log. */
function causeText(e: AmqpError): string | undefined {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : undefined;
}
