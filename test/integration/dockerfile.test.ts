// The Dockerfile, docker-compose.yml and the systemd unit (issue 13, "Running it"). There is no
// container engine on these machines, so the test reads the Dockerfile and runs its steps itself:
// every stage in a temp dir standing for the container's file system (an absolute container path
// /x becomes <stage root>/x), COPY from the repository through .dockerignore (or from an earlier
// stage), ENV, WORKDIR, RUN through sh; then the runtime stage's CMD with its environment, the
// HEALTHCHECK command, warrenctl from the PATH link, and SIGTERM. Three RUN commands are replaced:
// `npm ci` by a link to the repository's node_modules (no registry here), `npm prune` skipped (it
// would delete that shared node_modules' dev dependencies), `chown` skipped (the test is not root:
// USER is checked as text). The ports are set to 0 through WARREN_* variables (the container's own
// 5672/15672/15692 are taken on a shared machine); everything else is the container's config.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { cleanEnv, ROOT } from '../helpers/warren-process.js';
import { waitFor } from '../helpers/wait.js';

// ---- the Dockerfile, parsed ---------------------------------------------------------------------

interface Instruction {
  op: string;
  /** The text after the instruction, continuation lines joined. */
  raw: string;
  /** --flag=value options (COPY --from, HEALTHCHECK --interval, ...). */
  flags: Record<string, string>;
  /** The rest after the flags. */
  rest: string;
  /** The exec form's array, when the rest is JSON. */
  exec?: string[];
}

interface Stage {
  base: string;
  name: string | undefined;
  steps: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (current === '' && /^\s*(#|$)/.test(line)) continue; // comments and parser directives
    if (current !== '' && /^\s*#/.test(line)) continue; // a comment inside a continued instruction
    if (/\\\s*$/.test(line)) {
      current += line.replace(/\\\s*$/, ' ');
      continue;
    }
    logical.push((current + line).trim());
    current = '';
  }
  const stages: Stage[] = [];
  for (const l of logical) {
    const m = /^(\w+)\s+(.*)$/s.exec(l);
    if (m === null) throw new Error(`cannot parse: ${l}`);
    const op = m[1].toUpperCase();
    const raw = m[2].trim();
    const flags: Record<string, string> = {};
    let rest = raw;
    for (let f = /^--([\w-]+)=(\S+)\s+/.exec(rest); f !== null; f = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
      flags[f[1]] = f[2];
      rest = rest.slice(f[0].length);
    }
    let exec: string[] | undefined;
    const json = op === 'HEALTHCHECK' ? rest.replace(/^CMD\s+/, '') : rest;
    if (json.startsWith('[')) exec = JSON.parse(json) as string[];
    const step: Instruction = { op, raw, flags, rest, exec };
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(raw);
      stages.push({ base: f?.[1] ?? raw, name: f?.[2], steps: [] });
    } else {
      stages[stages.length - 1].steps.push(step);
    }
  }
  return stages;
}

/** ENV's key=value pairs (values may be quoted). */
function envPairs(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const m of raw.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) out.push([m[1], m[2].replace(/^"(.*)"$/, '$1')]);
  return out;
}

// ---- .dockerignore (moby's patternmatcher: root-relative, `**` any depth, last match wins) ------

function ignoreMatcher(text: string): (rel: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const p = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      const re = p
        .split('/')
        .map((seg) => (seg === '**' ? '(?:.*)' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      return { negate, re: new RegExp(`^${re}$`) };
    });
  return (rel) => {
    // A path is matched by a rule that matches it or one of its parent directories.
    const parts = rel.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const r of rules) if (prefixes.some((p) => r.re.test(p))) ignored = !r.negate;
    return ignored;
  };
}

// ---- running the stages -------------------------------------------------------------------------

/** The replaced RUN commands (see the header). */
function substituteRun(cmd: string): string {
  return cmd
    .replace(/npm ci\b[^&;|]*/, `ln -s ${JSON.stringify(path.join(ROOT, 'node_modules'))} node_modules`)
    .replace(/npm prune\b[^&;|]*/, 'true')
    .replace(/chown\s+\S+\s+\S+/, 'true');
}

interface Built {
  roots: Map<string, string>;
  runtime: { root: string; workdir: string; env: Record<string, string>; stage: Stage };
}

