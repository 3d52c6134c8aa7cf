/**
 * warrenctl: rabbitmqctl's command names, arguments, output and exit codes, as a thin client of
 * the management API. Exit codes (sysexits, as rabbitmqctl): 0 ok, 64 usage, 65 data error (no
 * such vhost, failed authentication), 67 no such user, 69 unavailable (validation failed, no such
 * object, API unreachable), 70 already exists, 77 not authorised.
 */
import { UnreachableError } from './api-client.js';
import { parseArgs, UsageError, type ParsedArgs } from './args.js';
import { findCommand } from './commands/index.js';
import { Context, type Io } from './context.js';
import { ExitCode } from './exit-codes.js';
import { ApiFailure, failure } from './failure.js';
import { resolveTarget } from './target.js';
import { commandUsage, usageText } from './usage.js';

export type { Io } from './context.js';

/** Runs warrenctl with these arguments; resolves with the exit code. */
export async function runWarrenctl(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    io.err(`Error: ${(e as Error).message}\n\n${usageText()}`);
    return ExitCode.USAGE;
  }
  const [name, topic] = parsed.positional;
  if (parsed.flags.has('help') || name === 'help') {
    const about = name === 'help' ? topic : name;
    const one = about === undefined ? undefined : findCommand(about);
    io.out(one === undefined ? usageText() : commandUsage(one));
    return ExitCode.OK;
  }
  const command = name === undefined ? undefined : findCommand(name);
  if (command === undefined) {
    io.err(`${name === undefined ? 'Error: no command given' : `Error: command '${name}' not found`}\n\n${usageText()}`);
    return ExitCode.USAGE;
  }
  let c: Context | undefined;
  try {
    c = new Context(parsed, await resolveTarget(parsed, env), io);
    return await command.run(c);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`Error (argument validation): ${e.message}${e.period ? '.' : ''}\nArguments given:\n\t${argv.join(' ')}\n\n${commandUsage(command)}`);
      return ExitCode.USAGE;
    }
    if (e instanceof UnreachableError) {
      io.err(`Error: ${e.message}\n`);
      return ExitCode.UNAVAILABLE;
    }
    if (e instanceof ApiFailure && c !== undefined) return failure(c, e.response);
    throw e;
  }
}
