/**
 * set_policy, clear_policy, list_policies over /api/policies and set_operator_policy,
 * clear_operator_policy, list_operator_policies over /api/operator-policies (rabbitmqctl 3.10's output).
 */
import { expectArgs, UsageError } from '../args.js';
import type { Command, Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, noVhost, printError } from '../failure.js';
import { printRows } from '../output.js';

interface PolicyJson {
  vhost: string;
  name: string;
  pattern: string;
  'apply-to': string;
  definition: Record<string, unknown>;
  priority: number;
}

/** What differs between policies and operator policies: the API path and rabbitmqctl's banners. */
interface PolicyKind {
  base: string;
  setBanner: (name: string, pattern: string, definition: string, priority: string, vhost: string) => string;
  clearBanner: (name: string, vhost: string) => string;
  listBanner: (vhost: string) => string;
}

const POLICY: PolicyKind = {
  base: '/api/policies',
  setBanner: (n, p, d, prio, v) => `Setting policy "${n}" for pattern "${p}" to "${d}" with priority "${prio}" for vhost "${v}" ...`,
  clearBanner: (n, v) => `Clearing policy "${n}" on vhost "${v}" ...`,
  listBanner: (v) => `Listing policies for vhost "${v}" ...`,
};

const OPERATOR_POLICY: PolicyKind = {
  base: '/api/operator-policies',
  setBanner: (n, p, d, prio, v) => `Setting operator policy override "${n}" for pattern "${p}" to "${d}" with priority "${prio}" for vhost "${v}" ...`,
  clearBanner: (n, v) => `Clearing operator policy "${n}" on vhost "${v}" ...`,
  listBanner: (v) => `Listing operator policy overrides for vhost "${v}" ...`,
};

const pathOf = (kind: PolicyKind, vhost: string, name?: string): string =>
  `${kind.base}/${encodeURIComponent(vhost)}` + (name === undefined ? '' : `/${encodeURIComponent(name)}`);

async function setPolicy(c: Context, kind: PolicyKind): Promise<number> {
  expectArgs(c.args, 3);
  const [name, pattern, definitionText] = c.args as [string, string, string];
  const priority = c.option('priority') ?? '0';
  if (!/^-?\d+$/.test(priority)) throw new UsageError(`invalid value for --priority: ${priority}`);
  c.banner(kind.setBanner(name, pattern, definitionText, priority, c.vhost));
  let definition: unknown;
  try {
    definition = JSON.parse(definitionText);
  } catch {
    return printError(c, 'JSON decoding error. Reason: badarg');
  }
  const body: Record<string, unknown> = { pattern, definition, priority: Number(priority) };
  const applyTo = c.option('apply-to');
  if (applyTo !== undefined) body['apply-to'] = applyTo;
  const r = await c.request('PUT', pathOf(kind, c.vhost, name), body);
  if (r.status === 201 || r.status === 204) return ExitCode.OK;
  return r.status === 404 ? noVhost(c, c.vhost) : failure(c, r);
}

async function clearPolicy(c: Context, kind: PolicyKind): Promise<number> {
  expectArgs(c.args, 1);
  const name = c.args[0] ?? '';
  c.banner(kind.clearBanner(name, c.vhost));
  const r = await c.request('DELETE', pathOf(kind, c.vhost, name));
  if (r.status === 204) return ExitCode.OK;
  return r.status === 404 ? printError(c, 'Parameter does not exist') : failure(c, r);
}

async function listPolicies(c: Context, kind: PolicyKind): Promise<number> {
  expectArgs(c.args, 0);
  c.banner(kind.listBanner(c.vhost), true);
  const r = await c.request('GET', pathOf(kind, c.vhost));
  if (r.status === 404) return noVhost(c, c.vhost);
  if (r.status !== 200) return failure(c, r);
  // rabbitmqctl lists by ascending priority (rabbit_policy:sort_by_priority).
  const rows = (r.body as PolicyJson[])
    .slice()
    .sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    // rabbitmqctl prints values raw, tabs and newlines included; the definition as JSON.
    .map((p) => ({ vhost: p.vhost, name: p.name, pattern: p.pattern, 'apply-to': p['apply-to'], definition: JSON.stringify(p.definition), priority: p.priority }));
  printRows(c, ['vhost', 'name', 'pattern', 'apply-to', 'definition', 'priority'], rows);
  return ExitCode.OK;
}

const APPLY_TO_HELP = '\n      apply-to: all (default), queues, exchanges, classic_queues, quorum_queues, streams';

/** The policy and operator policy commands. */
export const POLICY_COMMANDS: Record<string, Command> = {
  set_policy: {
    usage: `set_policy [-p <vhost>] [--priority <n>] [--apply-to <apply-to>] <name> <pattern> <definition>${APPLY_TO_HELP}`,
    run: (c) => setPolicy(c, POLICY),
  },
  clear_policy: { usage: 'clear_policy [-p <vhost>] <name>', run: (c) => clearPolicy(c, POLICY) },
  list_policies: { usage: 'list_policies [-p <vhost>] [--formatter json]', run: (c) => listPolicies(c, POLICY) },
  set_operator_policy: {
    usage: `set_operator_policy [-p <vhost>] [--priority <n>] [--apply-to <apply-to>] <name> <pattern> <definition>\n      definition keys: expires, message-ttl, max-length, max-length-bytes, max-in-memory-length, max-in-memory-bytes, delivery-limit`,
    run: (c) => setPolicy(c, OPERATOR_POLICY),
  },
  clear_operator_policy: { usage: 'clear_operator_policy [-p <vhost>] <name>', run: (c) => clearPolicy(c, OPERATOR_POLICY) },
  list_operator_policies: { usage: 'list_operator_policies [-p <vhost>] [--formatter json]', run: (c) => listPolicies(c, OPERATOR_POLICY) },
};
