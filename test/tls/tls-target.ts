/**
 * A Warren with TLS listeners for the tests in test/tls: startServices on ephemeral ports and a temp
 * data dir, every listener on 127.0.0.1 unless the test says otherwise.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import amqp from 'amqplib';
import { defaultConfig, type Config } from '../../src/config.js';
import { createLogger, startServices, type BrokerServices } from '../../src/index.js';
import type { Issued, TestCertificates } from '../helpers/certs.js';

/** A started broker and what tests need of it. */
export interface TlsTarget {
  services: BrokerServices;
  config: Config;
  /** The first AMQPS port. */
  sslPort: number;
  close(): Promise<void>;
}

/** The ssl_options.* fields for the test certificates (server certificate, the test CA). */
export function sslFiles(certs: TestCertificates): Partial<Config> {
  return { sslCertfile: certs.server.certfile, sslKeyfile: certs.server.keyfile, sslCacertfile: certs.ca.certfile };
}

/** The base config of every TLS test: plain and TLS AMQP, management and metrics on free loopback ports. */
export function tlsConfig(dataDir: string, overrides: Partial<Config>): Config {
  return {
    ...defaultConfig(),
    host: '127.0.0.1',
    port: 0,
    sslHost: '127.0.0.1',
    sslPort: 0,
    managementHost: '127.0.0.1',
    managementPort: 0,
    managementSslHost: '127.0.0.1',
    prometheusHost: '127.0.0.1',
    prometheusPort: 0,
    prometheusSslHost: '127.0.0.1',
    logLevel: 'silent',
    dataDir,
    ...overrides,
  };
}

/** Starts Warren with the overrides; rejects (and cleans up) when the start fails. */
export async function startTlsTarget(overrides: Partial<Config>): Promise<TlsTarget> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-tls-'));
  const config = tlsConfig(dataDir, overrides);
  let services: BrokerServices;
  try {
    services = await startServices(config, createLogger(config.logLevel), 'memory');
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    services,
    config,
    sslPort: services.amqps?.port ?? -1,
    async close() {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** amqplib over TLS to 127.0.0.1:port, verifying the server against the test CA (servername localhost). */
export function connectTls(port: number, certs: TestCertificates, opts: { client?: Issued; external?: boolean; user?: string; password?: string; ca?: Buffer; extra?: tls.ConnectionOptions } = {}): Promise<amqp.ChannelModel> {
  const user = encodeURIComponent(opts.user ?? 'guest');
  const password = encodeURIComponent(opts.password ?? 'guest');
  return amqp.connect(`amqps://${user}:${password}@127.0.0.1:${port}`, {
    ca: [opts.ca ?? certs.ca.cert],
    servername: 'localhost',
    ...(opts.client === undefined ? {} : { cert: opts.client.cert, key: opts.client.key }),
    ...(opts.external === true ? { credentials: amqp.credentials.external() } : {}),
    ...opts.extra,
  });
}

/** A raw TLS handshake to the port: resolves with the server certificate's fingerprint, rejects with the error. */
export function handshake(port: number, certs: TestCertificates, opts: tls.ConnectionOptions = {}): Promise<{ fingerprint: string; protocol: string | null; socket: tls.TLSSocket }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: [certs.ca.cert], servername: 'localhost', ...opts }, () => {
      resolve({ fingerprint: socket.getPeerCertificate().fingerprint256, protocol: socket.getProtocol(), socket });
    });
    socket.once('error', reject);
  });
}
