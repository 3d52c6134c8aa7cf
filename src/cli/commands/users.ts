/** add_user, delete_user, change_password, clear_password, authenticate_user, set_user_tags, list_users over /api/users. */
import { apiRequest, reasonOf } from '../api-client.js';
import { expectArgs } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { ApiFailure, failure, ok, printError } from '../failure.js';
import { printRows } from '../output.js';

interface UserJson {
  name: string;
  password_hash: string;
  hashing_algorithm?: string;
  tags: string[] | string;
}

/** Tags as a list (3.10's API gives an array; older ones a comma-separated string). */
function tagList(tags: UserJson['tags']): string[] {
  return Array.isArray(tags) ? tags : tags.split(',').filter((t) => t !== '');
}

const noUser = (c: Context, user: string): number => printError(c, `User "${user}" does not exist`, ExitCode.NOUSER);

/** GET /api/users/{u}; undefined when it does not exist. */
async function getUser(c: Context, user: string): Promise<UserJson | undefined> {
  const r = await c.request('GET', apiPath('/api/users', user));
  if (r.status === 404) return undefined;
  if (!ok(r)) throw new ApiFailure(r);
  return r.body as UserJson;
}

/** PUT /api/users/{u} with this body; the exit code. */
async function putUser(c: Context, user: string, body: Record<string, unknown>): Promise<number> {
  const r = await c.request('PUT', apiPath('/api/users', user), body);
  return ok(r) ? ExitCode.OK : failure(c, r);
}

async function addUser(c: Context): Promise<number> {
  expectArgs(c.args, 1, 2);
  const [user = '', secret] = c.args;
  c.banner(`Adding user "${user}" ...`);
  const password = secret ?? (await c.io.readLine?.()) ?? '';
  if ((await getUser(c, user)) !== undefined) return printError(c, `User "${user}" already exists`, ExitCode.SOFTWARE);
  const body = c.flag('pre-hashed-password') ? { password_hash: password, tags: '' } : { password, tags: '' };
  const code = await putUser(c, user, body);
  if (code === ExitCode.OK) c.banner("Done. Don't forget to grant the user permissions to some virtual hosts! See 'warrenctl help set_permissions' to learn more.");
  return code;
}

async function deleteUser(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const user = c.args[0] ?? '';
  c.banner(`Deleting user "${user}" ...`);
  const r = await c.request('DELETE', apiPath('/api/users', user));
  if (r.status === 404) return noUser(c, user);
  return ok(r) ? ExitCode.OK : failure(c, r);
}

/** Re-PUTs an existing user with a new password or hash, keeping its tags. */
async function replacePassword(c: Context, user: string, credential: Record<string, string>): Promise<number> {
  const current = await getUser(c, user);
  if (current === undefined) return noUser(c, user);
  return putUser(c, user, { ...credential, tags: tagList(current.tags) });
}

async function changePassword(c: Context): Promise<number> {
  expectArgs(c.args, 1, 2);
  const [user = '', secret] = c.args;
  c.banner(`Changing password for user "${user}" ...`);
  const password = secret ?? (await c.io.readLine?.()) ?? '';
  return replacePassword(c, user, { password });
}

async function clearPassword(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const user = c.args[0] ?? '';
  c.banner(`Clearing password for user "${user}" ...`);
  return replacePassword(c, user, { password_hash: '' });
}

async function authenticateUser(c: Context): Promise<number> {
  expectArgs(c.args, 1, 2);
  const [user = '', secret] = c.args;
  c.banner(`Authenticating user "${user}" ...`);
  const password = secret ?? (await c.io.readLine?.()) ?? '';
  const refused = (): number => printError(c, `Error: failed to authenticate user "${user}"\nuser '${user}' - invalid credentials`, ExitCode.DATAERR);
  if (password === '') {
    const why = `user '${user}' attempted to log in with a blank password, which is prohibited by the internal authN backend. To use TLS/x509 certificate-based authentication, see the rabbitmq_auth_mechanism_ssl plugin and configure the client to use the EXTERNAL authentication mechanism. Alternatively change the password for the user to be non-blank.`;
    return printError(c, `Error: failed to authenticate user "${user}"\n${why}`, ExitCode.DATAERR);
  }
  // /api/whoami with the user's own credentials: "Login failed" is a refusal; a 401 for
  // missing management tags (or a 200) means the password was right.
  const r = await apiRequest({ ...c.target, username: user, password }, 'GET', '/api/whoami');
  if (r.status === 401 && /login failed/i.test(reasonOf(r.body) || 'Login failed')) return refused();
  if (r.status !== 200 && r.status !== 401 && r.status !== 403) return failure(c, r);
  c.banner('Success');
  return ExitCode.OK;
}

async function setUserTags(c: Context): Promise<number> {
  expectArgs(c.args, 1, Infinity);
  const [user = '', ...tags] = c.args;
  c.banner(`Setting tags for user "${user}" to [${tags.join(', ')}] ...`);
  const current = await getUser(c, user);
  if (current === undefined) return noUser(c, user);
  const body: Record<string, unknown> = { password_hash: current.password_hash, tags };
  if (current.hashing_algorithm !== undefined) body.hashing_algorithm = current.hashing_algorithm;
  return putUser(c, user, body);
}

async function listUsers(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  c.banner('Listing users ...', true);
  const r = await c.request('GET', '/api/users');
  if (r.status !== 200) return failure(c, r);
  const rows = (r.body as UserJson[]).map((u) => ({ user: u.name, tags: tagList(u.tags) }));
  printRows(c, ['user', 'tags'], rows);
  return ExitCode.OK;
}

/** The user commands. */
export const USER_COMMANDS: Record<string, Command> = {
  add_user: { usage: 'add_user <username> [<password>]   (or <username> <password-hash> --pre-hashed-password)', run: addUser },
  delete_user: { usage: 'delete_user <username>', run: deleteUser },
  change_password: { usage: 'change_password <username> [<password>]', run: changePassword },
  clear_password: { usage: 'clear_password <username>', run: clearPassword },
  authenticate_user: { usage: 'authenticate_user <username> [<password>]', run: authenticateUser },
  set_user_tags: { usage: 'set_user_tags <username> [<tag> ...]', run: setUserTags },
  list_users: { usage: 'list_users [--no-table-headers] [--formatter json]', run: listUsers },
};
