/**
 * Warren's configuration: one typed object with RabbitMQ 3.13's defaults.
 *
 * Every field is declared once, in `configSchema`, with its default, its rabbitmq.conf keys, its
 * WARREN_* variable, its flag, its value parser and its help line, as LavinMQ declares each
 * setting once with its INI key, environment variable and CLI option. The `Config` type,
 * `defaultConfig()`, the readers in config-load.ts and `--help` are all derived from it.
 */
import {
  bytesize,
  cipherList,
  fraction,
  host,
  informationUnit,
  integer,
  InvalidValue,
  listenAddress,
  listenerList,
  logLevel,
  nameList,
  nonEmpty,
  optionalPort,
  port,
  tlsVersions,
  uint16,
  UINT32,
  userList,
  type ListenerList,
  type TlsVersion,
} from './config-values.js';

/** How one Config field is set: its default and the three places that can change it. */
export interface OptionSpec<T> {
  /** RabbitMQ 3.13's value (Warren's own for its paging settings). */
  readonly default: T;
  /** rabbitmq.conf keys; the first is canonical, the rest are aliases. */
  readonly keys: readonly string[];
  /** Environment variable, if any. */
  readonly env?: string;
  /** Command-line flag, if any (`--port`; also accepted as `--port=N`). */
  readonly flag?: string;
  /** Placeholder for the value in --help. */
  readonly arg: string;
  /** One line for --help; `(default ...)` is appended from `default`. */
  readonly help: string;
  /** How --help shows the default when the value itself means something else (a sentinel). */
  readonly defaultText?: string;
  /** Values never echoed in error messages. */
  readonly secret?: boolean;
  /** Turns the raw text into the value; throws InvalidValue on a bad one. */
  readonly parse: (raw: string) => T;
}

// Infers T from the parser and the default together, so a default of the wrong type is a compile error.
function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

// cuttlefish's {enum, [true, false]}.
function boolean(raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new InvalidValue('expected true or false');
}

