/**
 * Builds a Config from defaults < config file < environment < command-line flags.
 * Every option is declared once in `configOptions` with its rabbitmq.conf key, its
 * WARREN_* variable and its flag; the file parser, the env reader, the flag parser
 * and `--help` are all driven by that table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, type Config } from './config.js';

export type { Config } from './config.js';

/** A configuration mistake the operator must fix; the message names the file:line, variable or flag. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Thrown by value parsers; the caller adds where the value came from. */
class InvalidValue extends Error {}

/** One configuration option and the three places it can be set. */
export interface ConfigOption {
  /** rabbitmq.conf keys; the first is canonical, the rest are aliases. */
  readonly keys: readonly string[];
  /** Environment variable, if any. */
  readonly env?: string;
  /** Command-line flag, if any (`--port`; also accepted as `--port=N`). */
  readonly flag?: string;
  /** Placeholder for the value in --help. */
  readonly arg: string;
  /** One line for --help and the README. */
  readonly help: string;
  /** Values never echoed in error messages. */
  readonly secret?: boolean;
  /** Turns the raw text into Config fields; throws on a bad value. */
  readonly parse: (raw: string) => Partial<Config>;
}

const UINT16 = 65535;
const UINT32 = 4294967295;
// RabbitMQ 3.13 rejects max_message_size above 512 MiB (rabbit.schema validator).
const MAX_MESSAGE_SIZE_LIMIT = 536870912;
// AMQP 0-9-1 spec: frame-min-size is 4096; every peer must accept frames that big.
const FRAME_MIN_SIZE = 4096;

