import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './warren-process.js';

const CTL = path.join(ROOT, 'bin', 'warrenctl.js');

/**
 * Runs bin/warrenctl.js against the management API at apiUrl, asynchronously
 * (an in-process broker must keep serving meanwhile), without the developer's
 * WARREN* / WARRENCTL_* environment.
 */
export function runCtl(apiUrl: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WARREN')));
  const child = spawn(process.execPath, [CTL, '--api-url', apiUrl, ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
