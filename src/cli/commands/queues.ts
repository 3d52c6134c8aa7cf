/**
 * list_queues, purge_queue and delete_queue with rabbitmqctl 3.10.8's columns, banners, output
 * and exit codes, over /api/queues. Warren has no Erlang processes: pid prints the node, and
 * the pid-valued columns of mirrors and exclusive owners are empty, as rabbitmqctl prints them
 * for a classic queue without mirrors. messages_persistent / message_bytes_persistent are 0 for
 * a transient queue and empty (not counted) for a durable one.
 */
import { columnsOf, expectArgs } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, ok, printError } from '../failure.js';
import { reasonOf } from '../api-client.js';
import { Arguments, Pid, printList, uniqueColumns, type ListValue } from './list-format.js';

/** rabbitmqctl 3.10.8's list_queues info keys. */
export const QUEUE_COLUMNS = [
  'name', 'durable', 'auto_delete', 'arguments', 'policy', 'pid', 'owner_pid', 'exclusive', 'exclusive_consumer_pid',
  'exclusive_consumer_tag', 'messages_ready', 'messages_unacknowledged', 'messages', 'messages_ready_ram',
  'messages_unacknowledged_ram', 'messages_ram', 'messages_persistent', 'message_bytes', 'message_bytes_ready',
  'message_bytes_unacknowledged', 'message_bytes_ram', 'message_bytes_persistent', 'head_message_timestamp', 'disk_reads',
  'disk_writes', 'consumers', 'consumer_utilisation', 'consumer_capacity', 'memory', 'slave_pids', 'synchronised_slave_pids',
  'state', 'type', 'leader', 'members', 'online',
];
const DEFAULT_QUEUE_COLUMNS = ['name', 'messages'];

type QueueJson = Record<string, unknown> & { name: string; node?: string; durable?: boolean; arguments?: Record<string, unknown> };

function cell(q: QueueJson, column: string): ListValue | Arguments {
  switch (column) {
    case 'arguments':
      return new Arguments(q.arguments ?? {});
    case 'pid':
      return new Pid(q.node ?? '');
    case 'owner_pid':
    case 'exclusive_consumer_pid':
    case 'slave_pids':
    case 'synchronised_slave_pids':
    case 'leader':
    case 'members':
    case 'online':
      return '';
    case 'messages_persistent':
    case 'message_bytes_persistent':
      return q.durable === true ? '' : 0;
    case 'disk_reads':
    case 'disk_writes':
      return 0;
    default: {
      const v = q[column];
      return v === null || v === undefined ? '' : (v as ListValue);
    }
  }
}

function timeoutSeconds(c: Context): string {
  const t = c.option('timeout');
  const n = t === undefined ? 60 : Number(t);
  return (Number.isFinite(n) ? n : 60).toFixed(1);
}

async function listQueues(c: Context): Promise<number> {
  const columns = uniqueColumns(columnsOf(c.args, QUEUE_COLUMNS, DEFAULT_QUEUE_COLUMNS));
  if (!c.quiet && !c.json) c.io.out(`Timeout: ${timeoutSeconds(c)} seconds ...\nListing queues for vhost ${c.vhost} ...\n`);
  // --offline lists the queues whose node is down: a single node has none.
  if (c.flag('offline') && !c.flag('online')) {
    printList(c, columns, []);
    return ExitCode.OK;
  }
  const r = await c.request('GET', apiPath('/api/queues', c.vhost));
  // rabbitmqctl lists nothing (exit 0) for a vhost that does not exist.
  const rows = r.status === 404 ? [] : r.status === 200 ? (r.body as QueueJson[]) : undefined;
  if (rows === undefined) return failure(c, r);
  printList(c, columns, rows.map((q) => Object.fromEntries(columns.map((k) => [k, cell(q, k)]))));
  return ExitCode.OK;
}

async function purgeQueue(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const queue = c.args[0] ?? '';
  c.banner(`Purging queue '${queue}' in vhost '${c.vhost}' ...`);
  const r = await c.request('DELETE', `${apiPath('/api/queues', c.vhost, queue)}/contents`);
  if (ok(r)) return ExitCode.OK;
  // rabbitmqctl: {error, not_found} for a missing queue or vhost.
  if (r.status === 404) return printError(c, 'not_found');
  return failure(c, r);
}

async function deleteQueue(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const queue = c.args[0] ?? '';
  const ifEmpty = c.flag('if-empty');
  const ifUnused = c.flag('if-unused');
  const conditions = [...(ifEmpty ? ['if queue is empty '] : []), ...(ifUnused ? ['if queue is unused '] : [])];
  c.banner(`Deleting queue '${queue}' on vhost '${c.vhost}' ${conditions.join('and ')}...`);
  const path = apiPath('/api/queues', c.vhost, queue);
  // The API's DELETE does not say how many messages went: read the count first (rabbitmqctl prints queue.delete's count).
  const before = await c.request('GET', `${path}?columns=messages_ready`);
  if (before.status === 404) return printError(c, 'Queue not found', ExitCode.USAGE);
  if (!ok(before)) return failure(c, before);
  const query = [ifEmpty ? 'if-empty=true' : '', ifUnused ? 'if-unused=true' : ''].filter((s) => s !== '').join('&');
  const r = await c.request('DELETE', query === '' ? path : `${path}?${query}`);
  if (ok(r)) {
    const ready = (before.body as { messages_ready?: number } | undefined)?.messages_ready ?? 0;
    c.io.out(`Queue was successfully deleted with ${ready} ready messages\n`);
    return ExitCode.OK;
  }
  const reason = reasonOf(r.body);
  if (r.status === 404) return printError(c, 'Queue not found', ExitCode.USAGE);
  if (reason.endsWith('not empty')) return printError(c, 'Queue is not empty', ExitCode.USAGE);
  if (reason.endsWith('in use')) return printError(c, 'Queue is in use', ExitCode.USAGE);
  return failure(c, r);
}

/** The queue commands. */
export const QUEUE_COMMANDS: Record<string, Command> = {
  list_queues: {
    usage: `list_queues [-p <vhost>] [--online] [--offline] [--local] [--no-table-headers] [--formatter json] [<column> ...]\n      columns: ${QUEUE_COLUMNS.join(', ')}`,
    run: listQueues,
  },
  purge_queue: { usage: 'purge_queue [-p <vhost>] <queue>', run: purgeQueue },
  delete_queue: { usage: 'delete_queue [-p <vhost>] <queue_name> [--if-empty|-e] [--if-unused|-u]', run: deleteQueue },
};
