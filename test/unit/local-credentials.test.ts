// The broker's local credentials file: admin/ writes it, warrenctl (cli/) reads it; the contract
// (file name, mode 0600, JSON fields, reserved user, replaced on each start) is checked from both sides.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isLocalCredential,
  LOCAL_CREDENTIALS_FILE,
  LOCAL_CREDENTIALS_USER,
  localApiUrl,
  readLocalCredentials,
  removeLocalCredentials,
  writeLocalCredentials,
} from '../../src/admin/local-credentials.js';
import { parseArgs } from '../../src/cli/args.js';
import { CREDENTIALS_FILE, readCredentialsFile } from '../../src/cli/local-credentials.js';
import { resolveTarget } from '../../src/cli/target.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'warren-creds-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('local credentials', () => {
  it('writes the file with mode 0600, a fresh random secret each time, and reads it back', async () => {
    const s1 = await writeLocalCredentials(dir, 'http://127.0.0.1:15672');
    const file = path.join(dir, LOCAL_CREDENTIALS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(s1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await readLocalCredentials(dir)).toEqual({ apiUrl: 'http://127.0.0.1:15672', username: LOCAL_CREDENTIALS_USER, secret: s1 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ api_url: 'http://127.0.0.1:15672', username: 'rmq-cli', secret: s1 });
    const s2 = await writeLocalCredentials(dir, 'http://127.0.0.1:15999');
    expect(s2).not.toBe(s1);
    expect((await readLocalCredentials(dir))?.secret).toBe(s2);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await removeLocalCredentials(dir);
    expect(await readLocalCredentials(dir)).toBeUndefined();
  });

  it('warrenctl reads what the broker writes', async () => {
    expect(CREDENTIALS_FILE).toBe(LOCAL_CREDENTIALS_FILE);
    const secret = await writeLocalCredentials(dir, 'http://127.0.0.1:15673');
    expect(await readCredentialsFile(dir)).toEqual({ url: 'http://127.0.0.1:15673', username: 'rmq-cli', password: secret });
  });

  it('a missing or malformed file is no credentials', async () => {
    expect(await readLocalCredentials(dir)).toBeUndefined();
    expect(await readCredentialsFile(dir)).toBeUndefined();
    await writeFile(path.join(dir, LOCAL_CREDENTIALS_FILE), '{"api_url": 1}');
    expect(await readLocalCredentials(dir)).toBeUndefined();
    expect(await readCredentialsFile(dir)).toBeUndefined();
    await writeFile(path.join(dir, LOCAL_CREDENTIALS_FILE), 'not json');
    expect(await readCredentialsFile(dir)).toBeUndefined();
  });

  it('isLocalCredential: the reserved user and exactly the secret', () => {
    expect(isLocalCredential('s3cret', 'rmq-cli', 's3cret')).toBe(true);
    expect(isLocalCredential('s3cret', 'rmq-cli', 's3cre')).toBe(false);
    expect(isLocalCredential('s3cret', 'rmq-cli', 's3creT')).toBe(false);
    expect(isLocalCredential('s3cret', 'guest', 's3cret')).toBe(false);
    expect(isLocalCredential(undefined, 'rmq-cli', '')).toBe(false);
  });

  it('localApiUrl maps wildcard listeners to loopback', () => {
    expect(localApiUrl('0.0.0.0', 15672)).toBe('http://127.0.0.1:15672');
    expect(localApiUrl('::', 15672)).toBe('http://[::1]:15672');
    expect(localApiUrl('127.0.0.1', 1)).toBe('http://127.0.0.1:1');
    expect(localApiUrl('::1', 2)).toBe('http://[::1]:2');
  });

  it('warrenctl uses the file unless --api-url, --username or --password (or their env variables) is given', async () => {
    const secret = await writeLocalCredentials(dir, 'http://127.0.0.1:15673');
    const local = { url: 'http://127.0.0.1:15673', username: 'rmq-cli', password: secret };
    expect(await resolveTarget(parseArgs(['--data-dir', dir, 'list_users']), {})).toEqual(local);
    expect(await resolveTarget(parseArgs(['list_users']), { WARREN_DATA_DIR: dir })).toEqual(local);
    const defaults = { url: 'http://127.0.0.1:15672', username: 'guest', password: 'guest' };
    expect(await resolveTarget(parseArgs(['--data-dir', dir, '--api-url', 'http://127.0.0.1:15672', 'list_users']), {})).toEqual(defaults);
    expect(await resolveTarget(parseArgs(['--data-dir', dir, '--username', 'guest']), {})).toEqual(defaults);
    expect(await resolveTarget(parseArgs(['--data-dir', dir]), { WARRENCTL_PASSWORD: 'guest' })).toEqual(defaults);
    expect(await resolveTarget(parseArgs(['--data-dir', path.join(dir, 'none')]), {})).toEqual(defaults);
  });
});
