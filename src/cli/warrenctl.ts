/**
 * warrenctl: rabbitmqctl's command names, arguments, output and exit codes,
 * as a thin client of the management API.
 * Exit codes (sysexits, as rabbitmqctl): 0 ok, 64 usage, 65 data error (no such
 * vhost), 69 unavailable (validation failed, no such object, API unreachable),
 * 77 not authorised.
 */
import { apiRequest, reasonOf, UnreachableError, type ApiTarget } from './api-client.js';
import { formatCtlTerm as formatErlangTerm } from '../amqp/codec/erlang-term.js';

const EX_USAGE = 64;
const EX_DATAERR = 65;
const EX_UNAVAILABLE = 69;
const EX_NOPERM = 77;

const USAGE = `Usage: warrenctl [options] <command> [<args>]

Commands:
  set_policy [-p <vhost>] [--priority <n>] [--apply-to <apply-to>] <name> <pattern> <definition>
      apply-to: all (default), queues, exchanges, classic_queues, quorum_queues, streams
  clear_policy [-p <vhost>] <name>
  list_policies [-p <vhost>] [--formatter json]
  list_consumers [-p <vhost>] [--no-table-headers] [--formatter json] [<column> ...]
      columns: queue_name, channel_pid, consumer_tag, ack_required, prefetch_count,
               active, activity_status, arguments (channel_pid is the channel's name)

Options:
  -p, --vhost <vhost>     virtual host (default /)
  -q, --quiet             no informational messages
  -s, --silent            no informational messages and no table header row
  --no-table-headers      no table header row
  --formatter <json>      machine-readable output for list commands
  --api-url <url>         management API (env WARRENCTL_API_URL, default http://127.0.0.1:15672)
  --username <user>       management user (env WARRENCTL_USERNAME, default guest)
  --password <password>   its password (env WARRENCTL_PASSWORD, default guest)
  -h, --help              this text
`;

/** Where output goes (injectable for tests). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

class UsageError extends Error {
  /** rabbitmqctl ends most argument errors with a period, not all (e.g. unsupported info keys). */
  constructor(
    message: string,
    readonly period = true,
  ) {
    super(message);
  }
}

interface Options {
  vhost: string;
  quiet: boolean;
  /** -s: quiet, and no table header row. */
  silent: boolean;
  noTableHeaders: boolean;
  formatter: string | undefined;
  priority: string | undefined;
  applyTo: string | undefined;
  target: ApiTarget;
  help: boolean;
  args: string[];
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Options {
  const o: Options = {
    vhost: '/',
    quiet: false,
    silent: false,
    noTableHeaders: false,
    formatter: undefined,
    priority: undefined,
    applyTo: undefined,
    target: {
      url: env.WARRENCTL_API_URL ?? 'http://127.0.0.1:15672',
      username: env.WARRENCTL_USERNAME ?? 'guest',
      password: env.WARRENCTL_PASSWORD ?? 'guest',
    },
    help: false,
    args: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-p':
      case '--vhost':
        o.vhost = value();
        break;
      case '-q':
      case '--quiet':
        o.quiet = true;
        break;
      case '-s':
      case '--silent':
        o.silent = true;
        o.quiet = true;
        break;
      case '--no-table-headers':
        o.noTableHeaders = true;
        break;
      case '--formatter':
        o.formatter = value();
        break;
      case '--priority':
        o.priority = value();
        break;
      case '--apply-to':
        o.applyTo = value();
        break;
      case '--api-url':
        o.target.url = value();
        break;
      case '--username':
        o.target.username = value();
        break;
      case '--password':
        o.target.password = value();
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        o.args.push(a);
    }
  }
  return o;
}

const policyPath = (vhost: string, name?: string): string =>
  `/api/policies/${encodeURIComponent(vhost)}` + (name === undefined ? '' : `/${encodeURIComponent(name)}`);

