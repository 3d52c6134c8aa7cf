/** Failed API responses printed as rabbitmqctl prints the same failure, with its exit code. */
import { reasonOf, type ApiResponse } from './api-client.js';
import type { Context } from './context.js';
import { ExitCode } from './exit-codes.js';

/** rabbitmqctl's general error shape: "Error:" then the reason on the next line. */
export function printError(c: Context, reason: string, code: number = ExitCode.UNAVAILABLE): number {
  c.io.err(`Error:\n${reason}\n`);
  return code;
}

/** `Virtual host 'v' does not exist` (no "Error:" line), exit 65: list and delete commands. */
export function noVhost(c: Context, vhost: string): number {
  c.io.err(`Virtual host '${vhost}' does not exist\n`);
  return ExitCode.DATAERR;
}

/** An Erlang charlist (as the API encodes some reasons) back to a string. */
function charlist(v: unknown): string | undefined {
  return Array.isArray(v) && v.every((n) => typeof n === 'number') ? String.fromCharCode(...v) : undefined;
}

/** The reason of an error body as rabbitmqctl would print it (Elixir terms for the tuple reasons). */
export function reasonText(body: unknown): string {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  if (Array.isArray(reason)) {
    const [tag, ...rest] = reason as unknown[];
    // ["invalid_regexp", [40], [[109, ...], 1]] -> {:invalid_regexp, '(', {'missing )', 1}}
    if (tag === 'invalid_regexp') {
      const [pattern, detail] = rest;
      const [what, at] = Array.isArray(detail) ? (detail as unknown[]) : [];
      return `{:invalid_regexp, '${charlist(pattern) ?? String(pattern)}', {'${charlist(what) ?? String(what)}', ${String(at)}}}`;
    }
    return `{:${String(tag)}, ${rest.map((r) => JSON.stringify(r)).join(', ')}}`;
  }
  return reasonOf(body);
}

/**
 * The common cases: 401 -> "Login failed" (77), 403 -> not authorised (77), 404 with
 * vhost_not_found -> no such vhost (65); anything else "Error:" and the reason (69).
 */
export function failure(c: Context, r: ApiResponse, vhost = c.vhost): number {
  if (r.status === 401) return printError(c, reasonOf(r.body) || 'Login failed', ExitCode.NOPERM);
  if (r.status === 403) return printError(c, reasonOf(r.body) || 'Not authorised', ExitCode.NOPERM);
  if (r.status === 404 && reasonOf(r.body) === 'vhost_not_found') return noVhost(c, vhost);
  return printError(c, reasonText(r.body) || `HTTP ${r.status}`);
}

/** Whether a response is a success (2xx). */
export function ok(r: ApiResponse): boolean {
  return r.status >= 200 && r.status < 300;
}

/** GET /api/vhosts/{v}: whether the vhost exists (401/403 and other failures throw as `ApiFailure`). */
export async function vhostExists(c: Context, vhost: string): Promise<boolean> {
  const r = await c.request('GET', `/api/vhosts/${encodeURIComponent(vhost)}`);
  if (r.status === 404) return false;
  if (!ok(r)) throw new ApiFailure(r);
  return true;
}

/** GET /api/users/{u}: whether the user exists. */
export async function userExists(c: Context, user: string): Promise<boolean> {
  const r = await c.request('GET', `/api/users/${encodeURIComponent(user)}`);
  if (r.status === 404) return false;
  if (!ok(r)) throw new ApiFailure(r);
  return true;
}

/** A failed response thrown out of a helper; runWarrenctl prints it with `failure`. */
export class ApiFailure extends Error {
  constructor(readonly response: ApiResponse) {
    super(`HTTP ${response.status}`);
  }
}
