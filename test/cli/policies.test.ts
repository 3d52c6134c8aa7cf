// bin/warrenctl.js against a running broker's management API (Warren in-process, or RabbitMQ's on
// 15682 with WARREN_TEST_URL set: the output and exit codes are rabbitmqctl's, checked with its ctl).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded } from '../helpers/warren-process.js';
import { runCtl } from '../helpers/warrenctl.js';
import { uniq } from '../helpers/amqp-tracker.js';
import { deletePolicy, startManagementTarget, type ManagementTarget } from '../helpers/management.js';


let t: ManagementTarget;
const policies: string[] = [];

beforeAll(async () => {
  buildIfNeeded();
  t = await startManagementTarget();
}, 180_000);
afterAll(async () => {
  for (const p of policies) await deletePolicy(t, p);
  await t?.close();
});

/** Runs warrenctl against the target's API. */
const ctl = (...args: string[]) => runCtl(t.base, ...args);

describe('warrenctl policies', () => {
  it('set_policy, list_policies (TSV with a header, ascending priority) and clear_policy', async () => {
    const a = uniq('cli-a');
    const b = uniq('cli-b');
    policies.push(a, b);
    const set = await ctl('set_policy', '--priority', '5', '--apply-to', 'queues', a, '^cli\\.a', '{"message-ttl":1000,"max-length":3}');
    expect(set).toEqual({
      code: 0,
      stdout: `Setting policy "${a}" for pattern "^cli\\.a" to "{"message-ttl":1000,"max-length":3}" with priority "5" for vhost "/" ...\n`,
      stderr: '',
    });
    expect((await ctl('-q', 'set_policy', b, '^cli\\.b', '{"alternate-exchange":"ae"}')).stdout).toBe('');

    const list = await ctl('list_policies');
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toBe('Listing policies for vhost "/" ...');
    expect(lines[1]).toBe('vhost\tname\tpattern\tapply-to\tdefinition\tpriority');
    const mine = lines.filter((l) => l.includes(a) || l.includes(b));
    // Values are printed raw, as rabbitmqctl does (no escaping of backslashes).
    expect(mine).toEqual([`/\t${b}\t^cli\\.b\tall\t{"alternate-exchange":"ae"}\t0`, `/\t${a}\t^cli\\.a\tqueues\t{"max-length":3,"message-ttl":1000}\t5`]);

    const json = await ctl('list_policies', '--formatter', 'json');
    expect(json.stdout.startsWith('[\n')).toBe(true);
    const parsed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(parsed).toContainEqual({ vhost: '/', name: a, pattern: '^cli\\.a', 'apply-to': 'queues', definition: '{"max-length":3,"message-ttl":1000}', priority: 5 });

    expect(await ctl('clear_policy', a)).toEqual({ code: 0, stdout: `Clearing policy "${a}" on vhost "/" ...\n`, stderr: '' });
    expect((await ctl('-q', 'clear_policy', b)).code).toBe(0);
    expect((await ctl('-q', 'list_policies')).stdout).not.toContain(a);
  });

  it('reports errors as rabbitmqctl does, with its exit codes', async () => {
    const name = uniq('cli-bad');
    policies.push(name);
    const invalid = await ctl('set_policy', name, 'x', '{"max-length":"x"}');
    expect(invalid.code).toBe(69);
    expect(invalid.stderr).toBe('Error:\nValidation failed\n\n<<"x">> is not a valid maximum length\n\n');
    const missing = await ctl('clear_policy', name);
    expect(missing.code).toBe(69);
    expect(missing.stderr).toBe('Error:\nParameter does not exist\n');
    const noVhost = await ctl('list_policies', '-p', uniq('novhost'));
    expect(noVhost.code).toBe(65);
    expect(noVhost.stderr).toMatch(/^Virtual host '.*' does not exist\n$/);
    const notJson = await ctl('set_policy', name, 'x', 'notjson');
    expect(notJson.code).toBe(69);
    expect(notJson.stderr).toBe('Error:\nJSON decoding error. Reason: badarg\n');
    expect((await ctl('set_policy', name)).code).toBe(64);
    expect((await ctl('set_policy', '--priority', 'x', name, 'x', '{"message-ttl":1}')).code).toBe(64);
    expect((await ctl('no_such_command')).code).toBe(64);
    const denied = await ctl('--password', 'wrong', 'list_policies');
    expect(denied.code).toBe(77);
    expect(denied.stderr).toBe('Error:\nLogin failed\n');
  });

  it('--help documents the commands and the API options', async () => {
    const help = await ctl('--help');
    expect(help.code).toBe(0);
    for (const s of ['set_policy', 'clear_policy', 'list_policies', '--api-url', 'WARRENCTL_USERNAME', 'WARRENCTL_PASSWORD']) expect(help.stdout).toContain(s);
  });
});
