// warrenctl add_vhost / delete_vhost / list_vhosts against a running broker (Warren, or RabbitMQ's
// API with WARREN_TEST_URL), as rabbitmqctl 3.10.8 prints them. Needs /api/vhosts and /api/permissions.
import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/amqp-tracker.js';
import { guestApi, useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);

describe('warrenctl vhosts', () => {
  it('add_vhost with metadata, list_vhosts with columns, delete_vhost', async () => {
    const v = uniq('cli-v');
    const plain = uniq('cli-v-plain');
    env.vhosts.push(v, plain);
    const add = await ctl('add_vhost', v, '--description', 'my d', '--tags', 'a,b', '--default-queue-type', 'quorum');
    expect(add).toEqual({ code: 0, stdout: `Adding vhost "${v}" ...\n`, stderr: '' });
    expect((await ctl('-q', 'add_vhost', plain)).code).toBe(0);
    // Idempotent, as rabbitmqctl.
    expect((await ctl('add_vhost', plain)).code).toBe(0);
    // rabbitmqctl add_vhost grants nobody anything (the API grants its caller; warrenctl takes that back).
    expect((await guestApi(env.t, 'GET', `/api/vhosts/${encodeURIComponent(v)}/permissions`)).body).toEqual([]);

    const names = await ctl('list_vhosts');
    expect(names.stdout.split('\n').slice(0, 2)).toEqual(['Listing vhosts ...', 'name']);
    expect(env.mine(names.stdout, v, plain, '/').sort()).toEqual(['/', plain, v].sort());
    const cols = await ctl('-q', 'list_vhosts', 'name', 'description', 'tags', 'default_queue_type');
    expect(cols.stdout.split('\n')[0]).toBe('name\tdescription\ttags\tdefault_queue_type');
    expect(env.mine(cols.stdout, v, '/')).toEqual(expect.arrayContaining([`${v}\tmy d\t[a, b]\tquorum`, '/\tDefault virtual host\t[]\tundefined']));
    expect(env.mine((await ctl('-s', 'list_vhosts', 'name,tracing')).stdout, v)).toEqual([`${v}\tfalse`]);
    const json = JSON.parse((await ctl('list_vhosts', '--formatter', 'json', 'name', 'tags')).stdout) as unknown[];
    expect(json).toContainEqual({ name: v, tags: ['a', 'b'] });

    expect(await ctl('delete_vhost', plain)).toEqual({ code: 0, stdout: `Deleting vhost "${plain}" ...\n`, stderr: '' });
    expect(await ctl('delete_vhost', plain)).toEqual({ code: 65, stdout: `Deleting vhost "${plain}" ...\n`, stderr: `Virtual host '${plain}' does not exist\n` });
  });

  it('refuses unknown columns and missing arguments (64)', async () => {
    const r = await ctl('list_vhosts', 'foo');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^Error \(argument validation\): Info key\(s\) foo are not supported\n/);
    expect((await ctl('add_vhost')).code).toBe(64);
    expect((await ctl('delete_vhost', 'a', 'b')).code).toBe(64);
  });
});
