import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import {
  ConfigError,
  configOptions,
  defaultConfigFile,
  loadConfig,
  parseConfigText,
  usage,
} from '../../src/config-load.js';
import { createLogger } from '../../src/log.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'warren-config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes a config file and returns its path. */
function conf(text: string): string {
  const file = path.join(dir, `c${++n}.conf`);
  writeFileSync(file, text);
  return file;
}

/** The ConfigError message thrown by fn. */
function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('with no file, env or flags the config is RabbitMQ 3.13 defaults', () => {
    expect(loadConfig({ file: false })).toEqual(defaultConfig());
    expect(defaultConfig()).toMatchObject({ port: 5672, managementPort: 15672, dataDir: './data', loopbackUsers: ['guest'] });
  });

  it('the packaged config/warren.conf changes nothing (every line is a commented-out default)', () => {
    expect(loadConfig({})).toEqual(defaultConfig());
  });

  it('the packaged config/warren.conf documents every supported key', () => {
    const text = readFileSync(defaultConfigFile, 'utf8');
    const keys = configOptions.flatMap((o) => o.keys).filter((k) => !k.includes('<'));
    for (const key of [...keys, 'loopback_users.guest']) {
      if (key === 'log.console.level' || key === 'log.default.level') expect(text).toContain(key);
      else expect(text, key).toMatch(new RegExp(`^# ${key.replace(/\./g, '\\.')} = `, 'm'));
    }
  });
});

