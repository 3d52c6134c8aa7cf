// The `warren` process as an operator runs it: node dist/main.js with flags, JSON log lines
// on stdout, signals, exit codes.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded, cleanEnv, MAIN, ROOT, spawnWarren, type WarrenProcess } from '../helpers/warren-process.js';


// The health checks need a management user, as RabbitMQ's do.
const GUEST = { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') };
const running: ChildProcess[] = [];
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'warren-main-test-'));
  tempDirs.push(d);
  return d;
}

function startWarren(args: string[]): WarrenProcess {
  const w = spawnWarren(args);
  running.push(w.child);
  return w;
}

function portOf(record: Record<string, unknown>): number {
  const address = String(record.address);
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

async function startedWarren(): Promise<{ w: WarrenProcess; amqpPort: number; httpPort: number }> {
  const dataDir = await tempDir();
  const w = startWarren(['--port', '0', '--management-port', '0', '--prometheus-port', '0', '--prometheus-host', '127.0.0.1', '--host', '127.0.0.1', '--management-host', '127.0.0.1', '--data-dir', dataDir]);
  const amqpLine = await w.waitForLog('AMQP listener started');
  const httpLine = await w.waitForLog('management listener started');
  return { w, amqpPort: portOf(amqpLine), httpPort: portOf(httpLine) };
}

beforeAll(buildIfNeeded, 180_000);

afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const d of tempDirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('warren process', () => {
  it('logs each listener address, serves RabbitMQ-shaped health checks and exits 0 on SIGTERM', async () => {
    const { w, httpPort } = await startedWarren();
    const base = `http://127.0.0.1:${httpPort}`;

    // The health checks need a management user, as RabbitMQ's do (401 without credentials).
    expect((await fetch(`${base}/api/health/checks/alarms`)).status).toBe(401);
    const get = (p: string) => fetch(`${base}${p}`, { headers: GUEST });
    const alarms = await get('/api/health/checks/alarms');
    expect(alarms.status).toBe(200);
    expect(await alarms.json()).toEqual({ status: 'ok' });
    for (const check of ['local-alarms', 'virtual-hosts', 'is-in-service', 'ready-to-serve-clients']) {
      expect(await (await get(`/api/health/checks/${check}`)).json(), check).toEqual({ status: 'ok' });
    }
    expect(await (await get('/api/aliveness-test/%2F')).json()).toEqual({ status: 'ok' });

    const listening = await get(`/api/health/checks/port-listener/${httpPort}`);
    expect(listening.status).toBe(200);
    expect(await listening.json()).toEqual({ status: 'ok', port: httpPort });
    const notListening = await get('/api/health/checks/port-listener/1');
    expect(notListening.status).toBe(503);
    expect(await notListening.json()).toMatchObject({ status: 'failed', reason: 'No active listener', missing: 1 });
    expect((await get('/api/health/checks/port-listener/abc')).status).toBe(400);

    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Warren</title>');
    const missing = await fetch(`${base}/api/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Object Not Found', reason: 'Not Found' });

    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it('reports the AMQP listener in port-listener', async () => {
    const { w, amqpPort, httpPort } = await startedWarren();
    expect(amqpPort).toBeGreaterThan(0);
    const r = await fetch(`http://127.0.0.1:${httpPort}/api/health/checks/port-listener/${amqpPort}`, { headers: GUEST });
    expect(await r.json()).toEqual({ status: 'ok', port: amqpPort });
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it('SIGTERM closes client connections with 320 CONNECTION_FORCED, then exits 0', async () => {
    const { w, amqpPort } = await startedWarren();
    const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${amqpPort}`);
    conn.on('error', () => undefined); // 320 is not fatal for amqplib; keep any other error from crashing the runner
    const closed = once(conn, 'close') as Promise<[(Error & { code?: number })?]>;

    w.child.kill('SIGTERM');
    const [err] = await closed;
    expect(err?.code).toBe(320);
    expect(err?.message).toContain('CONNECTION_FORCED');
    expect(await w.exited).toBe(0);
  });

  it('a bad config file exits 78 (EX_CONFIG) naming the file, line and key', async () => {
    const file = path.join(await tempDir(), 'bad.conf');
    await writeFile(file, 'heartbeat = 30\nfoo.bar = 1\n');
    const w = startWarren(['--config', file]);
    expect(await w.exited).toBe(78);
    expect(w.stderr()).toContain(`${file}:2: unknown key 'foo.bar'`);
  });

  it('a bad flag value exits 78 naming the flag', async () => {
    const w = startWarren(['--port', '70000']);
    expect(await w.exited).toBe(78);
    expect(w.stderr()).toContain("--port: invalid value '70000'");
  });

  it('a port already in use exits 1 with a clear message', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const w = startWarren(['--port', '0', '--management-port', String(taken), '--prometheus-port', '0', '--host', '127.0.0.1', '--management-host', '127.0.0.1', '--data-dir', await tempDir()]);
      expect(await w.exited).toBe(1);
      expect(w.stderr()).toContain(`cannot listen on 127.0.0.1:${taken}: address already in use`);
    } finally {
      blocker.close();
    }
  });

  it('--help prints usage and exits 0', async () => {
    const r = spawnSync(process.execPath, [MAIN, '--help'], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: warren');
  });
});
