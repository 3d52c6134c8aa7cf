import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { AmqpError, ConnectionError } from '../amqp/errors.js';
import type { FieldTable } from '../amqp/codec/field-table.js';
import { FrameParser, formatFrameSnippet } from '../amqp/frame/frame-parser.js';
import { HEARTBEAT_FRAME } from '../amqp/frame/frame-writer.js';
import * as spec from '../amqp/spec.generated.js';
import type { ResourceAlarms } from '../resources/alarms.js';
import type { Broker } from '../broker/broker.js';
import type { Queue } from '../broker/queue/queue.js';
import type { Vhost } from '../broker/vhost.js';
import type { User } from '../auth/users.js';
import type { MessageStore } from '../broker/persistence.js';
import type { Config } from '../config.js';
import { Channel } from './channel.js';
import type { DirectReplyTo } from './direct-reply-to.js';
import { OutputWriter } from './output-writer.js';
import { serverProperties } from './server-properties.js';
import { isSupportedMechanism, MECHANISMS, parseSaslResponse } from './sasl.js';
import { isLoopback } from '../auth/loopback.js';
import { negotiateTune } from './tune.js';

const M = spec.MethodId;
const PROTOCOL_HEADER = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');
/** The pre-0-9-1 "AMQP 0-9" header (class 1, instance 1, 0-9), which RabbitMQ also accepts. */
const PROTOCOL_HEADER_0_9 = Buffer.from('AMQP\x01\x01\x00\x09', 'latin1');
/** How long we wait for connection.close-ok before dropping the socket. */
const CLOSE_TIMEOUT_MS = 1000;

/** The pieces of the server a connection needs. */
export interface ConnectionContext {
  config: Config;
  broker: Broker;
  logger: Logger;
  /** The server's direct reply-to registry. */
  directReplyTo: DirectReplyTo;
  /** The node's resource alarms (publishers are blocked while one is raised). */
  alarms: ResourceAlarms;
  /** Called once when the socket is gone. */
  onClosed(conn: Connection): void;
}

type State = 'header' | 'start' | 'tune' | 'open-wait' | 'open' | 'closing' | 'closed';

