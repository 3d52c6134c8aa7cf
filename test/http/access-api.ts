// Shared by the access-control HTTP tests: one fetch wrapper returning status and parsed JSON.
import { basic } from '../helpers/management.js';

/** guest's Basic header. */
export const GUEST = basic('guest', 'guest');

/** A response: status, parsed JSON (undefined when the body is not JSON) and the raw text. */
export interface ApiResponse {
  status: number;
  json: unknown;
  text: string;
}

/** Calls base + path with a JSON body (a string is sent as is) and the given Basic header. */
export async function call(base: string, method: string, path: string, body?: unknown, auth: string = GUEST): Promise<ApiResponse> {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: auth },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text };
}
