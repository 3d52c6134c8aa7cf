/**
 * The broker's local credentials file: how warrenctl on the broker's own machine logs in
 * without a password, as rabbitmqctl does with the Erlang cookie.
 *
 * Contract (src/cli/local-credentials.ts reads the same file; the two are tested together):
 * - file `<dataDir>/warrenctl.credentials`, mode 0600, written at each start (atomically: a
 *   0600 temporary file renamed over the old one, so a new secret replaces the old at once);
 * - content, one JSON object: `{"api_url": "http://127.0.0.1:15672", "username": "rmq-cli", "secret": "<43 base64url chars>"}`;
 * - warrenctl sends `Authorization: Basic base64("rmq-cli:" + secret)`; the HTTP layer accepts it
 *   (isLocalCredential) as an administrator acting as user `rmq-cli`, whether or not a user of
 *   that name exists, and falls back to the user store for any other password;
 * - the secret is never logged, never in API output, never on a command line.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_HASHING_ALGORITHM } from '../auth/password.js';
import type { User } from '../auth/users.js';

/** The file's name inside the data directory. */
export const LOCAL_CREDENTIALS_FILE = 'warrenctl.credentials';

/** The user name warrenctl sends with the secret (RabbitMQ's CLI acts as "rmq-cli" too). */
export const LOCAL_CREDENTIALS_USER = 'rmq-cli';

/** What the file holds. */
export interface LocalCredentials {
  /** The management API's URL as reachable from this machine. */
  apiUrl: string;
  username: string;
  secret: string;
}

/** The management API URL for a listener: a wildcard host becomes loopback, IPv6 literals get brackets. */
export function localApiUrl(host: string, port: number): string {
  const h = host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

/** A new random secret: 32 bytes, base64url (43 characters). */
export function newLocalSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Writes `<dataDir>/warrenctl.credentials` (mode 0600, replacing the old file) with the API URL
 * and the secret (a new one unless given: index.ts makes it first, so the HTTP app can be handed
 * it before the listener's port is known); returns the secret.
 */
export async function writeLocalCredentials(dataDir: string, apiUrl: string, secret: string = newLocalSecret()): Promise<string> {
  const file = path.join(dataDir, LOCAL_CREDENTIALS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  // 'wx' with mode 0600: the file is never readable by others, even for an instant.
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify({ api_url: apiUrl, username: LOCAL_CREDENTIALS_USER, secret }) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  return secret;
}

/** Reads the file; undefined when it is missing or not in the format above. */
export async function readLocalCredentials(dataDir: string): Promise<LocalCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, LOCAL_CREDENTIALS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const j = JSON.parse(text) as { api_url?: unknown; username?: unknown; secret?: unknown };
    if (typeof j.api_url !== 'string' || typeof j.username !== 'string' || typeof j.secret !== 'string') return undefined;
    return { apiUrl: j.api_url, username: j.username, secret: j.secret };
  } catch {
    return undefined;
  }
}

/** Removes the file (at shutdown, so a stale secret does not outlive the broker). */
export async function removeLocalCredentials(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, LOCAL_CREDENTIALS_FILE), { force: true });
}

/** Whether Basic credentials are the local ones: the reserved user name and the secret (compared in constant time). */
export function isLocalCredential(secret: string | undefined, username: string, password: string): boolean {
  if (secret === undefined || username !== LOCAL_CREDENTIALS_USER) return false;
  const a = Buffer.from(secret);
  const b = Buffer.from(password);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The management user the local credentials act as: an administrator named rmq-cli that is in
 * no user store (so it has no permissions of its own, is in no list, and cannot log in over AMQP).
 */
export function localAdministrator(): User {
  return { name: LOCAL_CREDENTIALS_USER, passwordHash: '', hashingAlgorithm: DEFAULT_HASHING_ALGORITHM, tags: ['administrator'], limits: {} };
}
