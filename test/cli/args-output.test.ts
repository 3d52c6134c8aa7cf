// warrenctl's argument parsing and rabbitmqctl-style output, without a broker.
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { columnsOf, expectArgs, parseArgs, UsageError } from '../../src/cli/args.js';
import { Context, type Io } from '../../src/cli/context.js';
import { reasonText } from '../../src/cli/failure.js';
import { formatCell, formatJsonList, printRows } from '../../src/cli/output.js';
import { runWarrenctl } from '../../src/cli/warrenctl.js';

function capture(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (s) => (out += s), err: (s) => (err += s), stdout: () => out, stderr: () => err };
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const target = { url: 'http://127.0.0.1:1', username: 'guest', password: 'guest' };

describe('parseArgs', () => {
  it('takes options anywhere, short and long, with = or a separate value', () => {
    const p = parseArgs(['-q', 'set_permissions', '-p', 'v1', 'u', '.*', '--vhost=v2', '', 'r', '--formatter', 'json']);
    expect(p.positional).toEqual(['set_permissions', 'u', '.*', '', 'r']);
    expect(p.values.get('vhost')).toBe('v2');
    expect(p.values.get('formatter')).toBe('json');
    expect(p.flags.has('quiet')).toBe(true);
  });
  it('keeps "-" and everything after "--" positional', () => {
    expect(parseArgs(['x', '-', '--', '-p', '--quiet']).positional).toEqual(['x', '-', '-p', '--quiet']);
  });
  it('refuses unknown options and missing values', () => {
    expect(() => parseArgs(['--nope'])).toThrow(UsageError);
    expect(() => parseArgs(['-p'])).toThrow('option -p needs a value');
  });
  it('expectArgs and columnsOf give rabbitmqctl’s messages', () => {
    expect(() => expectArgs([], 1)).toThrow('not enough arguments');
    expect(() => expectArgs(['a', 'b'], 1)).toThrow('too many arguments');
    expect(columnsOf(['name,tags', 'tracing'], ['name', 'tags', 'tracing'], ['name'])).toEqual(['name', 'tags', 'tracing']);
    expect(columnsOf([], ['name'], ['name'])).toEqual(['name']);
    expect(() => columnsOf(['foo,bar'], ['name'], ['name'])).toThrow('Info key(s) foo,bar are not supported');
  });
});

describe('output', () => {
  it('formats cells and JSON lists as rabbitmqctl', () => {
    expect(formatCell(['administrator', 'monitoring'])).toBe('[administrator, monitoring]');
    expect(formatCell([])).toBe('[]');
    expect(formatCell(false)).toBe('false');
    expect(formatCell(undefined)).toBe('');
    expect(formatJsonList([{ user: 'a', tags: [] }, { user: 'b', tags: ['x'] }])).toBe('[\n{"user":"a","tags":[]}\n,{"user":"b","tags":["x"]}\n]\n');
    expect(formatJsonList([])).toBe('[]\n');
  });
  it('prints a header unless -s / --no-table-headers, one empty line for no rows', () => {
    const rows = [{ user: 'guest', tags: ['administrator'] }, { user: 'x\ty', tags: [] }];
    for (const [argv, expected] of [
      [['list_users'], 'user\ttags\nguest\t[administrator]\nx\ty\t[]\n'],
      [['-s', 'list_users'], 'guest\t[administrator]\nx\ty\t[]\n'],
      [['--no-table-headers', 'list_users'], 'guest\t[administrator]\nx\ty\t[]\n'],
      [['--formatter', 'json', 'list_users'], '[\n{"user":"guest","tags":["administrator"]}\n,{"user":"x\\ty","tags":[]}\n]\n'],
    ] as const) {
      const io = capture();
      printRows(new Context(parseArgs(argv), target, io), ['user', 'tags'], rows);
      expect(io.stdout()).toBe(expected);
    }
    const io = capture();
    printRows(new Context(parseArgs(['list_users']), target, io), ['user', 'tags'], []);
    expect(io.stdout()).toBe('\n');
  });
  it('banner unless -q / -s', () => {
    for (const [argv, expected] of [
      [['x'], 'Listing users ...\n'],
      [['-q', 'x'], ''],
      [['-s', 'x'], ''],
    ] as const) {
      const io = capture();
      new Context(parseArgs(argv), target, io).banner('Listing users ...');
      expect(io.stdout()).toBe(expected);
    }
  });
  it('prints tuple reasons as Elixir terms', () => {
    expect(reasonText({ reason: ['invalid_regexp', [40], [[109, 105, 115, 115, 105, 110, 103, 32, 41], 1]] })).toBe("{:invalid_regexp, '(', {'missing )', 1}}");
    expect(reasonText({ reason: ['no_such_user', 'bob'] })).toBe('{:no_such_user, "bob"}');
    expect(reasonText({ reason: 'a &lt;b&gt;' })).toBe('a <b>');
  });
});

describe('runWarrenctl without a broker', () => {
  it('usage errors exit 64 with rabbitmqctl’s text; an unreachable API exits 69', async () => {
    let io = capture();
    expect(await runWarrenctl(['--api-url', target.url, 'add_user'], {}, io)).toBe(64);
    expect(io.stderr()).toMatch(/^Error \(argument validation\): not enough arguments\.\nArguments given:\n\t--api-url http:\/\/127\.0\.0\.1:1 add_user\n\nUsage: warrenctl \[options\] add_user/);
    io = capture();
    expect(await runWarrenctl(['list_vhosts', 'foo'], {}, io)).toBe(64);
    expect(io.stderr()).toMatch(/^Error \(argument validation\): Info key\(s\) foo are not supported\n/);
    io = capture();
    expect(await runWarrenctl(['hash_password_x'], {}, io)).toBe(64);
    io = capture();
    const url = `http://127.0.0.1:${await closedPort()}`;
    expect(await runWarrenctl(['--api-url', url, 'list_users'], {}, io)).toBe(69);
    expect(io.stderr()).toBe(`Error: unable to reach the management API at ${url}: ECONNREFUSED\n`);
  });
  it('help <command> prints that command’s usage; --help lists every family', async () => {
    let io = capture();
    expect(await runWarrenctl(['help', 'set_permissions'], {}, io)).toBe(0);
    expect(io.stdout()).toMatch(/^Usage: warrenctl \[options\] set_permissions \[-p <vhost>\] <username> <conf> <write> <read>\n/);
    io = capture();
    expect(await runWarrenctl(['--help'], {}, io)).toBe(0);
    for (const s of ['add_user', 'list_vhosts', 'set_topic_permissions', 'list_user_limits', 'set_policy', 'list_consumers', '--data-dir']) expect(io.stdout()).toContain(s);
  });
});
