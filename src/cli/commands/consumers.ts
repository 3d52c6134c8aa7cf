/** list_consumers (rabbitmqctl 3.10's columns and output) over /api/consumers/{vhost}. */
import { formatCtlTerm as formatErlangTerm } from '../../amqp/codec/erlang-term.js';
import { columnsOf } from '../args.js';
import type { Command, Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure } from '../failure.js';

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

function value(c: ConsumerJson, column: string): unknown {
  switch (column) {
    case 'queue_name':
      return c.queue.name;
    case 'channel_pid':
      // Warren's channels have no Erlang pid: the channel's name stands for it.
      return c.channel_details.name;
    default:
      return c[column as keyof ConsumerJson];
  }
}

async function listConsumers(c: Context): Promise<number> {
  const asked = columnsOf(c.args, CONSUMER_COLUMNS, DEFAULT_CONSUMER_COLUMNS);
  const columns = CONSUMER_COLUMNS.filter((k) => asked.includes(k));
  c.banner(`Listing consumers in vhost ${c.vhost} ...`, true);
  const r = await c.request('GET', `/api/consumers/${encodeURIComponent(c.vhost)}`);
  // rabbitmqctl lists nothing (exit 0) for a vhost that does not exist.
  const rows = r.status === 404 ? [] : r.status === 200 ? (r.body as ConsumerJson[]) : undefined;
  if (rows === undefined) return failure(c, r);
  if (c.json) {
    const items = rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((k) => [k, value(row, k)]))));
    c.io.out(`[\n${items.map((i) => i + '\n').join(',')}]\n`);
    return ExitCode.OK;
  }
  if (rows.length === 0) return ExitCode.OK;
  const lines = rows.map((row) => columns.map((k) => (k === 'arguments' ? formatErlangTerm(row.arguments) : String(value(row, k)))).join('\t'));
  if (c.headers) lines.unshift(columns.join('\t'));
  c.io.out(lines.join('\n') + '\n');
  return ExitCode.OK;
}

/** The consumer commands. */
export const CONSUMER_COMMANDS: Record<string, Command> = {
  list_consumers: {
    usage:
      'list_consumers [-p <vhost>] [--no-table-headers] [--formatter json] [<column> ...]\n      columns: queue_name, channel_pid, consumer_tag, ack_required, prefetch_count,\n               active, activity_status, arguments (channel_pid is the channel\'s name)',
    run: listConsumers,
  },
};
