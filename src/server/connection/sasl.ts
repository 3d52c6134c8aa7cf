import { decodeTableBody } from '../../amqp/codec/field-table.js';

/** Credentials extracted from a SASL response. */
export interface Credentials {
  username: string;
  password: string;
}

/** Mechanisms offered in connection.start, in RabbitMQ's order. */
export const MECHANISMS = 'PLAIN AMQPLAIN';

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
  return m === 'PLAIN' || m === 'AMQPLAIN';
}
