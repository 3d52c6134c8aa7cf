/** The management API as warrenctl uses it: one authenticated JSON request at a time. */

/** Where the management API is and who calls it. */
export interface ApiTarget {
  /** e.g. http://127.0.0.1:15672 */
  url: string;
  username: string;
  password: string;
}

/** A response: status and the parsed JSON body (undefined when empty or not JSON). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** The node could not be reached at all. */
export class UnreachableError extends Error {}

/** Sends one request (with extra headers, e.g. X-Reason); rejects with UnreachableError when the connection fails. */
export async function apiRequest(target: ApiTarget, method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = {
    ...extraHeaders,
    authorization: 'Basic ' + Buffer.from(`${target.username}:${target.password}`).toString('base64'),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(target.url.replace(/\/+$/, '') + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new UnreachableError(`unable to reach the management API at ${target.url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed };
}

/** The `reason` of a RabbitMQ error body, un-HTML-escaped (the API escapes 400 reasons). */
export function reasonOf(body: unknown): string {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  if (typeof reason !== 'string') return '';
  return reason.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
