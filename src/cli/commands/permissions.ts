/** set/clear/list_permissions, list_user_permissions and the topic permission commands over /api/permissions and /api/topic-permissions. */
import { reasonOf, type ApiResponse } from '../api-client.js';
import { expectArgs } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, noVhost, ok, printError, userExists, vhostExists } from '../failure.js';
import { printRows } from '../output.js';

interface PermissionJson {
  user: string;
  vhost: string;
  configure: string;
  write: string;
  read: string;
}

interface TopicPermissionJson {
  user: string;
  vhost: string;
  exchange: string;
  write: string;
  read: string;
}

/**
 * A refused set/clear: RabbitMQ's API says only "vhost_or_user_not_found" (or 404); rabbitmqctl names
 * which, so ask: `User u does not exist` (67) before `Virtual host v does not exist` (69), both unquoted.
 */
async function missingUserOrVhost(c: Context, user: string, r: ApiResponse): Promise<number | undefined> {
  if (r.status !== 404 && !(r.status === 400 && reasonOf(r.body) === 'vhost_or_user_not_found')) return undefined;
  if (!(await userExists(c, user))) return printError(c, `User ${user} does not exist`, ExitCode.NOUSER);
  if (!(await vhostExists(c, c.vhost))) return printError(c, `Virtual host ${c.vhost} does not exist`);
  return r.status === 404 ? ExitCode.OK : undefined;
}

/** The exit code of a PUT/DELETE on a permission resource for user. */
async function settle(c: Context, user: string, r: ApiResponse): Promise<number> {
  if (ok(r)) return ExitCode.OK;
  return (await missingUserOrVhost(c, user, r)) ?? failure(c, r);
}

async function setPermissions(c: Context): Promise<number> {
  expectArgs(c.args, 4);
  const [user, configure, write, read] = c.args as [string, string, string, string];
  c.banner(`Setting permissions for user "${user}" in vhost "${c.vhost}" ...`);
  return settle(c, user, await c.request('PUT', apiPath('/api/permissions', c.vhost, user), { configure, write, read }));
}

async function clearPermissions(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const user = c.args[0] ?? '';
  c.banner(`Clearing permissions for user "${user}" in vhost "${c.vhost}" ...`);
  // An existing user with no entry there: rabbitmqctl says nothing and exits 0.
  return settle(c, user, await c.request('DELETE', apiPath('/api/permissions', c.vhost, user)));
}

async function listPermissions(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  c.banner(`Listing permissions for vhost "${c.vhost}" ...`, true);
  const r = await c.request('GET', apiPath('/api/vhosts', c.vhost, 'permissions'));
  if (r.status === 404) return noVhost(c, c.vhost);
  if (r.status !== 200) return failure(c, r);
  printRows(c, ['user', 'configure', 'write', 'read'], r.body as PermissionJson[]);
  return ExitCode.OK;
}

const noSuchUser = (c: Context, user: string): number => printError(c, `{:no_such_user, "${user}"}`);

async function listUserPermissions(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const user = c.args[0] ?? '';
  c.banner(`Listing permissions for user "${user}" ...`, true);
  const r = await c.request('GET', apiPath('/api/users', user, 'permissions'));
  if (r.status === 404) return noSuchUser(c, user);
  if (r.status !== 200) return failure(c, r);
  printRows(c, ['vhost', 'configure', 'write', 'read'], r.body as PermissionJson[]);
  return ExitCode.OK;
}

async function setTopicPermissions(c: Context): Promise<number> {
  expectArgs(c.args, 4);
  const [user, exchange, write, read] = c.args as [string, string, string, string];
  c.banner(`Setting topic permissions on "${exchange}" for user "${user}" in vhost "${c.vhost}" ...`);
  return settle(c, user, await c.request('PUT', apiPath('/api/topic-permissions', c.vhost, user), { exchange, write, read }));
}

async function clearTopicPermissions(c: Context): Promise<number> {
  expectArgs(c.args, 1, 2);
  const [user = '', exchange] = c.args;
  c.banner(
    exchange === undefined
      ? `Clearing topic permissions for user "${user}" in vhost "${c.vhost}" ...`
      : `Clearing topic permissions on "${exchange}" for user "${user}" in vhost "${c.vhost}" ...`,
  );
  const path = apiPath('/api/topic-permissions', c.vhost, user);
  if (exchange === undefined) return settle(c, user, await c.request('DELETE', path));
  // The API deletes a user's topic permissions in a vhost all at once: put the other exchanges' back.
  const current = await c.request('GET', path);
  if (!ok(current)) return settle(c, user, current);
  const others = (current.body as TopicPermissionJson[]).filter((p) => p.exchange !== exchange);
  if (others.length === (current.body as TopicPermissionJson[]).length) return ExitCode.OK;
  const deleted = await c.request('DELETE', path);
  if (!ok(deleted)) return settle(c, user, deleted);
  for (const p of others) {
    const r = await c.request('PUT', path, { exchange: p.exchange, write: p.write, read: p.read });
    if (!ok(r)) return failure(c, r);
  }
  return ExitCode.OK;
}

async function listTopicPermissions(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  c.banner(`Listing topic permissions for vhost "${c.vhost}" ...`, true);
  const r = await c.request('GET', apiPath('/api/vhosts', c.vhost, 'topic-permissions'));
  if (r.status === 404) return noVhost(c, c.vhost);
  if (r.status !== 200) return failure(c, r);
  printRows(c, ['user', 'exchange', 'write', 'read'], r.body as TopicPermissionJson[]);
  return ExitCode.OK;
}

async function listUserTopicPermissions(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const user = c.args[0] ?? '';
  c.banner(`Listing topic permissions for user "${user}" ...`, true);
  const r = await c.request('GET', apiPath('/api/users', user, 'topic-permissions'));
  if (r.status === 404) return noSuchUser(c, user);
  if (r.status !== 200) return failure(c, r);
  // rabbitmqctl 3.10.8 prints these rows without a header row.
  const rows = r.body as TopicPermissionJson[];
  if (c.json) printRows(c, ['vhost', 'exchange', 'write', 'read'], rows);
  else c.io.out(rows.map((p) => [p.vhost, p.exchange, p.write, p.read].join('\t')).join('\n') + '\n');
  return ExitCode.OK;
}

/** The permission commands. */
export const PERMISSION_COMMANDS: Record<string, Command> = {
  set_permissions: { usage: 'set_permissions [-p <vhost>] <username> <conf> <write> <read>', run: setPermissions },
  clear_permissions: { usage: 'clear_permissions [-p <vhost>] <username>', run: clearPermissions },
  list_permissions: { usage: 'list_permissions [-p <vhost>] [--no-table-headers]', run: listPermissions },
  list_user_permissions: { usage: 'list_user_permissions <username> [--no-table-headers]', run: listUserPermissions },
  set_topic_permissions: { usage: 'set_topic_permissions [-p <vhost>] <username> <exchange> <write> <read>', run: setTopicPermissions },
  clear_topic_permissions: { usage: 'clear_topic_permissions [-p <vhost>] <username> [<exchange>]', run: clearTopicPermissions },
  list_topic_permissions: { usage: 'list_topic_permissions [-p <vhost>] [--no-table-headers]', run: listTopicPermissions },
  list_user_topic_permissions: { usage: 'list_user_topic_permissions <username>', run: listUserTopicPermissions },
};