function buildStages(stages: Stage[], tmp: string, ignored: (rel: string) => boolean): Built {
  const roots = new Map<string, string>();
  let last: Built['runtime'] | undefined;
  stages.forEach((stage, i) => {
    const root = path.join(tmp, stage.name ?? `stage${i}`);
    // What the base image (node:20-bookworm-slim) brings: the usual directories.
    for (const d of ['usr/local/bin', 'etc', 'var/lib', 'tmp']) mkdirSync(path.join(root, d), { recursive: true });
    if (stage.name !== undefined) roots.set(stage.name, root);
    const inRoot = (p: string): string => path.join(root, p);
    // Absolute container paths in a command or a value, moved under the stage's root.
    const mapPaths = (s: string): string => s.replace(/(^|[\s'"=:])(\/(?:app|etc|var|usr|opt)\b[\w./-]*)/g, (_m, pre: string, p: string) => pre + inRoot(p));
    let workdir = '/';
    const env: Record<string, string> = {};
    for (const step of stage.steps) {
      switch (step.op) {
        case 'WORKDIR':
          workdir = path.posix.resolve(workdir, step.rest);
          mkdirSync(inRoot(workdir), { recursive: true });
          break;
        case 'ENV':
          for (const [k, v] of envPairs(step.rest)) env[k] = mapPaths(v);
          break;
        case 'COPY': {
          const words = step.rest.split(/\s+/);
          const dest = words.pop() as string;
          const from = step.flags.from;
          const target = inRoot(path.posix.resolve(workdir, dest));
          const intoDir = dest.endsWith('/') || words.length > 1;
          for (const src of words) {
            let source: string;
            if (from !== undefined) {
              const fromRoot = roots.get(from);
              if (fromRoot === undefined) throw new Error(`COPY --from=${from}: no such stage`);
              source = path.join(fromRoot, src);
            } else {
              expect(ignored(src), `COPY ${src}: excluded by .dockerignore`).toBe(false);
              source = path.join(ROOT, src);
            }
            expect(existsSync(source), `COPY ${src}: missing`).toBe(true);
            const to = intoDir ? path.join(target, path.basename(src)) : target;
            mkdirSync(path.dirname(to), { recursive: true });
            cpSync(source, to, {
              recursive: true,
              verbatimSymlinks: true,
              // The build context is the repository minus .dockerignore.
              filter: (p) => from !== undefined || path.relative(ROOT, p) === '' || !ignored(path.relative(ROOT, p).split(path.sep).join('/')),
            });
          }
          break;
        }
        case 'RUN': {
          const cmd = mapPaths(substituteRun(step.rest));
          const r = spawnSync('/bin/sh', ['-c', cmd], { cwd: inRoot(workdir), env: { ...cleanEnv(), ...env }, encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`RUN ${step.rest} (as: ${cmd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
          break;
        }
        default:
          break;
      }
    }
    last = { root, workdir: inRoot(workdir), env, stage };
  });
  if (last === undefined) throw new Error('no stage');
  return { roots, runtime: last };
}

// ---- the tests ----------------------------------------------------------------------------------

const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const runtime = stages[stages.length - 1];
const step = (s: Stage, op: string): Instruction[] => s.steps.filter((x) => x.op === op);
const ignored = ignoreMatcher(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'));

describe('Dockerfile, as text', () => {
  it('is multi-stage: a build stage with the full dependencies, a runtime stage with dist/ and production dependencies only', () => {
    expect(stages.length).toBe(2);
    expect(stages[0].name).toBe('build');
    expect(stages[0].base).toMatch(/^node:20/);
    expect(runtime.base).toBe(stages[0].base);
    const runs = step(stages[0], 'RUN').map((r) => r.rest);
    expect(runs.some((r) => /npm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /npm run build\b/.test(r))).toBe(true);
    expect(runs.some((r) => /npm prune --omit=dev/.test(r))).toBe(true);
    // The runtime copies no sources, tests or dev tooling from the context.
    const copied = step(runtime, 'COPY').filter((c) => c.flags.from === undefined).flatMap((c) => c.rest.split(/\s+/).slice(0, -1));
    for (const src of copied) expect(src, src).not.toMatch(/^(src|test|bench|management-ui|node_modules)\b/);
    expect(step(runtime, 'COPY').filter((c) => c.flags.from === 'build').map((c) => c.rest.split(/\s+/)[0])).toEqual(['/app/package.json', '/app/node_modules', '/app/dist']);
  });

  it('runs as a non-root user, keeps /var/lib/warren as a volume, exposes the ports, checks health, stops with SIGTERM', () => {
    const user = step(runtime, 'USER').map((u) => u.rest);
    expect(user.length).toBe(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(step(runtime, 'VOLUME').map((v) => v.rest)).toEqual(['/var/lib/warren']);
    const exposed = step(runtime, 'EXPOSE').flatMap((e) => e.rest.split(/\s+/));
    for (const port of ['5672', '5671', '15672', '15692']) expect(exposed).toContain(port);
    const [health] = step(runtime, 'HEALTHCHECK');
    expect(health.exec?.[0]).toBe('node');
    expect(health.flags).toMatchObject({ interval: '30s', timeout: '5s' });
    // Exec form: node is PID 1 and receives docker stop's SIGTERM itself (a shell would swallow it).
    const [cmd] = step(runtime, 'CMD');
    expect(cmd.exec?.[0]).toBe('node');
    expect(step(runtime, 'STOPSIGNAL').map((s) => s.rest)).toEqual(['SIGTERM']);
    const env = Object.fromEntries(step(runtime, 'ENV').flatMap((e) => envPairs(e.rest)));
    expect(env).toMatchObject({ NODE_ENV: 'production', WARREN_DATA_DIR: '/var/lib/warren', WARREN_CONFIG_FILE: '/etc/warren/warren.conf' });
  });

  it('.dockerignore keeps host builds, data and tests out of the context, and nothing a COPY needs', () => {
    for (const p of ['node_modules', 'management-ui/node_modules', 'dist', 'data', '.git', 'test', 'bench']) expect(ignored(p), p).toBe(true);
    for (const p of ['src/main.ts', 'management-ui/src', 'bin/warren.js', 'tools/build-if-needed.mjs', 'config/warren.conf', 'package-lock.json']) expect(ignored(p), p).toBe(false);
  });
});

describe('Dockerfile, run without a container engine', () => {
  let tmp: string;
  let built: Built;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'warren-docker-'));
    built = buildStages(stages, tmp, ignored);
  }, 240_000);

  afterAll(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  it('builds, starts with the container config, passes its HEALTHCHECK, serves AMQP, the API and the dashboard, and exits 0 on SIGTERM', async () => {
    const rt = built.runtime;
    const app = rt.workdir;
    // The image holds compiled JS and the built dashboard, no TypeScript sources.
    expect(existsSync(path.join(app, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(path.join(app, 'dist', 'ui', 'index.html'))).toBe(true);
    expect(existsSync(path.join(app, 'src'))).toBe(false);
    expect(readdirSync(app).sort()).toEqual(['bin', 'config', 'dist', 'node_modules', 'package.json', 'tools']);
    const conf = readFileSync(path.join(rt.root, 'etc', 'warren', 'warren.conf'), 'utf8');
    expect(conf).toMatch(/\nloopback_users = none\n$/);
    expect(statSync(path.join(rt.root, 'var', 'lib', 'warren')).isDirectory()).toBe(true);

    const env = { ...cleanEnv(), ...rt.env, WARREN_PORT: '0', WARREN_MANAGEMENT_PORT: '0', WARREN_PROMETHEUS_PORT: '0' };
    const health = (): number | null => {
      const [cmd, ...args] = step(rt.stage, 'HEALTHCHECK')[0].exec as string[];
      return spawnSync(cmd === 'node' ? process.execPath : cmd, args, { cwd: app, env, encoding: 'utf8', timeout: 10_000 }).status;
    };
    // Nothing is running yet: the check fails.
    expect(health()).toBe(1);

    const [cmd, ...args] = step(rt.stage, 'CMD')[0].exec as string[];
    const child = spawn(cmd === 'node' ? process.execPath : cmd, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    const records: Record<string, unknown>[] = [];
    readline.createInterface({ input: child.stdout }).on('line', (l) => records.push(JSON.parse(l) as Record<string, unknown>));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const port = (msg: string): number => {
      const a = String(records.find((r) => r.msg === msg)?.address);
      return Number(a.slice(a.lastIndexOf(':') + 1));
    };
    try {
      await waitFor(() => records.some((r) => r.msg === 'Warren is ready') || child.exitCode !== null, 'Warren to start', { timeoutMs: 30_000 });
      expect(child.exitCode, stderr).toBeNull();
      // The data directory is the volume's.
      expect(records.find((r) => r.msg === 'starting Warren')?.dataDir).toBe(path.join(rt.root, 'var', 'lib', 'warren'));
      expect(existsSync(path.join(rt.root, 'var', 'lib', 'warren', 'warrenctl.credentials'))).toBe(true);
      expect(health()).toBe(0);

      const amqpPort = port('AMQP listener started');
      const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${amqpPort}`);
      const ch = await conn.createChannel();
      await ch.assertQueue('ops-docker', { durable: true });
      const base = `http://127.0.0.1:${port('management listener started')}`;
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Warren</title>');
      // warrenctl from the PATH link finds the broker through WARREN_DATA_DIR.
      const ctl = spawnSync(process.execPath, [path.join(rt.root, 'usr', 'local', 'bin', 'warrenctl'), 'list_queues', 'name'], { cwd: app, env, encoding: 'utf8' });
      expect(ctl.status, ctl.stderr).toBe(0);
      expect(ctl.stdout).toContain('ops-docker');

      const closed = new Promise<unknown>((r) => conn.once('close', r));
      conn.on('error', () => undefined);
      child.kill('SIGTERM');
      expect(((await closed) as { code?: number } | undefined)?.code).toBe(320);
      expect(await exited).toEqual([0, null]);
      expect(records.some((r) => r.msg === 'stopped')).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('docker-compose.yml', () => {
  it('builds this Dockerfile, keeps the data in a volume, raises nofile and stops later than shutdown_timeout', () => {
    // PyYAML from Debian's python3 parses the file (no compose tool here).
    const r = spawnSync('/usr/bin/python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(ROOT, 'docker-compose.yml')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const compose = JSON.parse(r.stdout) as { services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown> };
    const w = compose.services.warren;
    expect(w.build).toBe('.');
    expect(w.ports).toEqual(expect.arrayContaining(['5672:5672', '15672:15672', '15692:15692']));
    expect(w.volumes).toContain('warren-data:/var/lib/warren');
    expect(Object.keys(compose.volumes)).toContain('warren-data');
    expect(w.ulimits).toEqual({ nofile: { soft: 65536, hard: 65536 } });
    expect(Number(/^(\d+)s$/.exec(String(w.stop_grace_period))?.[1]) * 1000).toBeGreaterThan(defaultConfig().shutdownTimeout);
  });
});

describe('config/warren.service (systemd)', () => {
  const unitFile = path.join(ROOT, 'config', 'warren.service');
  const text = readFileSync(unitFile, 'utf8');
  const keys = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line);
    if (m !== null) keys.set(m[1], [...(keys.get(m[1]) ?? []), m[2]]);
  }
  const one = (k: string): string | undefined => keys.get(k)?.[0];

  it('sets the limits, the restart policy, a stop timeout beyond shutdown_timeout, a dedicated user, the state directory and the env file', () => {
    expect(Number(one('LimitNOFILE'))).toBeGreaterThanOrEqual(65536);
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus')).toBe('78');
    expect(Number(one('TimeoutStopSec')) * 1000).toBeGreaterThan(defaultConfig().shutdownTimeout);
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('User')).toBe('warren');
    expect(one('StateDirectory')).toBe('warren');
    expect(keys.get('Environment')).toContain('WARREN_DATA_DIR=/var/lib/warren');
    expect(one('EnvironmentFile')).toBe('-/etc/warren/warren.env');
    expect(one('ExecStart')).toMatch(/\/warren$/);
    expect(one('WantedBy')).toBe('multi-user.target');
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('passes systemd-analyze verify (ExecStart pointed at this checkout)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'warren-unit-'));
    try {
      const unit = path.join(dir, 'warren.service');
      writeFileSync(unit, text.replace(/^ExecStart=.*$/m, `ExecStart=${process.execPath} ${path.join(ROOT, 'bin', 'warren.js')}`));
      const r = spawnSync('/usr/bin/systemd-analyze', ['verify', unit], { encoding: 'utf8' });
      // verify exits 0 on unknown keys and bad values too: what it prints is the verdict.
      expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
