// Compiles src/ to dist/ when dist/main.js is missing or older than any file in src/ (or the
// tsconfigs), and builds the dashboard (management-ui/ -> dist/ui/ with Vite) when
// dist/ui/index.html is missing or older than any file in management-ui/, so `npm start` and
// `bin/warren.js` work from a fresh clone. Quiet when up to date.
// Usable as a script (`node tools/build-if-needed.mjs`, exits with the builds' status) or imported.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir, skip = new Set()) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const p = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs;
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

/** True when dist/ui/index.html is missing or older than management-ui/ (or package-lock.json). */
export function isUiBuildNeeded(root = ROOT) {
  const out = path.join(root, 'dist', 'ui', 'index.html');
  if (!existsSync(out)) return true;
  const src = path.join(root, 'management-ui');
  if (!existsSync(src)) return false;
  const lock = path.join(root, 'package-lock.json');
  const inputs = [newestMtime(src, new Set(['node_modules', 'dist'])), existsSync(lock) ? statSync(lock).mtimeMs : 0];
  return Math.max(...inputs) > statSync(out).mtimeMs;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the dashboard if needed; returns Vite's exit status (0 when nothing had to be done).
 * Several processes may ask at once (test files in parallel): one builds, under a lock
 * directory, into a fresh folder that then replaces dist/ui/; the others wait for it.
 */
export function buildUiIfNeeded(root = ROOT) {
  if (!isUiBuildNeeded(root)) return 0;
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    // The broker runs without its dashboard (the API is all there); say why / is empty.
    process.stderr.write('warren: the dashboard (dist/ui/) is missing or out of date and Vite is not installed; run `npm ci` first\n');
    return existsSync(path.join(root, 'dist', 'ui', 'index.html')) ? 0 : 1;
  }
  const dist = path.join(root, 'dist');
  mkdirSync(dist, { recursive: true });
  const lock = path.join(dist, '.ui-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A build left behind by a killed process: take it over after five minutes.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) {
        process.stderr.write(`warren: gave up waiting for another dashboard build (${lock})\n`);
        return 1;
      }
      sleep(200);
    }
  }
  try {
    if (!isUiBuildNeeded(root)) return 0;
    process.stderr.write('warren: building the dashboard (management-ui/ changed)...\n');
    const tmp = path.join(dist, `ui.build-${process.pid}`);
    // NODE_ENV=production whatever the caller runs under (vitest sets "test", which would keep
    // the libraries' development checks in the bundle).
    const r = spawnSync(process.execPath, [vite, 'build', '--config', 'management-ui/vite.config.ts', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const status = r.status ?? 1;
    if (status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      return status;
    }
    const out = path.join(dist, 'ui');
    const old = path.join(dist, `ui.old-${process.pid}`);
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
    rmSync(old, { recursive: true, force: true });
    return 0;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const server = buildIfNeeded();
  const ui = buildUiIfNeeded();
  process.exitCode = server !== 0 ? server : ui;
}
