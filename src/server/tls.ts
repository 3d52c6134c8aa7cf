/**
 * TLS for every listener kind (AMQPS, management over HTTPS, Prometheus over HTTPS): RabbitMQ's
 * ssl_options.* turned into Node's TLS options, the files checked at start (a bad one stops the
 * start with a message naming its key), the peer checks Erlang's ssl makes (verify_peer,
 * fail_if_no_peer_cert, depth), and certificate reload without a restart (SIGHUP, warrenctl
 * reload_certificates): new connections get the new context, open ones keep theirs.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { Config, TlsVerify } from '../config.js';
import type { TlsVersion } from '../config-values.js';

/** One listener kind's TLS settings (the ten ssl_options keys). */
export interface TlsSettings {
  cacertfile: string;
  certfile: string;
  keyfile: string;
  password: string;
  verify: TlsVerify;
  failIfNoPeerCert: boolean;
  versions: readonly TlsVersion[];
  ciphers: readonly string[];
  depth: number;
  honorCipherOrder: boolean;
}

/** The Config field prefix of a listener kind and the rabbitmq.conf key prefix its messages name. */
export const TLS_SCOPES = {
  amqp: { field: 'ssl', key: 'ssl_options' },
  management: { field: 'managementSsl', key: 'management.ssl' },
  prometheus: { field: 'prometheusSsl', key: 'prometheus.ssl' },
} as const;

/** A listener kind with TLS settings. */
export type TlsScope = keyof typeof TLS_SCOPES;

/** A certificate, key or CA that cannot be used; the message names the config key. */
export class TlsConfigError extends Error {
  override name = 'TlsConfigError';
}

/** The settings of one listener kind, read from the Config. */
export function tlsSettings(config: Config, scope: TlsScope): TlsSettings {
  const p = TLS_SCOPES[scope].field;
  const c = config as unknown as Record<string, unknown>;
  return {
    cacertfile: c[`${p}Cacertfile`] as string,
    certfile: c[`${p}Certfile`] as string,
    keyfile: c[`${p}Keyfile`] as string,
    password: c[`${p}Password`] as string,
    verify: c[`${p}Verify`] as TlsVerify,
    failIfNoPeerCert: c[`${p}FailIfNoPeerCert`] as boolean,
    versions: c[`${p}Versions`] as TlsVersion[],
    ciphers: c[`${p}Ciphers`] as string[],
    depth: c[`${p}Depth`] as number,
    honorCipherOrder: c[`${p}HonorCipherOrder`] as boolean,
  };
}

const NODE_VERSION: Record<TlsVersion, tls.SecureVersion> = { 'tlsv1.3': 'TLSv1.3', 'tlsv1.2': 'TLSv1.2', 'tlsv1.1': 'TLSv1.1', tlsv1: 'TLSv1' };
const VERSION_ORDER: readonly TlsVersion[] = ['tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3'];
// Never enabled, whatever ssl_options.ciphers says: no authentication, no encryption, export grade, RC4.
const NEVER = '!aNULL:!eNULL:!EXPORT:!RC4:!ADH:!AECDH:!MD5';

/** What loading a listener kind's files produced: Node's context options and the certificate itself. */
export interface LoadedTls {
  /** For tls.createServer / https.createServer and setSecureContext. */
  readonly context: tls.SecureContextOptions;
  /** The server certificate (the first of the certfile). */
  readonly certificate: X509Certificate;
  readonly settings: TlsSettings;
}

function readKeyFile(key: string, file: string): Buffer {
  if (file === '') throw new TlsConfigError(`${key} is not set: a TLS listener needs it`);
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new TlsConfigError(`${key}: cannot read '${file}' (${code})`);
  }
}

/** The first PEM certificate of a file's text (a chain lists the server's first). */
function firstCertificate(key: string, file: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new TlsConfigError(`${key}: '${file}' holds no PEM certificate (${(e as Error).message})`);
  }
}

/**
 * Reads and checks a listener kind's certificate, key and CA files and builds Node's options.
 * Throws TlsConfigError naming the key: unreadable file, not a certificate, wrong password, key
 * that does not match the certificate, unusable versions or ciphers.
 */
