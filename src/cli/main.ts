/** The `warrenctl` process: runs the command and exits with its code. */
import { runWarrenctl } from './warrenctl.js';

process.exitCode = await runWarrenctl(process.argv.slice(2), process.env, {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
});
