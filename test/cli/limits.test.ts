// warrenctl's vhost and user limit commands against a running broker (Warren, or RabbitMQ's API with
// WARREN_TEST_URL), as rabbitmqctl 3.10.8 prints them. Needs /api/vhost-limits, /api/user-limits,
// /api/users, /api/vhosts.
import { beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/amqp-tracker.js';
import { useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);
const u = uniq('cli-lu');
const v = uniq('cli-lv');

beforeAll(async () => {
  env.users.push(u);
  env.vhosts.push(v);
  expect((await ctl('-q', 'add_user', u, 'pw')).code).toBe(0);
  expect((await ctl('-q', 'add_vhost', v)).code).toBe(0);
});

describe('warrenctl limits', () => {
  it('vhost limits: set replaces them all, list, clear', async () => {
    expect((await ctl('list_vhost_limits', '-p', v)).stdout).toBe(`Listing limits for vhost "${v}" ...\n\n`);
    expect(await ctl('set_vhost_limits', '-p', v, '{"max-connections": 5}')).toEqual({
      code: 0,
      stdout: `Setting vhost limits to "{"max-connections": 5}" for vhost "${v}" ...\n`,
      stderr: '',
    });
    expect((await ctl('list_vhost_limits', '-p', v)).stdout).toBe(`Listing limits for vhost "${v}" ...\n{"max-connections":5}\n`);
    expect((await ctl('-q', 'set_vhost_limits', '-p', v, '{"max-queues": 3, "max-connections": 2}')).code).toBe(0);
    expect((await ctl('-q', 'list_vhost_limits', '-p', v)).stdout).toBe('{"max-connections":2,"max-queues":3}\n');
    expect((await ctl('-q', 'set_vhost_limits', '-p', v, '{"max-queues": 4}')).code).toBe(0);
    expect((await ctl('-q', 'list_vhost_limits', '-p', v)).stdout).toBe('{"max-queues":4}\n');
    const all = await ctl('list_vhost_limits', '--global');
    expect(all.stdout.split('\n').slice(0, 2)).toEqual(['Listing limits for all vhosts ...', 'vhost\tlimits']);
    expect(env.mine(all.stdout, v)).toEqual([`${v}\t{"max-queues":4}`]);
    expect(await ctl('clear_vhost_limits', '-p', v)).toEqual({ code: 0, stdout: `Clearing vhost "${v}" limits ...\n`, stderr: '' });
    expect((await ctl('-q', 'list_vhost_limits', '-p', v)).stdout).toBe('\n');
    expect(await ctl('-q', 'clear_vhost_limits', '-p', v)).toEqual({ code: 69, stdout: '', stderr: 'Error:\nParameter does not exist\n' });
  });

  it('vhost limit errors', async () => {
    const nov = uniq('novhost');
    expect(await ctl('-q', 'list_vhost_limits', '-p', nov)).toEqual({ code: 65, stdout: '', stderr: `Virtual host '${nov}' does not exist\n` });
    expect(await ctl('-q', 'set_vhost_limits', '-p', nov, '{"max-queues":1}')).toEqual({ code: 65, stdout: '', stderr: `Virtual host '${nov}' does not exist\n` });
    expect(await ctl('-q', 'set_vhost_limits', '-p', v, 'notjson')).toEqual({ code: 69, stdout: '', stderr: 'Error:\nJSON decoding error. Reason: badarg\n' });
    const unknown = await ctl('-q', 'set_vhost_limits', '-p', v, '{"max-foo": 1}');
    expect(unknown.code).toBe(69);
    expect(unknown.stderr).toMatch(/^Error:\nValidation failed\n\nUnrecognised terms \[\{<<"max-foo">>,1\}\] in limits\n/);
    expect((await ctl('set_vhost_limits')).code).toBe(64);
  });

  it('user limits: set, list (--user, guest by default), clear one, clear all', async () => {
    expect(await ctl('set_user_limits', u, '{"max-channels": 2, "max-connections": 3}')).toEqual({
      code: 0,
      stdout: `Setting user limits to "{"max-channels": 2, "max-connections": 3}" for user "${u}" ...\n`,
      stderr: '',
    });
    expect((await ctl('list_user_limits', '--user', u)).stdout).toBe(`Listing limits for user "${u}" ...\n{"max-channels":2,"max-connections":3}\n`);
    expect((await ctl('list_user_limits')).stdout).toBe('Listing limits for user "guest" ...\n{}\n');
    expect(await ctl('clear_user_limits', u, 'max-channels')).toEqual({ code: 0, stdout: `Clearing "max-channels" limit for user "${u}" ...\n`, stderr: '' });
    expect((await ctl('-q', 'list_user_limits', '--user', u)).stdout).toBe('{"max-connections":3}\n');
    expect(await ctl('clear_user_limits', u, 'all')).toEqual({ code: 0, stdout: `Clearing all limits for user "${u}" ...\n`, stderr: '' });
    expect((await ctl('-q', 'list_user_limits', '--user', u)).stdout).toBe('{}\n');
    const nou = uniq('nouser');
    for (const args of [['list_user_limits', '--user', nou], ['set_user_limits', nou, '{"max-channels":1}'], ['clear_user_limits', nou, 'all']]) {
      expect(await ctl('-q', ...args)).toEqual({ code: 69, stdout: '', stderr: `Error:\n{:no_such_user, "${nou}"}\n` });
    }
    expect((await ctl('clear_user_limits', u)).code).toBe(64);
  });
});
