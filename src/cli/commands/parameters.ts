/**
 * set_parameter, clear_parameter, list_parameters and set_global_parameter, clear_global_parameter,
 * list_global_parameters (rabbitmqctl 3.10.8's output and exit codes) over /api/parameters and
 * /api/global-parameters.
 */
import { expectArgs } from '../args.js';
import { apiPath, type Command, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, noVhost, ok, printError, vhostExists } from '../failure.js';
import { printRows } from '../output.js';

interface ParameterJson {
  vhost: string;
  component: string;
  name: string;
  value: unknown;
}

/** The JSON of a command-line value, or undefined after printing rabbitmqctl's decoding error. */
function parseValue(c: Context, text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    printError(c, 'JSON decoding error. Reason: badarg');
    return undefined;
  }
}

async function setParameter(c: Context): Promise<number> {
  expectArgs(c.args, 3);
  const [component, name, text] = c.args as [string, string, string];
  c.banner(`Setting runtime parameter "${name}" for component "${component}" to "${text}" in vhost "${c.vhost}" ...`);
  // rabbit_runtime_parameters:parse_set refuses policies before it decodes the value or looks at the vhost.
  if (component === 'policy') return printError(c, 'policies may not be set using this method');
  const parsed = parseValue(c, text);
  if (parsed === undefined) return ExitCode.UNAVAILABLE;
  const r = await c.request('PUT', apiPath('/api/parameters', component, c.vhost, name), parsed);
  return ok(r) ? ExitCode.OK : failure(c, r);
}

async function clearParameter(c: Context): Promise<number> {
  expectArgs(c.args, 2);
  const [component, name] = c.args as [string, string];
  c.banner(`Clearing runtime parameter "${name}" for component "${component}" on vhost "${c.vhost}" ...`);
  if (component === 'policy') return printError(c, 'policies may not be cleared using this method');
  const r = await c.request('DELETE', apiPath('/api/parameters', component, c.vhost, name));
  if (ok(r)) return ExitCode.OK;
  // A missing vhost too: rabbitmqctl looks the parameter up and finds none.
  return r.status === 404 ? printError(c, 'Parameter does not exist') : failure(c, r);
}

async function listParameters(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  c.banner(`Listing runtime parameters for vhost "${c.vhost}" ...`, true);
  if (!(await vhostExists(c, c.vhost))) return noVhost(c, c.vhost);
  const r = await c.request('GET', '/api/parameters');
  if (!ok(r)) return failure(c, r);
  const rows = (r.body as ParameterJson[]).filter((p) => p.vhost === c.vhost).map((p) => ({ component: p.component, name: p.name, value: JSON.stringify(p.value) }));
  printRows(c, ['component', 'name', 'value'], rows);
  return ExitCode.OK;
}

async function setGlobalParameter(c: Context): Promise<number> {
  expectArgs(c.args, 2);
  const [name, text] = c.args as [string, string];
  c.banner(`Setting global runtime parameter "${name}" to "${text}" ...`);
  const parsed = parseValue(c, text);
  if (parsed === undefined) return ExitCode.UNAVAILABLE;
  const r = await c.request('PUT', apiPath('/api/global-parameters', name), parsed);
  return ok(r) ? ExitCode.OK : failure(c, r);
}

async function clearGlobalParameter(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const name = c.args[0] ?? '';
  c.banner(`Clearing global runtime parameter "${name}" ...`);
  const r = await c.request('DELETE', apiPath('/api/global-parameters', name));
  if (ok(r)) return ExitCode.OK;
  return r.status === 404 ? printError(c, 'Parameter does not exist') : failure(c, r);
}

async function listGlobalParameters(c: Context): Promise<number> {
  expectArgs(c.args, 0);
  c.banner('Listing global runtime parameters ...', true);
  const r = await c.request('GET', '/api/global-parameters');
  if (!ok(r)) return failure(c, r);
  const rows = (r.body as Array<{ name: string; value: unknown }>).map((p) => ({ name: p.name, value: JSON.stringify(p.value) }));
  printRows(c, ['name', 'value'], rows);
  return ExitCode.OK;
}

/** The runtime and global parameter commands. */
export const PARAMETER_COMMANDS: Record<string, Command> = {
  set_parameter: { usage: 'set_parameter [-p <vhost>] <component_name> <name> <value>', run: setParameter },
  clear_parameter: { usage: 'clear_parameter [-p <vhost>] <component_name> <name>', run: clearParameter },
  list_parameters: { usage: 'list_parameters [-p <vhost>] [--formatter json]', run: listParameters },
  set_global_parameter: { usage: 'set_global_parameter <name> <value>', run: setGlobalParameter },
  clear_global_parameter: { usage: 'clear_global_parameter <name>', run: clearGlobalParameter },
  list_global_parameters: { usage: 'list_global_parameters [--formatter json]', run: listGlobalParameters },
};
