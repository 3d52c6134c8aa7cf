/**
 * list_connections, close_connection and close_all_connections (rabbitmqctl 3.10.8's columns,
 * banners, output and exit codes) over /api/connections. Warren's connections have no Erlang
 * pid: the connection's name stands for it (the `pid` column, close_connection's argument).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { hostname } from 'node:os';
import { formatCtlTerm } from '../../amqp/codec/erlang-term.js';
import { columnsOf, expectArgs, UsageError } from '../args.js';
import type { Command, Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, ok, printError } from '../failure.js';

// rabbitmqctl 3.10.8's list_connections info keys, and its default columns.
export const CONNECTION_COLUMNS = [
  'pid', 'name', 'port', 'host', 'peer_port', 'peer_host', 'ssl', 'ssl_protocol', 'ssl_key_exchange', 'ssl_cipher', 'ssl_hash',
  'peer_cert_subject', 'peer_cert_issuer', 'peer_cert_validity', 'state', 'channels', 'protocol', 'auth_mechanism', 'user', 'vhost',
  'timeout', 'frame_max', 'channel_max', 'client_properties', 'recv_oct', 'recv_cnt', 'send_oct', 'send_cnt', 'send_pend', 'connected_at',
];
const DEFAULT_CONNECTION_COLUMNS = ['user', 'peer_host', 'peer_port', 'state'];

type ConnectionJson = Record<string, unknown>;

/** The columns asked for (comma-separated or not), each once, in the order asked (rabbitmqctl's InfoKeys). */
export function infoKeys(args: readonly string[], known: readonly string[], defaults: readonly string[]): string[] {
  return [...new Set(columnsOf(args.map((a) => a.trim()), known, defaults))];
}

/** An IP address as rabbitmqctl's JSON formatter prints it: the Erlang tuple as a list of numbers. */
export function ipTuple(address: string): unknown {
  if (isIPv4(address)) return address.split('.').map(Number);
  if (!isIPv6(address)) return address;
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

/** A JSON value of the API's client_properties as rabbitmqctl's JSON prints the AMQP table: [name, type, value] triples. */
export function typedTable(table: Record<string, unknown>): unknown[] {
  return Object.entries(table).map(([k, v]) => {
    const [type, value] = typedValue(v);
    return [k, type, value];
  });
}

// The API's JSON has lost the field types: strings are longstr, integers the smallest signed
// type that holds them (as amqplib encodes them), other numbers double.
function typedValue(v: unknown): [string, unknown] {
  if (typeof v === 'string') return ['longstr', v];
  if (typeof v === 'boolean') return ['bool', v];
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return ['double', v];
    if (v >= -128 && v < 128) return ['byte', v];
    if (v >= -32768 && v < 32768) return ['short', v];
    if (v >= -(2 ** 31) && v < 2 ** 31) return ['signedint', v];
    return ['long', v];
  }
  if (Array.isArray(v)) return ['array', v.map(typedValue)];
  if (v !== null && typeof v === 'object') return ['table', typedTable(v as Record<string, unknown>)];
  return ['void', 'undefined'];
}

const TEXT_WHEN_PLAIN = new Set(['ssl_protocol', 'ssl_key_exchange', 'ssl_cipher', 'ssl_hash', 'peer_cert_subject', 'peer_cert_issuer', 'peer_cert_validity']);

function jsonValue(c: ConnectionJson, column: string): unknown {
  switch (column) {
    case 'pid':
      return c.name;
    case 'host':
    case 'peer_host':
      return ipTuple(String(c[column]));
    case 'protocol':
      return [0, 9, 1];
    case 'client_properties':
      return typedTable((c.client_properties ?? {}) as Record<string, unknown>);
    default: {
      const v = c[column];
      // A plain connection's TLS fields: '' (RabbitMQ's empty atom), not null.
      if (v === null || v === undefined) return TEXT_WHEN_PLAIN.has(column) ? '' : null;
      return v;
    }
  }
}

function tableValue(c: ConnectionJson, column: string): string {
  switch (column) {
    case 'pid':
      return String(c.name);
    case 'protocol':
      return '{0,9,1}';
    case 'client_properties':
      return formatCtlTerm(c.client_properties ?? {});
    default: {
      const v = c[column];
      // Not reported, or a plain connection's TLS field (recv_cnt and send_cnt come from the API's statistics).
      if (v === null || v === undefined) return '';
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : formatCtlTerm(v);
    }
  }
}

/** rabbitmqctl's JSON list: one object a line with leading commas; `[\n]` when empty. */
export function printJsonRows(c: Context, rows: readonly Record<string, unknown>[]): void {
  c.io.out(`[\n${rows.map((r) => JSON.stringify(r) + '\n').join(',')}]\n`);
}

/** TAB-separated rows with a header row (unless -s / --no-table-headers); nothing at all when empty. */
export function printTable(c: Context, columns: readonly string[], rows: readonly string[][]): void {
  if (rows.length === 0) return;
  const lines = rows.map((r) => r.join('\t'));
  if (c.headers) lines.unshift(columns.join('\t'));
  c.io.out(lines.join('\n') + '\n');
}

