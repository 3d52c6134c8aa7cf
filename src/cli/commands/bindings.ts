/** list_bindings with rabbitmqctl 3.10.8's columns, banner and output, over /api/bindings/{vhost}. */
import { columnsOf } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure } from '../failure.js';
import { Arguments, printList, uniqueColumns, type ListValue } from './list-format.js';

/** rabbitmqctl 3.10.8's list_bindings info keys (all of them by default). */
export const BINDING_COLUMNS = ['source_name', 'source_kind', 'destination_name', 'destination_kind', 'routing_key', 'arguments'];

interface BindingJson {
  source: string;
  destination: string;
  destination_type: string;
  routing_key: string;
  arguments?: Record<string, unknown>;
}

function cell(b: BindingJson, column: string): ListValue | Arguments {
  switch (column) {
    case 'source_name':
      return b.source;
    case 'source_kind':
      return 'exchange';
    case 'destination_name':
      return b.destination;
    case 'destination_kind':
      return b.destination_type;
    case 'routing_key':
      return b.routing_key;
    default:
      return new Arguments(b.arguments ?? {});
  }
}

async function listBindings(c: Context): Promise<number> {
  const columns = uniqueColumns(columnsOf(c.args, BINDING_COLUMNS, BINDING_COLUMNS));
  // rabbitmqctl 3.10.8's banner has no space before the dots.
  c.banner(`Listing bindings for vhost ${c.vhost}...`, true);
  const r = await c.request('GET', apiPath('/api/bindings', c.vhost));
  const rows = r.status === 404 ? [] : r.status === 200 ? (r.body as BindingJson[]) : undefined;
  if (rows === undefined) return failure(c, r);
  printList(c, columns, rows.map((b) => Object.fromEntries(columns.map((k) => [k, cell(b, k)]))));
  return ExitCode.OK;
}

/** The binding commands. */
export const BINDING_COMMANDS: Record<string, Command> = {
  list_bindings: {
    usage: `list_bindings [-p <vhost>] [--no-table-headers] [--formatter json] [<column> ...]\n      columns: ${BINDING_COLUMNS.join(', ')}`,
    run: listBindings,
  },
};
