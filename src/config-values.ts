/**
 * The value types of configuration options: each parser turns the raw text of a config file
 * value, an environment variable or a flag into a value, or throws InvalidValue saying what
 * was expected (config-load.ts adds where the value came from).
 */
import { isIP } from 'node:net';

/** A value that does not parse; the message says what was expected. */
export class InvalidValue extends Error {}

const UINT16 = 65535;
/** The largest unsigned 32-bit value (frame_max, the paging head window). */
export const UINT32 = 4294967295;

/** An integer from min to max, digits only (no sign, no fraction). */
export function integer(raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new InvalidValue(`expected an integer from ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new InvalidValue(`expected an integer from ${min} to ${max}`);
  return n;
}

/** A 16-bit unsigned integer (heartbeat, channel_max). */
export function uint16(raw: string): number {
  return integer(raw, 0, UINT16);
}

/** A TCP port; 0 asks the OS for a free one. */
export function port(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > UINT16) throw new InvalidValue('expected a port number from 0 to 65535 (0 picks a free port)');
  return Number(raw);
}

// cuttlefish's bytesize datatype: a plain integer or one with a KB/MB/GB suffix (powers of 1024).
const BYTE_UNITS: Record<string, number> = { '': 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** cuttlefish's bytesize: bytes, optionally with a KB, MB or GB suffix, from min to max. */
export function bytesize(raw: string, min: number, max: number): number {
  const m = /^(\d+)\s*(kb|mb|gb)?$/i.exec(raw);
  const n = m ? Number(m[1]) * BYTE_UNITS[(m[2] ?? '').toLowerCase()] : NaN;
  if (!(n >= min && n <= max)) throw new InvalidValue(`expected a size in bytes (optionally with KB, MB or GB) from ${min} to ${max}`);
  return n;
}

// RabbitMQ's information units for disk_free_limit (rabbit_resource_monitor_misc): k/KiB, m/MiB, g/GiB are
// powers of 1024, kB/MB/GB powers of 1000 (case-insensitive here).
const INFORMATION_UNITS: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };

/** RabbitMQ's information unit (disk_free_limit): bytes, optionally with kB/MB/GB or KiB/MiB/GiB. */
export function informationUnit(raw: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(raw);
  const unit = m ? INFORMATION_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidValue('expected a size in bytes, optionally with a unit (kB, MB, GB or KiB, MiB, GiB)');
  return n;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** An IP address (IPv6 optionally bracketed) or a host name. */
export function host(raw: string): string {
  const h = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIP(h) === 0 && !HOSTNAME.test(h)) throw new InvalidValue('expected an IP address or a host name');
  return h;
}

/** listeners.tcp.default: `5672`, `127.0.0.1:5672`, `::1:5672` or `[::1]:5672` (RabbitMQ's forms). */
export function listenAddress(raw: string): { host?: string; port: number } {
  if (/^\d+$/.test(raw)) return { port: port(raw) };
  const colon = raw.lastIndexOf(':');
  if (colon <= 0) throw new InvalidValue('expected a port or ip:port');
  return { host: host(raw.slice(0, colon)), port: port(raw.slice(colon + 1)) };
}

/** A number from 0 to 1. */
export function fraction(raw: string): number {
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(raw)) throw new InvalidValue('expected a number from 0 to 1');
  return Number(raw);
}

/** Any text but the empty string. */
export function nonEmpty(raw: string): string {
  if (raw === '') throw new InvalidValue('expected a non-empty value');
  return raw;
}

// RabbitMQ's levels mapped onto pino's; pino's own names are accepted as well.
const LOG_LEVELS: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  alert: 'fatal',
  emergency: 'fatal',
  none: 'silent',
  silent: 'silent',
};

/** A RabbitMQ or pino log level, as the pino level it maps to. */
export function logLevel(raw: string): string {
  const level = LOG_LEVELS[raw.toLowerCase()];
  if (!level) throw new InvalidValue(`expected one of ${Object.keys(LOG_LEVELS).join(', ')}`);
  return level;
}

/** WARREN_LOOPBACK_USERS / --loopback-users: `none` or a comma-separated list of user names. */
export function userList(raw: string): string[] {
  if (raw === 'none') return [];
  const users = raw.split(',').map((u) => u.trim());
  if (users.some((u) => u === '')) throw new InvalidValue("expected 'none' or a comma-separated list of user names");
  return users;
}

/** One listener: an address (absent = every address, dual-stack) and a port. */
export interface ListenEntry {
  host?: string;
  port: number;
}

/** Listeners besides the default one (`listeners.tcp.<name>`), or 'none' (`listeners.tcp = none`: no listener of that kind at all). */
export type ListenerList = 'none' | ListenEntry[];

/** `none`, or a comma-separated list of listenAddress values (`5673,127.0.0.1:5674,[::1]:5675`). */
export function listenerList(raw: string): ListenerList {
  if (raw === 'none') return 'none';
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new InvalidValue("expected 'none' or a comma-separated list of ports or ip:port");
  return parts.map(listenAddress);
}

// Erlang's ssl version names (ssl_options.versions.N), newest first.
const TLS_VERSIONS = ['tlsv1.3', 'tlsv1.2', 'tlsv1.1', 'tlsv1'] as const;
/** An Erlang TLS version name. */
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** ssl_options.versions: a comma-separated list of tlsv1.3, tlsv1.2, tlsv1.1, tlsv1. */
export function tlsVersions(raw: string): TlsVersion[] {
  const parts = raw.split(',').map((p) => p.trim().toLowerCase());
  for (const p of parts) if (!(TLS_VERSIONS as readonly string[]).includes(p)) throw new InvalidValue(`expected TLS versions among ${TLS_VERSIONS.join(', ')}`);
  return [...new Set(parts)] as TlsVersion[];
}

/** ssl_options.ciphers: a comma-separated list of OpenSSL cipher suite names. */
export function cipherList(raw: string): string[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^[A-Za-z0-9_+-]+$/.test(p))) throw new InvalidValue('expected cipher suite names (OpenSSL or IANA names)');
  return parts;
}

/** A comma-separated list of names (auth_mechanisms). */
export function nameList(raw: string): string[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new InvalidValue('expected a comma-separated list of names');
  return parts;
}

/** A listener port that may be off: a port, or `none` (stored as -1). */
export function optionalPort(raw: string): number {
  if (raw === 'none') return -1;
  return port(raw);
}
