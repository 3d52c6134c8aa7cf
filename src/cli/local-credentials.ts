/**
 * warrenctl's side of the broker's local credentials file (the format and the contract are in
 * src/admin/local-credentials.ts, which writes it; cli/ may not import admin/, so the reader is
 * here too, and test/unit/local-credentials.test.ts checks that this reads what admin/ writes).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiTarget } from './api-client.js';

/** The file's name inside the broker's data directory. */
export const CREDENTIALS_FILE = 'warrenctl.credentials';

/** The API target the file names (its URL, the reserved user and the secret); undefined when missing or malformed. */
export async function readCredentialsFile(dataDir: string): Promise<ApiTarget | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, CREDENTIALS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const j = JSON.parse(text) as { api_url?: unknown; username?: unknown; secret?: unknown };
    if (typeof j.api_url !== 'string' || typeof j.username !== 'string' || typeof j.secret !== 'string') return undefined;
    return { url: j.api_url, username: j.username, password: j.secret };
  } catch {
    return undefined;
  }
}
