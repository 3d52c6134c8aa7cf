// pika (Debian's python3-pika 1.2.0) and the queue features on the LevelDB store: a persistent message rejected into
// a durable dead-letter queue, and a durable priority queue, across a broker restart on the same data directory.
// Runner pattern of pika-persistence.test.ts. Against an external broker (WARREN_TEST_URL) there is no restart (a
// test can't restart the shared RabbitMQ): both scripts run against it in turn and the same assertions hold.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker } from '../../src/index.js';
import { uniq } from '../helpers/amqp-tracker.js';

/** Debian's interpreter: the `python3` on PATH (pyenv) has no pika. */
const PYTHON = '/usr/bin/python3';
const SCRIPT_TIMEOUT_MS = 10_000;
const external = process.env.WARREN_TEST_URL;

function runPython(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-B', ...args], { timeout: SCRIPT_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) {
        const how = err.killed ? `killed after ${SCRIPT_TIMEOUT_MS} ms` : `exit code ${String(err.code)}`;
        reject(new Error(`${PYTHON} ${args.join(' ')}: ${how}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`));
      } else resolve({ stdout, stderr });
    });
  });
}

/** Runs test/interop/pika/<name>.py with the URL and extra args, and parses its JSON line. */
async function pika(name: string, url: string, ...args: string[]): Promise<any> {
  const script = fileURLToPath(new URL(`./pika/${name}.py`, import.meta.url));
  const { stdout } = await runPython([script, url, ...args]);
  const lines = stdout.trim().split('\n');
  expect(lines, `${name}.py should print exactly one JSON line`).toHaveLength(1);
  return JSON.parse(lines[0]);
}

let dataDir: string;

beforeAll(async () => {
  const { stdout } = await runPython(['-c', 'import pika; print(pika.__version__)']);
  expect(stdout.trim()).toMatch(/^1\./);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-pika-persist-features-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('pika: queue features across a broker restart', () => {
  it('the rejected persistent message is in the durable DLQ with its x-death; the priority queue keeps its order', async () => {
    const prefix = uniq('persist-features');
    let url = external ?? '';
    let broker = external ? null : await startBroker({ dataDir, store: 'leveldb' });
    if (broker) url = broker.url;
    const before = await pika('persist_features_before', url, prefix);
    expect(before).toEqual({ dlq_depth: 1, src_depth: 0, prio_depth: 5 });

    if (broker) {
      await broker.close();
      broker = await startBroker({ dataDir, store: 'leveldb' });
      url = broker.url;
    }
    try {
      const after = await pika('persist_features_after', url, prefix);
      expect(after.src_depth).toBe(0);
      expect(after.dead).toEqual([
        {
          body: 'rejected',
          delivery_mode: 2,
          redelivered: false,
          app: 'pika',
          x_death: [{ count: 1, reason: 'rejected', queue: `${prefix}.src`, exchange: '', 'routing-keys': [`${prefix}.src`], has_time: true }],
          first_death_reason: 'rejected',
        },
      ]);
      expect(after.priority_order).toEqual([
        ['p4-1', 4],
        ['p4-3', 4],
        ['p2-2', 2],
        ['p1-0', 1],
        ['p0-4', 0],
      ]);
    } finally {
      await broker?.close();
    }
  });
});
