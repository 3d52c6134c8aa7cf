// warrenctl's runtime parameter, global parameter and operator policy commands against a running
// broker (Warren, or RabbitMQ's API with WARREN_TEST_URL), printing what rabbitmqctl 3.10.8 prints
// (checked with /work/shared/tools/rabbitmq-local.sh ctl ...), with its exit codes. Each test runs a
// dozen warrenctl processes: a loaded machine needs more than the default 30 s.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestApi, useCtlTarget } from './ctl-target.js';

const env = useCtlTarget();
const ctl = (...args: string[]) => env.ctl(...args);
const name = (p: string): string => `params-${p}-${randomBytes(4).toString('hex')}`;
const v = name('cli-v');
const globals: string[] = [];

beforeAll(async () => {
  env.vhosts.push(v);
  expect((await ctl('-q', 'add_vhost', v)).code).toBe(0);
});
afterAll(async () => {
  for (const g of globals) await guestApi(env.t, 'DELETE', `/api/global-parameters/${g}`);
});

describe('warrenctl runtime parameters', { timeout: 60_000 }, () => {
  it('set_parameter, list_parameters (table and JSON), clear_parameter', async () => {
    expect(await ctl('list_parameters', '-p', v)).toEqual({ code: 0, stdout: `Listing runtime parameters for vhost "${v}" ...\n\n`, stderr: '' });
    expect(await ctl('list_parameters', '-p', v, '--formatter', 'json')).toEqual({ code: 0, stdout: '[]\n', stderr: '' });

    expect(await ctl('set_parameter', '-p', v, 'vhost-limits', 'limits', '{"max-queues":9,"max-connections":3}')).toEqual({
      code: 0,
      stdout: `Setting runtime parameter "limits" for component "vhost-limits" to "{"max-queues":9,"max-connections":3}" in vhost "${v}" ...\n`,
      stderr: '',
    });
    // The same object as the vhost's limits.
    expect((await ctl('-q', 'list_vhost_limits', '-p', v)).stdout).toBe('{"max-connections":3,"max-queues":9}\n');
    const op = name('op');
    expect((await ctl('-q', 'set_operator_policy', '-p', v, '--priority', '1', op, '^zz', '{"max-length":2}')).code).toBe(0);

    expect(await ctl('list_parameters', '-p', v)).toEqual({
      code: 0,
      stdout:
        `Listing runtime parameters for vhost "${v}" ...\ncomponent\tname\tvalue\n` +
        `vhost-limits\tlimits\t{"max-connections":3,"max-queues":9}\n` +
        `operator_policy\t${op}\t{"pattern":"^zz","definition":{"max-length":2},"priority":1,"apply-to":"all"}\n`,
      stderr: '',
    });
    expect((await ctl('-s', 'list_parameters', '-p', v)).stdout.split('\n')[0]).toBe('vhost-limits\tlimits\t{"max-connections":3,"max-queues":9}');
    const json = await ctl('list_parameters', '-p', v, '--formatter', 'json');
    expect(json.stdout.startsWith('[\n{"component":"vhost-limits","name":"limits","value":"{\\"max-connections\\":3,\\"max-queues\\":9}"}\n,')).toBe(true);
    expect(JSON.parse(json.stdout)).toContainEqual({ component: 'operator_policy', name: op, value: '{"pattern":"^zz","definition":{"max-length":2},"priority":1,"apply-to":"all"}' });

    expect(await ctl('clear_parameter', '-p', v, 'vhost-limits', 'limits')).toEqual({
      code: 0,
      stdout: `Clearing runtime parameter "limits" for component "vhost-limits" on vhost "${v}" ...\n`,
      stderr: '',
    });
    expect((await ctl('-q', 'list_vhost_limits', '-p', v)).stdout).toBe('\n');
    expect(await ctl('-q', 'clear_parameter', '-p', v, 'vhost-limits', 'limits')).toEqual({ code: 69, stdout: '', stderr: 'Error:\nParameter does not exist\n' });
    // An operator policy is a parameter too.
    expect((await ctl('-q', 'clear_parameter', '-p', v, 'operator_policy', op)).code).toBe(0);
    expect((await ctl('-q', 'list_parameters', '-p', v)).stdout).toBe('\n');
  });

  it('reports errors as rabbitmqctl does, with its exit codes', async () => {
    const setBanner = (c: string, n: string, val: string, vh = v): string => `Setting runtime parameter "${n}" for component "${c}" to "${val}" in vhost "${vh}" ...\n`;
    expect(await ctl('set_parameter', '-p', v, 'foo', 'bar', '{"a":1}')).toEqual({
      code: 69,
      stdout: setBanner('foo', 'bar', '{"a":1}'),
      stderr: 'Error:\nValidation failed\n\ncomponent foo not found\n\n',
    });
    expect(await ctl('-q', 'set_parameter', '-p', v, 'vhost-limits', 'limits', '{"max-queues":"x"}')).toEqual({
      code: 69,
      stdout: '',
      stderr: 'Error:\nValidation failed\n\nmax-queues should be a number, actually was <<"x">>\n\n',
    });
    expect(await ctl('-q', 'set_parameter', '-p', v, 'vhost-limits', 'limits', 'notjson')).toEqual({ code: 69, stdout: '', stderr: 'Error:\nJSON decoding error. Reason: badarg\n' });
    // Policies are refused before the value or the vhost are looked at.
    const nv = name('novhost');
    expect(await ctl('set_parameter', '-p', nv, 'policy', 'x', 'notjson')).toEqual({
      code: 69,
      stdout: setBanner('policy', 'x', 'notjson', nv),
      stderr: 'Error:\npolicies may not be set using this method\n',
    });
    expect(await ctl('-q', 'clear_parameter', '-p', nv, 'policy', 'x')).toEqual({ code: 69, stdout: '', stderr: 'Error:\npolicies may not be cleared using this method\n' });
    expect(await ctl('-q', 'set_parameter', '-p', nv, 'vhost-limits', 'limits', '{"max-queues":9}')).toEqual({ code: 65, stdout: '', stderr: `Virtual host '${nv}' does not exist\n` });
    expect(await ctl('-q', 'clear_parameter', '-p', nv, 'vhost-limits', 'limits')).toEqual({ code: 69, stdout: '', stderr: 'Error:\nParameter does not exist\n' });
    expect(await ctl('list_parameters', '-p', nv)).toEqual({ code: 65, stdout: `Listing runtime parameters for vhost "${nv}" ...\n`, stderr: `Virtual host '${nv}' does not exist\n` });
    expect((await ctl('set_parameter', '-p', v, 'vhost-limits', 'limits')).code).toBe(64);
    expect((await ctl('list_parameters', '-p', v, 'extra')).code).toBe(64);
  });
});

