/**
 * EXTERNAL (rabbitmq_auth_mechanism_ssl): the client certificate alone logs a user in, with the name
 * taken from ssl_cert_login_from; offered on TLS connections only; an unknown user gets 403, a user
 * without permissions 530, as RabbitMQ 3.10.8 (the shared reference has no TLS listener, so the texts
 * come from RabbitMQ's rabbit_reader and rabbit_auth_mechanism_ssl).
 */
import tls from 'node:tls';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../../src/auth/users.js';
import type { Config } from '../../src/config.js';
import { login } from '../../src/server/connection/handshake.js';
import { fileURLToPath } from 'node:url';
import { TestCertificates, type Issued } from '../helpers/certs.js';
import { expectPika, runPython } from '../helpers/pika.js';
import { connectTls, sslFiles, startTlsTarget, type TlsTarget } from './tls-target.js';

const PIKA_TLS = fileURLToPath(new URL('./pika_tls.py', import.meta.url));

let certs: TestCertificates;
let alice: Issued;
let noPerms: Issued;
let stranger: Issued;
let escaped: Issued;

beforeAll(() => {
  certs = new TestCertificates();
  alice = certs.issue('alice', { subject: '/C=US/O=Warren Test/CN=alice', san: 'email:alice@example.com,DNS:alice.example.com,DNS:second.example.com' });
  noPerms = certs.issue('noperms', { subject: '/C=US/O=Warren Test/CN=noperms' });
  stranger = certs.issue('nobody', { subject: '/C=US/O=Warren Test/CN=nobody' });
  escaped = certs.issue('escaped', { subject: '/O=Warren, Test/CN=e\\+scaped' });
});
afterAll(() => certs.cleanup());

const EXTERNAL_SSL: Partial<Config> = { sslVerify: 'verify_peer', sslFailIfNoPeerCert: true, authMechanisms: ['PLAIN', 'AMQPLAIN', 'EXTERNAL'] };

/** The mechanisms field of connection.start, read off a raw (TLS or plain) socket. */
async function offeredMechanisms(open: () => tls.TLSSocket | import('node:net').Socket): Promise<string> {
  const socket = open();
  const chunks: Buffer[] = [];
  socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).includes(0xce)) resolve();
    });
    socket.on('error', reject);
  });
  socket.destroy();
  // connection.start ends with two long strings: mechanisms, then locales ("en_US").
  const frame = Buffer.concat(chunks);
  const locales = frame.lastIndexOf('en_US') - 4;
  for (let n = 1; n < 100; n++) if (frame.readUInt32BE(locales - n - 4) === n) return frame.toString('latin1', locales - n, locales);
  return `(not found in ${JSON.stringify(frame.toString('latin1'))})`;
}