/** Prints the error RabbitMQ-style for a failed response and returns the exit code. */
function failure(io: Io, status: number, body: unknown, vhost: string, notFound: string): number {
  if (status === 401) {
    io.err(`Error:\n${reasonOf(body) || 'Login failed'}\n`);
    return EX_NOPERM;
  }
  if (status === 404 && (reasonOf(body) === 'vhost_not_found' || notFound === 'vhost')) {
    io.err(`Virtual host '${vhost}' does not exist\n`);
    return EX_DATAERR;
  }
  if (status === 404) {
    io.err('Error:\nParameter does not exist\n');
    return EX_UNAVAILABLE;
  }
  io.err(`Error:\n${reasonOf(body) || `HTTP ${status}`}\n`);
  return EX_UNAVAILABLE;
}

interface PolicyJson {
  vhost: string;
  name: string;
  pattern: string;
  'apply-to': string;
  definition: Record<string, unknown>;
  priority: number;
}

async function setPolicy(o: Options, io: Io): Promise<number> {
  if (o.args.length !== 3) throw new UsageError(o.args.length < 3 ? 'not enough arguments' : 'too many arguments');
  const [name, pattern, definitionText] = o.args as [string, string, string];
  const priority = o.priority ?? '0';
  if (!/^-?\d+$/.test(priority)) throw new UsageError(`invalid value for --priority: ${priority}`);
  if (!o.quiet) {
    io.out(`Setting policy "${name}" for pattern "${pattern}" to "${definitionText}" with priority "${priority}" for vhost "${o.vhost}" ...\n`);
  }
  let definition: unknown;
  try {
    definition = JSON.parse(definitionText);
  } catch {
    io.err('Error:\nJSON decoding error. Reason: badarg\n');
    return EX_UNAVAILABLE;
  }
  const body: Record<string, unknown> = { pattern, definition, priority: Number(priority) };
  if (o.applyTo !== undefined) body['apply-to'] = o.applyTo;
  const r = await apiRequest(o.target, 'PUT', policyPath(o.vhost, name), body);
  if (r.status === 201 || r.status === 204) return 0;
  return failure(io, r.status, r.body, o.vhost, 'vhost');
}

async function clearPolicy(o: Options, io: Io): Promise<number> {
  if (o.args.length !== 1) throw new UsageError(o.args.length < 1 ? 'not enough arguments' : 'too many arguments');
  const name = o.args[0];
  if (!o.quiet) io.out(`Clearing policy "${name}" on vhost "${o.vhost}" ...\n`);
  const r = await apiRequest(o.target, 'DELETE', policyPath(o.vhost, name));
  if (r.status === 204) return 0;
  return failure(io, r.status, r.body, o.vhost, 'object');
}

async function listPolicies(o: Options, io: Io): Promise<number> {
  if (o.args.length !== 0) throw new UsageError('too many arguments');
  if (o.formatter !== undefined && o.formatter !== 'json') throw new UsageError(`unsupported formatter ${o.formatter}`);
  const json = o.formatter === 'json';
  if (!o.quiet && !json) io.out(`Listing policies for vhost "${o.vhost}" ...\n`);
  const r = await apiRequest(o.target, 'GET', policyPath(o.vhost));
  if (r.status !== 200) return failure(io, r.status, r.body, o.vhost, 'vhost');
  // rabbitmqctl lists by ascending priority (rabbit_policy:sort_by_priority).
  const rows = (r.body as PolicyJson[]).slice().sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const fields = (p: PolicyJson): [string, string, string, string, string, number] => [p.vhost, p.name, p.pattern, p['apply-to'], JSON.stringify(p.definition), p.priority];
  if (json) {
    const items = rows.map((p) => {
      const [vhost, name, pattern, applyTo, definition, priority] = fields(p);
      return JSON.stringify({ vhost, name, pattern, 'apply-to': applyTo, definition, priority });
    });
    io.out(items.length === 0 ? '[]\n' : `[\n${items.join('\n,')}\n]\n`);
    return 0;
  }
  if (rows.length === 0) return 0;
  // rabbitmqctl prints values raw, tabs and newlines included.
  const lines = [['vhost', 'name', 'pattern', 'apply-to', 'definition', 'priority'], ...rows.map(fields)].map((f) => f.join('\t'));
  io.out(lines.join('\n') + '\n');
  return 0;
}

