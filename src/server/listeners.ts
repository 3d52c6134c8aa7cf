/**
 * Listener addresses as rabbitmq.conf gives them (listeners.tcp.default, listeners.tcp.<name>,
 * `listeners.tcp = none`) and binding them the way RabbitMQ does: no address means every IPv4 and
 * IPv6 address (`::`, dual-stack), with IPv4 alone where the host has no IPv6.
 */
import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import type { ListenerList } from '../config-values.js';

/** One address to bind: a host (`::` = all, dual-stack) and a port (0 = a free one). */
export interface ListenerSpec {
  host: string;
  port: number;
}

/** Every address and port of both families. */
export const ANY_ADDRESS = '::';

/**
 * The listeners of one kind: the default one (host:port; a negative port means none) and the
 * others, or none at all for `none`. Duplicates are bound once.
 */
export function listenerAddresses(host: string, port: number, others: ListenerList): ListenerSpec[] {
  if (others === 'none') return [];
  const all: ListenerSpec[] = port >= 0 ? [{ host, port }] : [];
  for (const o of others) all.push({ host: o.host ?? ANY_ADDRESS, port: o.port });
  const seen = new Set<string>();
  return all.filter((l) => {
    const k = `${l.host}|${l.port}`;
    if (l.port !== 0 && seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// A host without IPv6 (disabled in the kernel, a container without it) cannot bind `::`.
const NO_IPV6 = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EINVAL']);

function bind(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    // ipv6Only false: `::` takes IPv4 connections too (as IPv4-mapped addresses).
    server.listen({ host, port, ipv6Only: false }, () => {
      server.off('error', onError);
      const addr = server.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('unexpected listener address'));
      resolve({ host: addr.address, port: addr.port });
    });
  });
}

/** Binds server to spec; `::` falls back to 0.0.0.0 (with a warning) where IPv6 is unavailable. */
export async function listenDualStack(server: Server, spec: ListenerSpec, logger: Logger): Promise<{ host: string; port: number }> {
  try {
    return await bind(server, spec.host, spec.port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (spec.host !== ANY_ADDRESS || !NO_IPV6.has(code)) throw e;
    logger.warn({ port: spec.port, code }, 'IPv6 is unavailable: listening on IPv4 addresses only (0.0.0.0)');
    return bind(server, '0.0.0.0', spec.port);
  }
}

/** An IPv4 peer on a dual-stack listener, as RabbitMQ shows it (`::ffff:127.0.0.1` -> `127.0.0.1`). */
export function unmapAddress(addr: string | undefined): string | undefined {
  return addr !== undefined && addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice('::ffff:'.length) : addr;
}

/** True when this host can bind an IPv6 socket (`::1`); false in containers and kernels without IPv6. */
export function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '::1', port: 0 }, () => probe.close(() => resolve(true)));
  });
}

/** `::` where IPv6 is available, else 0.0.0.0 (for listeners bound by others: HTTP, metrics). */
export async function resolveAnyAddress(host: string): Promise<string> {
  if (host !== ANY_ADDRESS) return host;
  return (await ipv6Available()) ? host : '0.0.0.0';
}
