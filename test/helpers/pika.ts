import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Debian's interpreter: the `python3` on PATH (pyenv) has no pika. */
export const PYTHON = '/usr/bin/python3';
const SCRIPT_TIMEOUT_MS = 10_000;

/** Runs Debian's python3 with args; rejects with both output streams when it fails or runs too long. */
export function runPython(args: string[]): Promise<{ stdout: string; stderr: string }> {
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

/** Fails loudly (not skips) when the interpreter or pika is missing: call it in beforeAll. */
export async function expectPika(): Promise<void> {
  const { stdout } = await runPython(['-c', 'import pika; print(pika.__version__)']);
  expect(stdout.trim()).toMatch(/^1\./);
}

/**
 * Runs test/interop/pika/<name>.py with the AMQP URL (and extra args) and
 * parses the one JSON line of observations it prints. Typed loosely (any):
 * each test checks the fields it cares about.
 */
export async function runPika(name: string, url: string, ...args: string[]): Promise<any> {
  const script = fileURLToPath(new URL(`../interop/pika/${name}.py`, import.meta.url));
  const { stdout } = await runPython([script, url, ...args]);
  const lines = stdout.trim().split('\n');
  expect(lines, `${name}.py should print exactly one JSON line`).toHaveLength(1);
  return JSON.parse(lines[0]);
}
