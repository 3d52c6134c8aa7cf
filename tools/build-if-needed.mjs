// Compiles src/ to dist/ when dist/main.js is missing or older than any file in src/ (or the
// tsconfigs), so `npm start` and `bin/warren.js` work from a fresh clone. Quiet when up to date.
// Usable as a script (`node tools/build-if-needed.mjs`, exits with tsc's status) or imported.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** True when dist/main.js is missing or older than the sources. */
export function isBuildNeeded(root = ROOT) {
  const out = path.join(root, 'dist', 'main.js');
  if (!existsSync(out)) return true;
  const src = path.join(root, 'src');
  // An installed package may ship dist/ without src/: nothing to compare, nothing to build.
  if (!existsSync(src)) return false;
  const inputs = [newestMtime(src), ...['tsconfig.json', 'tsconfig.build.json'].map((f) => (existsSync(path.join(root, f)) ? statSync(path.join(root, f)).mtimeMs : 0))];
  return Math.max(...inputs) > statSync(out).mtimeMs;
}

/** Builds if needed; returns tsc's exit status (0 when nothing had to be done). */
export function buildIfNeeded(root = ROOT) {
  if (!isBuildNeeded(root)) return 0;
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    process.stderr.write('warren: dist/ is missing or out of date and TypeScript is not installed; run `npm ci` first\n');
    return 1;
  }
  process.stderr.write('warren: compiling TypeScript (src/ changed)...\n');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const status = r.status ?? 1;
  // tsc emits even when type checking fails; drop the entry point so the next run rebuilds
  // and reports the errors again instead of silently starting the half-checked output.
  if (status !== 0) rmSync(path.join(root, 'dist', 'main.js'), { force: true });
  return status;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = buildIfNeeded();
}
