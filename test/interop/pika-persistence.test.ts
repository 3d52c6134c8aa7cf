// pika (Debian's python3-pika 1.2.0) and persistence: a durable queue with a persistent message survives a broker
// restart on the same data directory (LevelDB store). Runner pattern of pika.test.ts. Against an external broker
// (WARREN_TEST_URL) there is no restart: both scripts run against it in turn, and the same assertions hold except
// for the transient message, which only a restart removes.
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
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-pika-persist-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('pika and a broker restart', () => {
  it('a durable queue and its persistent message survive a restart; the transient message does not', async () => {
    const queue = uniq('persist');
    let url = external ?? '';
    let broker = external ? null : await startBroker({ dataDir, store: 'leveldb' });
    if (broker) url = broker.url;
    const before = await pika('persist_publish', url, queue);
    expect(before).toEqual({ declared_message_count: 0, depth_before_restart: 2 });

    if (broker) {
      await broker.close();
      broker = await startBroker({ dataDir, store: 'leveldb' });
      url = broker.url;
    }
    try {
      const after = await pika('persist_consume', url, queue);
      expect(after.depth_after_restart).toBe(external ? 2 : 1);
      expect(after.message).toEqual({
        body: 'survives a restart',
        redelivered: false,
        delivery_mode: 2,
        message_id: 'm-1',
        content_type: 'text/plain',
        headers: { n: 1 },
      });
    } finally {
      await broker?.close();
    }
  });
});
