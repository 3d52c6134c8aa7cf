/**
 * rabbitmqctl report (3.10.8's ReportCommand with its Report formatter): the banner "Reporting
 * server status of node <node> ...", then each part as rabbitmqctl prints it, every part opened
 * by an empty line and its own banner: status, cluster_status, environment, list_connections and
 * list_channels with all their info keys, then for each vhost list_queues, list_exchanges and
 * list_bindings (all info keys), list_permissions, list_policies, list_global_parameters and
 * list_parameters. Each part is the warrenctl command of that name run with the same target, so
 * the output is theirs. rabbitmqctl's command_line_arguments and os_env parts (the Erlang VM's
 * arguments and the RABBITMQ_* environment) have no Warren equivalent and are left out.
 * The first part that fails ends the report with its exit code, as the formatter stops at an error.
 */
import { UsageError } from '../args.js';
import { type Command, Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure } from '../failure.js';
import { BINDING_COLUMNS, BINDING_COMMANDS } from './bindings.js';
import { CHANNEL_COLUMNS, CHANNEL_COMMANDS } from './channels.js';
import { CONNECTION_COLUMNS, CONNECTION_COMMANDS } from './connections.js';
import { EXCHANGE_COLUMNS, EXCHANGE_COMMANDS } from './exchanges.js';
import { PARAMETER_COMMANDS } from './parameters.js';
import { PERMISSION_COMMANDS } from './permissions.js';
import { POLICY_COMMANDS } from './policies.js';
import { QUEUE_COLUMNS, QUEUE_COMMANDS } from './queues.js';
import { STATUS_COMMANDS } from './status.js';

/** One part: the command and its arguments (rabbitmqctl's info_keys for the lists). */
type Part = [Command, string, readonly string[]];

async function report(c: Context): Promise<number> {
  if (c.args.length !== 0) throw new UsageError('too many arguments');
  if (c.json) throw new UsageError('Only report formatter is supported');
  const o = await c.request('GET', '/api/overview');
  if (o.status !== 200) return failure(c, o);
  const node = (o.body as { node?: string }).node;
  if (node === undefined) {
    // Not a monitoring user: the node's resource answers the refusal, as for status.
    const n = await c.request('GET', '/api/nodes');
    if (n.status !== 200) return failure(c, n);
  }
  c.banner(`Reporting server status of node ${node ?? ''} ...`);
  const v = await c.request('GET', '/api/vhosts?columns=name');
  if (v.status !== 200) return failure(c, v);
  const vhosts = (v.body as { name: string }[]).map((x) => x.name);
  const nodeParts: Part[] = [
    [STATUS_COMMANDS.status, 'status', []],
    [STATUS_COMMANDS.cluster_status, 'cluster_status', []],
    [STATUS_COMMANDS.environment, 'environment', []],
    [CONNECTION_COMMANDS.list_connections, 'list_connections', CONNECTION_COLUMNS],
    [CHANNEL_COMMANDS.list_channels, 'list_channels', CHANNEL_COLUMNS],
  ];
  const vhostParts: Part[] = [
    [QUEUE_COMMANDS.list_queues, 'list_queues', QUEUE_COLUMNS],
    [EXCHANGE_COMMANDS.list_exchanges, 'list_exchanges', EXCHANGE_COLUMNS],
    [BINDING_COMMANDS.list_bindings, 'list_bindings', BINDING_COLUMNS],
    [PERMISSION_COMMANDS.list_permissions, 'list_permissions', []],
    [POLICY_COMMANDS.list_policies, 'list_policies', []],
    [PARAMETER_COMMANDS.list_global_parameters, 'list_global_parameters', []],
    [PARAMETER_COMMANDS.list_parameters, 'list_parameters', []],
  ];
  const run = async ([command, name, args]: Part, vhost?: string): Promise<number> => {
    const values = new Map(c.parsed.values);
    if (vhost !== undefined) values.set('vhost', vhost);
    const sub = new Context({ values, flags: c.parsed.flags, positional: [name, ...args] }, c.target, c.io);
    // rabbitmqctl's Report formatter: an empty line before each part's banner (and before its output under -q).
    c.io.out('\n');
    return command.run(sub);
  };
  for (const p of nodeParts) {
    const code = await run(p);
    if (code !== ExitCode.OK) return code;
  }
  for (const vhost of vhosts) {
    for (const p of vhostParts) {
      const code = await run(p, vhost);
      if (code !== ExitCode.OK) return code;
    }
  }
  return ExitCode.OK;
}

/** The report command. */
export const REPORT_COMMANDS: Record<string, Command> = {
  report: { usage: 'report', run: report },
};
