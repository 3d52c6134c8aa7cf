/**
 * Certificate files: a certificate, key or CA that cannot be used stops the start with a message
 * naming the key (and leaves no listener open); reload without a restart (the API, warrenctl
 * reload_certificates, SIGHUP): new connections get the new certificate, open ones carry on, and a
 * bad file at reload changes nothing.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsConfigError } from '../../src/index.js';
import { TestCertificates } from '../helpers/certs.js';
import { basic } from '../helpers/management.js';
import { waitFor } from '../helpers/wait.js';
import { buildIfNeeded, killWarren, spawnWarren } from '../helpers/warren-process.js';
import { runCtl } from '../helpers/warrenctl.js';
import { connectTls, handshake, sslFiles, startTlsTarget, type TlsTarget } from './tls-target.js';

let certs: TestCertificates;

beforeAll(() => {
  certs = new TestCertificates();
});
afterAll(() => certs.cleanup());

/** The message the start fails with. */
async function startError(overrides: Parameters<typeof startTlsTarget>[0]): Promise<string> {
  try {
    const t = await startTlsTarget(overrides);
    await t.close();
  } catch (e) {
    expect(e).toBeInstanceOf(TlsConfigError);
    return (e as Error).message;
  }
  throw new Error('the start succeeded');
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** True when something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('a bad certificate, key or CA stops the start, naming the key', () => {
  it('a certfile that cannot be read', async () => {
    expect(await startError({ ...sslFiles(certs), sslCertfile: '/nonexistent/cert.pem' })).toBe("ssl_options.certfile: cannot read '/nonexistent/cert.pem' (ENOENT)");
  });

  it('a key that does not belong to the certificate', async () => {
    const other = certs.issue('other-server', { subject: '/CN=other' });
    expect(await startError({ ...sslFiles(certs), sslKeyfile: other.keyfile })).toBe(`ssl_options.keyfile: '${other.keyfile}' does not match ssl_options.certfile '${certs.server.certfile}'`);
  });

  it('a CA file that holds no certificate', async () => {
    const junk = certs.write('junk-ca.pem', 'not a certificate\n');
    expect(await startError({ ...sslFiles(certs), sslCacertfile: junk })).toMatch(new RegExp(`^ssl_options\\.cacertfile: '${junk}' holds no PEM certificate`));
  });

  it('a certfile that holds a key, not a certificate', async () => {
    expect(await startError({ ...sslFiles(certs), sslCertfile: certs.server.keyfile })).toMatch(/^ssl_options\.certfile: '.*' holds no PEM certificate/);
  });

  it('a keyfile that is no key', async () => {
    expect(await startError({ ...sslFiles(certs), sslKeyfile: certs.server.certfile })).toMatch(/^ssl_options\.keyfile: /);
  });

  it('an encrypted key: no password, the wrong one, the right one', async () => {
    const locked = certs.issue('locked', { subject: '/CN=localhost', san: 'DNS:localhost', password: 's3cret' });
    const files = { sslCertfile: locked.certfile, sslKeyfile: locked.keyfile, sslCacertfile: certs.ca.certfile };
    expect(await startError(files)).toMatch(new RegExp(`^ssl_options\\.keyfile: '${locked.keyfile}' is encrypted and ssl_options\\.password is not set`));
    expect(await startError({ ...files, sslPassword: 'wrong' })).toMatch(new RegExp(`^ssl_options\\.password does not decrypt '${locked.keyfile}'`));
    const t = await startTlsTarget({ ...files, sslPassword: 's3cret' });
    const conn = await connectTls(t.sslPort, certs);
    await conn.close();
    await t.close();
  });

  it('a TLS listener without certfile; verify_peer without cacertfile', async () => {
    expect(await startError({ sslKeyfile: certs.server.keyfile })).toBe('ssl_options.certfile is not set: a TLS listener needs it');
    expect(await startError({ ...sslFiles(certs), sslCacertfile: '', sslVerify: 'verify_peer' })).toMatch(/^ssl_options\.cacertfile is not set: ssl_options\.verify = verify_peer needs/);
  });

  it('cipher suites that are all forbidden (NULL)', async () => {
    expect(await startError({ ...sslFiles(certs), sslCiphers: ['NULL-SHA256', 'NULL-SHA'] })).toMatch(/^ssl_options\.ciphers: no usable cipher suite/);
  });

  it('management.ssl and prometheus.ssl files are named by their own keys', async () => {
    expect(await startError({ managementSslPort: 0, managementSslCertfile: '/nope.pem', managementSslKeyfile: certs.server.keyfile })).toBe(
      "management.ssl.certfile: cannot read '/nope.pem' (ENOENT)",
    );
    expect(await startError({ prometheusSslPort: 0, prometheusSslCertfile: certs.server.certfile, prometheusSslKeyfile: '/nokey.pem' })).toBe(
      "prometheus.ssl.keyfile: cannot read '/nokey.pem' (ENOENT)",
    );
  });

  it('never a half-working broker: the plain AMQP port is not left open', async () => {
    const port = await freePort();
    expect(await startError({ ...sslFiles(certs), port, sslCertfile: '/nonexistent.pem' })).toMatch(/^ssl_options\.certfile/);
    expect(await listening(port)).toBe(false);
  });

  it('the warren process exits 78 (EX_CONFIG) with the message on stderr', async () => {
    buildIfNeeded();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-tls-main-'));
    try {
      const w = spawnWarren(['--host', '127.0.0.1', '--port', '0', '--management-port', '0', '--management-host', '127.0.0.1', '--prometheus-port', '0', '--prometheus-host', '127.0.0.1', '--data-dir', dataDir, '--ssl-port', '0', '--ssl-certfile', '/nonexistent/cert.pem', '--ssl-keyfile', certs.server.keyfile]);
      expect(await w.exited).toBe(78);
      expect(w.stderr()).toBe("warren: ssl_options.certfile: cannot read '/nonexistent/cert.pem' (ENOENT)\n");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('certificate reload', () => {
  let t: TlsTarget;
  let certfile: string;
  let keyfile: string;
  let api: string;

  /** Puts the files of a new server certificate where the config points. */
  function replaceServerCertificate(name: string): string {
    const next = certs.issue(name, { subject: '/O=Warren Test/CN=localhost', san: 'DNS:localhost,IP:127.0.0.1' });
    copyFileSync(next.certfile, certfile);
    copyFileSync(next.keyfile, keyfile);
    return next.cert.toString();
  }

  beforeAll(async () => {
    certfile = certs.write('reload-cert.pem', certs.server.cert);
    keyfile = certs.write('reload-key.pem', certs.server.key);
    t = await startTlsTarget({ ...sslFiles(certs), sslCertfile: certfile, sslKeyfile: keyfile });
    api = `http://127.0.0.1:${t.services.management.port}`;
    t.services.users.add('plain-user', 'pw', ['monitoring']);
  });
  afterAll(() => t.close());

  const fingerprint = async (): Promise<string> => {
    const h = await handshake(t.sslPort, certs);
    h.socket.destroy();
    return h.fingerprint;
  };
  const reload = (user = 'guest', password = 'guest') => fetch(`${api}/api/certificates/reload`, { method: 'POST', headers: { authorization: basic(user, password) } });

  it('new connections get the new certificate; an open connection carries on', async () => {
    const before = await fingerprint();
    const open = await connectTls(t.sslPort, certs);
    const ch = await open.createChannel();
    replaceServerCertificate('reload-1');
    // Nothing changes until asked.
    expect(await fingerprint()).toBe(before);
    expect(t.services.reloadCertificates()).toEqual({ reloaded: ['amqp'] });
    const after = await fingerprint();
    expect(after).not.toBe(before);
    // The old connection still works.
    const { queue } = await ch.assertQueue('', { exclusive: true });
    ch.sendToQueue(queue, Buffer.from('still here'));
    await waitFor(async () => (await ch.checkQueue(queue)).messageCount === 1, 'the message in the queue');
    await open.close();
    const fresh = await connectTls(t.sslPort, certs);
    await fresh.close();
  });

  it('POST /api/certificates/reload: 200 with what was reloaded, administrators only', async () => {
    const before = await fingerprint();
    replaceServerCertificate('reload-2');
    const refused = await reload('plain-user', 'pw');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'not_authorised', reason: 'Not administrator user' });
    expect(await fingerprint()).toBe(before);
    const r = await reload();
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ reloaded: ['amqp'] });
    expect(await fingerprint()).not.toBe(before);
  });

  it('a bad file at reload: 400 naming the key, and the listener keeps its certificate', async () => {
    const before = await fingerprint();
    const good = replaceServerCertificate('reload-3');
    writeFileSync(certfile, 'garbage\n');
    const r = await reload();
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'bad_request', reason: expect.stringMatching(new RegExp(`^ssl_options\\.certfile: '${certfile}' holds no PEM certificate`)) as unknown });
    expect(await fingerprint()).toBe(before);
    writeFileSync(certfile, good);
  });

  it('warrenctl reload_certificates', async () => {
    const before = await fingerprint();
    replaceServerCertificate('reload-4');
    const r = await runCtl(api, 'reload_certificates');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('Will reload the TLS certificates, keys and CA certificates of every TLS listener ...\nReloaded the certificates of: amqp\n');
    expect(await fingerprint()).not.toBe(before);
    writeFileSync(certfile, 'garbage\n');
    const bad = await runCtl(api, '-q', 'reload_certificates');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('ssl_options.certfile');
  });
});

