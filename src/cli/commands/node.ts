/** ping, await_startup, version and hash_password, and (from status.ts) status, cluster_status and environment. */
import { readFileSync } from 'node:fs';
import { UnreachableError } from '../api-client.js';
import { expectArgs } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, ok } from '../failure.js';
import { STATUS_COMMANDS } from './status.js';

/** The health check that answers once the broker serves clients (RabbitMQ's is-in-service). */
const IN_SERVICE = '/api/health/checks/is-in-service';

/** True when the management API answers the in-service check with 200. */
async function inService(c: Context): Promise<boolean> {
  try {
    return ok(await c.request('GET', IN_SERVICE));
  } catch (e) {
    if (e instanceof UnreachableError) return false;
    throw e;
  }
}

async function ping(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  c.banner('Will ping the node. This only checks that its management listener answers.');
  if (!(await inService(c))) {
    c.io.err('Error:\nFailed to connect and authenticate to the node in 60000 ms\n');
    return ExitCode.UNAVAILABLE;
  }
  c.io.out('Ping succeeded\n');
  return ExitCode.OK;
}

/** rabbitmqctl await_startup: waits (default 300 s, `--timeout` seconds) until the node serves clients. */
async function awaitStartup(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  const raw = c.option('timeout');
  const seconds = raw === undefined ? 300 : Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    c.io.err(`Error: invalid --timeout '${raw ?? ''}'\n`);
    return ExitCode.USAGE;
  }
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await inService(c)) return ExitCode.OK;
    if (Date.now() >= deadline) {
      c.io.err(`Error: the node did not start within ${seconds} seconds\n`);
      return ExitCode.UNAVAILABLE;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** rabbitmqctl version prints the CLI's own version: warrenctl's is Warren's package version. */
function version(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  c.io.out(`${pkg.version}\n`);
  return Promise.resolve(ExitCode.OK);
}

/** rabbitmqctl 3.13's hash_password: the stored form of a password (the broker's default algorithm). */
async function hashPassword(c: Context): Promise<number> {
  expectArgs(c.args, 0, 1);
  const password = c.args[0] ?? (await c.io.readLine?.()) ?? '';
  c.banner('Will hash password provided via the argument or standard input...');
  const r = await c.request('GET', apiPath('/api/auth/hash_password', password));
  if (!ok(r)) return failure(c, r);
  c.io.out(`${(r.body as { ok: string }).ok}\n`);
  return ExitCode.OK;
}

/** The node-level commands. */
export const NODE_COMMANDS: Record<string, Command> = {
  ping: { usage: 'ping', run: ping },
  await_startup: { usage: 'await_startup [--timeout <seconds>]', run: awaitStartup },
  version: { usage: 'version', run: version },
  hash_password: { usage: 'hash_password [<password>]', run: hashPassword },
  ...STATUS_COMMANDS,
};
