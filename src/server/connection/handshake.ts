import { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { FieldTable } from '../../amqp/codec/field-table.js';
import * as spec from '../../amqp/spec.generated.js';
import { isLoopback } from '../../auth/loopback.js';
import type { User, UserStore } from '../../auth/users.js';
import type { Broker } from '../../broker/broker.js';
import {
  invalidAuthMechanism,
  loginRefused,
  nodeConnectionLimitReached,
  unexpectedConnectionMethod,
  unknownAuthMechanism,
  vhostAccessRefused,
  vhostNotFound,
} from '../../broker/errors.js';
import type { Vhost } from '../../broker/vhost.js';
import type { ConnectionTracker } from '../connection-tracker.js';
import type { Connection } from './connection.js';
import { checkConnectionLimits } from './limits.js';
import { externalUsername, isSupportedMechanism, offeredMechanisms, parseSaslResponse, type ExternalSettings } from './sasl.js';
import { serverProperties } from './server-properties.js';
import { negotiateTune } from './tune.js';

const M = spec.MethodId;
const { PROTOCOL_HEADER } = spec;

/** The pre-0-9-1 "AMQP 0-9" header (class 1, instance 1, 0-9), which RabbitMQ also accepts. */
const PROTOCOL_HEADER_0_9 = Buffer.from('AMQP\x01\x01\x00\x09', 'latin1');

/** True when bytes (a header or the start of one) match a protocol header we speak. */
function isHeaderPrefix(bytes: Buffer): boolean {
  const n = bytes.length;
  return PROTOCOL_HEADER.subarray(0, n).equals(bytes) || PROTOCOL_HEADER_0_9.subarray(0, n).equals(bytes);
}

/**
 * The 8-byte protocol header a connection opens with, possibly split across
 * socket chunks. A mismatch is reported as soon as the bytes so far show it.
 */
export class ProtocolHeaderReader {
  private partial: Buffer | null = null;

  /**
   * Consumes the header from chunk: the rest of the chunk once the header is
   * complete and supported, null while it is incomplete, false on a mismatch
   * (the spec: answer with our header and close).
   */
  read(chunk: Buffer): Buffer | null | false {
    const buf = this.partial === null ? chunk : Buffer.concat([this.partial, chunk]);
    if (buf.length < 8) {
      if (!isHeaderPrefix(buf)) return false;
      this.partial = buf;
      return null;
    }
    this.partial = null;
    if (!isHeaderPrefix(buf.subarray(0, 8))) return false;
    return buf.subarray(8);
  }
}

/** The capabilities table of connection.start-ok's client-properties ({} when absent or not a table). */
export function clientCapabilities(props: FieldTable): Record<string, unknown> {
  const caps = props.capabilities;
  if (caps !== null && typeof caps === 'object' && !Array.isArray(caps) && !Buffer.isBuffer(caps) && !(caps instanceof Date)) {
    return caps as Record<string, unknown>;
  }
  return {};
}

/** How a login went: the user, or why it was refused (for the log; the client only hears "refused"). */
export type LoginResult = { user: User } | { user: null; username: string | undefined; reason: string };

/** What EXTERNAL needs besides the socket: where the name comes from, and the TLS socket (null on plain TCP). */
export interface ExternalLogin extends ExternalSettings {
  /** auth_mechanisms lists EXTERNAL (RabbitMQ: the plugin is enabled). */
  enabled: boolean;
  socket: TLSSocket | null;
}

/**
 * Checks connection.start-ok's SASL response. 503 for a mechanism we do not
 * know ("unknown") or did not offer ("invalid", RabbitMQ's two texts); a
 * malformed response counts as invalid credentials; EXTERNAL takes the user
 * name from the client certificate (no password); a loopback-only user
 * (config loopback_users) may log in from localhost only.
 */
export function login(
  a: spec.ConnectionStartOkArgs,
  users: UserStore,
  loopbackUsers: readonly string[],
  remoteAddress: string | undefined,
  offered: readonly string[] = ['PLAIN', 'AMQPLAIN'],
  external?: ExternalLogin,
): LoginResult {
  // RabbitMQ knows EXTERNAL only with rabbitmq_auth_mechanism_ssl enabled: here, when auth_mechanisms lists it.
  const known = isSupportedMechanism(a.mechanism) && (a.mechanism !== 'EXTERNAL' || external?.enabled === true);
  if (!known) throw unknownAuthMechanism(a.mechanism);
  if (!offered.includes(a.mechanism)) throw invalidAuthMechanism(a.mechanism);
  let user: User | null;
  let username: string | undefined;
  if (a.mechanism === 'EXTERNAL') {
    const r = externalUsername(external?.socket ?? null, external ?? { verifyPeer: false, from: 'distinguished_name', sanType: 'dns', sanIndex: 0 });
    if ('refused' in r) return { user: null, username: undefined, reason: `EXTERNAL login refused: ${r.refused}` };
    username = r.username;
    // rabbit_auth_backend_internal with no password: the user only has to exist.
    user = users.get(username) ?? null;
    if (user === null) return { user: null, username, reason: `EXTERNAL login refused: user '${username}' - invalid credentials` };
  } else {
    const creds = parseSaslResponse(a.mechanism, Buffer.isBuffer(a.response) ? a.response : Buffer.from(a.response));
    username = creds?.username;
    user = creds === null ? null : users.authenticate(creds.username, creds.password);
    if (user === null) return { user: null, username, reason: 'invalid credentials' };
  }
  if (loopbackUsers.includes(user.name) && !isLoopback(remoteAddress)) {
    return { user: null, username, reason: 'user can only log in via localhost' };
  }
  return { user };
}

/**
 * connection.open: the vhost, when it exists, its and the user's connection
 * limits are not reached (when a tracker is given) and the user has
 * permissions in it; 530 otherwise, in RabbitMQ's order.
 */
export function openVhost(broker: Broker, users: UserStore, user: User, name: string, tracker?: ConnectionTracker): Vhost {
  const vhost = broker.getVhost(name);
  if (vhost === undefined) throw vhostNotFound(name);
  if (tracker !== undefined) checkConnectionLimits(tracker, users, user, vhost);
  if (!users.canAccessVhost(user, vhost.name)) throw vhostAccessRefused(vhost.name, user.name);
  return vhost;
}

/**
 * The opening handshake of one connection (AMQP 0-9-1 section 2.2.4): the
 * protocol header, connection.start / start-ok with the SASL login, tune /
 * tune-ok, and connection.open. It moves the connection's state from 'header'
 * to 'open' and hands over what each step settles (user, tune, vhost).
 */
export class Handshake {
  private readonly conn: Connection;
  private readonly broker: Broker;
  private readonly users: UserStore;
  private readonly log: Logger;
  private readonly header = new ProtocolHeaderReader();

  constructor(conn: Connection, broker: Broker, users: UserStore, log: Logger) {
    this.conn = conn;
    this.broker = broker;
    this.users = users;
    this.log = log;
  }

  /** Bytes in state 'header': the rest of the chunk once the header is accepted (connection.start sent), else null. */
  readHeader(chunk: Buffer): Buffer | null {
    const conn = this.conn;
    const rest = this.header.read(chunk);
    if (rest === false) {
      // Spec: on a bad protocol header, answer with ours and close.
      conn.state = 'closed';
      this.log.info('closing connection: unsupported protocol header');
      conn.socket.end(PROTOCOL_HEADER);
      return null;
    }
    if (rest === null) return null;
    conn.state = 'start';
    conn.sendMethod(0, M.ConnectionStart, {
      versionMajor: 0,
      versionMinor: 9,
      serverProperties: serverProperties(this.broker),
      mechanisms: this.offered().join(' '),
      locales: 'en_US',
    });
    return rest;
  }

  /**
   * A connection-class method in one of the handshake states (start, tune, open-wait); any other method is
   * RabbitMQ's 504 "unexpected method in connection state starting|tuning|opening" (before tune-ok the
   * connection drops the socket instead of sending it, as RabbitMQ does).
   */
  method(m: spec.DecodedMethod): void {
    switch (this.conn.state) {
      case 'start':
        if (m.id !== M.ConnectionStartOk) throw unexpectedConnectionMethod(m.classId, m.methodId, 'starting');
        return this.startOk(m.args);
      case 'tune':
        if (m.id !== M.ConnectionTuneOk) throw unexpectedConnectionMethod(m.classId, m.methodId, 'tuning');
        return this.tuneOk(m.args);
      case 'open-wait':
        if (m.id !== M.ConnectionOpen) throw unexpectedConnectionMethod(m.classId, m.methodId, 'opening');
        return this.open(m.args);
      default:
        throw new RangeError(`no handshake in state ${this.conn.state}`);
    }
  }

  // auth_mechanisms as this connection offers them (EXTERNAL on TLS only).
  private offered(): string[] {
    return offeredMechanisms(this.conn.config.authMechanisms, this.conn.socket instanceof TLSSocket);
  }

  private startOk(a: spec.ConnectionStartOkArgs): void {
    const conn = this.conn;
    conn.clientProperties = a.clientProperties ?? {};
    conn.capabilities = clientCapabilities(conn.clientProperties);
    const c = conn.config;
    const external: ExternalLogin = {
      enabled: c.authMechanisms.includes('EXTERNAL'),
      socket: conn.socket instanceof TLSSocket ? conn.socket : null,
      verifyPeer: c.sslVerify === 'verify_peer',
      from: c.sslCertLoginFrom,
      sanType: c.sslCertLoginSanType,
      sanIndex: c.sslCertLoginSanIndex,
    };
    const result = login(a, this.users, c.loopbackUsers, conn.socket.remoteAddress, this.offered(), external);
    conn.authMechanism = a.mechanism;
    // RabbitMQ's auth_attempt_metrics (rabbit_reader's auth_phase): every answered login, loopback refusals failed.
    if (result.user === null) this.broker.nodeCounters.authAmqpFailed++;
    else this.broker.nodeCounters.authAmqpSucceeded++;
    if (result.user === null) {
      this.log.warn({ user: result.username, mechanism: a.mechanism, reason: result.reason }, 'login refused');
      // Clients that announce authentication_failure_close are told; others just see the socket close (spec).
      if (conn.capabilities.authentication_failure_close === true) {
        conn.closeWithError(loginRefused(a.mechanism), false);
      } else {
        conn.state = 'closed';
        conn.socket.destroy();
      }
      return;
    }
    conn.user = result.user;
    conn.state = 'tune';
    conn.sendMethod(0, M.ConnectionTune, {
      channelMax: conn.config.channelMax,
      frameMax: conn.config.frameMax,
      heartbeat: conn.config.heartbeat,
    });
  }

  private tuneOk(a: spec.ConnectionTuneOkArgs): void {
    const conn = this.conn;
    conn.tuned(negotiateTune(a, conn.config.frameMax, conn.config.channelMax));
    conn.state = 'open-wait';
  }

  private open(a: spec.ConnectionOpenArgs): void {
    const conn = this.conn;
    const user = conn.user as User;
    // RabbitMQ 3.12+: the node's connection_max first (3.10's Ranch stops accepting, leaving clients hanging).
    const max = conn.config.connectionMax;
    if (max !== 'infinity' && conn.tracker.size >= max) throw nodeConnectionLimitReached(max);
    const vhost = openVhost(this.broker, this.users, user, a.virtualHost, conn.tracker);
    // Kept for the connection's life: permission changes apply to it in place (access-table.ts).
    conn.opened(vhost, this.users.access.access(user.name, vhost.name));
  }
}
