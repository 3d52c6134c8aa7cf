/**
 * list_channels (rabbitmqctl 3.10.8's columns and output) over /api/channels. Warren's channels
 * and connections have no Erlang pids: `pid` is the channel's name, `connection` its
 * connection's name.
 */
import type { Command, Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure } from '../failure.js';
import { infoKeys, printJsonRows, printTable } from './connections.js';

// rabbitmqctl 3.10.8's list_channels info keys, and its default columns.
export const CHANNEL_COLUMNS = [
  'pid', 'connection', 'name', 'number', 'user', 'vhost', 'transactional', 'confirm', 'consumer_count', 'messages_unacknowledged',
  'messages_uncommitted', 'acks_uncommitted', 'messages_unconfirmed', 'prefetch_count', 'global_prefetch_count',
];
const DEFAULT_CHANNEL_COLUMNS = ['pid', 'user', 'consumer_count', 'messages_unacknowledged'];

type ChannelJson = Record<string, unknown> & { connection_details?: { name?: unknown } };

function value(ch: ChannelJson, column: string): unknown {
  if (column === 'pid') return ch.name;
  if (column === 'connection') return ch.connection_details?.name;
  return ch[column];
}

function cell(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

async function listChannels(c: Context): Promise<number> {
  const columns = infoKeys(c.args, CHANNEL_COLUMNS, DEFAULT_CHANNEL_COLUMNS);
  c.banner('Listing channels ...', true);
  const r = await c.request('GET', '/api/channels');
  if (r.status !== 200) return failure(c, r);
  const rows = r.body as ChannelJson[];
  if (c.json) printJsonRows(c, rows.map((row) => Object.fromEntries(columns.map((k) => [k, value(row, k) ?? null]))));
  else printTable(c, columns, rows.map((row) => columns.map((k) => cell(value(row, k)))));
  return ExitCode.OK;
}

/** The channel commands. */
export const CHANNEL_COMMANDS: Record<string, Command> = {
  list_channels: {
    usage: `list_channels [--no-table-headers] [--formatter json] [<column> ...]\n      columns: ${CHANNEL_COLUMNS.join(', ')}\n               (pid is the channel's name, connection its connection's name)`,
    run: listChannels,
  },
};