// rabbitmqctl list_consumers columns, in the order it prints them whatever order they are asked in.
const CONSUMER_COLUMNS = ['queue_name', 'channel_pid', 'consumer_tag', 'ack_required', 'prefetch_count', 'active', 'activity_status', 'arguments'];
const DEFAULT_CONSUMER_COLUMNS = CONSUMER_COLUMNS.filter((c) => c !== 'activity_status');

interface ConsumerJson {
  queue: { name: string };
  channel_details: { name: string };
  consumer_tag: string;
  ack_required: boolean;
  prefetch_count: number;
  active: boolean;
  activity_status: string;
  arguments: Record<string, unknown>;
}

async function listConsumers(o: Options, io: Io): Promise<number> {
  if (o.formatter !== undefined && o.formatter !== 'json') throw new UsageError(`unsupported formatter ${o.formatter}`);
  // rabbitmqctl takes columns as separate arguments or comma-separated.
  const asked = o.args.flatMap((a) => a.split(',')).filter((a) => a !== '');
  const unknown = asked.filter((c) => !CONSUMER_COLUMNS.includes(c));
  if (unknown.length !== 0) throw new UsageError(`Info key(s) ${unknown.join(',')} are not supported`, false);
  const columns = asked.length === 0 ? DEFAULT_CONSUMER_COLUMNS : CONSUMER_COLUMNS.filter((c) => asked.includes(c));
  const json = o.formatter === 'json';
  if (!o.quiet && !json) io.out(`Listing consumers in vhost ${o.vhost} ...\n`);
  const r = await apiRequest(o.target, 'GET', `/api/consumers/${encodeURIComponent(o.vhost)}`);
  // rabbitmqctl lists nothing (exit 0) for a vhost that does not exist.
  const rows = r.status === 404 ? [] : r.status === 200 ? (r.body as ConsumerJson[]) : undefined;
  if (rows === undefined) return failure(io, r.status, r.body, o.vhost, 'vhost');
  const value = (c: ConsumerJson, column: string): unknown => {
    switch (column) {
      case 'queue_name':
        return c.queue.name;
      case 'channel_pid':
        // Warren's channels have no Erlang pid: the channel's name stands for it.
        return c.channel_details.name;
      default:
        return c[column as keyof ConsumerJson];
    }
  };
  if (json) {
    const items = rows.map((c) => JSON.stringify(Object.fromEntries(columns.map((k) => [k, value(c, k)]))));
    io.out(`[\n${items.map((i) => i + '\n').join(',')}]\n`);
    return 0;
  }
  if (rows.length === 0) return 0;
  const lines = rows.map((c) => columns.map((k) => (k === 'arguments' ? formatErlangTerm(c.arguments) : String(value(c, k)))).join('\t'));
  if (!o.silent && !o.noTableHeaders) lines.unshift(columns.join('\t'));
  io.out(lines.join('\n') + '\n');
  return 0;
}

const COMMANDS: Record<string, (o: Options, io: Io) => Promise<number>> = {
  set_policy: setPolicy,
  clear_policy: clearPolicy,
  list_policies: listPolicies,
  list_consumers: listConsumers,
};

/** Runs warrenctl with these arguments; resolves with the exit code. */
export async function runWarrenctl(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let o: Options;
  try {
    o = parseArgs(argv, env);
  } catch (e) {
    io.err(`Error: ${(e as Error).message}\n\n${USAGE}`);
    return EX_USAGE;
  }
  const [command, ...rest] = o.args;
  if (o.help || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  const run = command === undefined ? undefined : COMMANDS[command];
  if (run === undefined) {
    io.err(`${command === undefined ? 'Error: no command given' : `Error: command '${command}' not found`}\n\n${USAGE}`);
    return EX_USAGE;
  }
  o.args = rest;
  try {
    return await run(o, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`Error (argument validation): ${e.message}${e.period ? '.' : ''}\nArguments given:\n\t${argv.join(' ')}\n\n${USAGE}`);
      return EX_USAGE;
    }
    if (e instanceof UnreachableError) {
      io.err(`Error: ${e.message}\n`);
      return EX_UNAVAILABLE;
    }
    throw e;
  }
}