async function listConnections(c: Context): Promise<number> {
  const columns = infoKeys(c.args, CONNECTION_COLUMNS, DEFAULT_CONNECTION_COLUMNS);
  c.banner('Listing connections ...', true);
  // rabbitmqctl lists every vhost's connections (no -p).
  const r = await c.request('GET', '/api/connections');
  if (r.status !== 200) return failure(c, r);
  const rows = r.body as ConnectionJson[];
  if (c.json) printJsonRows(c, rows.map((row) => Object.fromEntries(columns.map((k) => [k, jsonValue(row, k)]))));
  else printTable(c, columns, rows.map((row) => columns.map((k) => tableValue(row, k))));
  return ExitCode.OK;
}

/** The X-Reason header: the explanation's UTF-8 bytes, as a header carries bytes. */
function reasonHeader(explanation: string): Record<string, string> {
  return { 'x-reason': Buffer.from(explanation, 'utf8').toString('latin1') };
}

/** A connection name as list_connections prints it (`<peer> -> <local>`): what close_connection takes for a pid. */
function looksLikeConnectionName(s: string): boolean {
  return /^\S+:\d+ -> \S+:\d+$/.test(s);
}

async function closeConnection(c: Context): Promise<number> {
  expectArgs(c.args, 2);
  const [name, explanation] = c.args as [string, string];
  c.banner(`Closing connection ${name}, reason: ${explanation}...`);
  if (!looksLikeConnectionName(name)) return printError(c, `{:invalid_pid_syntax, ${JSON.stringify(name)}}`);
  const r = await c.request('DELETE', `/api/connections/${encodeURIComponent(name)}`, undefined, reasonHeader(explanation));
  // rabbitmqctl: closing a connection that is gone already succeeds silently.
  if (ok(r) || r.status === 404) return ExitCode.OK;
  return failure(c, r);
}

/** A non-negative integer option (rabbitmqctl's :integer switches); 64 otherwise. */
function integerOption(c: Context, name: string): number {
  const raw = c.option(name);
  if (raw === undefined) return 0;
  // rabbitmqctl 3.10.8 crashes on a negative --limit (lists:sublist): refused here instead.
  if (!/^\d+$/.test(raw)) throw new UsageError(`Invalid options for this command:\n--${name} : ${raw}`, false);
  return Number(raw);
}

/** This node's name: from /api/overview when the API has it, else a listed connection's, else warren@<host>. */
async function nodeName(c: Context): Promise<string> {
  const overview = await c.request('GET', '/api/overview');
  const fromOverview = (overview.body as { node?: unknown } | undefined)?.node;
  if (overview.status === 200 && typeof fromOverview === 'string') return fromOverview;
  const conns = await c.request('GET', '/api/connections?disable_stats=true');
  const fromConnection = conns.status === 200 ? (conns.body as ConnectionJson[]).find((x) => typeof x.node === 'string')?.node : undefined;
  if (typeof fromConnection === 'string') return fromConnection;
  const host = new URL(c.target.url).hostname;
  return `warren@${['127.0.0.1', 'localhost', '[::1]'].includes(host) ? hostname() : host}`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function closeAllConnections(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const [explanation] = c.args as [string];
  const global = c.flag('global');
  const limit = integerOption(c, 'limit');
  const delay = integerOption(c, 'per-connection-delay');
  const node = global || c.json ? await nodeName(c) : '';
  if (global) c.banner(`Closing all connections to node ${node} (across all vhosts), reason: ${explanation}...`, true);
  else if (limit === 0) c.banner(`Closing all connections in vhost ${c.vhost}, reason: ${explanation}...`, true);
  else c.banner(`Closing ${limit} connections in vhost ${c.vhost}, reason: ${explanation}...`, true);
  const r = await c.request('GET', global ? '/api/connections' : `/api/vhosts/${encodeURIComponent(c.vhost)}/connections`);
  // rabbitmqctl closes nothing (and says so) in a vhost that does not exist.
  if (r.status !== 200 && r.status !== 404) return failure(c, r);
  const listed = r.status === 200 ? (r.body as ConnectionJson[]) : [];
  // As rabbitmqctl: --limit applies to one vhost's connections, not with --global.
  const targets = !global && limit > 0 ? listed.slice(0, limit) : listed;
  for (const [i, conn] of targets.entries()) {
    if (i > 0 && delay > 0) await sleep(delay);
    const d = await c.request('DELETE', `/api/connections/${encodeURIComponent(String(conn.name))}`, undefined, reasonHeader(explanation));
    if (!ok(d) && d.status !== 404) return failure(c, d);
  }
  const value = `Closed ${targets.length} connections`;
  c.io.out(c.json ? JSON.stringify({ node, result: 'ok', value }) + '\n' : value + '\n');
  return ExitCode.OK;
}

/** The connection commands. */
export const CONNECTION_COMMANDS: Record<string, Command> = {
  list_connections: {
    usage: `list_connections [--no-table-headers] [--formatter json] [<column> ...]\n      columns: ${CONNECTION_COLUMNS.join(', ')}\n               (pid is the connection's name)`,
    run: listConnections,
  },
  close_connection: {
    usage: 'close_connection <connection name> <explanation>   (the name list_connections prints as pid or name)',
    run: closeConnection,
  },
  close_all_connections: {
    usage: 'close_all_connections [-p <vhost> --limit <limit>] [--global] [--per-connection-delay <ms>] <explanation>',
    run: closeAllConnections,
  },
};
