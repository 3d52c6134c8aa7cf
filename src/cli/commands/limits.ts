/** set/clear/list_vhost_limits and set/clear/list_user_limits over /api/vhost-limits and /api/user-limits. */
import type { ApiResponse } from '../api-client.js';
import { expectArgs } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { ApiFailure, failure, noVhost, ok, printError } from '../failure.js';

type Limits = Record<string, unknown>;

/** One object's limits from GET /api/{kind}-limits/{name} ([] or [{..., value: {...}}]). */
const valueOf = (r: ApiResponse): Limits => (r.body as Array<{ value?: Limits }>)[0]?.value ?? {};

/** rabbitmqctl prints the limits as JSON with sorted keys. */
const limitsText = (l: Limits): string => JSON.stringify(Object.fromEntries(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1))));

/** The parsed JSON object, or undefined after printing rabbitmqctl's decoding error. */
function parseLimits(c: Context, text: string): Limits | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Limits;
  } catch {
    // falls through to the error
  }
  printError(c, 'JSON decoding error. Reason: badarg');
  return undefined;
}

/** Makes the object's limits exactly `wanted` (PUT each, DELETE the others), as set_*_limits replaces them all. */
async function replaceLimits(c: Context, base: string, current: Limits, wanted: Limits): Promise<number> {
  for (const [name, value] of Object.entries(wanted)) {
    const r = await c.request('PUT', apiPath(base, name), { value });
    if (!ok(r)) return failure(c, r);
  }
  for (const name of Object.keys(current).filter((n) => !Object.hasOwn(wanted, n))) {
    const r = await c.request('DELETE', apiPath(base, name));
    if (!ok(r) && r.status !== 404) return failure(c, r);
  }
  return ExitCode.OK;
}

/** GET the limits of one vhost or user; undefined when it does not exist. */
async function getLimits(c: Context, base: string): Promise<Limits | undefined> {
  const r = await c.request('GET', base);
  if (r.status === 404) return undefined;
  if (!ok(r)) throw new ApiFailure(r);
  return valueOf(r);
}

const noSuchUser = (c: Context, user: string): number => printError(c, `{:no_such_user, "${user}"}`);

async function setVhostLimits(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const text = c.args[0] ?? '';
  c.banner(`Setting vhost limits to "${text}" for vhost "${c.vhost}" ...`);
  const wanted = parseLimits(c, text);
  if (wanted === undefined) return ExitCode.UNAVAILABLE;
  const base = apiPath('/api/vhost-limits', c.vhost);
  const current = await getLimits(c, base);
  if (current === undefined) return noVhost(c, c.vhost);
  return replaceLimits(c, base, current, wanted);
}

async function clearVhostLimits(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  c.banner(`Clearing vhost "${c.vhost}" limits ...`);
  const base = apiPath('/api/vhost-limits', c.vhost);
  const current = await getLimits(c, base);
  // rabbitmqctl 3.10.8 clears the vhost-limits runtime parameter: a missing vhost, or one without limits, has none.
  if (current === undefined || Object.keys(current).length === 0) return printError(c, 'Parameter does not exist');
  return replaceLimits(c, base, current, {});
}

/** --global: every object's limits as a two-column table. */
async function listAll(c: Context, path: string, key: 'vhost' | 'user'): Promise<number> {
  const r = await c.request('GET', path);
  if (!ok(r)) return failure(c, r);
  const rows = r.body as Array<Record<string, unknown> & { value: Limits }>;
  if (c.json) {
    c.io.out(JSON.stringify(rows.map((row) => ({ [key]: row[key], limits: row.value }))) + '\n');
    return ExitCode.OK;
  }
  if (rows.length === 0) return ExitCode.OK;
  const lines = rows.map((row) => `${String(row[key])}\t${limitsText(row.value)}`);
  if (c.headers) lines.unshift(`${key}\tlimits`);
  c.io.out(lines.join('\n') + '\n');
  return ExitCode.OK;
}

async function listVhostLimits(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  if (c.flag('global')) {
    c.banner('Listing limits for all vhosts ...', true);
    return listAll(c, '/api/vhost-limits', 'vhost');
  }
  c.banner(`Listing limits for vhost "${c.vhost}" ...`, true);
  const limits = await getLimits(c, apiPath('/api/vhost-limits', c.vhost));
  if (limits === undefined) return noVhost(c, c.vhost);
  // rabbitmqctl 3.10.8 prints an empty line, not {}, for a vhost without limits.
  c.io.out((Object.keys(limits).length === 0 ? '' : limitsText(limits)) + '\n');
  return ExitCode.OK;
}

async function setUserLimits(c: Context): Promise<number> {
  expectArgs(c.args, 2);
  const [user, text] = c.args as [string, string];
  c.banner(`Setting user limits to "${text}" for user "${user}" ...`);
  const wanted = parseLimits(c, text);
  if (wanted === undefined) return ExitCode.UNAVAILABLE;
  const base = apiPath('/api/user-limits', user);
  const current = await getLimits(c, base);
  if (current === undefined) return noSuchUser(c, user);
  return replaceLimits(c, base, current, wanted);
}

async function clearUserLimits(c: Context): Promise<number> {
  expectArgs(c.args, 2);
  const [user, name] = c.args as [string, string];
  c.banner(name === 'all' ? `Clearing all limits for user "${user}" ...` : `Clearing "${name}" limit for user "${user}" ...`);
  const base = apiPath('/api/user-limits', user);
  const current = await getLimits(c, base);
  if (current === undefined) return noSuchUser(c, user);
  const wanted = name === 'all' ? {} : Object.fromEntries(Object.entries(current).filter(([k]) => k !== name));
  return replaceLimits(c, base, current, wanted);
}

async function listUserLimits(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  if (c.flag('global')) {
    c.banner('Listing limits for all users ...', true);
    return listAll(c, '/api/user-limits', 'user');
  }
  // rabbitmqctl's default --user is "guest" (ListUserLimitsCommand's merge_defaults).
  const user = c.option('user') ?? 'guest';
  c.banner(`Listing limits for user "${user}" ...`, true);
  const limits = await getLimits(c, apiPath('/api/user-limits', user));
  if (limits === undefined) return noSuchUser(c, user);
  c.io.out(limitsText(limits) + '\n');
  return ExitCode.OK;
}

/** The limit commands. */
export const LIMIT_COMMANDS: Record<string, Command> = {
  set_vhost_limits: { usage: 'set_vhost_limits [-p <vhost>] <definition>   e.g. \'{"max-connections": 10, "max-queues": 100}\'', run: setVhostLimits },
  clear_vhost_limits: { usage: 'clear_vhost_limits [-p <vhost>]', run: clearVhostLimits },
  list_vhost_limits: { usage: 'list_vhost_limits [-p <vhost>] [--global]', run: listVhostLimits },
  set_user_limits: { usage: 'set_user_limits <username> <definition>   e.g. \'{"max-connections": 10, "max-channels": 20}\'', run: setUserLimits },
  clear_user_limits: { usage: 'clear_user_limits <username> <limit-name> | all', run: clearUserLimits },
  list_user_limits: { usage: 'list_user_limits [--user <username>] [--global]', run: listUserLimits },
};