export function loadTls(settings: TlsSettings, keyPrefix: string): LoadedTls {
  const k = (name: string): string => `${keyPrefix}.${name}`;
  const cert = readKeyFile(k('certfile'), settings.certfile);
  const key = readKeyFile(k('keyfile'), settings.keyfile);
  const certificate = firstCertificate(k('certfile'), settings.certfile, cert);
  let ca: Buffer | undefined;
  if (settings.cacertfile !== '') {
    ca = readKeyFile(k('cacertfile'), settings.cacertfile);
    firstCertificate(k('cacertfile'), settings.cacertfile, ca);
  } else if (settings.verify === 'verify_peer') {
    throw new TlsConfigError(`${k('cacertfile')} is not set: ${k('verify')} = verify_peer needs the CA certificates that verify clients`);
  }
  const order = settings.versions.map((v) => VERSION_ORDER.indexOf(v)).sort((a, b) => a - b);
  const minVersion = NODE_VERSION[VERSION_ORDER[order[0]]];
  const maxVersion = NODE_VERSION[VERSION_ORDER[order[order.length - 1]]];
  const base = settings.ciphers.length > 0 ? settings.ciphers.join(':') : tls.DEFAULT_CIPHERS;
  // OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level: configuring them asks for it.
  const legacy = order[0] < VERSION_ORDER.indexOf('tlsv1.2') ? ':@SECLEVEL=0' : '';
  const context: tls.SecureContextOptions = {
    cert,
    key,
    ca,
    passphrase: settings.password === '' ? undefined : settings.password,
    minVersion,
    maxVersion,
    ciphers: `${base}:${NEVER}${legacy}`,
    honorCipherOrder: settings.honorCipherOrder,
  };
  try {
    tls.createSecureContext(context);
  } catch (e) {
    throw new TlsConfigError(contextError(keyPrefix, settings, e as Error & { code?: string }));
  }
  return { context, certificate, settings };
}

// OpenSSL's reasons turned into the key an operator must fix.
function contextError(keyPrefix: string, s: TlsSettings, e: Error & { code?: string }): string {
  const m = e.message;
  if (/bad decrypt|bad password|decrypt|interrupted or cancelled/i.test(m)) {
    return s.password === '' ? `${keyPrefix}.keyfile: '${s.keyfile}' is encrypted and ${keyPrefix}.password is not set (${m})` : `${keyPrefix}.password does not decrypt '${s.keyfile}' (${m})`;
  }
  if (/key values mismatch|KEY_VALUES_MISMATCH/i.test(m)) return `${keyPrefix}.keyfile: '${s.keyfile}' does not match ${keyPrefix}.certfile '${s.certfile}'`;
  if (/cipher/i.test(m)) return `${keyPrefix}.ciphers: no usable cipher suite (${m})`;
  if (/version/i.test(m)) return `${keyPrefix}.versions: ${m}`;
  if (/key|PEM|asn1|decoder/i.test(m)) return `${keyPrefix}.keyfile: '${s.keyfile}' holds no usable private key (${m})`;
  return `${keyPrefix}: ${m}`;
}

/** The server options a TLS listener is created with, besides the context (they do not change on reload). */
export function serverOptions(loaded: LoadedTls, handshakeTimeout: number): tls.TlsOptions {
  const s = loaded.settings;
  const verify = s.verify === 'verify_peer';
  return {
    ...loaded.context,
    requestCert: verify,
    // Erlang's fail_if_no_peer_cert: refused in the handshake. Without it, a client with no certificate
    // is let in but one with a bad certificate is not (checked by peerRefusal after the handshake).
    rejectUnauthorized: verify && s.failIfNoPeerCert,
    handshakeTimeout,
  };
}

/** Why a peer that finished the handshake must still be refused (verify_peer and depth), or null. */
export function peerRefusal(socket: tls.TLSSocket, s: TlsSettings): string | null {
  if (s.verify !== 'verify_peer') return null;
  const peer = socket.getPeerCertificate(true);
  const presented = peer !== null && Object.keys(peer).length > 0;
  if (!presented) return s.failIfNoPeerCert ? 'no client certificate' : null;
  if (!socket.authorized) return `client certificate refused: ${String(socket.authorizationError)}`;
  // Erlang's depth: how many intermediate (non-self-issued) CA certificates may follow the peer's.
  let intermediates = 0;
  let c: tls.DetailedPeerCertificate = peer;
  while (c.issuerCertificate !== undefined && c.issuerCertificate !== c && c.issuerCertificate.fingerprint256 !== c.fingerprint256) {
    c = c.issuerCertificate;
    const selfIssued = c.issuerCertificate === undefined || c.issuerCertificate === c || c.issuerCertificate.fingerprint256 === c.fingerprint256;
    if (!selfIssued) intermediates++;
  }
  if (intermediates > s.depth) return `client certificate chain has ${intermediates} intermediate certificates, more than depth ${s.depth}`;
  return null;
}

/** A listener that serves TLS: `tls.Server`, `https.Server`. */
export interface TlsServer {
  setSecureContext(options: tls.SecureContextOptions): void;
}

/** A certificate a listener serves, for the certificate-expiration check. */
export interface ServedCertificate {
  scope: TlsScope;
  certfile: string;
  cacertfile: string;
  /** The certificate's notAfter. */
  validTo: Date;
}

/** What a reload did. */
export interface ReloadOutcome {
  /** The listener kinds whose certificates were read again. */
  reloaded: TlsScope[];
}

/**
 * The TLS material of every listener kind in use, and the listeners that serve it. `reload()` reads
 * every file again and, only when all of them are good, gives every listener its new context.
 */
export class CertificateStore {
  private readonly scopes = new Map<TlsScope, { loaded: LoadedTls; servers: TlsServer[] }>();