/**
 * One AMQP connection: protocol header, handshake (start/tune/open),
 * heartbeats, the channel multiplexer, and the close handshake both ways.
 * Frames are parsed in place from socket chunks; all output goes through
 * one OutputWriter so frames leave in order and in batches.
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
  state: State = 'header';
  vhost: Vhost | null = null;
  user: User | null = null;
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
  /** Set when a delivery was refused for socket backpressure; cleared when the socket drains. */
  deliveryBlocked = false;
  /** Bytes received (for statistics). */
  bytesIn = 0;
  /** Message persistence (absent with the memory store): channels wait on it for confirms and tx.commit-ok. */
  readonly messageStore: MessageStore | undefined;

  /** The server's direct reply-to registry (channels consume amq.rabbitmq.reply-to through it). */
  get directReplyTo(): DirectReplyTo {
    return this.ctx.directReplyTo;
  }

  /** The open channels, for the management API (read only). */
  get openChannels(): IterableIterator<Channel> {
    return this.channels.values();
  }

  private readonly ctx: ConnectionContext;
  private log: Logger;
  private readonly parser: FrameParser;
  private readonly channels = new Map<number, Channel>();
  private readonly exclusiveQueues = new Set<Queue>();
  private readonly confirmChannels = new Set<Channel>();
  private headerBuf: Buffer | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private receivedSinceTick = true;
  private missedTicks = 0;
  private bytesOutAtTick = 0;
  private readonly onFrameBound = this.onFrame.bind(this);
  private cleanedUp = false;
  /** Paused by flow control until a congested queue drains. */
  private throttled = false;
  /** Blocked by a resource alarm: not read until every alarm clears (RabbitMQ connection_state 'blocked'). */
  private alarmBlocked = false;
  /** connection.blocked was sent and connection.unblocked is owed. */
  private blockedSent = false;
  private readonly alarms: ResourceAlarms;
  private readonly resumeReading = (): void => {
    this.throttled = false;
    if (this.state !== 'closed' && !this.alarmBlocked) this.socket.resume();
  };

  constructor(socket: Socket, ctx: ConnectionContext) {
    this.socket = socket;
    this.ctx = ctx;
    this.alarms = ctx.alarms;
    this.config = ctx.config;
    this.messageStore = ctx.broker.store.messages;
    this.peerHost = socket.remoteAddress ?? '';
    this.peerPort = socket.remotePort ?? 0;
    this.name = `${socket.remoteAddress}:${socket.remotePort} -> ${socket.localAddress}:${socket.localPort}`;
    this.log = ctx.logger.child({ connection: this.name });
    this.frameMax = ctx.config.frameMax;
    this.channelMax = ctx.config.channelMax;
    this.maxPayload = this.frameMax - 8;
    // Before tune-ok, accept frames up to our own frame_max (lenient: big client property tables).
    this.parser = new FrameParser(this.frameMax - 8);
    this.writer = new OutputWriter(
      socket,
      () => this.beforeFlush(),
      () => this.afterFlush(),
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.afterFlush());
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
    this.receivedSinceTick = true;
    this.bytesIn += chunk.length;
    if (this.state === 'closed') return;
    if (this.state === 'header') {
      chunk = this.readProtocolHeader(chunk) as Buffer;
      if (chunk === null || chunk.length === 0) return;
    }
    try {
      this.parser.push(chunk, this.onFrameBound);
    } catch (e) {
      this.fail(e, 0, true);
    }
  }

  /** Consumes the 8-byte protocol header; returns the rest of the chunk, or null while incomplete / on mismatch. */
  private readProtocolHeader(chunk: Buffer): Buffer | null {
    const buf = this.headerBuf === null ? chunk : Buffer.concat([this.headerBuf, chunk]);
    if (buf.length < 8) {
      // A mismatch can already be seen in a partial header.
      const part = buf.subarray(0, buf.length);
      if (!PROTOCOL_HEADER.subarray(0, buf.length).equals(part) && !PROTOCOL_HEADER_0_9.subarray(0, buf.length).equals(part)) {
        return this.rejectHeader();
      }
      this.headerBuf = buf;
      return null;
    }
    this.headerBuf = null;
    const header = buf.subarray(0, 8);
    if (!header.equals(PROTOCOL_HEADER) && !header.equals(PROTOCOL_HEADER_0_9)) return this.rejectHeader();
    this.state = 'start';
    this.sendMethod(0, M.ConnectionStart, {
      versionMajor: 0,
      versionMinor: 9,
      serverProperties: serverProperties(this.ctx.broker),
      mechanisms: MECHANISMS,
      locales: 'en_US',
    });
    return buf.subarray(8);
  }

  /** Spec: on a bad protocol header, answer with ours and close. */
  private rejectHeader(): null {
    this.state = 'closed';
    this.log.info('closing connection: unsupported protocol header');
    this.socket.end(PROTOCOL_HEADER);
    return null;
  }

  private onFrame(type: number, channel: number, buf: Buffer, start: number, end: number): void {
    try {
      if (type === spec.FRAME_METHOD) {
        const id = buf.readUInt32BE(start);
        if (channel === 0) return this.onConnectionMethod(id, buf, start, end);
        if (this.state !== 'open') {
          if (this.state === 'closing') return;
          // RabbitMQ: 505 UNEXPECTED_FRAME - type 1, all octets = <<0,20,0,10,0>>
          throw new ConnectionError(505, formatFrameSnippet(type, buf, start, end));
        }
        if (id >>> 16 === 10) throw new ConnectionError(503, 'unimplemented method', 10, id & 0xffff);
        if (this.alarms.active && id === M.BasicPublish) this.publishDuringAlarm();
        const ch = this.channels.get(channel);
        if (ch === undefined) return this.openChannel(channel, id);
        ch.handleMethod(id, buf, start + 4, end);
      } else if (type === spec.FRAME_HEARTBEAT) {
        // RabbitMQ: 505 UNEXPECTED_FRAME - type 8, all octets = <<>>
        if (channel !== 0) throw new ConnectionError(505, formatFrameSnippet(type, buf, start, end));
      } else {
        if (this.state === 'closing') return;
        if (channel === 0 || this.state !== 'open') throw new ConnectionError(505, formatFrameSnippet(type, buf, start, end));
        const ch = this.channels.get(channel);
        if (ch === undefined) throw new ConnectionError(505, 'expected method frame, got non method frame instead');
        if (type === spec.FRAME_HEADER) ch.handleHeader(buf, start, end);
        else ch.handleBody(buf, start, end);
      }
    } catch (e) {
      this.fail(e, channel, false);
    }
  }

  /** Routes an error: soft codes close the channel, everything else the connection; unexpected ones become 541. */
  private fail(e: unknown, channel: number, parserDead: boolean): void {
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
    this.closeWithError(new ConnectionError(541, ''), parserDead);
  }

  private openChannel(channel: number, id: number): void {
    if (id !== M.ChannelOpen) throw new ConnectionError(504, `expected 'channel.open'`, id >>> 16, id & 0xffff);
    // RabbitMQ limits how many channels are open, not their numbers.
    if (this.channels.size >= this.channelMax) {
      throw new ConnectionError(
        530,
        `number of channels opened (${this.channels.size}) has reached the negotiated channel_max (${this.channelMax})`,
      );
    }
    const ch = new Channel(channel, this);
    this.channels.set(channel, ch);
    this.sendMethod(channel, M.ChannelOpenOk, {});
  }

  // ---- connection class ------------------------------------------------------------------

  private onConnectionMethod(id: number, buf: Buffer, start: number, end: number): void {
    const m = spec.decodeMethod(buf, start, end);
    const a = m.args;
    switch (this.state) {
      case 'start':
        if (id !== M.ConnectionStartOk) throw new ConnectionError(503, `expected 'connection.start-ok'`);
        return this.onStartOk(a as spec.ConnectionStartOkArgs);
      case 'tune':
        if (id !== M.ConnectionTuneOk) throw new ConnectionError(503, `expected 'connection.tune-ok'`);
        return this.onTuneOk(a as spec.ConnectionTuneOkArgs);
      case 'open-wait':
        if (id !== M.ConnectionOpen) throw new ConnectionError(503, `expected 'connection.open'`);
        return this.onOpen(a as spec.ConnectionOpenArgs);
      case 'closing':
        if (id === M.ConnectionCloseOk) this.socket.end();
        else if (id === M.ConnectionClose) {
          this.sendMethod(0, M.ConnectionCloseOk, {});
          this.writer.flush();
          this.socket.end();
        }
        return;
      default:
        break;
    }
    switch (id) {
      case M.ConnectionClose: {
        const c = a as spec.ConnectionCloseArgs;
        this.log.info({ replyCode: c.replyCode, replyText: c.replyText }, 'client closed connection');
        this.teardownChannels();
        this.state = 'closing';
        this.sendMethod(0, M.ConnectionCloseOk, {});
        this.writer.flush();
        this.socket.end();
        return;
      }
      case M.ConnectionCloseOk:
        return;
      case M.ConnectionUpdateSecret:
        return this.sendMethod(0, M.ConnectionUpdateSecretOk, {});
      case M.ConnectionBlocked:
      case M.ConnectionUnblocked:
        return;
      default:
        throw new ConnectionError(504, 'unexpected method in connection state running', m.classId, m.methodId);
    }
  }

  private onStartOk(a: spec.ConnectionStartOkArgs): void {
    this.clientProperties = a.clientProperties ?? {};
    const caps = this.clientProperties.capabilities;
    if (caps !== null && typeof caps === 'object' && !Array.isArray(caps) && !Buffer.isBuffer(caps) && !(caps instanceof Date)) {
      this.capabilities = caps as Record<string, unknown>;
    }
    const mechanism = a.mechanism;
    if (!isSupportedMechanism(mechanism)) {
      throw new ConnectionError(503, `unknown authentication mechanism '${mechanism}'`, 10, 11);
    }
    this.authMechanism = mechanism;
    const creds = parseSaslResponse(mechanism, Buffer.isBuffer(a.response) ? a.response : Buffer.from(a.response));
    const users = this.ctx.broker.users;
    const user = creds === null ? null : users.authenticate(creds.username, creds.password);
    const loopbackOnly = user !== null && this.config.loopbackUsers.includes(user.name) && !isLoopback(this.socket.remoteAddress);
    if (user === null || loopbackOnly) {
      this.log.warn(
        { user: creds?.username, mechanism, reason: loopbackOnly ? 'user can only log in via localhost' : 'invalid credentials' },
        'login refused',
      );
      const text = `Login was refused using authentication mechanism ${mechanism}. For details see the broker logfile.`;
      if (this.capabilities.authentication_failure_close === true) {
        this.closeWithError(new ConnectionError(403, text), false);
      } else {
        this.state = 'closed';
        this.socket.destroy();
      }
      return;
    }
    this.user = user;
    this.state = 'tune';
    this.sendMethod(0, M.ConnectionTune, {
      channelMax: this.config.channelMax,
      frameMax: this.config.frameMax,
      heartbeat: this.config.heartbeat,
    });
  }

  private onTuneOk(a: spec.ConnectionTuneOkArgs): void {
    const t = negotiateTune(a, this.config.frameMax, this.config.channelMax);
    this.frameMax = t.frameMax;
    this.channelMax = t.channelMax;
    this.maxPayload = this.frameMax - 8;
    this.parser.maxPayload = this.frameMax - 8;
    this.heartbeat = t.heartbeat;
    this.state = 'open-wait';
    this.startHeartbeat();
  }

  private onOpen(a: spec.ConnectionOpenArgs): void {
    const vhost = this.ctx.broker.getVhost(a.virtualHost);
    if (vhost === undefined) throw new ConnectionError(530, `vhost ${a.virtualHost} not found`, 10, 40);
    const user = this.user as User;
    if (!this.ctx.broker.users.canAccessVhost(user, vhost.name)) {
      throw new ConnectionError(530, `access to vhost '${vhost.name}' refused for user '${user.name}'`, 10, 40);
    }
    this.vhost = vhost;
    vhost.directReply ??= this.ctx.directReplyTo.deliver;
    this.state = 'open';
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.sendMethod(0, M.ConnectionOpenOk, { reserved1: '' });
    this.log.info({ user: user.name, vhost: vhost.name }, 'user authenticated and granted access to vhost');
    // From here on every line names the user and vhost too, as RabbitMQ's do.
    this.log = this.log.child({ user: user.name, vhost: vhost.name });
  }

  // ---- heartbeats --------------------------------------------------------------------------

  /** Send a heartbeat after timeout/2 of send silence; give up after two silent intervals (RabbitMQ rabbit_heartbeat). */
  private startHeartbeat(): void {
    if (this.heartbeat <= 0) return;
    const half = (this.heartbeat * 1000) / 2;
    this.bytesOutAtTick = this.writer.bytesOut;
    this.heartbeatTimer = setInterval(() => {
      if (this.writer.bytesOut === this.bytesOutAtTick && this.socket.writableLength === 0) {
        this.writer.write(HEARTBEAT_FRAME);
      }
      this.bytesOutAtTick = this.writer.bytesOut;
      // While paused by flow control or an alarm we are not reading, so silence proves nothing.
      if (this.receivedSinceTick || this.throttled || this.alarmBlocked) {
        this.receivedSinceTick = false;
        this.missedTicks = 0;
      } else if (++this.missedTicks >= 4) {
        this.log.warn({ timeout: this.heartbeat }, 'missed heartbeats from client, closing connection');
        this.socket.destroy();
      }
    }, half);
    this.heartbeatTimer.unref();
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

  private beforeFlush(): void {
    if (this.confirmChannels.size === 0) return;
    for (const ch of this.confirmChannels) ch.flushConfirms();
    this.confirmChannels.clear();
  }

  /** After a flush or a socket drain: resume consumers that were held back by backpressure. */
  private afterFlush(): void {
    if (!this.deliveryBlocked || !this.writer.writable) return;
    this.deliveryBlocked = false;
    for (const ch of this.channels.values()) {
      for (const c of ch.consumers.values()) c.queue.scheduleDispatch();
    }
  }

  /**
   * Flow control: stop reading from this publisher until queue drains.
   * A connection that also consumes is never paused: its acks arrive on the
   * same socket, and pausing them could stop the very drain it waits for.
   */
  throttle(queue: Queue): void {
    if (this.throttled) return;
    for (const ch of this.channels.values()) if (ch.consumers.size !== 0 || ch.unacked.size !== 0) return;
    this.throttled = true;
    this.socket.pause();
    queue.onRelief(this.resumeReading);
  }

  // ---- resource alarms ---------------------------------------------------------------------

  /**
   * RabbitMQ (rabbit_reader publish_received): a connection is blocked only
   * once it publishes while an alarm is raised, so consumers keep consuming
   * and acking. This publish is still handled; nothing more is read until the
   * alarms clear. Clients with the connection.blocked capability are told why.
   */
  private publishDuringAlarm(): void {
    if (this.alarmBlocked) return;
    this.alarmBlocked = true;
    this.socket.pause();
    if (this.capabilities['connection.blocked'] === true) {
      this.blockedSent = true;
      this.sendMethod(0, M.ConnectionBlocked, { reason: this.alarms.reason });
    }
  }

  /** The set of raised alarms changed: once none is left, a blocked connection is unblocked and read again. */
  alarmsChanged(): void {
    if (this.alarms.active || !this.alarmBlocked) return;
    this.alarmBlocked = false;
    if (this.state === 'closed') return;
    if (this.blockedSent) {
      this.blockedSent = false;
      this.sendMethod(0, M.ConnectionUnblocked, {});
    }
    if (!this.throttled) this.socket.resume();
  }

  // ---- closing -----------------------------------------------------------------------------

  /** A channel finished its close handshake. */
  channelFinished(ch: Channel): void {
    if (this.channels.get(ch.id) === ch) this.channels.delete(ch.id);
    this.confirmChannels.delete(ch);
  }

  /** Tracks an exclusive queue so it is deleted with this connection. */
  ownExclusive(q: Queue): void {
    this.exclusiveQueues.add(q);
  }

  /** Sends connection.close for a hard error and waits (briefly) for close-ok. */
  closeWithError(e: AmqpError, immediate = false): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.log.warn({ replyCode: e.replyCode, replyText: e.replyText }, 'closing AMQP connection');
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
    if (this.state !== 'open' && this.state !== 'open-wait' && this.state !== 'tune') {
      this.socket.destroy();
      return;
    }
    this.closeWithError(new ConnectionError(320, `broker forced connection closure with reason '${reason}'`));
  }

  private teardownChannels(): void {
    for (const ch of this.channels.values()) ch.teardown();
    this.channels.clear();
    this.confirmChannels.clear();
  }

  private cleanup(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    this.state = 'closed';
    this.writer.close();
    for (const t of [this.heartbeatTimer, this.handshakeTimer, this.closeTimer]) if (t !== null) clearTimeout(t);
    this.heartbeatTimer = this.handshakeTimer = this.closeTimer = null;
    this.teardownChannels();
    if (this.vhost !== null) for (const q of this.exclusiveQueues) this.vhost.removeQueue(q);
    this.exclusiveQueues.clear();
    this.log.info('connection closed');
    this.ctx.onClosed(this);
  }
}