describe('EXTERNAL with ssl_cert_login_from = distinguished_name (the default)', () => {
  let t: TlsTarget;
  beforeAll(async () => {
    t = await startTlsTarget({ ...sslFiles(certs), ...EXTERNAL_SSL });
    const users = t.services.users;
    users.add('CN=alice,O=Warren Test,C=US', 'unused-password');
    users.setPermissions('CN=alice,O=Warren Test,C=US', '/', { configure: '.*', write: '.*', read: '.*' });
    users.add('CN=noperms,O=Warren Test,C=US', 'unused-password');
    users.add('CN=e\\+scaped,O=Warren\\, Test', 'unused-password');
    users.setPermissions('CN=e\\+scaped,O=Warren\\, Test', '/', { configure: '.*', write: '.*', read: '.*' });
  });
  afterAll(() => t.close());

  it('offers EXTERNAL on the TLS listener only, after the configured mechanisms', async () => {
    const viaTls = await offeredMechanisms(() => tls.connect({ host: '127.0.0.1', port: t.sslPort, ca: [certs.ca.cert], servername: 'localhost', cert: alice.cert, key: alice.key }));
    expect(viaTls).toBe('PLAIN AMQPLAIN EXTERNAL');
    const net = await import('node:net');
    const plainPort = t.services.server.listeners.find((l) => l.protocol === 'amqp')?.port ?? 0;
    expect(await offeredMechanisms(() => net.connect(plainPort, '127.0.0.1'))).toBe('PLAIN AMQPLAIN');
  });

  it('a certificate whose subject names a user with permissions logs in without a password', async () => {
    const conn = await connectTls(t.sslPort, certs, { client: alice, external: true, user: 'ignored', password: 'ignored' });
    const ch = await conn.createChannel();
    await ch.checkQueue((await ch.assertQueue('', { exclusive: true })).queue);
    const [c] = t.services.server.listConnections();
    expect(c.user).toBe('CN=alice,O=Warren Test,C=US');
    await conn.close();
  });

  it('the subject is RFC 4514: most specific first, special characters escaped', async () => {
    const conn = await connectTls(t.sslPort, certs, { client: escaped, external: true });
    expect(t.services.server.listConnections().map((c) => c.user)).toContain('CN=e\\+scaped,O=Warren\\, Test');
    await conn.close();
  });

  it('an unknown user is refused with 403 and RabbitMQ text', async () => {
    await expect(connectTls(t.sslPort, certs, { client: stranger, external: true })).rejects.toThrow(
      /403 \(ACCESS-REFUSED\) with message "ACCESS_REFUSED - Login was refused using authentication mechanism EXTERNAL. For details see the broker logfile."/,
    );
  });

  it('a user without permissions in the vhost is refused with 530', async () => {
    // amqplib does not show the text of a close during the handshake: the pika test below reads it.
    await expect(connectTls(t.sslPort, certs, { client: noPerms, external: true })).rejects.toThrow('Expected ConnectionOpenOk; got <ConnectionClose channel:0>');
  });

  it('PLAIN still works on the TLS listener', async () => {
    const conn = await connectTls(t.sslPort, certs, { client: alice });
    await conn.close();
  });

  it('EXTERNAL is not offered on plain TCP (amqplib gives up before start-ok)', async () => {
    const plainPort = t.services.server.listeners.find((l) => l.protocol === 'amqp')?.port ?? 0;
    await expect(amqp.connect(`amqp://127.0.0.1:${plainPort}`, { credentials: amqp.credentials.external() })).rejects.toThrow(/EXTERNAL/);
  });
});

describe('EXTERNAL with ssl_cert_login_from = common_name and subject_alternative_name', () => {
  it('common_name: the CN is the user name', async () => {
    const t = await startTlsTarget({ ...sslFiles(certs), ...EXTERNAL_SSL, sslCertLoginFrom: 'common_name' });
    try {
      t.services.users.add('alice', 'x');
      t.services.users.setPermissions('alice', '/', { configure: '.*', write: '.*', read: '.*' });
      const conn = await connectTls(t.sslPort, certs, { client: alice, external: true });
      expect(t.services.server.listConnections()[0].user).toBe('alice');
      await conn.close();
    } finally {
      await t.close();
    }
  });

  it('subject_alternative_name: the SAN of ssl_cert_login_san_type at ssl_cert_login_san_index', async () => {
    const t = await startTlsTarget({ ...sslFiles(certs), ...EXTERNAL_SSL, sslCertLoginFrom: 'subject_alternative_name', sslCertLoginSanType: 'dns', sslCertLoginSanIndex: 1 });
    try {
      t.services.users.add('second.example.com', 'x');
      t.services.users.setPermissions('second.example.com', '/', { configure: '.*', write: '.*', read: '.*' });
      const conn = await connectTls(t.sslPort, certs, { client: alice, external: true });
      expect(t.services.server.listConnections()[0].user).toBe('second.example.com');
      await conn.close();
    } finally {
      await t.close();
    }
  });

  it('verify_none: EXTERNAL refuses (RabbitMQ: "TLS configuration is unsafe"; no certificate is even asked for)', async () => {
    const t = await startTlsTarget({ ...sslFiles(certs), authMechanisms: ['PLAIN', 'EXTERNAL'] });
    try {
      t.services.users.add('CN=alice,O=Warren Test,C=US', 'x');
      t.services.users.setPermissions('CN=alice,O=Warren Test,C=US', '/', { configure: '.*', write: '.*', read: '.*' });
      await expect(connectTls(t.sslPort, certs, { client: alice, external: true })).rejects.toThrow(/403 \(ACCESS-REFUSED\)/);
    } finally {
      await t.close();
    }
  });
});

