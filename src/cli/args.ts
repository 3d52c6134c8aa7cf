/** warrenctl's command line: global and per-command options in one table, positional arguments kept in order. */

/** An argument error: printed as rabbitmqctl's "Error (argument validation): ..." with exit 64. */
export class UsageError extends Error {
  /** rabbitmqctl ends most argument errors with a period, not all (e.g. unsupported info keys). */
  constructor(
    message: string,
    readonly period = true,
  ) {
    super(message);
  }
}

/** The options that take a value (long name -> short aliases). */
const VALUE_OPTIONS: Record<string, string[]> = {
  vhost: ['-p'],
  formatter: [],
  priority: [],
  'apply-to': [],
  description: [],
  tags: [],
  'default-queue-type': [],
  user: ['-u'],
  'api-url': [],
  username: [],
  password: [],
  'data-dir': [],
  timeout: ['-t'],
  unit: [],
  limit: [],
  'per-connection-delay': [],
};

/** The switches (no value). */
const FLAG_OPTIONS: Record<string, string[]> = {
  quiet: ['-q'],
  silent: ['-s'],
  'no-table-headers': [],
  'pre-hashed-password': [],
  global: [],
  help: ['-h'],
  'if-empty': ['-e'],
  // -u is --if-unused for delete_queue (see parseArgs), --user elsewhere.
  'if-unused': [],
  online: [],
  offline: [],
  local: [],
};

/** Short options that mean a different switch for one command: rabbitmqctl's delete_queue -u is --if-unused. */
const COMMAND_SHORT_FLAGS: Record<string, Record<string, string>> = { delete_queue: { '-u': 'if-unused' } };

/** The parsed command line. */
export interface ParsedArgs {
  /** Long option name -> value (the last one given wins). */
  values: Map<string, string>;
  /** Switches given. */
  flags: Set<string>;
  /** Positional arguments: the command, then its arguments. */
  positional: string[];
}

function longName(table: Record<string, string[]>, arg: string): string | undefined {
  if (arg.startsWith('--')) return Object.hasOwn(table, arg.slice(2)) ? arg.slice(2) : undefined;
  return Object.keys(table).find((k) => table[k]?.includes(arg));
}

/** Splits argv into options and positional arguments; throws UsageError for an unknown option or a missing value. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { values: new Map(), flags: new Set(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      parsed.positional.push(...argv.slice(i + 1));
      break;
    }
    const commandFlag = COMMAND_SHORT_FLAGS[parsed.positional[0] ?? '']?.[a];
    if (commandFlag !== undefined) {
      parsed.flags.add(commandFlag);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const valueOption = longName(VALUE_OPTIONS, name);
    if (valueOption !== undefined) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`option ${name} needs a value`);
      parsed.values.set(valueOption, v);
      continue;
    }
    const flag = eq > 0 ? undefined : longName(FLAG_OPTIONS, name);
    if (flag !== undefined) {
      parsed.flags.add(flag);
      continue;
    }
    if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    parsed.positional.push(a);
  }
  return parsed;
}

/** Throws rabbitmqctl's "not enough arguments" / "too many arguments" unless min <= args.length <= max. */
export function expectArgs(args: readonly string[], min: number, max = min): void {
  if (args.length < min) throw new UsageError('not enough arguments');
  if (args.length > max) throw new UsageError('too many arguments');
}

/** Columns asked for as separate arguments or comma-separated (rabbitmqctl takes both); throws for unknown ones. */
export function columnsOf(args: readonly string[], known: readonly string[], defaults: readonly string[]): string[] {
  const asked = args.flatMap((a) => a.split(',')).filter((a) => a !== '');
  const unknown = asked.filter((c) => !known.includes(c));
  if (unknown.length !== 0) throw new UsageError(`Info key(s) ${unknown.join(',')} are not supported`, false);
  return asked.length === 0 ? [...defaults] : asked;
}
