/**
 * export_definitions and import_definitions over /api/definitions, as rabbitmqctl prints them:
 * `-` is standard output (the JSON alone, no banner) or standard input.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { expectArgs } from '../args.js';
import type { Command, Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failure, ok, printError } from '../failure.js';

async function exportDefinitions(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const file = c.args[0] ?? '';
  if (file !== '-') c.banner(`Exporting definitions in JSON to a file at "${file}" ...`);
  const r = await c.request('GET', '/api/definitions');
  if (r.status !== 200) return failure(c, r);
  const json = JSON.stringify(r.body);
  if (file === '-') {
    c.io.out(json + '\n');
    return ExitCode.OK;
  }
  try {
    await writeFile(file, json);
  } catch (e) {
    return printError(c, `{:could_not_write_file, "${file}", :${(e as NodeJS.ErrnoException).code?.toLowerCase() ?? 'error'}}`, ExitCode.DATAERR);
  }
  return ExitCode.OK;
}

async function importDefinitions(c: Context): Promise<number> {
  expectArgs(c.args, 1);
  const file = c.args[0] ?? '';
  let text: string;
  if (file === '-') {
    c.banner('Importing definitions in JSON from standard input ...');
    text = c.io.readAll === undefined ? '' : await c.io.readAll();
  } else {
    c.banner(`Importing definitions in JSON from a file at "${file}" ...`);
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return printError(c, `File ${file} does not exist or cannot be read`, ExitCode.DATAERR);
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // What POST /api/definitions answers for the same text.
    return printError(c, 'failed_to_parse_json');
  }
  const r = await c.request('POST', '/api/definitions', doc);
  return ok(r) ? ExitCode.OK : failure(c, r);
}

/** The definitions commands. */
export const DEFINITION_COMMANDS: Record<string, Command> = {
  export_definitions: { usage: 'export_definitions <file|->', run: exportDefinitions },
  import_definitions: { usage: 'import_definitions <file|->', run: importDefinitions },
};
