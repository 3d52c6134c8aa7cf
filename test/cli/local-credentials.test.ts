// warrenctl --data-dir on the broker's machine: the broker writes <dataDir>/warrenctl.credentials at
// each start (mode 0600, a new secret) and warrenctl logs in with it, with no user or password.
// Warren only (RabbitMQ has no such file). Needs the broker side: src/index.ts writes the file,
// src/http/auth.ts accepts the secret (see src/admin/local-credentials.ts for the contract).
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded, killWarren, startWarrenOn, type WarrenProcess } from '../helpers/warren-process.js';
import { runCtlArgs } from '../helpers/warrenctl.js';

const external = process.env.WARREN_TEST_URL !== undefined;
let dir: string;
let w: WarrenProcess | undefined;

beforeAll(async () => {
  if (external) return;
  buildIfNeeded();
  dir = await mkdtemp(path.join(os.tmpdir(), 'warren-ctl-local-'));
}, 180_000);
afterAll(async () => {
  if (w) await killWarren(w);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const file = (): string => path.join(dir, 'warrenctl.credentials');
const secretOf = async (): Promise<string> => (JSON.parse(await readFile(file(), 'utf8')) as { secret: string }).secret;

describe.skipIf(external)('warrenctl --data-dir (local credentials)', () => {
  it('logs in with the file the broker wrote, with no --api-url, user or password; a restart replaces the secret', async () => {
    ({ w } = await startWarrenOn(dir));
    // The file is written before the management listener is reported started.
    await w.waitForLog('management listener started');
    expect((await stat(file())).mode & 0o777).toBe(0o600);
    const first = await secretOf();
    // rabbitmqctl 3.10.8 prints an empty line for an empty list.
    const list = await runCtlArgs(['--data-dir', dir, 'list_policies']);
    expect(list).toEqual({ code: 0, stdout: 'Listing policies for vhost "/" ...\n\n', stderr: '' });
    // WARREN_DATA_DIR works the same.
    expect((await runCtlArgs(['-q', 'list_policies'], { WARREN_DATA_DIR: dir })).code).toBe(0);
    // Given credentials win over the file: a wrong password is refused.
    expect((await runCtlArgs(['--data-dir', dir, '--password', 'wrong', 'list_policies'])).code).not.toBe(0);
    // The secret is in no log line.
    expect(JSON.stringify(w.records)).not.toContain(first);

    await killWarren(w);
    ({ w } = await startWarrenOn(dir));
    await w.waitForLog('management listener started');
    const second = await secretOf();
    expect(second).not.toBe(first);
    expect((await runCtlArgs(['--data-dir', dir, '-q', 'list_policies'])).code).toBe(0);
  }, 60_000);
});
