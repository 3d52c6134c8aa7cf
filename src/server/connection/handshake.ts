import type { FieldTable } from '../../amqp/codec/field-table.js';
import { PROTOCOL_HEADER, type ConnectionStartOkArgs } from '../../amqp/spec.generated.js';
import { isLoopback } from '../../auth/loopback.js';
import type { User, UserStore } from '../../auth/users.js';
import type { Broker } from '../../broker/broker.js';
import { unknownAuthMechanism, vhostAccessRefused, vhostNotFound } from '../../broker/errors.js';
import type { Vhost } from '../../broker/vhost.js';
import { isSupportedMechanism, parseSaslResponse } from './sasl.js';

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

/**
 * Checks connection.start-ok's SASL response. 503 for a mechanism we did not
 * offer; a malformed response counts as invalid credentials; a loopback-only
 * user (config loopback_users) may log in from localhost only.
 */
export function login(a: ConnectionStartOkArgs, users: UserStore, loopbackUsers: readonly string[], remoteAddress: string | undefined): LoginResult {
  if (!isSupportedMechanism(a.mechanism)) throw unknownAuthMechanism(a.mechanism);
  const creds = parseSaslResponse(a.mechanism, Buffer.isBuffer(a.response) ? a.response : Buffer.from(a.response));
  const user = creds === null ? null : users.authenticate(creds.username, creds.password);
  if (user === null) return { user: null, username: creds?.username, reason: 'invalid credentials' };
  if (loopbackUsers.includes(user.name) && !isLoopback(remoteAddress)) {
    return { user: null, username: creds?.username, reason: 'user can only log in via localhost' };
  }
  return { user };
}

/** connection.open: the vhost, when it exists and the user has permissions in it (530 otherwise, as RabbitMQ). */
export function openVhost(broker: Broker, user: User, name: string): Vhost {
  const vhost = broker.getVhost(name);
  if (vhost === undefined) throw vhostNotFound(name);
  if (!broker.users.canAccessVhost(user, vhost.name)) throw vhostAccessRefused(vhost.name, user.name);
  return vhost;
}
