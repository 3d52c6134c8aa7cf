import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './warren-process.js';

const CTL = path.join(ROOT, 'bin', 'warrenctl.js');

/** What a warrenctl run printed and its exit code. */
export interface CtlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs bin/warrenctl.js with exactly these arguments, asynchronously (an in-process broker must
 * keep serving meanwhile), without the developer's WARREN* / WARRENCTL_* environment (plus `env`);
 * `stdin` is written to its standard input (a password not given as an argument).
 */
export function runCtlArgs(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<CtlResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WARREN')));
  const child = spawn(process.execPath, [CTL, ...args], { cwd: ROOT, env: { ...base, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Runs bin/warrenctl.js against the management API at apiUrl (as guest/guest unless the args say otherwise). */
export function runCtl(apiUrl: string, ...args: string[]): Promise<CtlResult> {
  return runCtlArgs(['--api-url', apiUrl, ...args]);
}
