// warrenctl's permission and topic permission commands against a running broker (Warren, or RabbitMQ's
// API with WARREN_TEST_URL), as rabbitmqctl 3.10.8 prints them. Needs /api/users, /api/vhosts,
// /api/permissions, /api/users/{u}/permissions, /api/topic-permissions.
import { beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/amqp-tracker.js';
import { useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);
const u = uniq('cli-pu');
const v = uniq('cli-pv');

beforeAll(async () => {
  env.users.push(u);
  env.vhosts.push(v);
  expect((await ctl('-q', 'add_user', u, 'pw')).code).toBe(0);
  expect((await ctl('-q', 'add_vhost', v)).code).toBe(0);
});

describe('warrenctl permissions', () => {
  it('set_permissions, list_permissions, list_user_permissions, clear_permissions', async () => {
    expect(await ctl('set_permissions', '-p', v, u, '.*', 'w', '')).toEqual({ code: 0, stdout: `Setting permissions for user "${u}" in vhost "${v}" ...\n`, stderr: '' });
    expect(await ctl('list_permissions', '-p', v)).toEqual({ code: 0, stdout: `Listing permissions for vhost "${v}" ...\nuser\tconfigure\twrite\tread\n${u}\t.*\tw\t\n`, stderr: '' });
    expect((await ctl('list_permissions', '-p', v, '--formatter', 'json')).stdout).toBe(`[\n{"user":"${u}","configure":".*","write":"w","read":""}\n]\n`);
    expect(await ctl('list_user_permissions', u)).toEqual({ code: 0, stdout: `Listing permissions for user "${u}" ...\nvhost\tconfigure\twrite\tread\n${v}\t.*\tw\t\n`, stderr: '' });
    expect(await ctl('clear_permissions', '-p', v, u)).toEqual({ code: 0, stdout: `Clearing permissions for user "${u}" in vhost "${v}" ...\n`, stderr: '' });
    // No entry left: still 0; the empty table is one empty line.
    expect((await ctl('-q', 'clear_permissions', '-p', v, u)).code).toBe(0);
    expect((await ctl('-q', 'list_permissions', '-p', v)).stdout).toBe('\n');
    expect((await ctl('-q', 'list_user_permissions', u)).stdout).toBe('\n');
  });

  it('names the missing user or vhost with rabbitmqctl’s texts and codes', async () => {
    const nov = uniq('novhost');
    const nou = uniq('nouser');
    expect(await ctl('set_permissions', '-p', nov, u, '.*', '.*', '.*')).toEqual({
      code: 69,
      stdout: `Setting permissions for user "${u}" in vhost "${nov}" ...\n`,
      stderr: `Error:\nVirtual host ${nov} does not exist\n`,
    });
    expect((await ctl('-q', 'set_permissions', '-p', v, nou, '.*', '.*', '.*'))).toEqual({ code: 67, stdout: '', stderr: `Error:\nUser ${nou} does not exist\n` });
    expect(await ctl('-q', 'clear_permissions', '-p', nov, u)).toEqual({ code: 69, stdout: '', stderr: `Error:\nVirtual host ${nov} does not exist\n` });
    expect((await ctl('-q', 'clear_permissions', '-p', v, nou)).code).toBe(67);
    expect(await ctl('list_permissions', '-p', nov)).toEqual({ code: 65, stdout: `Listing permissions for vhost "${nov}" ...\n`, stderr: `Virtual host '${nov}' does not exist\n` });
    expect(await ctl('-q', 'list_user_permissions', nou)).toEqual({ code: 69, stdout: '', stderr: `Error:\n{:no_such_user, "${nou}"}\n` });
    const bad = await ctl('-q', 'set_permissions', '-p', v, u, '(', '.*', '.*');
    expect(bad.code).toBe(69);
    expect(bad.stderr).toMatch(/^Error:\n/);
    expect((await ctl('set_permissions', u)).code).toBe(64);
  });

  it('topic permissions: set, list (vhost and user), clear one exchange, clear all', async () => {
    expect(await ctl('set_topic_permissions', '-p', v, u, 'amq.topic', '^{username}\\.', '^b')).toEqual({
      code: 0,
      stdout: `Setting topic permissions on "amq.topic" for user "${u}" in vhost "${v}" ...\n`,
      stderr: '',
    });
    expect((await ctl('-q', 'set_topic_permissions', '-p', v, u, 'other.topic', '^c', '^d')).code).toBe(0);
    const list = await ctl('list_topic_permissions', '-p', v);
    expect(list.stdout.split('\n').slice(0, 2)).toEqual([`Listing topic permissions for vhost "${v}" ...`, 'user\texchange\twrite\tread']);
    expect(env.mine(list.stdout, u).sort()).toEqual([`${u}\tamq.topic\t^{username}\\.\t^b`, `${u}\tother.topic\t^c\t^d`]);
    const json = JSON.parse((await ctl('list_topic_permissions', '-p', v, '--formatter', 'json')).stdout) as unknown[];
    expect(json).toContainEqual({ user: u, exchange: 'amq.topic', write: '^{username}\\.', read: '^b' });
    // list_user_topic_permissions has no header row in 3.10.8.
    const mineByUser = await ctl('list_user_topic_permissions', u);
    expect(mineByUser.stdout.split('\n')[0]).toBe(`Listing topic permissions for user "${u}" ...`);
    expect(mineByUser.stdout.split('\n').slice(1).filter((l) => l !== '').sort()).toEqual([`${v}\tamq.topic\t^{username}\\.\t^b`, `${v}\tother.topic\t^c\t^d`]);

    expect(await ctl('clear_topic_permissions', '-p', v, u, 'amq.topic')).toEqual({
      code: 0,
      stdout: `Clearing topic permissions on "amq.topic" for user "${u}" in vhost "${v}" ...\n`,
      stderr: '',
    });
    expect(env.mine((await ctl('-q', 'list_topic_permissions', '-p', v)).stdout, u)).toEqual([`${u}\tother.topic\t^c\t^d`]);
    expect(await ctl('clear_topic_permissions', '-p', v, u)).toEqual({ code: 0, stdout: `Clearing topic permissions for user "${u}" in vhost "${v}" ...\n`, stderr: '' });
    expect((await ctl('-q', 'list_topic_permissions', '-p', v)).stdout).toBe('\n');
    const nov = uniq('novhost');
    expect(await ctl('-q', 'list_topic_permissions', '-p', nov)).toEqual({ code: 65, stdout: '', stderr: `Virtual host '${nov}' does not exist\n` });
    const nou = uniq('nouser');
    expect(await ctl('-q', 'clear_topic_permissions', '-p', v, nou)).toEqual({ code: 67, stdout: '', stderr: `Error:\nUser ${nou} does not exist\n` });
  });
});
