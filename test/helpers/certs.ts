/**
 * Test certificates made with the machine's `openssl` in a temp dir: a CA, a server certificate
 * for localhost / 127.0.0.1 / ::1, client certificates, and a second CA that nobody trusts.
 * EC P-256 keys: generated in milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A certificate and its key, as files and as PEM text. */
export interface Issued {
  certfile: string;
  keyfile: string;
  cert: Buffer;
  key: Buffer;
}

/** What issue() may set. */
export interface IssueOptions {
  /** The subject, e.g. "/C=US/O=Warren Test/CN=client". */
  subject: string;
  /** subjectAltName, e.g. "DNS:localhost,IP:127.0.0.1". */
  san?: string;
  /** The signing CA (default: the test CA). */
  ca?: Issued;
  /** Validity in days (default 30); negative: not valid yet is not supported, use small numbers. */
  days?: number;
  /** Encrypt the key with this password. */
  password?: string;
  /** CA:TRUE (an intermediate CA). */
  isCa?: boolean;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A temp dir of certificates; `cleanup()` removes it. */
export class TestCertificates {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'warren-certs-'));
  readonly ca: Issued;
  /** A CA the broker does not trust. */
  readonly otherCa: Issued;
  /** localhost, 127.0.0.1, ::1, signed by `ca`. */
  readonly server: Issued;
  private n = 0;

  constructor() {
    this.ca = this.selfSigned('ca', '/O=Warren Test/CN=Warren Test CA');
    this.otherCa = this.selfSigned('other-ca', '/O=Elsewhere/CN=Untrusted CA');
    this.server = this.issue('server', { subject: '/O=Warren Test/CN=localhost', san: 'DNS:localhost,IP:127.0.0.1,IP:::1' });
  }

  private files(name: string): { certfile: string; keyfile: string } {
    return { certfile: path.join(this.dir, `${name}.pem`), keyfile: path.join(this.dir, `${name}-key.pem`) };
  }

  private read(f: { certfile: string; keyfile: string }): Issued {
    return { ...f, cert: readFileSync(f.certfile), key: readFileSync(f.keyfile) };
  }

  /** A self-signed CA certificate. */
  selfSigned(name: string, subject: string, days = 30): Issued {
    const f = this.files(name);
    openssl(
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f.keyfile, '-out', f.certfile, '-days', String(days), '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
      this.dir,
    );
    return this.read(f);
  }

  /** A certificate signed by opts.ca (default: the test CA). */
  issue(name: string, opts: IssueOptions): Issued {
    const f = this.files(name);
    const ca = opts.ca ?? this.ca;
    const csr = path.join(this.dir, `${name}.csr`);
    const ext = path.join(this.dir, `${name}.ext`);
    const lines = [opts.isCa === true ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=CA:FALSE'];
    if (opts.isCa === true) lines.push('keyUsage=critical,keyCertSign,cRLSign');
    if (opts.san !== undefined) lines.push(`subjectAltName=${opts.san}`);
    writeFileSync(ext, lines.join('\n') + '\n');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f.keyfile, '-out', csr, '-subj', opts.subject], this.dir);
    openssl(['x509', '-req', '-in', csr, '-CA', ca.certfile, '-CAkey', ca.keyfile, '-set_serial', String(Date.now() * 100 + this.n++), '-days', String(opts.days ?? 30), '-out', f.certfile, '-extfile', ext], this.dir);
    if (opts.password !== undefined) {
      const plain = `${f.keyfile}.plain`;
      renameSync(f.keyfile, plain);
      openssl(['pkey', '-in', plain, '-out', f.keyfile, '-aes256', '-passout', `pass:${opts.password}`], this.dir);
    }
    return this.read(f);
  }

  /** A file in the dir with this text (bad certificates, chains). */
  write(name: string, text: string | Buffer): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  /** Removes the dir. */
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
