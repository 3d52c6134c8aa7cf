// A real Celery worker (Debian's python3-celery 5.2, kombu 5.2, py-amqp) against Warren: the reason
// Warren presents itself as RabbitMQ. kombu gives basic.qos RabbitMQ's meaning of `global` only when
// server-properties.product is "RabbitMQ" (kombu/transport/pyamqp.py qos_semantics_matches_spec);
// a worker with worker_prefetch_multiplier = 1 that holds an ETA task raises its prefetch to take
// the next task, and only a global (channel-wide) qos reaches its running consumer. Announced as
// "Warren", kombu sends global=false, which (RabbitMQ's per-consumer semantics) changes nothing for
// the running consumer: the worker stops receiving until the ETA falls due.
// Scripts: ./celery/celery_app.py (the app, one task that appends a JSON line to a file when it
// runs), ./celery/send_tasks.py (the ETA task, then a normal task). With WARREN_TEST_URL the same
// tests run against that broker (the default-identity one must pass there too).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { PYTHON, runPython } from '../helpers/pika.js';
import { pollUntil, waitForValue } from '../helpers/wait.js';

const DIR = fileURLToPath(new URL('./celery/', import.meta.url));

interface Run {
  broker: TestBroker;
  worker: ChildProcess;
  output: () => string;
  env: NodeJS.ProcessEnv;
  results: string;
  dir: string;
}

const runs: Run[] = [];

/** The JSON lines the task wrote: which task ran, when (seconds since the epoch). */
async function ran(r: Run): Promise<{ name: string; at: number }[]> {
  const text = await readFile(r.results, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { name: string; at: number });
}

/** Starts Warren (with server_properties.product = product when given) and a Celery worker on it, once it is ready. */
async function startWorker(product?: string): Promise<Run> {
  const broker = await startTestBroker(product === undefined ? {} : { serverPropertiesProduct: product });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'warren-celery-'));
  const amqpUrl = new URL(broker.url);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WARREN')));
  const env: NodeJS.ProcessEnv = {
    ...base,
    // kombu writes the vhost "/" as "//".
    WARREN_CELERY_BROKER: `amqp://${amqpUrl.username}:${amqpUrl.password}@${amqpUrl.host}//`,
    WARREN_CELERY_QUEUE: `node-celery-${process.pid}-${runs.length}`,
    WARREN_CELERY_RESULTS: path.join(dir, 'results.jsonl'),
    PYTHONDONTWRITEBYTECODE: '1',
  };
  // The worker: prefork pool, one process, one message prefetched. Its own process group, so the pool child goes too.
  const worker = spawn(
    PYTHON,
    ['-m', 'celery', '-A', 'celery_app', 'worker', '--concurrency', '1', '--prefetch-multiplier', '1', '--without-gossip', '--without-mingle', '--without-heartbeat', '--loglevel', 'info', '-n', `node-celery-${process.pid}@%h`],
    { cwd: DIR, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  worker.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  worker.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const r: Run = { broker, worker, output: () => out, env, results: env.WARREN_CELERY_RESULTS!, dir };
  runs.push(r);
  // "celery@<name> ready." once it consumes; false if it died first.
  const ready = await waitForValue(() => (/ ready\.$/m.test(out) ? true : worker.exitCode !== null ? false : undefined), 'the Celery worker to be ready', {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
  if (!ready) throw new Error(`the Celery worker exited:\n${out}`);
  return r;
}

/** Sends the ETA task (due in etaSeconds) and a normal task; what send_tasks.py saw of the broker. */
async function sendTasks(r: Run, etaSeconds: number): Promise<{ sent_at: number; product: string; version: string; qos_semantics_matches_spec: boolean }> {
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    const child = spawn(PYTHON, ['-B', 'send_tasks.py', String(etaSeconds)], { cwd: DIR, env: r.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    let e = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (o += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (e += d));
    child.on('close', (code) => (code === 0 ? resolve({ stdout: o }) : reject(new Error(`send_tasks.py exited ${String(code)}:\n${e}\n${o}`))));
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

beforeAll(async () => {
  // Fails (not skips) without Debian's python3-celery.
  const { stdout } = await runPython(['-c', 'import celery, kombu; print(celery.__version__)']);
  expect(stdout.trim()).toMatch(/^5\./);
});

afterEach(async () => {
  for (const r of runs.splice(0)) {
    if (r.worker.exitCode === null && r.worker.signalCode === null) {
      const exited = once(r.worker, 'exit');
      process.kill(-r.worker.pid!, 'SIGTERM');
      const timer = setTimeout(() => {
        if (r.worker.exitCode === null) process.kill(-r.worker.pid!, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    // On a shared broker (WARREN_TEST_URL), remove what Celery declared: the task queue, its exchange, the remote-control exchange.
    if (r.broker.external) {
      const conn = await amqp.connect(r.broker.url);
      const ch = await conn.createChannel();
      await ch.deleteQueue(r.env.WARREN_CELERY_QUEUE!);
      for (const x of [r.env.WARREN_CELERY_QUEUE!, 'celery.pidbox']) await ch.deleteExchange(x);
      await conn.close();
    }
    await r.broker.close();
    await rm(r.dir, { recursive: true, force: true });
  }
}, 30_000);

describe('Celery worker (prefetch multiplier 1, concurrency 1) holding an ETA task', () => {
  it('as "RabbitMQ" 3.10.8 (the default): the next task runs at once, long before the ETA', async () => {
    const r = await startWorker();
    const sent = await sendTasks(r, 30);
    expect([sent.product, sent.version, sent.qos_semantics_matches_spec]).toEqual(['RabbitMQ', '3.10.8', false]);
    const done = await pollUntil(() => ran(r), (xs) => xs.some((x) => x.name === 'now'), { timeoutMs: 20_000, intervalMs: 100 });
    expect(done.map((x) => x.name), r.output()).toEqual(['now']);
    // Within seconds (worker start-up aside), not after the 30 s ETA.
    expect(done[0].at - sent.sent_at).toBeLessThan(15);
  }, 60_000);

  it.skipIf(process.env.WARREN_TEST_URL !== undefined)('as "Warren" (server_properties.product = Warren): kombu uses global=false and the next task waits for the ETA', async () => {
    // A short ETA: the assertion is that the normal task runs only once the ETA task has.
    const eta = 6;
    const r = await startWorker('Warren');
    const sent = await sendTasks(r, eta);
    expect([sent.product, sent.qos_semantics_matches_spec]).toEqual(['Warren', true]);
    const done = await pollUntil(() => ran(r), (xs) => xs.some((x) => x.name === 'now'), { timeoutMs: 30_000, intervalMs: 100 });
    expect(done.map((x) => x.name), r.output()).toEqual(['eta', 'now']);
    expect(done[1].at - sent.sent_at).toBeGreaterThanOrEqual(eta - 1);
  }, 60_000);
});
