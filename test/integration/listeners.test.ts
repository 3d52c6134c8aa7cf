/**
 * Listeners as RabbitMQ has them: by default AMQP, management and Prometheus listen on every IPv4
 * and IPv6 address (`::`, dual-stack), so [::1] and 127.0.0.1 both connect; listeners.tcp.N and
 * listeners.ssl.N add explicit addresses (IPv6 literals too); `listeners.tcp = none` turns plain
 * AMQP off. Needs IPv6 loopback: where it is missing the suite fails saying so (not skipped).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { startBroker } from '../../src/index.js';
import { TestCertificates } from '../helpers/certs.js';
import { waitFor } from '../helpers/wait.js';
import { connectTls, sslFiles, startTlsTarget, type TlsTarget } from '../tls/tls-target.js';

/** Binds ::1 once: the message says why the suite cannot run where IPv6 loopback is missing. */
async function requireIpv6Loopback(): Promise<void> {
  const s = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(0, '::1', () => resolve());
    });
  } catch (e) {
    throw new Error(`IPv6 loopback (::1) is unavailable on this machine (${(e as Error).message}): the listener tests need it; enable IPv6 on lo`, { cause: e });
  } finally {
    s.close();
  }
}

let certs: TestCertificates;
beforeAll(async () => {
  await requireIpv6Loopback();
  certs = new TestCertificates();
});
afterAll(() => certs?.cleanup());

const url = (host: string, port: number): string => `amqp://guest:guest@${host.includes(':') ? `[${host}]` : host}:${port}`;

describe('default: dual-stack on ::', () => {
  let t: TlsTarget;
  beforeAll(async () => {
    t = await startTlsTarget({ host: '::', sslPort: -1, managementHost: '::', prometheusHost: '::' });
  });
  afterAll(() => t.close());

  it('the defaults are :: for AMQP, AMQPS, management and Prometheus', () => {
    const d = defaultConfig();
    expect([d.host, d.sslHost, d.managementHost, d.managementSslHost, d.prometheusHost, d.prometheusSslHost]).toEqual(['::', '::', '::', '::', '::', '::']);
  });

  it('amqplib connects over IPv6 [::1] and over IPv4 127.0.0.1 to the same listener', async () => {
    const port = t.services.amqp.port;
    expect(t.services.server.listeners).toEqual([{ protocol: 'amqp', host: '::', port }]);
    const v6 = await amqp.connect(url('::1', port));
    const v4 = await amqp.connect(url('127.0.0.1', port));
    await waitFor(() => t.services.server.listConnections().filter((c) => c.vhost !== null).length === 2, 'two open connections');
    const names = t.services.server.listConnections().map((c) => c.name);
    // RabbitMQ shows an IPv4 client as a.b.c.d, not ::ffff:a.b.c.d; IPv6 without brackets.
    expect(names.some((n) => new RegExp(`^::1:\\d+ -> ::1:${port}$`).test(n))).toBe(true);
    expect(names.some((n) => new RegExp(`^127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${port}$`).test(n))).toBe(true);
    expect(t.services.server.listConnections().map((c) => c.peerHost).sort()).toEqual(['127.0.0.1', '::1']);
    const ch = await v6.createChannel();
    await ch.assertQueue('', { exclusive: true });
    await v6.close();
    await v4.close();
  });

  it('management and Prometheus answer on [::1] and 127.0.0.1', async () => {
    for (const host of ['[::1]', '127.0.0.1']) {
      const m = await fetch(`http://${host}:${t.services.management.port}/api/health/checks/alarms`, { headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` } });
      expect(m.status, host).toBe(200);
      const p = await fetch(`http://${host}:${t.services.prometheus.port}/metrics`);
      expect(p.status, host).toBe(200);
    }
  });
});

describe('explicit listeners', () => {
  it('listeners.tcp.N: several addresses, IPv6 literals included, each one really listening', async () => {
    const t = await startTlsTarget({ host: '127.0.0.1', sslPort: -1, tcpListeners: [{ host: '::1', port: 0 }, { host: '127.0.0.1', port: 0 }] });
    try {
      const ls = t.services.server.listeners;
      expect(ls.map((l) => [l.protocol, l.host])).toEqual([
        ['amqp', '127.0.0.1'],
        ['amqp', '::1'],
        ['amqp', '127.0.0.1'],
      ]);
      for (const l of ls) {
        const c = await amqp.connect(url(l.host, l.port));
        await c.close();
      }
      // Bound to 127.0.0.1 only: not reachable over IPv6.
      await expect(amqp.connect(url('::1', ls[0].port))).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await t.close();
    }
  });

  it('listeners.ssl.N with IPv6: amqps://[::1] verifies the certificate (IP ::1 in its SAN)', async () => {
    const t = await startTlsTarget({ ...sslFiles(certs), sslHost: '127.0.0.1', sslListeners: [{ host: '::1', port: 0 }] });
    try {
      const secure = t.services.server.listeners.filter((l) => l.protocol === 'amqp/ssl');
      expect(secure.map((l) => l.host)).toEqual(['127.0.0.1', '::1']);
      const c = await amqp.connect(`amqps://guest:guest@[::1]:${secure[1].port}`, { ca: [certs.ca.cert] });
      await c.close();
      const c4 = await connectTls(secure[0].port, certs);
      await c4.close();
    } finally {
      await t.close();
    }
  });

  it('the rabbitmq.conf forms: listeners.tcp.default, listeners.tcp.<name> = [::1]:port and ::1:port, listeners.ssl.default', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'warren-listeners-'));
    const file = path.join(dir, 'warren.conf');
    const files = sslFiles(certs);
    await writeFile(
      file,
      [
        'listeners.tcp.default = 127.0.0.1:0',
        'listeners.tcp.bracketed = [::1]:0',
        'listeners.tcp.bare = ::1:0',
        'listeners.ssl.default = 127.0.0.1:0',
        `ssl_options.certfile = ${files.sslCertfile}`,
        `ssl_options.keyfile = ${files.sslKeyfile}`,
        `ssl_options.cacertfile = ${files.sslCacertfile}`,
        `data_dir = ${dir}`,
        '',
      ].join('\n'),
    );
    const b = await startBroker({ configFile: file, store: 'memory' });
    try {
      expect(b.listeners.map((l) => [l.protocol, l.host])).toEqual([
        ['amqp', '127.0.0.1'],
        ['amqp', '::1'],
        ['amqp', '::1'],
        ['amqp/ssl', '127.0.0.1'],
      ]);
      const c = await amqp.connect(url('::1', b.listeners[2].port));
      await c.close();
      expect(b.sslPort).toBe(b.listeners[3].port);
    } finally {
      await b.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('listeners.tcp = none and no TLS listener: the start fails saying so', async () => {
    await expect(startTlsTarget({ tcpListeners: 'none', sslPort: -1 })).rejects.toThrow('no AMQP listener configured (listeners.tcp = none and no listeners.ssl)');
  });

  it('listeners.tcp = none wins over listeners.tcp.<name> in the file', async () => {
    const { parseConfigText } = await import('../../src/config-load.js');
    expect(parseConfigText('listeners.tcp.a = 5673\nlisteners.tcp = none\n', 'f')).toEqual({ tcpListeners: 'none' });
    expect(parseConfigText('listeners.tcp.a = 5673\nlisteners.tcp.b = [::1]:5674\n', 'f')).toEqual({ tcpListeners: [{ port: 5673 }, { host: '::1', port: 5674 }] });
  });
});
