/** The `warrenctl` process: runs the command and exits with its code. */
import { createInterface } from 'node:readline';
import { runWarrenctl } from './warrenctl.js';

/** The first line of stdin, for a password not given as an argument (kept off the command line and `ps`). */
function readLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  return new Promise((resolve) => {
    let done = false;
    rl.once('line', (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!done) resolve('');
    });
  });
}

/** All of stdin, as text (import_definitions -). */
async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

process.exitCode = await runWarrenctl(process.argv.slice(2), process.env, {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  readLine,
  readAll,
});
