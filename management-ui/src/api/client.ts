/**
 * The one way the dashboard talks to the broker: fetch() against the management API with the
 * session's Basic credentials. Errors come back as ApiError with RabbitMQ's `error` and
 * `reason`, so a page can show them next to what caused them.
 */
import type { ErrorBody } from './types';

/** A failed API call: the HTTP status and RabbitMQ's `{"error","reason"}` (or what stood in for it). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(reason === '' ? error : `${error}: ${reason}`);
    this.name = 'ApiError';
  }
}

let authorization: string | null = null;
let onLoginFailed: (() => void) | null = null;

/** Sets (or clears) the Authorization header every call sends. */
export function setAuthorization(header: string | null): void {
  authorization = header;
}

/** Called when a call is refused with "Login failed" (password changed, user deleted). */
export function onSessionExpired(handler: () => void): void {
  onLoginFailed = handler;
}

/** The Basic header for a user name and password (UTF-8, as RabbitMQ reads it). */
export function basicHeader(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return 'Basic ' + btoa(binary);
}

/**
 * A path with each interpolated value URL-encoded as one segment: path`/api/queues/${vhost}/${name}`
 * gives /api/queues/%2F/my%20queue.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0];
  values.forEach((v, i) => {
    out += encodeURIComponent(String(v)) + strings[i + 1];
  });
  return out;
}

/** A query string from the defined values (leading `?`, or '' when none). */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** RabbitMQ's reason as text: a string as is, a list or object as JSON. */
function reasonText(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  if (reason === undefined || reason === null) return '';
  return JSON.stringify(reason);
}

/** Options of one call. */
export interface CallOptions {
  body?: unknown;
  /** Extra request headers (X-Reason for closing a connection). */
  headers?: Record<string, string>;
  /** Use this Authorization instead of the session's (the login form). */
  authorization?: string;
  signal?: AbortSignal;
}

/** One call; resolves to the parsed JSON body (undefined for 201/204 without a body). */
export async function call<T>(method: string, url: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const auth = opts.authorization ?? authorization;
  if (auth !== null) headers.authorization = auth;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    // credentials 'omit': the session's header is set by hand, and without credentials the
    // browser never shows its own Basic login dialog for a 401 with WWW-Authenticate.
    res = await fetch(url, { method, headers, body, credentials: 'omit', cache: 'no-store', signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'the broker did not answer (is it running?)');
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = json as Partial<ErrorBody> | undefined;
    const error = typeof err?.error === 'string' ? err.error : res.statusText || `HTTP ${res.status}`;
    const reason = err && 'reason' in err ? reasonText(err.reason) : text.slice(0, 200);
    const e = new ApiError(res.status, error, reason);
    if (res.status === 401 && reason === 'Login failed' && opts.authorization === undefined) onLoginFailed?.();
    throw e;
  }
  return json as T;
}

/** GET */
export function get<T>(url: string, signal?: AbortSignal): Promise<T> {
  return call<T>('GET', url, { signal });
}

/** GET a body as text (definitions download), keeping the server's formatting. */
export async function getText(url: string): Promise<string> {
  const headers: Record<string, string> = {};
  if (authorization !== null) headers.authorization = authorization;
  const res = await fetch(url, { headers, credentials: 'omit', cache: 'no-store' });
  const text = await res.text();
  if (!res.ok) {
    let error = `HTTP ${res.status}`;
    let reason: string;
    try {
      const b = JSON.parse(text) as ErrorBody;
      error = b.error;
      reason = reasonText(b.reason);
    } catch {
      reason = text.slice(0, 200);
    }
    throw new ApiError(res.status, error, reason);
  }
  return text;
}
