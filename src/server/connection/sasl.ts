import type { TLSSocket } from 'node:tls';
import { decodeTableBody } from '../../amqp/codec/field-table.js';
import type { CertLoginFrom, SanType } from '../../config.js';
import { commonName, distinguishedName, subjectAltName } from '../tls.js';

/** Credentials extracted from a SASL response. */
export interface Credentials {
  username: string;
  password: string;
}

/** Mechanisms offered in connection.start by default, in RabbitMQ's order. */
export const MECHANISMS = 'PLAIN AMQPLAIN';

/**
 * The mechanisms connection.start offers: auth_mechanisms in its order, EXTERNAL on TLS connections
 * only (rabbit_auth_mechanism_ssl's should_offer).
 */
export function offeredMechanisms(configured: readonly string[], tls: boolean): string[] {
  return configured.filter((m) => isSupportedMechanism(m) && (m !== 'EXTERNAL' || tls));
}

/** How EXTERNAL takes a user name from the client certificate (ssl_cert_login_*). */
export interface ExternalSettings {
  /** ssl_options.verify = verify_peer: without it RabbitMQ calls the set-up unsafe and refuses. */
  verifyPeer: boolean;
  from: CertLoginFrom;
  sanType: SanType;
  sanIndex: number;
}

/**
 * EXTERNAL (rabbit_auth_mechanism_ssl): the user name from the peer certificate, or why there is
 * none, in RabbitMQ's words (logged as "EXTERNAL login refused: <reason>").
 */
export function externalUsername(socket: TLSSocket | null, s: ExternalSettings): { username: string } | { refused: string } {
  if (socket === null) return { refused: 'not a TLS-enabled connection' };
  const cert = socket.getPeerX509Certificate();
  if (cert === undefined) return { refused: 'connection peer presented no TLS (x.509) certificate' };
  // rabbit_ssl:peer_cert_auth_name: a name taken from an unverified certificate proves nothing.
  if (!s.verifyPeer) return { refused: 'TLS configuration is unsafe' };
  const name =
    s.from === 'common_name' ? commonName(cert) : s.from === 'subject_alternative_name' ? subjectAltName(cert, s.sanType, s.sanIndex) : distinguishedName(cert);
  if (name === undefined || name === '') return { refused: 'no name found' };
  // RabbitMQ strips leading and trailing newlines (some SAN parsers add them).
  return { username: name.replace(/^[\r\n]+|[\r\n]+$/g, '') };
}

/**
 * Parses a connection.start-ok response for the chosen mechanism.
 * Returns null for a malformed response (treated as a failed login);
 * throws nothing for an unknown mechanism (the caller checks it first).
 */
export function parseSaslResponse(mechanism: string, response: Buffer): Credentials | null {
  if (mechanism === 'PLAIN') {
    // RFC 4616: [authzid] NUL authcid NUL passwd
    const first = response.indexOf(0);
    const second = first < 0 ? -1 : response.indexOf(0, first + 1);
    if (second < 0) return null;
    return {
      username: response.toString('utf8', first + 1, second),
      password: response.toString('utf8', second + 1),
    };
  }
  if (mechanism === 'AMQPLAIN') {
    // A field table without its length prefix, keys LOGIN and PASSWORD.
    try {
      const t = decodeTableBody(response, 0, response.length);
      const login = t.LOGIN;
      const pass = t.PASSWORD;
      const str = (v: unknown): string | null =>
        typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : null;
      const u = str(login);
      const p = str(pass);
      if (u === null || p === null) return null;
      return { username: u, password: p };
    } catch {
      return null;
    }
  }
  return null;
}

/** True for a mechanism Warren implements. */
export function isSupportedMechanism(m: string): boolean {
  return m === 'PLAIN' || m === 'AMQPLAIN' || m === 'EXTERNAL';
}