function integer(raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new InvalidValue(`expected an integer from ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new InvalidValue(`expected an integer from ${min} to ${max}`);
  return n;
}

function port(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > UINT16) throw new InvalidValue('expected a port number from 0 to 65535 (0 picks a free port)');
  return Number(raw);
}

// cuttlefish's bytesize datatype: a plain integer or one with a KB/MB/GB suffix (powers of 1024).
const BYTE_UNITS: Record<string, number> = { '': 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

function bytesize(raw: string, min: number, max: number): number {
  const m = /^(\d+)\s*(kb|mb|gb)?$/i.exec(raw);
  const n = m ? Number(m[1]) * BYTE_UNITS[(m[2] ?? '').toLowerCase()]! : NaN;
  if (!(n >= min && n <= max)) throw new InvalidValue(`expected a size in bytes (optionally with KB, MB or GB) from ${min} to ${max}`);
  return n;
}

// RabbitMQ's information units for disk_free_limit (rabbit_resource_monitor_misc): k/KiB, m/MiB, g/GiB are
// powers of 1024, kB/MB/GB powers of 1000 (case-insensitive here).
const INFORMATION_UNITS: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };

function informationUnit(raw: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(raw);
  const unit = m ? INFORMATION_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidValue('expected a size in bytes, optionally with a unit (kB, MB, GB or KiB, MiB, GiB)');
  return n;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function host(raw: string): string {
  const h = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIP(h) === 0 && !HOSTNAME.test(h)) throw new InvalidValue('expected an IP address or a host name');
  return h;
}

/** listeners.tcp.default: `5672`, `127.0.0.1:5672`, `::1:5672` or `[::1]:5672` (RabbitMQ's forms). */
function listenAddress(raw: string): Partial<Config> {
  if (/^\d+$/.test(raw)) return { port: port(raw) };
  const colon = raw.lastIndexOf(':');
  if (colon <= 0) throw new InvalidValue('expected a port or ip:port');
  return { host: host(raw.slice(0, colon)), port: port(raw.slice(colon + 1)) };
}

function fraction(raw: string): number {
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(raw)) throw new InvalidValue('expected a number from 0 to 1');
  return Number(raw);
}

function nonEmpty(raw: string): string {
  if (raw === '') throw new InvalidValue('expected a non-empty value');
  return raw;
}

// RabbitMQ's levels mapped onto pino's; pino's own names are accepted as well.
const LOG_LEVELS: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  alert: 'fatal',
  emergency: 'fatal',
  none: 'silent',
  silent: 'silent',
};

function logLevel(raw: string): string {
  const level = LOG_LEVELS[raw.toLowerCase()];
  if (!level) throw new InvalidValue(`expected one of ${Object.keys(LOG_LEVELS).join(', ')}`);
  return level;
}

/** WARREN_LOOPBACK_USERS / --loopback-users: `none` or a comma-separated list of user names. */
function loopbackList(raw: string): string[] {
  if (raw === 'none') return [];
  const users = raw.split(',').map((u) => u.trim());
  if (users.some((u) => u === '')) throw new InvalidValue("expected 'none' or a comma-separated list of user names");
  return users;
}

/** The declaration table: every supported option, once. */
export const configOptions: readonly ConfigOption[] = [
  {
    keys: ['listeners.tcp.default'],
    arg: '[IP:]PORT',
    help: 'AMQP listener: a port, or ip:port (default 5672 on all interfaces)',
    parse: listenAddress,
  },
  {
    keys: [],
    env: 'WARREN_HOST',
    flag: '--host',
    arg: 'IP',
    help: 'address the AMQP listener binds to (default 0.0.0.0)',
    parse: (raw) => ({ host: host(raw) }),
  },
  {
    keys: [],
    env: 'WARREN_PORT',
    flag: '--port',
    arg: 'PORT',
    help: 'AMQP port (default 5672; 0 picks a free port)',
    parse: (raw) => ({ port: port(raw) }),
  },
  {
    keys: ['management.tcp.ip'],
    env: 'WARREN_MANAGEMENT_HOST',
    flag: '--management-host',
    arg: 'IP',
    help: 'address the management HTTP API binds to (default 0.0.0.0)',
    parse: (raw) => ({ managementHost: host(raw) }),
  },
  {
    keys: ['management.tcp.port'],
    env: 'WARREN_MANAGEMENT_PORT',
    flag: '--management-port',
    arg: 'PORT',
    help: 'management HTTP port (default 15672; 0 picks a free port)',
    parse: (raw) => ({ managementPort: port(raw) }),
  },
  {
    keys: ['data_dir'],
    env: 'WARREN_DATA_DIR',
    flag: '--data-dir',
    arg: 'DIR',
    help: 'directory for the message store and definitions (default ./data)',
    parse: (raw) => ({ dataDir: nonEmpty(raw) }),
  },
  {
    keys: ['default_user'],
    env: 'WARREN_DEFAULT_USER',
    flag: '--default-user',
    arg: 'NAME',
    help: 'user created on first start (default guest)',
    parse: (raw) => ({ defaultUser: nonEmpty(raw) }),
  },
  {
    // No flag on purpose: command lines are visible to every local user through ps.
    keys: ['default_pass'],
    env: 'WARREN_DEFAULT_PASS',
    arg: 'PASSWORD',
    help: 'password of the default user (default guest)',
    secret: true,
    parse: (raw) => ({ defaultPass: nonEmpty(raw) }),
  },
  {
    keys: ['default_vhost'],
    env: 'WARREN_DEFAULT_VHOST',
    flag: '--default-vhost',
    arg: 'VHOST',
    help: 'virtual host created on first start (default /)',
    parse: (raw) => ({ defaultVhost: nonEmpty(raw) }),
  },
  {
    // The file form (`loopback_users = none`, `loopback_users.<user> = true|false`) is
    // handled by parseConfigText because it aggregates several lines.
    keys: ['loopback_users', 'loopback_users.<user>'],
    env: 'WARREN_LOOPBACK_USERS',
    flag: '--loopback-users',
    arg: 'none|USER[,USER]',
    help: 'users that may only connect from localhost (default guest)',
    parse: (raw) => ({ loopbackUsers: loopbackList(raw) }),
  },
  {
    keys: ['heartbeat'],
    env: 'WARREN_HEARTBEAT',
    flag: '--heartbeat',
    arg: 'SECONDS',
    help: 'heartbeat timeout proposed to clients, 0 disables (default 60)',
    parse: (raw) => ({ heartbeat: integer(raw, 0, UINT16) }),
  },
  {
    keys: ['frame_max'],
    env: 'WARREN_FRAME_MAX',
    flag: '--frame-max',
    arg: 'BYTES',
    help: 'largest frame proposed to clients, at least 4096 (default 131072)',
    parse: (raw) => ({ frameMax: bytesize(raw, FRAME_MIN_SIZE, UINT32) }),
  },
  {
    keys: ['channel_max'],
    env: 'WARREN_CHANNEL_MAX',
    flag: '--channel-max',
    arg: 'N',
    help: 'most channels per connection, 0 means 65535 (default 2047)',
    parse: (raw) => ({ channelMax: integer(raw, 0, UINT16) }),
  },
  {
    keys: ['max_message_size'],
    env: 'WARREN_MAX_MESSAGE_SIZE',
    flag: '--max-message-size',
    arg: 'BYTES',
    help: 'largest message body accepted, at most 512 MiB (default 134217728)',
    parse: (raw) => ({ maxMessageSize: integer(raw, 1, MAX_MESSAGE_SIZE_LIMIT) }),
  },
  {
    keys: ['consumer_timeout'],
    env: 'WARREN_CONSUMER_TIMEOUT',
    flag: '--consumer-timeout',
    arg: 'MS',
    help: 'how long a delivery may stay unacknowledged (default 1800000 = 30 min)',
    parse: (raw) => ({ consumerTimeout: integer(raw, 0, Number.MAX_SAFE_INTEGER) }),
  },
  {
    keys: ['disk_free_limit.absolute'],
    env: 'WARREN_DISK_FREE_LIMIT',
    flag: '--disk-free-limit',
    arg: 'BYTES',
    help: 'free disk space below which publishers are blocked (default 50000000 = 50 MB)',
    parse: (raw) => ({ diskFreeLimit: informationUnit(raw) }),
  },
  {
    keys: ['handshake_timeout'],
    env: 'WARREN_HANDSHAKE_TIMEOUT',
    flag: '--handshake-timeout',
    arg: 'MS',
    help: 'time allowed for the AMQP handshake (default 10000)',
    parse: (raw) => ({ handshakeTimeout: integer(raw, 0, Number.MAX_SAFE_INTEGER) }),
  },
  {
    keys: ['log.level', 'log.console.level', 'log.default.level'],
    env: 'WARREN_LOG_LEVEL',
    flag: '--log-level',
    arg: 'LEVEL',
    help: 'debug, info, warning, error, critical or none (pino names work too; default info)',
    parse: (raw) => ({ logLevel: logLevel(raw) }),
  },
  {
    keys: ['vm_memory_high_watermark.relative'],
    env: 'WARREN_VM_MEMORY_HIGH_WATERMARK',
    flag: '--vm-memory-high-watermark',
    arg: 'FRACTION',
    help: 'memory high watermark as a fraction of total RAM (default 0.4); paging starts at the paging ratio of it',
    parse: (raw) => ({ memoryHighWatermark: fraction(raw) }),
  },
  {
    keys: ['vm_memory_high_watermark.absolute'],
    arg: 'BYTES',
    help: 'memory high watermark in bytes, instead of the relative one',
    parse: (raw) => ({ memoryHighWatermarkAbsolute: bytesize(raw, 1, Number.MAX_SAFE_INTEGER) }),
  },
  {
    keys: ['vm_memory_high_watermark_paging_ratio'],
    env: 'WARREN_VM_MEMORY_HIGH_WATERMARK_PAGING_RATIO',
    flag: '--vm-memory-high-watermark-paging-ratio',
    arg: 'FRACTION',
    help: 'transient messages are paged to disk above this fraction of the high watermark (default 0.5)',
    parse: (raw) => ({ memoryPagingRatio: fraction(raw) }),
  },
  {
    keys: ['paging.threshold'],
    env: 'WARREN_PAGING_THRESHOLD',
    flag: '--paging-threshold',
    arg: 'BYTES',
    help: 'Warren: RSS above which transient messages are paged, overriding the watermark settings (0 = always)',
    parse: (raw) => ({ pagingThreshold: bytesize(raw, 0, Number.MAX_SAFE_INTEGER) }),
  },
  {
    keys: ['paging.head_messages'],
    env: 'WARREN_PAGING_HEAD_MESSAGES',
    flag: '--paging-head-messages',
    arg: 'N',
    help: 'Warren: messages a queue keeps in RAM before paging the rest of a backlog to disk (default 4096)',
    parse: (raw) => ({ pagingHeadMessages: integer(raw, 2, UINT32) }),
  },
  {
    keys: ['paging.head_bytes'],
    env: 'WARREN_PAGING_HEAD_BYTES',
    flag: '--paging-head-bytes',
    arg: 'BYTES',
    help: 'Warren: body bytes a queue keeps in RAM before paging (default 8 MiB)',
    parse: (raw) => ({ pagingHeadBytes: bytesize(raw, 2, UINT32) }),
  },
];

const CONFIG_FILE_ENV = 'WARREN_CONFIG_FILE';
const CONFIG_FILE_FLAG = '--config';
const HELP_FLAGS = new Set(['--help', '-h']);

/** The packaged, documented config file; read when present and no other file is named. */
export const defaultConfigFile = fileURLToPath(new URL('../config/warren.conf', import.meta.url));

const byKey = new Map<string, ConfigOption>();
const byEnv = new Map<string, ConfigOption>();
const byFlag = new Map<string, ConfigOption>();
for (const o of configOptions) {
  for (const k of o.keys) byKey.set(k, o);
  if (o.env) byEnv.set(o.env, o);
  if (o.flag) byFlag.set(o.flag, o);
}

/** Runs o.parse; a bad value becomes `<where>: invalid value 'x'[ for '<key>']: <reason>`. */
function apply(o: ConfigOption, raw: string, where: string, key?: string): Partial<Config> {
  try {
    return o.parse(raw);
  } catch (e) {
    if (!(e instanceof InvalidValue)) throw e;
    const value = o.secret ? 'invalid value' : `invalid value '${raw}'`;
    throw new ConfigError(`${where}: ${value}${key ? ` for '${key}'` : ''}: ${e.message}`);
  }
}

/**
 * Parses rabbitmq.conf text (sysctl style: `key = value`, `#` starts a comment anywhere on
 * a line, as in cuttlefish, so values cannot contain `#`). `fileName` is used in messages:
 * `config/warren.conf:12: unknown key 'foo.bar'`. Later lines win over earlier ones.
 */
export function parseConfigText(text: string, fileName: string): Partial<Config> {
  const out: Partial<Config> = {};
  // RabbitMQ's translation: `loopback_users = none` empties the list; otherwise, if any
  // `loopback_users.<user>` is set, the list is exactly the users set to true.
  let loopbackNone = false;
  const loopback = new Map<string, boolean>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const at = `${fileName}:${i + 1}`;
    const line = lines[i]!.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new ConfigError(`${at}: expected 'key = value', got '${line}'`);
    const key = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    if (key === 'loopback_users') {
      if (raw !== 'none') throw new ConfigError(`${at}: invalid value '${raw}' for 'loopback_users': expected 'none'`);
      loopbackNone = true;
      continue;
    }
    if (key.startsWith('loopback_users.') && key.length > 'loopback_users.'.length) {
      if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${at}: invalid value '${raw}' for '${key}': expected true or false`);
      loopback.set(key.slice('loopback_users.'.length), raw === 'true');
      continue;
    }
    const o = byKey.get(key);
    if (!o) throw new ConfigError(`${at}: unknown key '${key}'`);
    if (raw === '') throw new ConfigError(`${at}: missing value for '${key}'`);
    Object.assign(out, apply(o, raw, at, key));
  }
  if (loopbackNone) out.loopbackUsers = [];
  else if (loopback.size > 0) out.loopbackUsers = [...loopback].filter(([, on]) => on).map(([user]) => user);
  return out;
}

/** Reads and parses a rabbitmq.conf-style file; a missing or unreadable file is a ConfigError. */
export function readConfigFile(file: string): Partial<Config> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `${file}: config file not found` : `${file}: cannot read config file (${code ?? String(e)})`);
  }
  return parseConfigText(text, file);
}

/** Reads WARREN_* variables. Empty variables count as unset (docker-compose writes `X=` for unset `${X}`). */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<Config> {
  const out: Partial<Config> = {};
  for (const [name, o] of byEnv) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    // Taken literally (no trimming): a password may legitimately start or end with a space.
    Object.assign(out, apply(o, raw, `environment variable ${name}`));
  }
  return out;
}

interface ParsedArgs {
  overrides: Partial<Config>;
  configFile?: string;
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { overrides: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // --help is acted on by main (isHelpRequested) before loading; here it is just allowed.
    if (HELP_FLAGS.has(arg)) continue;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}' (see --help)`);
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const o = byFlag.get(flag);
    if (!o && flag !== CONFIG_FILE_FLAG) throw new ConfigError(`unknown option '${flag}' (see --help)`);
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) raw = argv[++i];
    if (raw === undefined || raw === '') throw new ConfigError(`${flag}: missing value`);
    if (!o) parsed.configFile = raw;
    else Object.assign(parsed.overrides, apply(o, raw, flag));
  }
  return parsed;
}