describe('warrenctl global parameters', { timeout: 60_000 }, () => {
  it('set_global_parameter, list_global_parameters (table and JSON), clear_global_parameter', async () => {
    const g = name('g');
    globals.push(g, `${g}-s`, `${g}-e`);
    expect(await ctl('set_global_parameter', g, '{"a":[1,{"b":2}],"c":"s"}')).toEqual({
      code: 0,
      stdout: `Setting global runtime parameter "${g}" to "{"a":[1,{"b":2}],"c":"s"}" ...\n`,
      stderr: '',
    });
    expect((await ctl('-q', 'set_global_parameter', `${g}-s`, '"str"')).code).toBe(0);
    expect((await ctl('-q', 'set_global_parameter', `${g}-e`, '{}')).code).toBe(0);
    const list = await ctl('list_global_parameters');
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Listing global runtime parameters ...', 'name\tvalue']);
    expect(lines).toContainEqual(expect.stringMatching(/^internal_cluster_id\t"rabbitmq-cluster-id-[A-Za-z0-9_-]{22}"$/));
    expect(env.mine(list.stdout, g, `${g}-s`, `${g}-e`).sort()).toEqual([`${g}\t{"a":[1,{"b":2}],"c":"s"}`, `${g}-e\t[]`, `${g}-s\t"str"`]);
    const json = JSON.parse((await ctl('list_global_parameters', '--formatter', 'json')).stdout) as unknown[];
    expect(json).toContainEqual({ name: `${g}-s`, value: '"str"' });

    expect(await ctl('clear_global_parameter', g)).toEqual({ code: 0, stdout: `Clearing global runtime parameter "${g}" ...\n`, stderr: '' });
    expect(await ctl('-q', 'clear_global_parameter', g)).toEqual({ code: 69, stdout: '', stderr: 'Error:\nParameter does not exist\n' });
    expect((await ctl('-q', 'clear_global_parameter', `${g}-s`)).code).toBe(0);
    expect((await ctl('-q', 'clear_global_parameter', `${g}-e`)).code).toBe(0);
    expect(await ctl('-q', 'set_global_parameter', g, 'notjson')).toEqual({ code: 69, stdout: '', stderr: 'Error:\nJSON decoding error. Reason: badarg\n' });
    expect((await ctl('set_global_parameter', g)).code).toBe(64);
  });
});

