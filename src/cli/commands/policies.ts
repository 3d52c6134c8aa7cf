/** set_policy, clear_policy, list_policies (rabbitmqctl 3.10's output) over /api/policies. */
import { expectArgs, UsageError } from '../args.js';
import type { Command, Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, noVhost, printError } from '../failure.js';

const policyPath = (vhost: string, name?: string): string =>
  `/api/policies/${encodeURIComponent(vhost)}` + (name === undefined ? '' : `/${encodeURIComponent(name)}`);

interface PolicyJson {
  vhost: string;
  name: string;
  pattern: string;
  'apply-to': string;
  definition: Record<string, unknown>;
  priority: number;
}

async function setPolicy(c: Context): Promise<number> {
  expectArgs(c.args, 3);
  const [name, pattern, definitionText] = c.args as [string, string, string];
  const priority = c.option('priority') ?? '0';
  if (!/^-?\d+$/.test(priority)) throw new UsageError(`invalid value for --priority: ${priority}`);
  c.banner(`Setting policy "${name}" for pattern "${pattern}" to "${definitionText}" with priority "${priority}" for vhost "${c.vhost}" ...`);
  let definition: unknown;
  try {
    definition = JSON.parse(definitionText);
  } catch {
    return printError(c, 'JSON decoding error. Reason: badarg');
  }
  const body: Record<string, unknown> = { pattern, definition, priority: Number(priority) };
  const applyTo = c.option('apply-to');
  if (applyTo !== undefined) body['apply-to'] = applyTo;
  const r = await c.request('PUT', policyPath(c.vhost, name), body);
  if (r.status === 201 || r.status === 204) return ExitCode.OK;
  return r.status === 404 ? noVhost(c, c.vhost) : failure(c, r);
}

async function clearPolicy(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const name = c.args[0] ?? '';
  c.banner(`Clearing policy "${name}" on vhost "${c.vhost}" ...`);
  const r = await c.request('DELETE', policyPath(c.vhost, name));
  if (r.status === 204) return ExitCode.OK;
  return r.status === 404 ? printError(c, 'Parameter does not exist') : failure(c, r);
}

async function listPolicies(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  c.banner(`Listing policies for vhost "${c.vhost}" ...`, true);
  const r = await c.request('GET', policyPath(c.vhost));
  if (r.status === 404) return noVhost(c, c.vhost);
  if (r.status !== 200) return failure(c, r);
  // rabbitmqctl lists by ascending priority (rabbit_policy:sort_by_priority).
  const rows = (r.body as PolicyJson[]).slice().sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const fields = (p: PolicyJson): [string, string, string, string, string, number] => [p.vhost, p.name, p.pattern, p['apply-to'], JSON.stringify(p.definition), p.priority];
  if (c.json) {
    const items = rows.map((p) => {
      const [vhost, name, pattern, applyTo, definition, priority] = fields(p);
      return JSON.stringify({ vhost, name, pattern, 'apply-to': applyTo, definition, priority });
    });
    c.io.out(items.length === 0 ? '[]\n' : `[\n${items.join('\n,')}\n]\n`);
    return ExitCode.OK;
  }
  if (rows.length === 0) return ExitCode.OK;
  // rabbitmqctl prints values raw, tabs and newlines included.
  const lines = [['vhost', 'name', 'pattern', 'apply-to', 'definition', 'priority'], ...rows.map(fields)].map((f) => f.join('\t'));
  c.io.out(lines.join('\n') + '\n');
  return ExitCode.OK;
}

/** The policy commands. */
export const POLICY_COMMANDS: Record<string, Command> = {
  set_policy: {
    usage: 'set_policy [-p <vhost>] [--priority <n>] [--apply-to <apply-to>] <name> <pattern> <definition>\n      apply-to: all (default), queues, exchanges, classic_queues, quorum_queues, streams',
    run: setPolicy,
  },
  clear_policy: { usage: 'clear_policy [-p <vhost>] <name>', run: clearPolicy },
  list_policies: { usage: 'list_policies [-p <vhost>] [--formatter json]', run: listPolicies },
};
