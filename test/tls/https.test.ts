/**
 * The management API over HTTPS (management.ssl.*) and the Prometheus metrics over HTTPS
 * (prometheus.ssl.*): served with the configured certificate next to the plain listeners, mutual
 * TLS when asked, and reloaded with the AMQPS certificate.
 */
import https from 'node:https';
import { TLSSocket } from 'node:tls';
import { copyFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCertificates, type Issued } from '../helpers/certs.js';
import { basic } from '../helpers/management.js';
import { sslFiles, startTlsTarget, type TlsTarget } from './tls-target.js';

let certs: TestCertificates;
let client: Issued;

beforeAll(() => {
  certs = new TestCertificates();
  client = certs.issue('https-client', { subject: '/O=Warren Test/CN=https-client' });
});
afterAll(() => certs.cleanup());

interface Answer {
  status: number;
  body: string;
  fingerprint: string;
  protocol: string | null;
}

/** GET https://127.0.0.1:port/path verifying the server against the test CA. */
function get(port: number, path: string, opts: { auth?: string; client?: Issued } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: [certs.ca.cert],
        servername: 'localhost',
        headers: opts.auth === undefined ? {} : { authorization: opts.auth },
        agent: false,
        ...(opts.client === undefined ? {} : { cert: opts.client.cert, key: opts.client.key }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        const socket = res.socket;
        if (!(socket instanceof TLSSocket)) return reject(new Error('not a TLS socket'));
        const fingerprint = socket.getPeerCertificate().fingerprint256;
        const protocol = socket.getProtocol();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint, protocol }));
      },
    );
    req.on('error', reject);
  });
}

const GUEST = basic('guest', 'guest');

describe('management and Prometheus over HTTPS', () => {
  let t: TlsTarget;
  let certfile: string;
  let keyfile: string;
  beforeAll(async () => {
    certfile = certs.write('https-cert.pem', certs.server.cert);
    keyfile = certs.write('https-key.pem', certs.server.key);
    const files = { certfile, keyfile, cacertfile: certs.ca.certfile };
    t = await startTlsTarget({
      ...sslFiles(certs),
      managementSslPort: 0,
      managementSslCertfile: files.certfile,
      managementSslKeyfile: files.keyfile,
      managementSslCacertfile: files.cacertfile,
      prometheusSslPort: 0,
      prometheusSslCertfile: files.certfile,
      prometheusSslKeyfile: files.keyfile,
      prometheusSslCacertfile: files.cacertfile,
    });
  });
  afterAll(() => t.close());

  it('the management API answers over HTTPS (TLS 1.3) as over HTTP', async () => {
    const port = t.services.managementTls?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    const r = await get(port, '/api/users', { auth: GUEST });
    expect(r.status).toBe(200);
    expect(r.protocol).toBe('TLSv1.3');
    const plain = await fetch(`http://127.0.0.1:${t.services.management.port}/api/users`, { headers: { authorization: GUEST } });
    expect(JSON.parse(r.body)).toEqual(await plain.json());
    expect((await get(port, '/api/users')).status).toBe(401);
  });

  it('the Prometheus metrics answer over HTTPS', async () => {
    const port = t.services.prometheusTls?.port ?? 0;
    const r = await get(port, '/metrics');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^rabbitmq_connections /m);
  });

  it('reload covers every TLS listener', async () => {
    const mgmt = t.services.managementTls?.port ?? 0;
    const prom = t.services.prometheusTls?.port ?? 0;
    const before = (await get(mgmt, '/api/users', { auth: GUEST })).fingerprint;
    const next = certs.issue('https-next', { subject: '/O=Warren Test/CN=localhost', san: 'DNS:localhost,IP:127.0.0.1' });
    copyFileSync(next.certfile, certfile);
    copyFileSync(next.keyfile, keyfile);
    const reloaded = await fetch(`http://127.0.0.1:${t.services.management.port}/api/certificates/reload`, { method: 'POST', headers: { authorization: GUEST } });
    expect(((await reloaded.json()) as { reloaded: string[] }).reloaded.sort()).toEqual(['amqp', 'management', 'prometheus']);
    const after = (await get(mgmt, '/api/users', { auth: GUEST })).fingerprint;
    expect(after).not.toBe(before);
    expect((await get(prom, '/metrics')).fingerprint).toBe(after);
  });
});

describe('management over HTTPS with verify_peer + fail_if_no_peer_cert', () => {
  let t: TlsTarget;
  beforeAll(async () => {
    t = await startTlsTarget({
      sslPort: -1,
      managementSslPort: 0,
      managementSslCertfile: certs.server.certfile,
      managementSslKeyfile: certs.server.keyfile,
      managementSslCacertfile: certs.ca.certfile,
      managementSslVerify: 'verify_peer',
      managementSslFailIfNoPeerCert: true,
    });
  });
  afterAll(() => t.close());

  it('a client with a certificate from the CA is served; one without is refused', async () => {
    const port = t.services.managementTls?.port ?? 0;
    expect((await get(port, '/api/users', { auth: GUEST, client })).status).toBe(200);
    await expect(get(port, '/api/users', { auth: GUEST })).rejects.toThrow();
    const stranger = certs.issue('https-stranger', { subject: '/CN=stranger', ca: certs.otherCa });
    await expect(get(port, '/api/users', { auth: GUEST, client: stranger })).rejects.toThrow();
  });
});

describe('/api/health/checks/certificate-expiration/{n}/{unit} from the served certificates', () => {
  let t: TlsTarget;
  beforeAll(async () => {
    // The test certificates are valid for 30 days.
    t = await startTlsTarget({ ...sslFiles(certs) });
  });
  afterAll(() => t.close());

  const check = async (within: string, unit: string) => {
    const r = await fetch(`http://127.0.0.1:${t.services.management.port}/api/health/checks/certificate-expiration/${within}/${unit}`, { headers: { authorization: GUEST } });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('ok while nothing expires within the period', async () => {
    expect(await check('1', 'weeks')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await check('29', 'days')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('503 listing the listener, its files and their expiry dates (RabbitMQ keys and date format)', async () => {
    const r = await check('2', 'months');
    expect(r.status).toBe(503);
    const date = expect.stringMatching(/^\d{4}-\d\d-\d\d \d{1,2}:\d\d:\d\d$/) as unknown;
    expect(r.body).toEqual({
      status: 'failed',
      reason: 'Certificates expiring',
      expired: [
        {
          node: expect.any(String) as unknown,
          protocol: 'amqp/ssl',
          interface: '127.0.0.1',
          port: t.sslPort,
          certfile: certs.server.certfile,
          cacertfile: certs.ca.certfile,
          certfile_expires_on: [date],
          cacertfile_expires_on: [date],
        },
      ],
    });
  });

  it("400s with RabbitMQ's texts for a bad number or unit", async () => {
    expect(await check('x', 'days')).toEqual({ status: 400, body: { error: 'bad_request', reason: 'Invalid expiration value.' } });
    expect(await check('1', 'fortnights')).toEqual({ status: 400, body: { error: 'bad_request', reason: 'Time unit not recognised. Supported units: days, weeks, months, years.' } });
  });
});
