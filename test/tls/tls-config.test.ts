/** The TLS and listener config keys: numbered lists, `none`, refusals naming file:line and key. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../../src/config-load.js';
import { defaultConfig } from '../../src/config.js';
import { listenerAddresses } from '../../src/server/listeners.js';

function configError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('TLS config keys', () => {
  it('defaults: no TLS listener, TLS 1.3 and 1.2, verify_none, PLAIN and AMQPLAIN, DN login, 5 s handshake', () => {
    expect(defaultConfig()).toMatchObject({
      sslPort: -1,
      sslVersions: ['tlsv1.3', 'tlsv1.2'],
      sslVerify: 'verify_none',
      sslFailIfNoPeerCert: false,
      sslCiphers: [],
      authMechanisms: ['PLAIN', 'AMQPLAIN'],
      sslCertLoginFrom: 'distinguished_name',
      sslHandshakeTimeout: 5000,
      managementSslPort: -1,
      prometheusSslPort: -1,
    });
  });

  it('numbered lists keep file order; a repeated number is replaced', () => {
    expect(parseConfigText('ssl_options.versions.2 = tlsv1.2\nssl_options.versions.1 = tlsv1.3\nssl_options.versions.2 = tlsv1.3\n', 'f')).toEqual({ sslVersions: ['tlsv1.3'] });
    expect(parseConfigText('auth_mechanisms.1 = EXTERNAL\nauth_mechanisms.2 = PLAIN\n', 'f')).toEqual({ authMechanisms: ['EXTERNAL', 'PLAIN'] });
  });

  it('refusals name the file, the line and the key', () => {
    expect(configError(() => parseConfigText('\nssl_options.versions.1 = sslv3\n', 'f'))).toBe("f:2: invalid value 'sslv3' for 'ssl_options.versions.1': expected TLS versions among tlsv1.3, tlsv1.2, tlsv1.1, tlsv1");
    expect(configError(() => parseConfigText('ssl_options.verify = yes\n', 'f'))).toBe("f:1: invalid value 'yes' for 'ssl_options.verify': expected one of verify_none, verify_peer");
    expect(configError(() => parseConfigText('auth_mechanisms.1 = CRAM-MD5\n', 'f'))).toBe("f:1: invalid value 'CRAM-MD5' for 'auth_mechanisms.1': expected one of PLAIN, AMQPLAIN, EXTERNAL");
    expect(configError(() => parseConfigText('listeners.ssl.default = localhost\n', 'f'))).toMatch(/^f:1: invalid value 'localhost' for 'listeners.ssl.default'/);
    expect(configError(() => parseConfigText('ssl_cert_login_from = email\n', 'f'))).toBe(
      "f:1: invalid value 'email' for 'ssl_cert_login_from': expected one of distinguished_name, common_name, subject_alternative_name",
    );
    // The password is never echoed.
    expect(configError(() => parseConfigText('ssl_options.password =\n', 'f'))).toBe("f:1: missing value for 'ssl_options.password'");
  });

  it('flags and env vars: --ssl-port, --ssl-certfile, WARREN_SSL_VERSIONS, --auth-mechanisms', () => {
    const c = loadConfig({ file: false, argv: ['--ssl-port', '5671', '--ssl-certfile', '/c.pem', '--auth-mechanisms', 'PLAIN,EXTERNAL'], env: { WARREN_SSL_VERSIONS: 'tlsv1.3' } });
    expect(c).toMatchObject({ sslPort: 5671, sslCertfile: '/c.pem', authMechanisms: ['PLAIN', 'EXTERNAL'], sslVersions: ['tlsv1.3'] });
    expect(loadConfig({ file: false, argv: ['--ssl-port', 'none'] }).sslPort).toBe(-1);
  });
});

describe('listenerAddresses', () => {
  it('the default listener, then the others on :: unless they name an address; none: no listener', () => {
    expect(listenerAddresses('::', 5672, [{ port: 5673 }, { host: '127.0.0.1', port: 5674 }])).toEqual([
      { host: '::', port: 5672 },
      { host: '::', port: 5673 },
      { host: '127.0.0.1', port: 5674 },
    ]);
    expect(listenerAddresses('::', 5672, 'none')).toEqual([]);
    expect(listenerAddresses('::', -1, [])).toEqual([]);
    // The same address twice is bound once.
    expect(listenerAddresses('::', 5672, [{ port: 5672 }])).toEqual([{ host: '::', port: 5672 }]);
  });
});
