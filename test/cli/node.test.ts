// warrenctl's node-level verbs against a running broker: ping, await_startup, version, hash_password.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../src/auth/password.js';
import { runCtlArgs } from '../helpers/warrenctl.js';
import { useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('warrenctl node verbs', () => {
  it('ping succeeds against a running broker and fails (69) against a closed port', async () => {
    const up = await ctl('ping');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('Ping succeeded');
    const down = await runCtlArgs(['--api-url', 'http://127.0.0.1:1', 'ping']);
    expect(down.code).toBe(69);
    expect(down.stdout).not.toContain('Ping succeeded');
  });

  it('await_startup returns 0 at once for a running broker and 69 after --timeout for none', async () => {
    expect((await ctl('await_startup')).code).toBe(0);
    const none = await runCtlArgs(['--api-url', 'http://127.0.0.1:1', 'await_startup', '--timeout', '1']);
    expect(none.code).toBe(69);
  });

  it('version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await ctl('version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('hash_password prints a hash the broker accepts for that password', async () => {
    const out = await ctl('-q', 'hash_password', 's3cret');
    expect(out.code).toBe(0);
    const hash = out.stdout.trim().split('\n').pop() ?? '';
    expect(checkPassword('s3cret', hash)).toBe(true);
    expect(checkPassword('other', hash)).toBe(false);
  });
});