describe('config file', () => {
  it('parses every key', () => {
    const file = conf(`
# a comment
listeners.tcp.default = 127.0.0.2:5673
management.tcp.port = 15673
management.tcp.ip = 127.0.0.3
prometheus.tcp.port = 15693
prometheus.tcp.ip = 127.0.0.4
prometheus.path = /prom/
prometheus.return_per_object_metrics = true
prometheus.filter_aggregated_queue_metrics_pattern = ^amq\\.gen-
data_dir = /var/lib/warren   # trailing comment
load_definitions = /etc/warren/defs.json
default_user = admin
default_pass = s3cret
default_vhost = prod
default_user_tags.monitoring = true
default_user_tags.custom = true
default_permissions.configure = ^app-
default_permissions.write = ^w
default_permissions.read = .*
loopback_users.admin = true
heartbeat = 30
frame_max = 8192
channel_max = 100
max_message_size = 1048576
consumer_timeout = 60000
handshake_timeout = 5000
disk_free_limit.absolute = 2GB
log.level = warning
vm_memory_high_watermark.relative = 0.6
vm_memory_high_watermark.absolute = 1GB
vm_memory_high_watermark_paging_ratio = 0.75
paging.threshold = 10MB
paging.head_messages = 100
paging.head_bytes = 1MB
listeners.tcp.other = [::1]:5674
listeners.tcp.third = 5675
listeners.ssl.default = 127.0.0.5:5671
listeners.ssl.more = ::1:5676
ssl_handshake_timeout = 3000
auth_mechanisms.1 = EXTERNAL
auth_mechanisms.2 = PLAIN
ssl_cert_login_from = common_name
ssl_cert_login_san_type = email
ssl_cert_login_san_index = 1
ssl_options.cacertfile = /s/ca.pem
ssl_options.certfile = /s/cert.pem
ssl_options.keyfile = /s/key.pem
ssl_options.password = spw
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = true
ssl_options.versions.1 = tlsv1.3
ssl_options.versions.2 = tlsv1.2
ssl_options.ciphers.1 = TLS_AES_256_GCM_SHA384
ssl_options.ciphers.2 = ECDHE-RSA-AES256-GCM-SHA384
ssl_options.depth = 2
ssl_options.honor_cipher_order = true
management.ssl.port = 15671
management.ssl.ip = 127.0.0.6
management.ssl.cacertfile = /m/ca.pem
management.ssl.certfile = /m/cert.pem
management.ssl.keyfile = /m/key.pem
management.ssl.password = mpw
management.ssl.verify = verify_peer
management.ssl.fail_if_no_peer_cert = true
management.ssl.versions.1 = tlsv1.3
management.ssl.versions.2 = tlsv1.2
management.ssl.ciphers.1 = TLS_AES_256_GCM_SHA384
management.ssl.ciphers.2 = ECDHE-RSA-AES256-GCM-SHA384
management.ssl.depth = 2
management.ssl.honor_cipher_order = true
prometheus.ssl.port = 15691
prometheus.ssl.ip = 127.0.0.7
prometheus.ssl.cacertfile = /p/ca.pem
prometheus.ssl.certfile = /p/cert.pem
prometheus.ssl.keyfile = /p/key.pem
prometheus.ssl.password = ppw
prometheus.ssl.verify = verify_peer
prometheus.ssl.fail_if_no_peer_cert = true
prometheus.ssl.versions.1 = tlsv1.3
prometheus.ssl.versions.2 = tlsv1.2
prometheus.ssl.ciphers.1 = TLS_AES_256_GCM_SHA384
prometheus.ssl.ciphers.2 = ECDHE-RSA-AES256-GCM-SHA384
prometheus.ssl.depth = 2
prometheus.ssl.honor_cipher_order = true
collect_statistics_interval = 1000
management.rates_mode = detailed
server_properties.product = Warren
cluster_name = c1
connection_max = 100
shutdown_timeout = 12000
`);
    expect(loadConfig({ file })).toEqual({
      tcpListeners: [{ host: '::1', port: 5674 }, { port: 5675 }],
      sslHost: '127.0.0.5',
      sslPort: 5671,
      sslListeners: [{ host: '::1', port: 5676 }],
      sslHandshakeTimeout: 3000,
      authMechanisms: ['EXTERNAL', 'PLAIN'],
      sslCertLoginFrom: 'common_name',
      sslCertLoginSanType: 'email',
      sslCertLoginSanIndex: 1,
      sslCacertfile: '/s/ca.pem',
      sslCertfile: '/s/cert.pem',
      sslKeyfile: '/s/key.pem',
      sslPassword: 'spw',
      sslVerify: 'verify_peer',
      sslFailIfNoPeerCert: true,
      sslVersions: ['tlsv1.3', 'tlsv1.2'],
      sslCiphers: ['TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
      sslDepth: 2,
      sslHonorCipherOrder: true,
      managementSslPort: 15671,
      managementSslHost: '127.0.0.6',
      managementSslCacertfile: '/m/ca.pem',
      managementSslCertfile: '/m/cert.pem',
      managementSslKeyfile: '/m/key.pem',
      managementSslPassword: 'mpw',
      managementSslVerify: 'verify_peer',
      managementSslFailIfNoPeerCert: true,
      managementSslVersions: ['tlsv1.3', 'tlsv1.2'],
      managementSslCiphers: ['TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
      managementSslDepth: 2,
      managementSslHonorCipherOrder: true,
      prometheusSslPort: 15691,
      prometheusSslHost: '127.0.0.7',
      prometheusSslCacertfile: '/p/ca.pem',
      prometheusSslCertfile: '/p/cert.pem',
      prometheusSslKeyfile: '/p/key.pem',
      prometheusSslPassword: 'ppw',
      prometheusSslVerify: 'verify_peer',
      prometheusSslFailIfNoPeerCert: true,
      prometheusSslVersions: ['tlsv1.3', 'tlsv1.2'],
      prometheusSslCiphers: ['TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
      prometheusSslDepth: 2,
      prometheusSslHonorCipherOrder: true,
      host: '127.0.0.2',
      port: 5673,
      managementPort: 15673,
      managementHost: '127.0.0.3',
      prometheusPort: 15693,
      prometheusHost: '127.0.0.4',
      prometheusPath: '/prom',
      prometheusReturnPerObjectMetrics: true,
      prometheusFilterAggregatedQueueMetricsPattern: '^amq\\.gen-',
      dataDir: '/var/lib/warren',
      loadDefinitions: '/etc/warren/defs.json',
      defaultUser: 'admin',
      defaultPass: 's3cret',
      defaultVhost: 'prod',
      defaultUserTags: ['monitoring', 'custom'],
      defaultPermissionConfigure: '^app-',
      defaultPermissionWrite: '^w',
      defaultPermissionRead: '.*',
      loopbackUsers: ['admin'],
      heartbeat: 30,
      frameMax: 8192,
      channelMax: 100,
      maxMessageSize: 1048576,
      consumerTimeout: 60000,
      handshakeTimeout: 5000,
      diskFreeLimit: 2000000000,
      logLevel: 'warn',
      memoryHighWatermark: 0.6,
      memoryHighWatermarkAbsolute: 1000000000, // GB: powers of 1000, as RabbitMQ (and disk_free_limit)
      memoryPagingRatio: 0.75,
      pagingThreshold: 10485760,
      pagingHeadMessages: 100,
      pagingHeadBytes: 1048576,
      collectStatisticsInterval: 1000,
      managementRatesMode: 'detailed',
      serverPropertiesProduct: 'Warren',
      clusterName: 'c1',
      connectionMax: 100,
      shutdownTimeout: 12000,
    });
  });

  it('disk_free_limit.absolute takes RabbitMQ information units: kB/MB/GB are powers of 1000, k/KiB/MiB/GiB of 1024', () => {
    const limit = (v: string) => parseConfigText(`disk_free_limit.absolute = ${v}`, 'f');
    expect(limit('50000000')).toEqual({ diskFreeLimit: 50000000 });
    expect(limit('50MB')).toEqual({ diskFreeLimit: 50000000 });
    expect(limit('1kB')).toEqual({ diskFreeLimit: 1000 });
    expect(limit('2MiB')).toEqual({ diskFreeLimit: 2097152 });
    expect(limit('1G')).toEqual({ diskFreeLimit: 1073741824 });
    expect(() => limit('50 parsecs')).toThrow(/invalid value '50 parsecs' for 'disk_free_limit.absolute'/);
  });

  it('listeners.tcp.default accepts a port, ip:port and both IPv6 forms', () => {
    expect(parseConfigText('listeners.tcp.default = 5673', 'f')).toEqual({ port: 5673 });
    expect(parseConfigText('listeners.tcp.default = 0.0.0.0:0', 'f')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseConfigText('listeners.tcp.default = ::1:5673', 'f')).toEqual({ host: '::1', port: 5673 });
    expect(parseConfigText('listeners.tcp.default = [::1]:5673', 'f')).toEqual({ host: '::1', port: 5673 });
  });

  it('loopback_users = none lets every user connect remotely', () => {
    expect(parseConfigText('loopback_users = none', 'f')).toEqual({ loopbackUsers: [] });
  });

  it('loopback_users.<user> lines replace the list with the users set to true, as RabbitMQ does', () => {
    expect(parseConfigText('loopback_users.guest = false', 'f')).toEqual({ loopbackUsers: [] });
    expect(parseConfigText('loopback_users.alice = true', 'f')).toEqual({ loopbackUsers: ['alice'] });
    expect(parseConfigText('loopback_users.guest = true\nloopback_users.bob = true\nloopback_users.bob = false', 'f')).toEqual({
      loopbackUsers: ['guest'],
    });
    expect(parseConfigText('loopback_users.guest = true\nloopback_users = none', 'f')).toEqual({ loopbackUsers: [] });
  });

  it('maps RabbitMQ log levels onto pino levels, under all three key names', () => {
    expect(parseConfigText('log.level = none', 'f')).toEqual({ logLevel: 'silent' });
    expect(parseConfigText('log.console.level = critical', 'f')).toEqual({ logLevel: 'fatal' });
    expect(parseConfigText('log.default.level = debug', 'f')).toEqual({ logLevel: 'debug' });
    expect(parseConfigText('log.level = warn', 'f')).toEqual({ logLevel: 'warn' });
  });

  it('frame_max accepts cuttlefish byte sizes', () => {
    expect(parseConfigText('frame_max = 128KB', 'f')).toEqual({ frameMax: 131072 });
    expect(parseConfigText('frame_max = 4096', 'f')).toEqual({ frameMax: 4096 });
  });

  it('a later line wins; CRLF line endings and surrounding blanks are fine', () => {
    expect(parseConfigText('heartbeat = 10\r\n\r\n   heartbeat=20   \r\n', 'f')).toEqual({ heartbeat: 20 });
  });

  it('an unknown key names the file, the line and the key', () => {
    const file = conf('heartbeat = 30\n\nfoo.bar = 1\n');
    expect(configError(() => loadConfig({ file }))).toBe(`${file}:3: unknown key 'foo.bar'`);
  });

  it.each([
    ['heartbeat = abc', "f:1: invalid value 'abc' for 'heartbeat': expected an integer from 0 to 65535"],
    ['heartbeat = -1', "f:1: invalid value '-1' for 'heartbeat'"],
    ['management.tcp.port = 65536', "f:1: invalid value '65536' for 'management.tcp.port': expected a port number"],
    ['listeners.tcp.default = 127.0.0.1:99999', "f:1: invalid value '127.0.0.1:99999' for 'listeners.tcp.default'"],
    ['listeners.tcp.default = localhost', "f:1: invalid value 'localhost' for 'listeners.tcp.default': expected a port or ip:port"],
    ['frame_max = 4095', "f:1: invalid value '4095' for 'frame_max'"],
    ['channel_max = 65536', "f:1: invalid value '65536' for 'channel_max'"],
    ['max_message_size = 536870913', "f:1: invalid value '536870913' for 'max_message_size'"],
    ['consumer_timeout = 1.5', "f:1: invalid value '1.5' for 'consumer_timeout'"],
    ['log.level = loud', "f:1: invalid value 'loud' for 'log.level': expected one of"],
    ['loopback_users = guest', "f:1: invalid value 'guest' for 'loopback_users': expected 'none'"],
    ['loopback_users.guest = yes', "f:1: invalid value 'yes' for 'loopback_users.guest': expected true or false"],
    ['default_user =', "f:1: missing value for 'default_user'"],
    ['heartbeat 30', "f:1: expected 'key = value', got 'heartbeat 30'"],
  ])('%s is rejected with key and line', (text, message) => {
    expect(configError(() => parseConfigText(text, 'f'))).toContain(message);
  });

  it('reports the line number of the offending line, counting comments and blanks', () => {
    expect(configError(() => parseConfigText('# one\n\nheartbeat = 1\nframe_max = 1\n', 'config/warren.conf'))).toMatch(
      /^config\/warren\.conf:4: invalid value '1' for 'frame_max'/,
    );
  });

  it('a config file named explicitly must exist', () => {
    const missing = path.join(dir, 'missing.conf');
    expect(configError(() => loadConfig({ file: missing }))).toBe(`${missing}: config file not found`);
    expect(configError(() => loadConfig({ argv: ['--config', missing] }))).toContain('config file not found');
    expect(configError(() => loadConfig({ env: { WARREN_CONFIG_FILE: missing } }))).toContain('config file not found');
  });
});

describe('environment and flags', () => {
  it('precedence is defaults < file < env < flags', () => {
    const file = conf('listeners.tcp.default = 1111\nmanagement.tcp.port = 2222\nheartbeat = 5\nframe_max = 8192\n');
    const env = { WARREN_MANAGEMENT_PORT: '3333', WARREN_HEARTBEAT: '6', WARREN_PORT: '4444' };
    const c = loadConfig({ file, env, argv: ['--port', '5555'] });
    expect(c.port).toBe(5555); // flag beats env and file
    expect(c.managementPort).toBe(3333); // env beats file
    expect(c.heartbeat).toBe(6);
    expect(c.frameMax).toBe(8192); // file beats default
    expect(c.channelMax).toBe(2047); // default
  });

  it('--config beats WARREN_CONFIG_FILE, which beats the file option', () => {
    const a = conf('heartbeat = 1');
    const b = conf('heartbeat = 2');
    const c = conf('heartbeat = 3');
    expect(loadConfig({ file: a, env: { WARREN_CONFIG_FILE: b }, argv: ['--config', c] }).heartbeat).toBe(3);
    expect(loadConfig({ file: a, env: { WARREN_CONFIG_FILE: b } }).heartbeat).toBe(2);
    expect(loadConfig({ file: a }).heartbeat).toBe(1);
  });

  it('every option with an env var is read from it', () => {
    const c = loadConfig({
      file: false,
      env: {
        WARREN_HOST: '127.0.0.1',
        WARREN_PORT: '1',
        WARREN_MANAGEMENT_HOST: '::1',
        WARREN_MANAGEMENT_PORT: '2',
        WARREN_PROMETHEUS_HOST: '127.0.0.9',
        WARREN_PROMETHEUS_PORT: '9',
        WARREN_DATA_DIR: '/d',
        WARREN_LOAD_DEFINITIONS: '/defs.json',
        WARREN_DEFAULT_USER: 'u',
        WARREN_DEFAULT_PASS: 'p#ss word',
        WARREN_DEFAULT_VHOST: 'v',
        WARREN_DEFAULT_USER_TAGS: 'management, x',
        WARREN_LOOPBACK_USERS: 'a,b',
        WARREN_HEARTBEAT: '3',
        WARREN_FRAME_MAX: '1MB',
        WARREN_CHANNEL_MAX: '4',
        WARREN_MAX_MESSAGE_SIZE: '5',
        WARREN_CONSUMER_TIMEOUT: '6',
        WARREN_HANDSHAKE_TIMEOUT: '7',
        WARREN_DISK_FREE_LIMIT: '1MB',
        WARREN_LOG_LEVEL: 'error',
        WARREN_VM_MEMORY_HIGH_WATERMARK: '0.5',
        WARREN_VM_MEMORY_HIGH_WATERMARK_PAGING_RATIO: '0.25',
        WARREN_PAGING_THRESHOLD: '0',
        WARREN_PAGING_HEAD_MESSAGES: '8',
        WARREN_PAGING_HEAD_BYTES: '1KB',
        WARREN_TCP_LISTENERS: 'none',
        WARREN_SSL_HOST: '127.0.0.8',
        WARREN_SSL_PORT: '10',
        WARREN_SSL_LISTENERS: '11,[::1]:12',
        WARREN_SSL_HANDSHAKE_TIMEOUT: '13',
        WARREN_AUTH_MECHANISMS: 'EXTERNAL,AMQPLAIN',
        WARREN_SSL_CERT_LOGIN_FROM: 'subject_alternative_name',
        WARREN_SSL_CACERTFILE: '/s/ca',
        WARREN_SSL_CERTFILE: '/s/c',
        WARREN_SSL_KEYFILE: '/s/k',
        WARREN_SSL_PASSWORD: 'sp',
        WARREN_SSL_VERIFY: 'verify_peer',
        WARREN_SSL_FAIL_IF_NO_PEER_CERT: 'true',
        WARREN_SSL_VERSIONS: 'tlsv1.2',
        WARREN_SSL_CIPHERS: 'AES128-GCM-SHA256',
        WARREN_SSL_DEPTH: '4',
        WARREN_SSL_HONOR_CIPHER_ORDER: 'true',
        WARREN_MANAGEMENT_SSL_CACERTFILE: '/m/ca',
        WARREN_MANAGEMENT_SSL_CERTFILE: '/m/c',
        WARREN_MANAGEMENT_SSL_KEYFILE: '/m/k',
        WARREN_MANAGEMENT_SSL_PASSWORD: 'mp',
        WARREN_MANAGEMENT_SSL_VERIFY: 'verify_peer',
        WARREN_MANAGEMENT_SSL_FAIL_IF_NO_PEER_CERT: 'true',
        WARREN_MANAGEMENT_SSL_VERSIONS: 'tlsv1.2',
        WARREN_MANAGEMENT_SSL_CIPHERS: 'AES128-GCM-SHA256',
        WARREN_MANAGEMENT_SSL_DEPTH: '4',
        WARREN_MANAGEMENT_SSL_HONOR_CIPHER_ORDER: 'true',
        WARREN_PROMETHEUS_SSL_CACERTFILE: '/p/ca',
        WARREN_PROMETHEUS_SSL_CERTFILE: '/p/c',
        WARREN_PROMETHEUS_SSL_KEYFILE: '/p/k',
        WARREN_PROMETHEUS_SSL_PASSWORD: 'pp',
        WARREN_PROMETHEUS_SSL_VERIFY: 'verify_peer',
        WARREN_PROMETHEUS_SSL_FAIL_IF_NO_PEER_CERT: 'true',
        WARREN_PROMETHEUS_SSL_VERSIONS: 'tlsv1.2',
        WARREN_PROMETHEUS_SSL_CIPHERS: 'AES128-GCM-SHA256',
        WARREN_PROMETHEUS_SSL_DEPTH: '4',
        WARREN_PROMETHEUS_SSL_HONOR_CIPHER_ORDER: 'true',
        WARREN_MANAGEMENT_SSL_HOST: '::',
        WARREN_MANAGEMENT_SSL_PORT: '14',
        WARREN_PROMETHEUS_SSL_HOST: '127.0.0.9',
        WARREN_PROMETHEUS_SSL_PORT: 'none',
        WARREN_COLLECT_STATISTICS_INTERVAL: '250',
        WARREN_MANAGEMENT_RATES_MODE: 'detailed',
        WARREN_SERVER_PROPERTIES_PRODUCT: 'Warren',
        WARREN_CLUSTER_NAME: 'c2',
        WARREN_CONNECTION_MAX: '50',
        WARREN_SHUTDOWN_TIMEOUT: '9',
      },
    });
    expect(c).toEqual({
      tcpListeners: 'none',
      sslHost: '127.0.0.8',
      sslPort: 10,
      sslListeners: [{ port: 11 }, { host: '::1', port: 12 }],
      sslHandshakeTimeout: 13,
      authMechanisms: ['EXTERNAL', 'AMQPLAIN'],
      sslCertLoginFrom: 'subject_alternative_name',
      sslCertLoginSanType: 'dns',
      sslCertLoginSanIndex: 0,
      sslCacertfile: '/s/ca',
      sslCertfile: '/s/c',
      sslKeyfile: '/s/k',
      sslPassword: 'sp',
      sslVerify: 'verify_peer',
      sslFailIfNoPeerCert: true,
      sslVersions: ['tlsv1.2'],
      sslCiphers: ['AES128-GCM-SHA256'],
      sslDepth: 4,
      sslHonorCipherOrder: true,
      managementSslCacertfile: '/m/ca',
      managementSslCertfile: '/m/c',
      managementSslKeyfile: '/m/k',
      managementSslPassword: 'mp',
      managementSslVerify: 'verify_peer',
      managementSslFailIfNoPeerCert: true,
      managementSslVersions: ['tlsv1.2'],
      managementSslCiphers: ['AES128-GCM-SHA256'],
      managementSslDepth: 4,
      managementSslHonorCipherOrder: true,
      prometheusSslCacertfile: '/p/ca',
      prometheusSslCertfile: '/p/c',
      prometheusSslKeyfile: '/p/k',
      prometheusSslPassword: 'pp',
      prometheusSslVerify: 'verify_peer',
      prometheusSslFailIfNoPeerCert: true,
      prometheusSslVersions: ['tlsv1.2'],
      prometheusSslCiphers: ['AES128-GCM-SHA256'],
      prometheusSslDepth: 4,
      prometheusSslHonorCipherOrder: true,
      managementSslHost: '::',
      managementSslPort: 14,
      prometheusSslHost: '127.0.0.9',
      prometheusSslPort: -1,
      host: '127.0.0.1',
      port: 1,
      managementHost: '::1',
      managementPort: 2,
      prometheusHost: '127.0.0.9',
      prometheusPort: 9,
      prometheusPath: '/metrics',
      prometheusReturnPerObjectMetrics: false,
      prometheusFilterAggregatedQueueMetricsPattern: '',
      dataDir: '/d',
      loadDefinitions: '/defs.json',
      defaultUser: 'u',
      defaultPass: 'p#ss word',
      defaultVhost: 'v',
      defaultUserTags: ['management', 'x'],
      defaultPermissionConfigure: '.*',
      defaultPermissionWrite: '.*',
      defaultPermissionRead: '.*',
      loopbackUsers: ['a', 'b'],
      heartbeat: 3,
      frameMax: 1048576,
      channelMax: 4,
      maxMessageSize: 5,
      consumerTimeout: 6,
      handshakeTimeout: 7,
      diskFreeLimit: 1000000,
      logLevel: 'error',
      memoryHighWatermark: 0.5,
      memoryHighWatermarkAbsolute: 0,
      memoryPagingRatio: 0.25,
      pagingThreshold: 0,
      pagingHeadMessages: 8,
      pagingHeadBytes: 1024,
      collectStatisticsInterval: 250,
      managementRatesMode: 'detailed',
      serverPropertiesProduct: 'Warren',
      clusterName: 'c2',
      connectionMax: 50,
      shutdownTimeout: 9,
    });
  });

  it('an empty environment variable counts as unset', () => {
    expect(loadConfig({ file: false, env: { WARREN_PORT: '', WARREN_CONFIG_FILE: '' } }).port).toBe(5672);
  });

  it('flags accept `--flag value` and `--flag=value`; --port 0 asks for a free port', () => {
    const c = loadConfig({
      file: false,
      argv: ['--port', '0', '--management-port=0', '--data-dir', '/tmp/x', '--host', '::', '--log-level=none', '--loopback-users', 'none'],
    });
    expect(c).toMatchObject({ port: 0, managementPort: 0, dataDir: '/tmp/x', host: '::', logLevel: 'silent', loopbackUsers: [] });
  });

  it('a bad environment value names the variable', () => {
    expect(configError(() => loadConfig({ file: false, env: { WARREN_PORT: 'abc' } }))).toBe(
      "environment variable WARREN_PORT: invalid value 'abc': expected a port number from 0 to 65535 (0 picks a free port)",
    );
    expect(configError(() => loadConfig({ file: false, env: { WARREN_FRAME_MAX: '100' } }))).toMatch(/^environment variable WARREN_FRAME_MAX: /);
  });

  it('a bad flag value names the flag', () => {
    expect(configError(() => loadConfig({ file: false, argv: ['--port', '70000'] }))).toMatch(/^--port: invalid value '70000'/);
    expect(configError(() => loadConfig({ file: false, argv: ['--heartbeat=x'] }))).toMatch(/^--heartbeat: invalid value 'x'/);
    expect(configError(() => loadConfig({ file: false, argv: ['--host', 'not a host'] }))).toMatch(/^--host: invalid value/);
  });

  it('unknown flags, missing values and stray arguments are errors', () => {
    expect(configError(() => loadConfig({ file: false, argv: ['--prot', '1'] }))).toBe("unknown option '--prot' (see --help)");
    expect(configError(() => loadConfig({ file: false, argv: ['--port'] }))).toBe('--port: missing value');
    expect(configError(() => loadConfig({ file: false, argv: ['--data-dir', '--port', '1'] }))).toBe('--data-dir: missing value');
    expect(configError(() => loadConfig({ file: false, argv: ['start'] }))).toBe("unexpected argument 'start' (see --help)");
  });

  it('there is deliberately no flag for the password (ps would show it)', () => {
    expect(configError(() => loadConfig({ file: false, argv: ['--default-pass', 'x'] }))).toContain('unknown option');
  });

  it('--help lists every flag and environment variable', () => {
    const text = usage();
    for (const o of configOptions) {
      if (o.flag) expect(text).toContain(o.flag);
      if (o.env) expect(text).toContain(o.env);
    }
    expect(text).toContain('--config');
    expect(text).toContain('WARREN_CONFIG_FILE');
  });
});

describe('logging', () => {
  it('never writes passwords, even when a whole config is logged', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ config: { ...defaultConfig(), defaultPass: 'hunter2' } }, 'config');
    logger.info({ user: 'bob', password: 'hunter3' }, 'login');
    expect(out).toContain('config');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('hunter3');
    expect(out).toContain('[redacted]');
  });

  it("level 'silent' writes nothing", () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    createLogger('silent', sink).fatal('boom');
    expect(out).toBe('');
  });
});
