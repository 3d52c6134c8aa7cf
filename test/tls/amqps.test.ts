/**
 * AMQPS (listeners.ssl.*, ssl_options.*): amqplib over TLS with CA verification, TLS 1.2/1.3 only by
 * default, mutual TLS (verify_peer, fail_if_no_peer_cert, a wrong CA, depth), a client that stalls
 * or sends garbage mid-handshake dropped within ssl_handshake_timeout without holding others up.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCertificates } from '../helpers/certs.js';
import { waitFor } from '../helpers/wait.js';
import { connectTls, handshake, sslFiles, startTlsTarget, type TlsTarget } from './tls-target.js';

let certs: TestCertificates;

beforeAll(() => {
  certs = new TestCertificates();
});
afterAll(() => certs.cleanup());

/** Publishes one message to a fresh queue and reads it back: the connection really works. */
async function roundTrip(conn: Awaited<ReturnType<typeof connectTls>>): Promise<string> {
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true });
  ch.sendToQueue(queue, Buffer.from('over tls'));
  let got: false | { content: Buffer } = false;
  await waitFor(async () => (got = await ch.get(queue, { noAck: true })) !== false, 'the message back');
  await ch.close();
  return (got as unknown as { content: Buffer }).content.toString();
}

describe('AMQPS with verify_none (server authentication only)', () => {
  let t: TlsTarget;
  beforeAll(async () => {
    t = await startTlsTarget({ ...sslFiles(certs), sslHandshakeTimeout: 500 });
  });
  afterAll(() => t.close());

  it('listens on both the plain and the TLS port and says which is which', () => {
    expect(t.services.server.listeners.map((l) => l.protocol)).toEqual(['amqp', 'amqp/ssl']);
    expect(t.sslPort).toBeGreaterThan(0);
  });

  it('amqplib connects with amqps:// verifying the server against the CA, and messages flow', async () => {
    const conn = await connectTls(t.sslPort, certs);
    expect(await roundTrip(conn)).toBe('over tls');
    await conn.close();
  });

  it('a client that does not trust the CA refuses the server', async () => {
    await expect(connectTls(t.sslPort, certs, { ca: certs.otherCa.cert })).rejects.toThrow(/self.signed|unable to verify|certificate/i);
  });

  it('negotiates TLS 1.3 by default and accepts TLS 1.2; TLS 1.1 and 1.0 are refused', async () => {
    const h13 = await handshake(t.sslPort, certs);
    expect(h13.protocol).toBe('TLSv1.3');
    h13.socket.destroy();
    const h12 = await handshake(t.sslPort, certs, { maxVersion: 'TLSv1.2' });
    expect(h12.protocol).toBe('TLSv1.2');
    h12.socket.destroy();
    // The client allows old versions at its lowest security level: only the server can refuse.
    await expect(handshake(t.sslPort, certs, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })).rejects.toThrow(/alert protocol version/);
  });

  it('never negotiates a NULL, anonymous or RC4 suite, even when the client offers only those', async () => {
    // The server's alert (40), not the client's own refusal: OpenSSL offers eNULL and aNULL suites at level 0.
    await expect(handshake(t.sslPort, certs, { maxVersion: 'TLSv1.2', ciphers: 'aNULL:eNULL:RC4:@SECLEVEL=0' })).rejects.toThrow(/alert handshake failure/);
  });

  it('a client that stalls mid-handshake is dropped after ssl_handshake_timeout, and others connect meanwhile', async () => {
    const stalled = net.connect(t.sslPort, '127.0.0.1');
    const closed = new Promise<number>((resolve) => {
      const opened = Date.now();
      stalled.on('close', () => resolve(Date.now() - opened));
    });
    stalled.on('error', () => undefined);
    // Half a ClientHello record header: the server waits for the rest.
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    stalled.write(Buffer.from([0x16, 0x03, 0x01]));
    const other = await connectTls(t.sslPort, certs);
    expect(await roundTrip(other)).toBe('over tls');
    await other.close();
    const after = await closed;
    expect(after).toBeGreaterThanOrEqual(400);
    expect(after).toBeLessThan(5000);
  });

  it('a client that sends garbage is dropped at once', async () => {
    const s = net.connect(t.sslPort, '127.0.0.1');
    s.on('error', () => undefined);
    const opened = Date.now();
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write('AMQP\x00\x00\x09\x01 this is not TLS at all\r\n');
    await new Promise<void>((r) => s.once('close', () => r()));
    expect(Date.now() - opened).toBeLessThan(400);
  });

  it('a plain AMQP client on the TLS port does not get in', async () => {
    const { default: amqp } = await import('amqplib');
    await expect(amqp.connect(`amqp://guest:guest@127.0.0.1:${t.sslPort}`)).rejects.toThrow();
  });
});

