// warrenctl export_definitions / import_definitions against a running broker, as rabbitmqctl
// prints them: `-` is stdout (the JSON alone) or stdin; a bad file changes nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCtlArgs } from '../helpers/warrenctl.js';
import { guestApi, useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);
const dir = mkdtempSync(path.join(tmpdir(), 'warren-defs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('warrenctl definitions', () => {
  it('export_definitions - prints the JSON alone; to a file with the banner', async () => {
    env.vhosts.push('cli-defs');
    await guestApi(env.t, 'PUT', '/api/vhosts/cli-defs', { description: 'd' });
    const out = await ctl('export_definitions', '-');
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    const doc = JSON.parse(out.stdout) as { vhosts: { name: string }[] };
    expect(doc.vhosts.map((v) => v.name)).toContain('cli-defs');
    expect(doc).toEqual((await guestApi(env.t, 'GET', '/api/definitions')).body);

    const file = path.join(dir, 'defs.json');
    expect(await ctl('export_definitions', file)).toEqual({ code: 0, stdout: `Exporting definitions in JSON to a file at "${file}" ...\n`, stderr: '' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(doc);
  });

  it('import_definitions from a file and from stdin; a bad file is refused and changes nothing', async () => {
    env.users.push('cli-imported', 'cli-stdin');
    const file = path.join(dir, 'in.json');
    writeFileSync(file, JSON.stringify({ users: [{ name: 'cli-imported', password_hash: '', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: ['management'] }] }));
    expect(await ctl('import_definitions', file)).toEqual({ code: 0, stdout: `Importing definitions in JSON from a file at "${file}" ...\n`, stderr: '' });
    expect((await guestApi(env.t, 'GET', '/api/users/cli-imported')).status).toBe(200);

    const stdin = JSON.stringify({ users: [{ name: 'cli-stdin', password_hash: '', tags: [] }] });
    const s = await runCtlArgs(['--api-url', env.t.base, 'import_definitions', '-'], {}, stdin);
    expect(s).toEqual({ code: 0, stdout: 'Importing definitions in JSON from standard input ...\n', stderr: '' });
    expect((await guestApi(env.t, 'GET', '/api/users/cli-stdin')).status).toBe(200);

    const before = (await guestApi(env.t, 'GET', '/api/definitions')).body;
    writeFileSync(file, JSON.stringify({ users: [{ name: 'cli-never', password_hash: '', tags: [] }], permissions: [{ user: 'cli-never', vhost: 'nope', configure: '', write: '', read: '' }] }));
    expect(await ctl('import_definitions', file)).toEqual({ code: 69, stdout: `Importing definitions in JSON from a file at "${file}" ...\n`, stderr: 'Error:\n{:no_such_vhost, "nope"}\n' });
    writeFileSync(file, '{"users": [');
    expect((await ctl('-q', 'import_definitions', file))).toEqual({ code: 69, stdout: '', stderr: 'Error:\nfailed_to_parse_json\n' });
    expect((await guestApi(env.t, 'GET', '/api/definitions')).body).toEqual(before);
    const missing = path.join(dir, 'missing.json');
    expect((await ctl('-q', 'import_definitions', missing))).toEqual({ code: 65, stdout: '', stderr: `Error:\nFile ${missing} does not exist or cannot be read\n` });
  });
});
