// warrenctl's user commands against a running broker's management API (Warren in-process, or
// RabbitMQ's with WARREN_TEST_URL): output and exit codes as rabbitmqctl 3.10.8 prints them for the
// same state (checked side by side with rabbitmq-local.sh ctl). Needs /api/users and /api/whoami.
import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/amqp-tracker.js';
import { runCtlArgs } from '../helpers/warrenctl.js';
import { guestApi, useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);
const DONE = "Done. Don't forget to grant the user permissions to some virtual hosts! See 'warrenctl help set_permissions' to learn more.\n";

describe('warrenctl users', () => {
  it('add_user, list_users (table, -q, -s, json), set_user_tags, delete_user', async () => {
    const u = uniq('cli-u');
    env.users.push(u);
    expect(await ctl('add_user', u, 'pw1')).toEqual({ code: 0, stdout: `Adding user "${u}" ...\n${DONE}`, stderr: '' });
    expect(await ctl('add_user', u, 'x')).toEqual({ code: 70, stdout: `Adding user "${u}" ...\n`, stderr: `Error:\nUser "${u}" already exists\n` });
    expect(await ctl('set_user_tags', u, 'administrator', 'custom-tag')).toEqual({ code: 0, stdout: `Setting tags for user "${u}" to [administrator, custom-tag] ...\n`, stderr: '' });

    const list = await ctl('list_users');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').slice(0, 2)).toEqual(['Listing users ...', 'user\ttags']);
    expect(env.mine(list.stdout, u, 'guest').sort()).toEqual([`${u}\t[administrator, custom-tag]`, 'guest\t[administrator]'].sort());
    expect((await ctl('-q', 'list_users')).stdout.split('\n')[0]).toBe('user\ttags');
    expect((await ctl('-s', 'list_users')).stdout.split('\n')).not.toContain('user\ttags');
    const json = JSON.parse((await ctl('list_users', '--formatter', 'json')).stdout) as unknown[];
    expect(json).toContainEqual({ user: u, tags: ['administrator', 'custom-tag'] });

    expect((await ctl('set_user_tags', u)).stdout).toBe(`Setting tags for user "${u}" to [] ...\n`);
    expect(env.mine((await ctl('-q', 'list_users')).stdout, u)).toEqual([`${u}\t[]`]);
    expect(await ctl('delete_user', u)).toEqual({ code: 0, stdout: `Deleting user "${u}" ...\n`, stderr: '' });
    expect(await ctl('delete_user', u)).toEqual({ code: 67, stdout: `Deleting user "${u}" ...\n`, stderr: `Error:\nUser "${u}" does not exist\n` });
  });

  it('change_password, clear_password and authenticate_user', async () => {
    const u = uniq('cli-pw');
    env.users.push(u);
    expect((await ctl('-q', 'add_user', u, 'first')).stdout).toBe('');
    expect(await ctl('authenticate_user', u, 'first')).toEqual({ code: 0, stdout: `Authenticating user "${u}" ...\nSuccess\n`, stderr: '' });
    expect(await ctl('change_password', u, 'second')).toEqual({ code: 0, stdout: `Changing password for user "${u}" ...\n`, stderr: '' });
    const refused = await ctl('authenticate_user', u, 'first');
    expect(refused).toEqual({ code: 65, stdout: `Authenticating user "${u}" ...\n`, stderr: `Error:\nError: failed to authenticate user "${u}"\nuser '${u}' - invalid credentials\n` });
    expect((await ctl('authenticate_user', u, 'second')).code).toBe(0);
    // A password read from standard input stays off the command line.
    expect((await runCtlArgs(['--api-url', env.t.base, '-q', 'change_password', u], {}, 'third\n')).code).toBe(0);
    expect((await ctl('-q', 'authenticate_user', u, 'third')).code).toBe(0);
    expect(await ctl('clear_password', u)).toEqual({ code: 0, stdout: `Clearing password for user "${u}" ...\n`, stderr: '' });
    expect((await ctl('authenticate_user', u, 'third')).code).toBe(65);
    expect((await ctl('change_password', uniq('nosuch'), 'x')).code).toBe(67);
  });

  it('add_user --pre-hashed-password stores the hash as given (3.13)', async () => {
    const u = uniq('cli-hash');
    env.users.push(u);
    // RabbitMQ's documented example: the salted SHA-256 of "test12".
    const hash = 'kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR';
    const r = await ctl('add_user', u, hash, '--pre-hashed-password');
    if (env.t.external) {
      // 3.10.8's rabbitmqctl has no such option; its API takes password_hash all the same.
      expect(r.code).toBe(0);
    } else {
      expect(r).toEqual({ code: 0, stdout: `Adding user "${u}" ...\n${DONE}`, stderr: '' });
    }
    const stored = await guestApi(env.t, 'GET', `/api/users/${encodeURIComponent(u)}`);
    expect((stored.body as { password_hash: string }).password_hash).toBe(hash);
  });

  it('argument errors exit 64; bad credentials 77', async () => {
    const none = await ctl('add_user');
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/^Error \(argument validation\): not enough arguments\.\nArguments given:\n\t--api-url \S+ add_user\n/);
    expect((await ctl('add_user', 'a', 'b', 'c')).stderr).toMatch(/^Error \(argument validation\): too many arguments\./);
    expect((await ctl('delete_user')).code).toBe(64);
    const denied = await ctl('--password', 'wrong', 'list_users');
    expect(denied).toEqual({ code: 77, stdout: 'Listing users ...\n', stderr: 'Error:\nLogin failed\n' });
  });
});
