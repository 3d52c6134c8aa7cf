/** Which management API warrenctl calls, and as whom. */
import type { ApiTarget } from './api-client.js';
import type { ParsedArgs } from './args.js';
import { readCredentialsFile } from './local-credentials.js';

/** The defaults when nothing is given and there is no local credentials file. */
export const DEFAULT_TARGET: ApiTarget = { url: 'http://127.0.0.1:15672', username: 'guest', password: 'guest' };

/**
 * --api-url / --username / --password (or WARRENCTL_API_URL / _USERNAME / _PASSWORD) when any of
 * them is given; otherwise the broker's local credentials file in --data-dir (WARREN_DATA_DIR,
 * then ./data) when it exists; otherwise the defaults.
 */
export async function resolveTarget(parsed: ParsedArgs, env: NodeJS.ProcessEnv): Promise<ApiTarget> {
  const url = parsed.values.get('api-url') ?? env.WARRENCTL_API_URL;
  const username = parsed.values.get('username') ?? env.WARRENCTL_USERNAME;
  const password = parsed.values.get('password') ?? env.WARRENCTL_PASSWORD;
  if (url === undefined && username === undefined && password === undefined) {
    const local = await readCredentialsFile(parsed.values.get('data-dir') ?? env.WARREN_DATA_DIR ?? './data');
    if (local !== undefined) return local;
  }
  return { url: url ?? DEFAULT_TARGET.url, username: username ?? DEFAULT_TARGET.username, password: password ?? DEFAULT_TARGET.password };
}