describe('mutual TLS: verify_peer + fail_if_no_peer_cert', () => {
  let t: TlsTarget;
  beforeAll(async () => {
    t = await startTlsTarget({ ...sslFiles(certs), sslVerify: 'verify_peer', sslFailIfNoPeerCert: true });
  });
  afterAll(() => t.close());

  it('a client with a certificate from the CA gets in', async () => {
    const client = certs.issue('mtls-client', { subject: '/O=Warren Test/CN=mtls-client' });
    const conn = await connectTls(t.sslPort, certs, { client });
    expect(await roundTrip(conn)).toBe('over tls');
    await conn.close();
  });

  it('a client without a certificate is refused', async () => {
    await expect(connectTls(t.sslPort, certs)).rejects.toThrow();
    expect(t.services.server.connectionCount).toBe(0);
  });

  it('a client whose certificate another CA signed is refused', async () => {
    const stranger = certs.issue('stranger', { subject: '/O=Elsewhere/CN=stranger', ca: certs.otherCa });
    await expect(connectTls(t.sslPort, certs, { client: stranger })).rejects.toThrow();
    expect(t.services.server.connectionCount).toBe(0);
  });
});

describe('verify_peer without fail_if_no_peer_cert, and depth', () => {
  let t: TlsTarget;
  let intermediate: ReturnType<TestCertificates['issue']>;
  beforeAll(async () => {
    intermediate = certs.issue('intermediate', { subject: '/O=Warren Test/CN=Intermediate CA', isCa: true });
    t = await startTlsTarget({ ...sslFiles(certs), sslVerify: 'verify_peer', sslFailIfNoPeerCert: false, sslDepth: 0 });
  });
  afterAll(() => t.close());

  it('a client without a certificate gets in (Erlang: verify_peer only checks a certificate that is sent)', async () => {
    const conn = await connectTls(t.sslPort, certs);
    expect(await roundTrip(conn)).toBe('over tls');
    await conn.close();
  });

  it('a client with a certificate another CA signed is still refused', async () => {
    const stranger = certs.issue('stranger2', { subject: '/O=Elsewhere/CN=stranger2', ca: certs.otherCa });
    await expect(connectTls(t.sslPort, certs, { client: stranger })).rejects.toThrow();
  });

  it('depth 0: a client signed by an intermediate CA is refused, one signed by the root is not', async () => {
    const leaf = certs.issue('via-intermediate', { subject: '/O=Warren Test/CN=via-intermediate', ca: intermediate });
    const chain = { ...leaf, cert: Buffer.concat([leaf.cert, intermediate.cert]) };
    await expect(connectTls(t.sslPort, certs, { client: chain })).rejects.toThrow();
    const direct = certs.issue('direct', { subject: '/O=Warren Test/CN=direct' });
    const conn = await connectTls(t.sslPort, certs, { client: direct });
    await conn.close();
  });
});

describe('listeners.tcp = none: AMQPS only', () => {
  it('opens no plain listener', async () => {
    const t = await startTlsTarget({ ...sslFiles(certs), tcpListeners: 'none' });
    try {
      expect(t.services.server.listeners.map((l) => l.protocol)).toEqual(['amqp/ssl']);
      const conn = await connectTls(t.sslPort, certs);
      await conn.close();
    } finally {
      await t.close();
    }
  });
});
