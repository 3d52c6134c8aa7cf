// Queue features (length limits, priorities, TTL, single active consumer) through pika (Debian's python3-pika 1.2.0,
// BlockingConnection), whose argument and property encodings differ from amqplib's (ints as 'I', str as 'S').
// Same runner as pika.test.ts: each ./pika/queue_features_*.py script prints one JSON line; the assertions live here.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

/** Debian's interpreter: the `python3` on PATH (pyenv) has no pika. */
const PYTHON = '/usr/bin/python3';
const SCRIPT_TIMEOUT_MS = 10_000;

let broker: TestBroker;

function runPython(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // -B: don't leave __pycache__ next to the scripts.
    execFile(PYTHON, ['-B', ...args], { timeout: SCRIPT_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) {
        const how = err.killed ? `killed after ${SCRIPT_TIMEOUT_MS} ms` : `exit code ${String(err.code)}`;
        reject(new Error(`${PYTHON} ${args.join(' ')}: ${how}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`));
      } else resolve({ stdout, stderr });
    });
  });
}

/** Runs test/interop/pika/<name>.py against the test broker and parses its JSON line. */
// The JSON is typed loosely (any): each test checks the fields it cares about.
async function pika(name: string): Promise<any> {
  const script = fileURLToPath(new URL(`./pika/${name}.py`, import.meta.url));
  const { stdout } = await runPython([script, broker.url]);
  const lines = stdout.trim().split('\n');
  expect(lines, `${name}.py should print exactly one JSON line`).toHaveLength(1);
  return JSON.parse(lines[0]);
}

beforeAll(async () => {
  // Fail loudly (not skip) when the interpreter or pika is missing.
  const { stdout } = await runPython(['-c', 'import pika; print(pika.__version__)']);
  expect(stdout.trim()).toMatch(/^1\./);
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('pika: queue features', () => {
  it('x-max-length drop-head keeps the newest; reject-publish nacks the publish (NackError)', async () => {
    const r = await pika('queue_features_limits');
    expect(r.kept).toEqual(['2', '3']);
    expect(r.outcomes).toEqual(['ack', 'nack']);
    expect(r.left).toEqual(['a']);
  });

  it('x-max-priority orders by priority; x-message-ttl and expiration expire messages', async () => {
    const r = await pika('queue_features_priority_ttl');
    expect(r.by_priority).toEqual(['high', 'high2', 'mid', 'low', 'none']);
    expect(r.ttl_left).toEqual([]);
    expect(r.expiring_left).toEqual(['long']);
  });

  it('x-single-active-consumer: the second consumer takes over when the first channel closes', async () => {
    const r = await pika('queue_features_sac');
    expect(r.first).toEqual(['1', '2']);
    expect(r.second).toEqual(['3', '4']);
  });
});
