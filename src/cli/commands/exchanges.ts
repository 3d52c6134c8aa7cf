/** list_exchanges with rabbitmqctl 3.10.8's columns, banner and output, over /api/exchanges/{vhost}. */
import { columnsOf } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure } from '../failure.js';
import { Arguments, printList, uniqueColumns, type ListValue } from './list-format.js';

/** rabbitmqctl 3.10.8's list_exchanges info keys. */
export const EXCHANGE_COLUMNS = ['name', 'type', 'durable', 'auto_delete', 'internal', 'arguments', 'policy'];
const DEFAULT_EXCHANGE_COLUMNS = ['name', 'type'];

type ExchangeJson = Record<string, unknown> & { arguments?: Record<string, unknown> };

function cell(x: ExchangeJson, column: string): ListValue | Arguments {
  if (column === 'arguments') return new Arguments(x.arguments ?? {});
  const v = x[column];
  return v === null || v === undefined ? '' : (v as ListValue);
}

async function listExchanges(c: Context): Promise<number> {
  const columns = uniqueColumns(columnsOf(c.args, EXCHANGE_COLUMNS, DEFAULT_EXCHANGE_COLUMNS));
  c.banner(`Listing exchanges for vhost ${c.vhost} ...`, true);
  const r = await c.request('GET', apiPath('/api/exchanges', c.vhost));
  // rabbitmqctl lists nothing (exit 0) for a vhost that does not exist.
  const rows = r.status === 404 ? [] : r.status === 200 ? (r.body as ExchangeJson[]) : undefined;
  if (rows === undefined) return failure(c, r);
  printList(c, columns, rows.map((x) => Object.fromEntries(columns.map((k) => [k, cell(x, k)]))));
  return ExitCode.OK;
}

/** The exchange commands. */
export const EXCHANGE_COMMANDS: Record<string, Command> = {
  list_exchanges: {
    usage: `list_exchanges [-p <vhost>] [--no-table-headers] [--formatter json] [<column> ...]\n      columns: ${EXCHANGE_COLUMNS.join(', ')}`,
    run: listExchanges,
  },
};
