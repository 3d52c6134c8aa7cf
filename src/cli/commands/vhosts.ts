/** add_vhost, delete_vhost, list_vhosts over /api/vhosts. */
import { columnsOf, expectArgs } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, noVhost, ok, vhostExists } from '../failure.js';
import { printRows, type Cell } from '../output.js';

/** rabbitmqctl 3.10's list_vhosts info keys. */
const VHOST_COLUMNS = ['name', 'description', 'tags', 'default_queue_type', 'protected_from_deletion', 'tracing', 'cluster_state', 'metadata'];

interface VhostJson {
  name: string;
  description?: string;
  tags?: string[] | string;
  default_queue_type?: string;
  protected_from_deletion?: boolean;
  tracing?: boolean;
  cluster_state?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

function cell(v: VhostJson, column: string): Cell {
  switch (column) {
    case 'name':
      return v.name;
    case 'description':
      return v.description ?? '';
    case 'tags':
      return Array.isArray(v.tags) ? v.tags : (v.tags ?? '');
    case 'default_queue_type':
      return v.default_queue_type ?? 'undefined';
    case 'protected_from_deletion':
      return v.protected_from_deletion ?? false;
    case 'tracing':
      return v.tracing ?? false;
    case 'cluster_state':
      // rabbitmqctl prints the Erlang proplist: [{node, running}].
      return `[${Object.entries(v.cluster_state ?? {})
        .map(([node, state]) => `{${node}, ${state}}`)
        .join(', ')}]`;
    default:
      return JSON.stringify(v.metadata ?? {});
  }
}

async function addVhost(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const vhost = c.args[0] ?? '';
  c.banner(`Adding vhost "${vhost}" ...`);
  const body: Record<string, unknown> = {};
  const description = c.option('description');
  const tags = c.option('tags');
  const queueType = c.option('default-queue-type');
  if (description !== undefined) body.description = description;
  if (tags !== undefined) body.tags = tags;
  // 3.10's API reads the key without underscores (it prints it as default_queue_type).
  if (queueType !== undefined) body.defaultqueuetype = queueType;
  const existed = await vhostExists(c, vhost);
  const r = await c.request('PUT', apiPath('/api/vhosts', vhost), body);
  if (!ok(r)) return failure(c, r, vhost);
  // The API gives the creating user full permissions on a new vhost; rabbitmqctl add_vhost does not.
  if (!existed) await c.request('DELETE', apiPath('/api/permissions', vhost, c.target.username));
  return ExitCode.OK;
}

async function deleteVhost(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const vhost = c.args[0] ?? '';
  c.banner(`Deleting vhost "${vhost}" ...`);
  const r = await c.request('DELETE', apiPath('/api/vhosts', vhost));
  if (r.status === 404) return noVhost(c, vhost);
  return ok(r) ? ExitCode.OK : failure(c, r, vhost);
}

async function listVhosts(c: Context): Promise<number> {
  const columns = columnsOf(c.args, VHOST_COLUMNS, ['name']);
  c.banner('Listing vhosts ...', true);
  const r = await c.request('GET', '/api/vhosts');
  if (r.status !== 200) return failure(c, r);
  const rows = (r.body as VhostJson[]).map((v) => Object.fromEntries(columns.map((k) => [k, cell(v, k)])));
  printRows(c, columns, rows);
  return ExitCode.OK;
}

/** The vhost commands. */
export const VHOST_COMMANDS: Record<string, Command> = {
  add_vhost: { usage: 'add_vhost <vhost> [--description <description>] [--tags "<tag1>,<tag2>"] [--default-queue-type <classic|quorum|stream>]', run: addVhost },
  delete_vhost: { usage: 'delete_vhost <vhost>', run: deleteVhost },
  list_vhosts: { usage: `list_vhosts [--no-table-headers] [<column> ...]\n      columns: ${VHOST_COLUMNS.join(', ')}`, run: listVhosts },
};
