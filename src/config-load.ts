/**
 * Builds a Config from defaults < config file < environment < command-line flags. The file
 * parser, the env reader, the flag parser and `--help` are all driven by the declaration
 * table in config.ts (`configSchema`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compoundKeys, configSchema, defaultConfig, type Config, type OptionSpec } from './config.js';
import { InvalidValue } from './config-values.js';

export type { Config } from './config.js';

/** A configuration mistake the operator must fix; the message names the file:line, variable or flag. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A setting as the readers use it: where it may be written, and the Config fields its text sets. */
export interface ConfigOption {
  /** rabbitmq.conf keys; the first is canonical, the rest are aliases. */
  readonly keys: readonly string[];
  /** Environment variable, if any. */
  readonly env?: string;
  /** Command-line flag, if any. */
  readonly flag?: string;
  /** Values never echoed in error messages. */
  readonly secret?: boolean;
  /** Turns the raw text into Config fields; throws InvalidValue on a bad value. */
  readonly parse: (raw: string) => Partial<Config>;
  /** The Config field it sets (undefined for compound keys). */
  readonly field?: string;
}

/** Every setting, derived from `configSchema` and `compoundKeys`: what the file, env and flag readers look up. */
export const configOptions: readonly ConfigOption[] = [
  ...compoundKeys.map((c) => ({ keys: [c.key], parse: c.parse })),
  ...Object.entries(configSchema).map(([field, o]: [string, OptionSpec<unknown>]) => ({
    keys: o.keys,
    env: o.env,
    flag: o.flag,
    secret: o.secret,
    field,
    parse: (raw: string) => ({ [field]: o.parse(raw) }),
  })),
];

const CONFIG_FILE_ENV = 'WARREN_CONFIG_FILE';
const CONFIG_FILE_FLAG = '--config';
const HELP_FLAGS = new Set(['--help', '-h']);

/** The packaged, documented config file; read when present and no other file is named. */
export const defaultConfigFile = fileURLToPath(new URL('../config/warren.conf', import.meta.url));

const byKey = new Map<string, ConfigOption>();
const byEnv = new Map<string, ConfigOption>();
const byFlag = new Map<string, ConfigOption>();
// Keys written `<prefix>.<n>` in configSchema: RabbitMQ's numbered lists (`ssl_options.versions.1 = tlsv1.2`,
// `listeners.tcp.other = 5673`), whose lines the file reader collects in file order and parses joined by commas.
const LIST_SUFFIX = '.<n>';
const byListPrefix = new Map<string, ConfigOption>();
for (const o of configOptions) {
  for (const k of o.keys) {
    if (k.endsWith(LIST_SUFFIX)) byListPrefix.set(k.slice(0, -LIST_SUFFIX.length + 1), o);
    else byKey.set(k, o);
  }
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
  // `default_user_tags.<tag> = true|false`: the tags set to true, in file order.
  const userTags = new Map<string, boolean>();
  // Numbered lists: per option, its entries by name (a repeated name: the later line wins).
  const lists = new Map<ConfigOption, Map<string, string>>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const at = `${fileName}:${i + 1}`;
    const line = lines[i].replace(/#.*$/, '').trim();
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
    if (key.startsWith('default_user_tags.') && key.length > 'default_user_tags.'.length) {
      if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${at}: invalid value '${raw}' for '${key}': expected true or false`);
      userTags.set(key.slice('default_user_tags.'.length), raw === 'true');
      continue;
    }
    const o = byKey.get(key);
    const dot = key.lastIndexOf('.');
    const listOption = o === undefined && dot > 0 ? byListPrefix.get(key.slice(0, dot + 1)) : undefined;
    if (listOption !== undefined) {
      if (raw === '') throw new ConfigError(`${at}: missing value for '${key}'`);
      apply(listOption, raw, at, key); // each entry checked on its own line
      const entries = lists.get(listOption) ?? new Map<string, string>();
      entries.set(key.slice(dot + 1), raw);
      lists.set(listOption, entries);
      continue;
    }
    if (!o) throw new ConfigError(`${at}: unknown key '${key}'`);
    if (raw === '') throw new ConfigError(`${at}: missing value for '${key}'`);
    Object.assign(out, apply(o, raw, at, key));
  }
  for (const [o, entries] of lists) {
    // RabbitMQ: `listeners.tcp = none` wins over any `listeners.tcp.<name>`.
    if (o.field !== undefined && (out as Record<string, unknown>)[o.field] === 'none') continue;
    Object.assign(out, apply(o, [...entries.values()].join(','), fileName));
  }
  if (userTags.size > 0) out.defaultUserTags = [...userTags].filter(([, on]) => on).map(([tag]) => tag);
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
    const arg = argv[i];
    // --help is acted on by main (isHelpRequested) before loading; here it is just allowed.
    if (HELP_FLAGS.has(arg)) continue;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}' (see --help)`);
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const o = byFlag.get(flag);
    if (!o && flag !== CONFIG_FILE_FLAG) throw new ConfigError(`unknown option '${flag}' (see --help)`);
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) raw = argv[++i];
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
  for (const o of Object.values(configSchema) as OptionSpec<unknown>[]) {
    if (!o.flag && !o.env) continue;
    rows.push([o.flag ? `${o.flag} ${o.arg}` : '', o.env ?? '', `${o.help} (default ${o.defaultText ?? shownDefault(o.default, o.arg)})`]);
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

// A default as an operator would write it: lists in the env var's syntax.
/** A default as --help shows it: sizes and durations also in the unit a reader thinks in ("134217728 = 128 MiB"). */
function shownDefault(value: unknown, arg: string | undefined): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (typeof value !== 'number' || value <= 0) return String(value);
  if (arg === 'BYTES') {
    const MiB = 1024 * 1024;
    if (value % MiB === 0) return `${value} = ${value / MiB} MiB`;
    if (value % 1e6 === 0) return `${value} = ${value / 1e6} MB`;
  }
  if (arg === 'MS') {
    if (value % 60000 === 0) return `${value} = ${value / 60000} min`;
    if (value % 1000 === 0) return `${value} = ${value / 1000} s`;
  }
  return String(value);
}