describe('SIGHUP reloads the certificates of the warren process', () => {
  it('new connections get the new certificate after kill -HUP', async () => {
    buildIfNeeded();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-tls-hup-'));
    const certfile = certs.write('hup-cert.pem', certs.server.cert);
    const keyfile = certs.write('hup-key.pem', certs.server.key);
    const w = spawnWarren([
      '--host', '127.0.0.1', '--port', '0', '--management-port', '0', '--management-host', '127.0.0.1', '--prometheus-port', '0', '--prometheus-host', '127.0.0.1',
      '--data-dir', dataDir, '--ssl-host', '127.0.0.1', '--ssl-port', '0', '--ssl-certfile', certfile, '--ssl-keyfile', keyfile,
    ]);
    try {
      const line = await w.waitForLog('AMQPS (TLS) listener started');
      const address = String(line.address);
      const port = Number(address.slice(address.lastIndexOf(':') + 1));
      const first = await handshake(port, certs);
      first.socket.destroy();
      const next = certs.issue('hup-next', { subject: '/O=Warren Test/CN=localhost', san: 'DNS:localhost,IP:127.0.0.1' });
      copyFileSync(next.certfile, certfile);
      copyFileSync(next.keyfile, keyfile);
      w.child.kill('SIGHUP');
      await w.waitForLog('TLS certificates reloaded');
      const second = await handshake(port, certs);
      second.socket.destroy();
      expect(second.fingerprint).not.toBe(first.fingerprint);
      expect(w.child.exitCode).toBe(null);
    } finally {
      await killWarren(w);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