/** True when argv asks for --help (main prints `usage()` and exits 0). */
export function isHelpRequested(argv: readonly string[]): boolean {
  return argv.some((a) => HELP_FLAGS.has(a));
}

/** Options for loadConfig. */
export interface LoadConfigOptions {
  /** Command-line arguments, without node and the script (default: none). */
  argv?: readonly string[];
  /** Environment to read WARREN_* from (default: none, so callers pass process.env explicitly). */
  env?: NodeJS.ProcessEnv;
  /**
   * The config file to read when neither --config nor WARREN_CONFIG_FILE names one; a file
   * named here must exist. Default: the packaged config/warren.conf if present. false: no file.
   */
  file?: string | false;
}

/**
 * Builds the Config: defaults < config file < environment < flags. Throws ConfigError naming
 * the file and line, the variable or the flag of the first bad setting.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? {};
  const args = parseArgs(options.argv ?? []);
  const fromEnv = configFromEnv(env);
  const named = args.configFile ?? (env[CONFIG_FILE_ENV] || undefined) ?? (options.file === false ? undefined : options.file);
  let fromFile: Partial<Config> = {};
  if (named !== undefined) fromFile = readConfigFile(named);
  else if (options.file === undefined && existsSync(defaultConfigFile)) fromFile = readConfigFile(displayPath(defaultConfigFile));
  return { ...defaultConfig(), ...fromFile, ...fromEnv, ...args.overrides };
}

// Messages should read `config/warren.conf:12`, not a long absolute path, when run from the checkout.
function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

/** The --help text, generated from the declaration table. */
export function usage(): string {
  const rows: Array<[string, string, string]> = [
    [`${CONFIG_FILE_FLAG} FILE`, CONFIG_FILE_ENV, 'rabbitmq.conf-style config file (default config/warren.conf if present)'],
  ];
  for (const o of configOptions) {
    if (!o.flag && !o.env) continue;
    rows.push([o.flag ? `${o.flag} ${o.arg}` : '', o.env ?? '', o.help]);
  }
  rows.push(['--help', '', 'show this help']);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([f, e, h]) => `  ${f.padEnd(w0)}  ${e.padEnd(w1)}  ${h}`);
  const keys = configOptions.flatMap((o) => o.keys);
  return [
    'Usage: warren [options]',
    '',
    'Starts the Warren AMQP 0-9-1 broker. Settings come from defaults < config file < environment < flags.',
    '',
    'Options (flag, environment variable, meaning):',
    ...lines,
    '',
    `Config file keys: ${keys.join(', ')}`,
    '',
  ].join('\n');
}