  /** Loads (and checks) a listener kind's files; throws TlsConfigError naming the key. Idempotent per scope. */
  load(scope: TlsScope, settings: TlsSettings): LoadedTls {
    const known = this.scopes.get(scope);
    if (known !== undefined) return known.loaded;
    const loaded = loadTls(settings, TLS_SCOPES[scope].key);
    this.scopes.set(scope, { loaded, servers: [] });
    return loaded;
  }

  /** A listener serving `scope`'s certificate (reload gives it the new context). */
  attach(scope: TlsScope, server: TlsServer): void {
    const s = this.scopes.get(scope);
    if (s === undefined) throw new RangeError(`no TLS settings loaded for ${scope}`);
    s.servers.push(server);
  }

  /** Forgets a closed listener. */
  detach(server: object): void {
    for (const s of this.scopes.values()) {
      const i = s.servers.indexOf(server as TlsServer);
      if (i >= 0) s.servers.splice(i, 1);
    }
  }

  /** The listener kinds with TLS. */
  get scopesInUse(): TlsScope[] {
    return [...this.scopes.keys()];
  }

  /** The certificates served now. */
  served(): ServedCertificate[] {
    return [...this.scopes].map(([scope, s]) => ({
      scope,
      certfile: s.loaded.settings.certfile,
      cacertfile: s.loaded.settings.cacertfile,
      validTo: new Date(s.loaded.certificate.validTo),
    }));
  }

  /**
   * Reads every listener kind's files again; when all are good, new connections get the new
   * certificates (open ones keep theirs). A bad file throws TlsConfigError and changes nothing.
   */
  reload(): ReloadOutcome {
    const fresh = [...this.scopes].map(([scope, s]) => [scope, loadTls(s.loaded.settings, TLS_SCOPES[scope].key)] as const);
    for (const [scope, loaded] of fresh) {
      const s = this.scopes.get(scope);
      if (s === undefined) continue;
      s.loaded = loaded;
      for (const server of s.servers) server.setSecureContext(loaded.context);
    }
    return { reloaded: fresh.map(([scope]) => scope) };
  }
}

// RFC 4514 attribute names as RabbitMQ prints them (rabbit_ssl:format_rdn); others keep OpenSSL's name.
const RDN_NAMES: Record<string, string> = {
  CN: 'CN',
  L: 'L',
  ST: 'ST',
  O: 'O',
  OU: 'OU',
  C: 'C',
  SN: 'SN',
  GN: 'GIVENNAME',
  title: 'TITLE',
  serialNumber: 'SERIALNUMBER',
  DC: 'DC',
  emailAddress: 'EMAILADDRESS',
  street: 'STREET',
  UID: 'UID',
  initials: 'INITIALS',
  pseudonym: 'PSEUDONYM',
  generationQualifier: 'GENERATIONQUALIFIER',
};

/** The subject's RDNs in certificate order, as [name, value] (Node prints one per line). */
function subjectEntries(cert: X509Certificate): Array<[string, string]> {
  return cert.subject
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const eq = l.indexOf('=');
      return [l.slice(0, eq), l.slice(eq + 1)];
    });
}

// Node prints values RFC 2253-escaped already (`O=Warren\\, Test`), the escaping rabbit_ssl's
// escape_rdn_value applies; a value on its own (the common name) is unescaped.
function unescapeRdn(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

/** rabbit_ssl:peer_cert_subject: the subject as an RFC 4514 string, most specific first ("CN=x,O=y,C=z"). */
export function distinguishedName(cert: X509Certificate): string {
  return subjectEntries(cert)
    .reverse()
    .map(([k, v]) => `${RDN_NAMES[k] ?? k}=${v}`)
    .join(',');
}

/** The subject's common names joined by "," (rabbit_ssl's common_name), or undefined without one. */
export function commonName(cert: X509Certificate): string | undefined {
  const cns = subjectEntries(cert).filter(([k]) => k === 'CN').map(([, v]) => unescapeRdn(v));
  return cns.length === 0 ? undefined : cns.join(',');
}

const SAN_PREFIX: Record<string, string> = { dns: 'DNS:', ip: 'IP Address:', email: 'email:', uri: 'URI:' };

/** The `index`th subject alternative name of `type`, or undefined. */
export function subjectAltName(cert: X509Certificate, type: string, index: number): string | undefined {
  const prefix = SAN_PREFIX[type];
  if (prefix === undefined || cert.subjectAltName === undefined) return undefined;
  // Node prints "DNS:a, DNS:b, IP Address:1.2.3.4"; values with commas are quoted (JSON style).
  const names = cert.subjectAltName.split(/, (?=(?:DNS|IP Address|email|URI|DirName|othername|Registered ID):)/);
  const values = names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  const v = values[index];
  if (v === undefined) return undefined;
  return v.startsWith('"') ? (JSON.parse(v) as string) : v;
}