describe('warrenctl operator policies', { timeout: 60_000 }, () => {
  it('set_operator_policy, list_operator_policies (ascending priority), clear_operator_policy', async () => {
    const [a, b] = [name('op-a'), name('op-b')];
    expect(await ctl('list_operator_policies', '-p', v)).toEqual({ code: 0, stdout: `Listing operator policy overrides for vhost "${v}" ...\n\n`, stderr: '' });
    expect(await ctl('set_operator_policy', '-p', v, '--priority', '3', '--apply-to', 'queues', a, '^params-q', '{"max-length":3,"message-ttl":100}')).toEqual({
      code: 0,
      stdout: `Setting operator policy override "${a}" for pattern "^params-q" to "{"max-length":3,"message-ttl":100}" with priority "3" for vhost "${v}" ...\n`,
      stderr: '',
    });
    expect((await ctl('-q', 'set_operator_policy', '-p', v, b, '^params-', '{"max-length":2}')).code).toBe(0);
    expect(await ctl('list_operator_policies', '-p', v)).toEqual({
      code: 0,
      stdout:
        `Listing operator policy overrides for vhost "${v}" ...\nvhost\tname\tpattern\tapply-to\tdefinition\tpriority\n` +
        `${v}\t${b}\t^params-\tall\t{"max-length":2}\t0\n${v}\t${a}\t^params-q\tqueues\t{"max-length":3,"message-ttl":100}\t3\n`,
      stderr: '',
    });
    expect(await ctl('list_operator_policies', '-p', v, '--formatter', 'json')).toEqual({
      code: 0,
      stdout:
        `[\n{"vhost":"${v}","name":"${b}","pattern":"^params-","apply-to":"all","definition":"{\\"max-length\\":2}","priority":0}\n` +
        `,{"vhost":"${v}","name":"${a}","pattern":"^params-q","apply-to":"queues","definition":"{\\"max-length\\":3,\\"message-ttl\\":100}","priority":3}\n]\n`,
      stderr: '',
    });
    // Not policies.
    expect((await ctl('-q', 'list_policies', '-p', v)).stdout).toBe('\n');
    expect(await ctl('clear_operator_policy', '-p', v, a)).toEqual({ code: 0, stdout: `Clearing operator policy "${a}" on vhost "${v}" ...\n`, stderr: '' });
    expect(await ctl('-q', 'clear_operator_policy', '-p', v, a)).toEqual({ code: 69, stdout: '', stderr: 'Error:\nParameter does not exist\n' });
    expect((await ctl('-q', 'clear_operator_policy', '-p', v, b)).code).toBe(0);
  });

  it('reports errors as rabbitmqctl does, with its exit codes', async () => {
    const op = name('bad');
    expect(await ctl('-q', 'set_operator_policy', '-p', v, op, '^params-q', '{"overflow":"reject-publish"}')).toEqual({
      code: 69,
      stdout: '',
      stderr: 'Error:\nValidation failed\n\n[{<<"overflow">>,<<"reject-publish">>}] are not recognised policy settings\n\n',
    });
    expect(await ctl('-q', 'set_operator_policy', '-p', v, op, '^params-q', '{"max-length":"x"}')).toEqual({
      code: 69,
      stdout: '',
      stderr: 'Error:\nValidation failed\n\n<<"x">> is not a valid maximum length\n\n',
    });
    expect(await ctl('-q', 'set_operator_policy', '-p', v, op, '^params-q', 'notjson')).toEqual({ code: 69, stdout: '', stderr: 'Error:\nJSON decoding error. Reason: badarg\n' });
    const nv = name('novhost');
    expect(await ctl('-q', 'set_operator_policy', '-p', nv, op, 'x', '{"max-length":1}')).toEqual({ code: 65, stdout: '', stderr: `Virtual host '${nv}' does not exist\n` });
    expect(await ctl('-q', 'clear_operator_policy', '-p', nv, op)).toEqual({ code: 69, stdout: '', stderr: 'Error:\nParameter does not exist\n' });
    expect(await ctl('list_operator_policies', '-p', nv)).toEqual({ code: 65, stdout: `Listing operator policy overrides for vhost "${nv}" ...\n`, stderr: `Virtual host '${nv}' does not exist\n` });
    expect((await ctl('set_operator_policy', '-p', v, op)).code).toBe(64);
    expect((await ctl('set_operator_policy', '--priority', 'x', op, 'x', '{"max-length":1}')).code).toBe(64);
  });

  it('--help lists the commands', async () => {
    const help = await ctl('--help');
    for (const c of ['set_parameter', 'clear_parameter', 'list_parameters', 'set_global_parameter', 'clear_global_parameter', 'list_global_parameters', 'set_operator_policy', 'clear_operator_policy', 'list_operator_policies']) {
      expect(help.stdout).toContain(c);
    }
  });
});