// prometheus.path: an absolute URL path; a trailing slash is dropped ("/" alone stays "/").
function urlPath(raw: string): string {
  if (!/^\/[^\s?#]*$/.test(raw)) throw new InvalidValue('expected a URL path starting with /');
  return raw.length > 1 ? raw.replace(/\/+$/, '') || '/' : raw;
}

// A pattern compiled the way it is used (JavaScript's RegExp; RabbitMQ compiles it with Erlang's re).
function regex(raw: string): string {
  try {
    new RegExp(raw);
  } catch {
    throw new InvalidValue('expected a regular expression');
  }
  return raw;
}

/** ssl_cert_login_from's values. */
export type CertLoginFrom = 'distinguished_name' | 'common_name' | 'subject_alternative_name';
/** ssl_cert_login_san_type's values. */
export type SanType = 'dns' | 'ip' | 'email' | 'uri';
/** ssl_options.verify's values (Erlang's ssl). */
export type TlsVerify = 'verify_none' | 'verify_peer';

const UINT16_MAX = 65535;

// One of a fixed set of words.
function oneOf<T extends string>(raw: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(raw)) throw new InvalidValue(`expected one of ${values.join(', ')}`);
  return raw as T;
}

/** The SASL mechanisms Warren implements. */
export const AUTH_MECHANISMS = ['PLAIN', 'AMQPLAIN', 'EXTERNAL'] as const;

function authMechanismList(raw: string): string[] {
  const names = nameList(raw);
  for (const n of names) oneOf(n, AUTH_MECHANISMS);
  return [...new Set(names)];
}

/** The TLS settings of one listener kind, as Config fields `<p>Certfile`, `<p>Keyfile`, ... */
type TlsSchema<P extends string> = { [K in `${P}Cacertfile` | `${P}Certfile` | `${P}Keyfile` | `${P}Password`]: OptionSpec<string> } & {
  [K in `${P}Verify`]: OptionSpec<TlsVerify>;
} & { [K in `${P}FailIfNoPeerCert` | `${P}HonorCipherOrder`]: OptionSpec<boolean> } & { [K in `${P}Versions`]: OptionSpec<TlsVersion[]> } & {
  [K in `${P}Ciphers`]: OptionSpec<string[]>;
} & { [K in `${P}Depth`]: OptionSpec<number> };

/**
 * RabbitMQ's TLS keys under one prefix (`ssl_options`, `management.ssl`, `prometheus.ssl`): the same
 * ten settings for each listener kind. Safer than RabbitMQ 3.10.8 by default: TLS 1.2 and 1.3 only.
 */
function tlsOptions<P extends string>(p: P, key: string, env: string, flag: string | undefined, what: string): TlsSchema<P> {
  const f = (name: string): string | undefined => (flag === undefined ? undefined : flag + name);
  const file = (name: string, help: string): OptionSpec<string> =>
    option({ default: '', keys: [`${key}.${name}`], env: env + name.toUpperCase(), flag: f(name), arg: 'FILE', help: `${help} of ${what} (PEM)`, defaultText: 'none', parse: nonEmpty });
  return {
    [`${p}Cacertfile`]: file('cacertfile', 'CA certificates that verify clients'),
    [`${p}Certfile`]: file('certfile', 'certificate (and chain)'),
    [`${p}Keyfile`]: file('keyfile', 'private key'),
    [`${p}Password`]: option({ default: '', keys: [`${key}.password`], env: `${env}PASSWORD`, arg: 'PASSWORD', help: `password of the private key of ${what}`, defaultText: 'none', secret: true, parse: nonEmpty }),
    [`${p}Verify`]: option<TlsVerify>({
      default: 'verify_none',
      keys: [`${key}.verify`],
      env: `${env}VERIFY`,
      flag: f('verify'),
      arg: 'verify_peer|verify_none',
      help: `whether ${what} ask clients for a certificate and verify it`,
      parse: (raw) => oneOf(raw, ['verify_none', 'verify_peer'] as const),
    }),
    [`${p}FailIfNoPeerCert`]: option({
      default: false,
      keys: [`${key}.fail_if_no_peer_cert`],
      env: `${env}FAIL_IF_NO_PEER_CERT`,
      flag: f('fail-if-no-peer-cert'),
      arg: 'true|false',
      help: `with verify_peer: ${what} refuse clients without a certificate`,
      parse: boolean,
    }),
    [`${p}Versions`]: option<TlsVersion[]>({
      default: ['tlsv1.3', 'tlsv1.2'],
      keys: [`${key}.versions.<n>`],
      env: `${env}VERSIONS`,
      flag: f('versions'),
      arg: 'VERSION[,VERSION]',
      help: `TLS versions of ${what}: tlsv1.3, tlsv1.2, tlsv1.1, tlsv1`,
      parse: tlsVersions,
    }),
    [`${p}Ciphers`]: option<string[]>({
      default: [],
      keys: [`${key}.ciphers.<n>`],
      env: `${env}CIPHERS`,
      flag: f('ciphers'),
      arg: 'SUITE[,SUITE]',
      help: `cipher suites of ${what}, in preference order (NULL, export, anonymous and RC4 suites are never enabled)`,
      defaultText: "Node's default suites",
      parse: cipherList,
    }),
    [`${p}Depth`]: option({
      default: 10,
      keys: [`${key}.depth`],
      env: `${env}DEPTH`,
      flag: f('depth'),
      arg: 'N',
      help: `most intermediate CA certificates ${what} accept in a client's chain`,
      parse: (raw) => integer(raw, 0, 255),
    }),
    [`${p}HonorCipherOrder`]: option({
      default: false,
      keys: [`${key}.honor_cipher_order`],
      env: `${env}HONOR_CIPHER_ORDER`,
      flag: f('honor-cipher-order'),
      arg: 'true|false',
      help: `${what} pick the cipher suite in their own order, not the client's`,
      parse: boolean,
    }),
  } as TlsSchema<P>;
}

// RabbitMQ 3.13 rejects max_message_size above 512 MiB (rabbit.schema validator).
const MAX_MESSAGE_SIZE_LIMIT = 536870912;
// AMQP 0-9-1 spec: frame-min-size is 4096; every peer must accept frames that big.
const FRAME_MIN_SIZE = 4096;

/** The declaration table: every Config field once, in the order --help lists them. */
export const configSchema = {
  /** AMQP listener address (listeners.tcp.default may set it too: see `compoundKeys`). */
  host: option({
    // RabbitMQ: all IPv4 and IPv6 addresses (`::` dual-stack; 0.0.0.0 where the host has no IPv6).
    default: '::',
    keys: [],
    env: 'WARREN_HOST',
    flag: '--host',
    arg: 'IP',
    help: 'address the AMQP listener binds to (:: = every IPv4 and IPv6 address)',
    parse: host,
  }),
  /** AMQP port; 0 picks a free port. */
  port: option({
    default: 5672,
    keys: [],
    env: 'WARREN_PORT',
    flag: '--port',
    arg: 'PORT',
    help: 'AMQP port; 0 picks a free port',
    parse: port,
  }),
  /** listeners.tcp.<name>: AMQP listeners besides the default one; `listeners.tcp = none`: no plain AMQP at all. */
  tcpListeners: option<ListenerList>({
    default: [],
    // The file forms aggregate lines (config-load.ts): `listeners.tcp.<name> = [ip:]port`, `listeners.tcp = none`.
    keys: ['listeners.tcp', 'listeners.tcp.<n>'],
    env: 'WARREN_TCP_LISTENERS',
    flag: '--tcp-listeners',
    arg: 'none|[IP:]PORT[,...]',
    help: "more AMQP listeners ('none': no plain AMQP listener, not even --host/--port)",
    defaultText: 'none besides --host/--port',
    parse: listenerList,
  }),
  /** AMQPS listener address (listeners.ssl.default may set it: see `compoundKeys`). */
  sslHost: option({
    default: '::',
    keys: [],
    env: 'WARREN_SSL_HOST',
    flag: '--ssl-host',
    arg: 'IP',
    help: 'address the AMQPS (TLS) listener binds to',
    parse: host,
  }),
  /** AMQPS port (RabbitMQ: listeners.ssl.default = 5671); -1 = no TLS listener. */
  sslPort: option({
    default: -1,
    keys: [],
    env: 'WARREN_SSL_PORT',
    flag: '--ssl-port',
    arg: 'PORT',
    help: "AMQPS (TLS) port, 'none' for no TLS listener; 0 picks a free port",
    defaultText: 'none',
    parse: optionalPort,
  }),
  /** listeners.ssl.<name>: AMQPS listeners besides the default one. */
  sslListeners: option<ListenerList>({
    default: [],
    keys: ['listeners.ssl', 'listeners.ssl.<n>'],
    env: 'WARREN_SSL_LISTENERS',
    flag: '--ssl-listeners',
    arg: 'none|[IP:]PORT[,...]',
    help: "more AMQPS listeners ('none': no TLS listener at all)",
    defaultText: 'none',
    parse: listenerList,
  }),
  ...tlsOptions('ssl', 'ssl_options', 'WARREN_SSL_', '--ssl-', 'the AMQPS listeners'),
  /** ssl_handshake_timeout: a client that has not finished the TLS handshake by then is dropped, ms (RabbitMQ: 5000). */
  sslHandshakeTimeout: option({
    default: 5000,
    keys: ['ssl_handshake_timeout'],
    env: 'WARREN_SSL_HANDSHAKE_TIMEOUT',
    flag: '--ssl-handshake-timeout',
    arg: 'MS',
    help: 'time allowed for the TLS handshake',
    parse: (raw) => integer(raw, 1, Number.MAX_SAFE_INTEGER),
  }),
  /** auth_mechanisms.<n>: the SASL mechanisms offered, in order (EXTERNAL: on TLS connections only). */
  authMechanisms: option<string[]>({
    default: ['PLAIN', 'AMQPLAIN'],
    keys: ['auth_mechanisms.<n>'],
    env: 'WARREN_AUTH_MECHANISMS',
    flag: '--auth-mechanisms',
    arg: 'MECH[,MECH]',
    help: 'SASL mechanisms offered: PLAIN, AMQPLAIN, EXTERNAL (client certificate, TLS only)',
    parse: authMechanismList,
  }),
  /** ssl_cert_login_from: which part of the client certificate EXTERNAL takes as the user name. */
  sslCertLoginFrom: option<CertLoginFrom>({
    default: 'distinguished_name',
    keys: ['ssl_cert_login_from'],
    env: 'WARREN_SSL_CERT_LOGIN_FROM',
    flag: '--ssl-cert-login-from',
    arg: 'FIELD',
    help: 'EXTERNAL user name: distinguished_name, common_name or subject_alternative_name',
    parse: (raw) => oneOf(raw, ['distinguished_name', 'common_name', 'subject_alternative_name'] as const),
  }),
  /** ssl_cert_login_san_type: the subject alternative name type EXTERNAL reads (RabbitMQ: dns). */
  sslCertLoginSanType: option<SanType>({
    default: 'dns',
    keys: ['ssl_cert_login_san_type'],
    arg: 'TYPE',
    help: 'subject alternative name type for EXTERNAL: dns, ip, email, uri',
    parse: (raw) => oneOf(raw, ['dns', 'ip', 'email', 'uri'] as const),
  }),
  /** ssl_cert_login_san_index: which of the names of that type (0 = the first). */
  sslCertLoginSanIndex: option({
    default: 0,
    keys: ['ssl_cert_login_san_index'],
    arg: 'N',
    help: 'index of the subject alternative name for EXTERNAL',
    parse: (raw) => integer(raw, 0, UINT16_MAX),
  }),
  /** Management HTTP address. */
  managementHost: option({
    default: '::',
    keys: ['management.tcp.ip'],
    env: 'WARREN_MANAGEMENT_HOST',
    flag: '--management-host',
    arg: 'IP',
    help: 'address the management HTTP API binds to',
    parse: host,
  }),
  /** Management HTTP port; 0 picks a free port. */
  managementPort: option({
    default: 15672,
    keys: ['management.tcp.port'],
    env: 'WARREN_MANAGEMENT_PORT',
    flag: '--management-port',
    arg: 'PORT',
    help: 'management HTTP port; 0 picks a free port',
    parse: port,
  }),
  /** management.ssl.ip: the HTTPS management listener's address. */
  managementSslHost: option({
    default: '::',
    keys: ['management.ssl.ip'],
    env: 'WARREN_MANAGEMENT_SSL_HOST',
    arg: 'IP',
    help: 'address the HTTPS management listener binds to',
    parse: host,
  }),
  /** management.ssl.port: the management API over HTTPS (-1 = none; RabbitMQ's usual port is 15671). */
  managementSslPort: option({
    default: -1,
    keys: ['management.ssl.port'],
    env: 'WARREN_MANAGEMENT_SSL_PORT',
    arg: 'PORT',
    help: "management HTTPS port, 'none' for no HTTPS listener",
    defaultText: 'none',
    parse: optionalPort,
  }),
  ...tlsOptions('managementSsl', 'management.ssl', 'WARREN_MANAGEMENT_SSL_', undefined, 'the HTTPS management listener'),
  /** Prometheus metrics HTTP address (rabbitmq_prometheus's listener). */
  prometheusHost: option({
    default: '::',
    keys: ['prometheus.tcp.ip'],
    env: 'WARREN_PROMETHEUS_HOST',
    flag: '--prometheus-host',
    arg: 'IP',
    help: 'address the Prometheus metrics endpoint binds to',
    parse: host,
  }),
  /** Prometheus metrics HTTP port (RabbitMQ: 15692); 0 picks a free port. */
  prometheusPort: option({
    default: 15692,
    keys: ['prometheus.tcp.port'],
    env: 'WARREN_PROMETHEUS_PORT',
    flag: '--prometheus-port',
    arg: 'PORT',
    help: 'Prometheus metrics port; 0 picks a free port',
    parse: port,
  }),
  /** prometheus.ssl.ip: the HTTPS metrics listener's address. */
  prometheusSslHost: option({
    default: '::',
    keys: ['prometheus.ssl.ip'],
    env: 'WARREN_PROMETHEUS_SSL_HOST',
    arg: 'IP',
    help: 'address the HTTPS Prometheus listener binds to',
    parse: host,
  }),
  /** prometheus.ssl.port: the metrics over HTTPS (-1 = none; RabbitMQ's usual port is 15691). */
  prometheusSslPort: option({
    default: -1,
    keys: ['prometheus.ssl.port'],
    env: 'WARREN_PROMETHEUS_SSL_PORT',
    arg: 'PORT',
    help: "Prometheus HTTPS port, 'none' for no HTTPS listener",
    defaultText: 'none',
    parse: optionalPort,
  }),
  ...tlsOptions('prometheusSsl', 'prometheus.ssl', 'WARREN_PROMETHEUS_SSL_', undefined, 'the HTTPS Prometheus listener'),
  /** Where the metrics are served: `<path>`, `<path>/per-object`, `<path>/detailed`. */
  prometheusPath: option({
    default: '/metrics',
    keys: ['prometheus.path'],
    arg: 'PATH',
    help: 'URL path of the Prometheus metrics',
    parse: urlPath,
  }),
  /** prometheus.return_per_object_metrics: `<path>` itself answers per object (as `<path>/per-object`). */
  prometheusReturnPerObjectMetrics: option({
    default: false,
    keys: ['prometheus.return_per_object_metrics'],
    arg: 'true|false',
    help: 'serve per-object metrics at the aggregated endpoint too',
    parse: boolean,
  }),
  /** prometheus.filter_aggregated_queue_metrics_pattern: queues left out of the aggregated queue metrics ("" = none). */
  prometheusFilterAggregatedQueueMetricsPattern: option({
    default: '',
    keys: ['prometheus.filter_aggregated_queue_metrics_pattern'],
    arg: 'REGEX',
    help: 'queues whose names match are left out of the aggregated queue metrics',
    defaultText: 'none',
    parse: regex,
  }),
  /** Where LevelDB keeps its files. */
  dataDir: option({
    default: './data',
    keys: ['data_dir'],
    env: 'WARREN_DATA_DIR',
    flag: '--data-dir',
    arg: 'DIR',
    help: 'directory for the message store and definitions',
    parse: nonEmpty,
  }),
  /** A RabbitMQ definitions file imported at every boot, before the listeners open ("" = none). */
  loadDefinitions: option({
    default: '',
    keys: ['load_definitions'],
    env: 'WARREN_LOAD_DEFINITIONS',
    flag: '--load-definitions',
    arg: 'FILE',
    help: 'definitions file (RabbitMQ JSON) imported at boot',
    defaultText: 'none',
    parse: nonEmpty,
  }),
  /** User created at start with the administrator tag and full permissions in the default vhost. */
  defaultUser: option({
    default: 'guest',
    keys: ['default_user'],
    env: 'WARREN_DEFAULT_USER',
    flag: '--default-user',
    arg: 'NAME',
    help: 'user created on first start',
    parse: nonEmpty,
  }),
  /** The default user's password. */
  defaultPass: option({
    default: 'guest',
    keys: ['default_pass'],
    env: 'WARREN_DEFAULT_PASS',
    // No flag on purpose: command lines are visible to every local user through ps.
    arg: 'PASSWORD',
    help: 'password of the default user',
    secret: true,
    parse: nonEmpty,
  }),
  /** Virtual host created at start. */
  defaultVhost: option({
    default: '/',
    keys: ['default_vhost'],
    env: 'WARREN_DEFAULT_VHOST',
    flag: '--default-vhost',
    arg: 'VHOST',
    help: 'virtual host created on first start',
    parse: nonEmpty,
  }),
  /** The default user's tags (RabbitMQ: `default_user_tags.<tag> = true`, several lines aggregate). */
  defaultUserTags: option<string[]>({
    default: ['administrator'],
    // The file form aggregates lines, so parseConfigText reads it itself; `parse` serves the env var.
    keys: ['default_user_tags.<tag>'],
    env: 'WARREN_DEFAULT_USER_TAGS',
    arg: 'TAG[,TAG]',
    help: "tags of the user created on first start",
    parse: (raw) => raw.split(',').map((t) => t.trim()).filter((t) => t !== ''),
  }),
  /** The default user's configure permission in the default vhost (RabbitMQ: default_permissions.configure). */
  defaultPermissionConfigure: option({
    default: '.*',
    keys: ['default_permissions.configure'],
    arg: 'REGEX',
    help: 'configure permission of the user created on first start',
    parse: (raw) => raw,
  }),
  /** The default user's write permission (default_permissions.write). */
  defaultPermissionWrite: option({
    default: '.*',
    keys: ['default_permissions.write'],
    arg: 'REGEX',
    help: 'write permission of the user created on first start',
    parse: (raw) => raw,
  }),
  /** The default user's read permission (default_permissions.read). */
  defaultPermissionRead: option({
    default: '.*',
    keys: ['default_permissions.read'],
    arg: 'REGEX',
    help: 'read permission of the user created on first start',
    parse: (raw) => raw,
  }),
  /** Users that may only log in from loopback (RabbitMQ: loopback_users.guest = true). */
  loopbackUsers: option<string[]>({
    default: ['guest'],
    // The file forms (`loopback_users = none`, `loopback_users.<user> = true|false`) aggregate
    // several lines, so parseConfigText reads them itself; `parse` serves the env var and flag.
    keys: ['loopback_users', 'loopback_users.<user>'],
    env: 'WARREN_LOOPBACK_USERS',
    flag: '--loopback-users',
    arg: 'none|USER[,USER]',
    help: 'users that may only connect from localhost',
    parse: userList,
  }),
  /** Heartbeat timeout in seconds proposed in connection.tune (0 = off). */
  heartbeat: option({
    default: 60,
    keys: ['heartbeat'],
    env: 'WARREN_HEARTBEAT',
    flag: '--heartbeat',
    arg: 'SECONDS',
    help: 'heartbeat timeout proposed to clients, 0 disables',
    parse: uint16,
  }),
  /** frame_max proposed in connection.tune, in bytes. */
  frameMax: option({
    default: 131072,
    keys: ['frame_max'],
    env: 'WARREN_FRAME_MAX',
    flag: '--frame-max',
    arg: 'BYTES',
    help: `largest frame proposed to clients, at least ${FRAME_MIN_SIZE}`,
    parse: (raw) => bytesize(raw, FRAME_MIN_SIZE, UINT32),
  }),
  /** channel_max proposed in connection.tune. */
  channelMax: option({
    default: 2047,
    keys: ['channel_max'],
    env: 'WARREN_CHANNEL_MAX',
    flag: '--channel-max',
    arg: 'N',
    help: 'most channels per connection, 0 means 65535',
    parse: uint16,
  }),
  /** Largest accepted message body, bytes (RabbitMQ 3.13: 128 MiB). */
  maxMessageSize: option({
    default: 134217728,
    keys: ['max_message_size'],
    env: 'WARREN_MAX_MESSAGE_SIZE',
    flag: '--max-message-size',
    arg: 'BYTES',
    help: 'largest message body accepted, at most 512 MiB',
    parse: (raw) => integer(raw, 1, MAX_MESSAGE_SIZE_LIMIT),
  }),
  /** Delivery acknowledgement timeout, ms (RabbitMQ: 30 min). */
  consumerTimeout: option({
    default: 1800000,
    keys: ['consumer_timeout'],
    env: 'WARREN_CONSUMER_TIMEOUT',
    flag: '--consumer-timeout',
    arg: 'MS',
    help: 'how long a delivery may stay unacknowledged',
    parse: (raw) => integer(raw, 0, Number.MAX_SAFE_INTEGER),
  }),
  /** Free disk space (bytes) on the data dir's file system below which the disk alarm blocks publishers (RabbitMQ: 50 MB). */
  diskFreeLimit: option({
    default: 50000000,
    keys: ['disk_free_limit.absolute'],
    env: 'WARREN_DISK_FREE_LIMIT',
    flag: '--disk-free-limit',
    arg: 'BYTES',
    help: 'free disk space below which publishers are blocked',
    parse: informationUnit,
  }),
  /** Time allowed for the AMQP handshake, ms. */
  handshakeTimeout: option({
    default: 10000,
    keys: ['handshake_timeout'],
    env: 'WARREN_HANDSHAKE_TIMEOUT',
    flag: '--handshake-timeout',
    arg: 'MS',
    help: 'time allowed for the AMQP handshake',
    parse: (raw) => integer(raw, 0, Number.MAX_SAFE_INTEGER),
  }),
  /** pino log level: fatal error warn info debug trace silent. */
  logLevel: option({
    default: 'info',
    keys: ['log.level', 'log.console.level', 'log.default.level'],
    env: 'WARREN_LOG_LEVEL',
    flag: '--log-level',
    arg: 'LEVEL',
    help: 'debug, info, warning, error, critical or none; pino names work too',
    parse: logLevel,
  }),
  /** vm_memory_high_watermark.relative: fraction of total RAM (the paging threshold derives from it). */
  memoryHighWatermark: option({
    default: 0.4,
    keys: ['vm_memory_high_watermark.relative'],
    env: 'WARREN_VM_MEMORY_HIGH_WATERMARK',
    flag: '--vm-memory-high-watermark',
    arg: 'FRACTION',
    help: 'memory high watermark as a fraction of total RAM; paging starts at the paging ratio of it',
    parse: fraction,
  }),
  /** vm_memory_high_watermark.absolute in bytes; 0 = use the relative one. */
  memoryHighWatermarkAbsolute: option({
    default: 0,
    keys: ['vm_memory_high_watermark.absolute'],
    env: 'WARREN_VM_MEMORY_HIGH_WATERMARK_ABSOLUTE',
    flag: '--vm-memory-high-watermark-absolute',
    arg: 'BYTES',
    help: 'memory high watermark in bytes (units as RabbitMQ: 1024MiB, 1GB, 512M), instead of the relative one',
    // RabbitMQ's information units (rabbit_resource_monitor_misc), as disk_free_limit.
    parse: informationUnit,
  }),
  /** vm_memory_high_watermark_paging_ratio: transient messages are paged to disk above this fraction of the watermark. */
  memoryPagingRatio: option({
    default: 0.5,
    keys: ['vm_memory_high_watermark_paging_ratio'],
    env: 'WARREN_VM_MEMORY_HIGH_WATERMARK_PAGING_RATIO',
    flag: '--vm-memory-high-watermark-paging-ratio',
    arg: 'FRACTION',
    help: 'transient messages are paged to disk above this fraction of the high watermark',
    parse: fraction,
  }),
  /** Warren: the paging threshold in bytes of RSS, overriding the two above when >= 0 (0 = page transient messages always). */
  pagingThreshold: option({
    default: -1,
    keys: ['paging.threshold'],
    env: 'WARREN_PAGING_THRESHOLD',
    flag: '--paging-threshold',
    arg: 'BYTES',
    help: 'Warren: RSS above which transient messages are paged, 0 = always; overrides the watermark settings',
    defaultText: 'paging ratio x high watermark',
    parse: (raw) => bytesize(raw, 0, Number.MAX_SAFE_INTEGER),
  }),
  /** Warren: full messages a queue keeps in RAM before paging a backlog's bodies to disk. */
  pagingHeadMessages: option({
    default: 4096,
    keys: ['paging.head_messages'],
    env: 'WARREN_PAGING_HEAD_MESSAGES',
    flag: '--paging-head-messages',
    arg: 'N',
    help: 'Warren: messages a queue keeps in RAM before paging the rest of a backlog to disk',
    parse: (raw) => integer(raw, 2, UINT32),
  }),
  /** Warren: ... and the body bytes of that head window. */
  pagingHeadBytes: option({
    default: 8388608,
    keys: ['paging.head_bytes'],
    env: 'WARREN_PAGING_HEAD_BYTES',
    flag: '--paging-head-bytes',
    arg: 'BYTES',
    help: 'Warren: body bytes a queue keeps in RAM before paging',
    parse: (raw) => bytesize(raw, 2, UINT32),
  }),
  /** How often the statistics sampler records counters and lengths (rates, charts), ms (RabbitMQ: collect_statistics_interval, 5 s). */
  collectStatisticsInterval: option({
    default: 5000,
    keys: ['collect_statistics_interval'],
    env: 'WARREN_COLLECT_STATISTICS_INTERVAL',
    flag: '--collect-statistics-interval',
    arg: 'MS',
    help: 'how often message rates and queue lengths are sampled for the management API',
    parse: (raw) => integer(raw, 10, 3600000),
  }),
  /**
   * management.rates_mode: `detailed` adds the fine-grained lists to single channels, queues and
   * exchanges (publishes, deliveries, incoming, outgoing); `basic` (RabbitMQ's default) leaves
   * them empty. The Prometheus detailed families are kept in every mode, as RabbitMQ keeps them.
   */
  managementRatesMode: option({
    default: 'basic',
    keys: ['management.rates_mode'],
    env: 'WARREN_MANAGEMENT_RATES_MODE',
    flag: '--management-rates-mode',
    arg: 'MODE',
    help: 'basic, detailed (per channel, queue and exchange pair statistics in the management API) or none',
    parse: (raw) => oneOf(raw, ['basic', 'detailed', 'none'] as const),
  }),
  /**
   * Warren: the product connection.start, the management API and the metrics announce
   * (src/identity.ts). "RabbitMQ" goes with the RabbitMQ version Warren matches, which clients
   * such as kombu/Celery need for RabbitMQ's basic.qos semantics; any other name (e.g. "Warren")
   * with Warren's own version.
   */
  serverPropertiesProduct: option({
    default: 'RabbitMQ',
    keys: ['server_properties.product'],
    env: 'WARREN_SERVER_PROPERTIES_PRODUCT',
    flag: '--server-properties-product',
    arg: 'NAME',
    help: 'Warren: product announced to clients and tools; RabbitMQ (with the RabbitMQ version matched) or e.g. Warren (with its own version)',
    parse: nonEmpty,
  }),
  /** RabbitMQ's cluster_name: set at every boot when given (as RabbitMQ does); "" = keep the stored one, else the node name. */
  clusterName: option({
    default: '',
    keys: ['cluster_name'],
    env: 'WARREN_CLUSTER_NAME',
    flag: '--cluster-name',
    arg: 'NAME',
    help: 'cluster name announced to clients and the management API',
    defaultText: 'the stored one, else the node name',
    parse: nonEmpty,
  }),
  /**
   * RabbitMQ's connection_max: most connections open on the node (`infinity` = no limit). connection.open
   * past it gets 530 "connection refused: node connection limit (N) is reached" (RabbitMQ 3.12+; 3.10's
   * Ranch stops accepting instead, which leaves clients hanging).
   */
  connectionMax: option<number | 'infinity'>({
    default: 'infinity',
    keys: ['connection_max'],
    env: 'WARREN_CONNECTION_MAX',
    flag: '--connection-max',
    arg: 'N|infinity',
    help: 'most AMQP connections open on the node',
    parse: (raw) => (raw === 'infinity' ? 'infinity' : integer(raw, 0, Number.MAX_SAFE_INTEGER)),
  }),
  /**
   * Warren: how long a SIGTERM/SIGINT shutdown may take, ms (listeners closed, 320 to the clients,
   * their close-ok, the store's last writes); past it the process logs a warning and exits anyway
   * (status 1); 0: no limit. RabbitMQ has no such key (its service manager's stop timeout plays the part).
   */
  shutdownTimeout: option({
    default: 30000,
    keys: ['shutdown_timeout'],
    env: 'WARREN_SHUTDOWN_TIMEOUT',
    flag: '--shutdown-timeout',
    arg: 'MS',
    help: 'Warren: longest a graceful shutdown may take before the process exits anyway (0: no limit)',
    parse: (raw) => integer(raw, 0, Number.MAX_SAFE_INTEGER),
  }),
};

type Schema = typeof configSchema;

/** The broker's settings: one field per `configSchema` entry, typed by its parser. */
export type Config = { -readonly [K in keyof Schema]: Schema[K] extends OptionSpec<infer T> ? T : never };

/** A rabbitmq.conf key that sets several fields at once (RabbitMQ's own form); the fields' defaults are their options'. */
export interface CompoundKey {
  readonly key: string;
  /** Turns the raw text into the fields it sets; throws InvalidValue on a bad one. */
  readonly parse: (raw: string) => Partial<Config>;
}

/** The compound keys: listeners.tcp.default and listeners.ssl.default are a port, or an address and a port. */
export const compoundKeys: readonly CompoundKey[] = [
  { key: 'listeners.tcp.default', parse: listenAddress },
  {
    key: 'listeners.ssl.default',
    parse: (raw) => {
      const a = listenAddress(raw);
      return a.host === undefined ? { sslPort: a.port } : { sslHost: a.host, sslPort: a.port };
    },
  },
];

/** RabbitMQ 3.13's defaults, from `configSchema` (a fresh object each call: callers may change it). */
export function defaultConfig(): Config {
  const entries = Object.entries(configSchema).map(([field, o]: [string, OptionSpec<unknown>]) => [field, Array.isArray(o.default) ? [...(o.default as unknown[])] : o.default]);
  return Object.fromEntries(entries) as Config;
}

/** The RSS in bytes above which transient messages are paged (RabbitMQ: paging ratio x high watermark). */
export function pagingThresholdBytes(c: Config, totalMemory: number): number {
  if (c.pagingThreshold >= 0) return c.pagingThreshold;
  const watermark = c.memoryHighWatermarkAbsolute > 0 ? c.memoryHighWatermarkAbsolute : c.memoryHighWatermark * totalMemory;
  return Math.floor(watermark * c.memoryPagingRatio);
}