describe('login(): the 503s of a mechanism that is unknown or not offered (rabbit_reader auth_mechanism_to_module)', () => {
  const users = new UserStore();
  const startOk = (mechanism: string) => ({ clientProperties: {}, mechanism, response: Buffer.alloc(0), locale: 'en_US' });
  const ext = (enabled: boolean) => ({ enabled, socket: null, verifyPeer: true, from: 'distinguished_name' as const, sanType: 'dns' as const, sanIndex: 0 });

  it('EXTERNAL without auth_mechanisms listing it is unknown (the plugin is not enabled)', () => {
    expect(() => login(startOk('EXTERNAL'), users, [], '127.0.0.1', ['PLAIN', 'AMQPLAIN'], ext(false))).toThrow("unknown authentication mechanism 'EXTERNAL'");
  });

  it('EXTERNAL configured but asked for on plain TCP is invalid', () => {
    expect(() => login(startOk('EXTERNAL'), users, [], '127.0.0.1', ['PLAIN', 'AMQPLAIN'], ext(true))).toThrow("invalid authentication mechanism 'EXTERNAL'");
  });

  it('PLAIN left out of auth_mechanisms is invalid', () => {
    expect(() => login(startOk('PLAIN'), users, [], '127.0.0.1', ['AMQPLAIN'], ext(false))).toThrow("invalid authentication mechanism 'PLAIN'");
  });

  it('EXTERNAL on a connection that is not TLS is refused with RabbitMQ reason in the log', () => {
    expect(login(startOk('EXTERNAL'), users, [], '127.0.0.1', ['EXTERNAL'], ext(true))).toEqual({ user: null, username: undefined, reason: 'EXTERNAL login refused: not a TLS-enabled connection' });
  });
});

describe('pika over TLS (pika.SSLOptions)', () => {
  let t: TlsTarget;
  beforeAll(async () => {
    await expectPika();
    t = await startTlsTarget({ ...sslFiles(certs), ...EXTERNAL_SSL, sslFailIfNoPeerCert: false });
    t.services.users.add('CN=alice,O=Warren Test,C=US', 'unused-password');
    t.services.users.setPermissions('CN=alice,O=Warren Test,C=US', '/', { configure: '.*', write: '.*', read: '.*' });
    t.services.users.add('CN=noperms,O=Warren Test,C=US', 'unused-password');
  });
  afterAll(() => t?.close());

  const pika = async (...args: string[]) => {
    const { stdout } = await runPython([PIKA_TLS, String(t.sslPort), certs.ca.certfile, ...args]);
    return JSON.parse(stdout.trim()) as Record<string, unknown>;
  };

  it('PLAIN over TLS with CA verification: messages flow over TLS 1.3', async () => {
    expect(await pika('-', '-', 'plain')).toEqual({ ok: true, body: 'pika over tls', tls: 'TLSv1.3' });
  });

  it('EXTERNAL with a client certificate logs in', async () => {
    expect(await pika(alice.certfile, alice.keyfile, 'external')).toEqual({ ok: true, body: 'pika over tls', tls: 'TLSv1.3' });
  });

  it('EXTERNAL for a user without permissions: 530 with RabbitMQ text', async () => {
    const r = await pika(noPerms.certfile, noPerms.keyfile, 'external');
    expect(r).toEqual({ ok: false, error: 'ProbableAccessDeniedError', detail: `ConnectionClosedByBroker: (530) "NOT_ALLOWED - access to vhost '/' refused for user 'CN=noperms,O=Warren Test,C=US'"` });
  });

  it('EXTERNAL for an unknown user: 403 with RabbitMQ text', async () => {
    const r = await pika(stranger.certfile, stranger.keyfile, 'external');
    expect(r).toEqual({
      ok: false,
      error: 'ProbableAuthenticationError',
      detail: "ConnectionClosedByBroker: (403) 'ACCESS_REFUSED - Login was refused using authentication mechanism EXTERNAL. For details see the broker logfile.'",
    });
  });
});
