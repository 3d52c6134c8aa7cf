// warrenctl list_consumers against a running broker's management API (Warren in-process, or RabbitMQ's on
// 15682 with WARREN_TEST_URL set): the output and exit codes are rabbitmqctl 3.10.8's, checked with its ctl,
// except channel_pid (the channel's name: Warren has no Erlang pids) and argument keys (sorted, as the API has them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded } from '../helpers/warren-process.js';
import { runCtl } from '../helpers/warrenctl.js';
import { AmqpTracker, uniq } from '../helpers/amqp-tracker.js';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';


let t: ManagementTarget;
const tracker = new AmqpTracker(() => t.amqpUrl);

beforeAll(async () => {
  buildIfNeeded();
  t = await startManagementTarget();
}, 180_000);
afterAll(async () => {
  await tracker.cleanup();
  await t?.close();
});

/** Runs warrenctl against the target's API. */
const ctl = (...args: string[]) => runCtl(t.base, ...args);

/** Waits until the API lists n consumers on queue q (RabbitMQ's stats lag up to 5 s); returns their channel names by tag. */
async function channelsOf(q: string, n: number): Promise<Map<string, string>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await fetch(`${t.base}/api/consumers/%2F`, { headers: { authorization: basic('guest', 'guest') } });
    const cs = ((await r.json()) as Array<{ consumer_tag: string; queue: { name: string }; channel_details: { name: string } }>).filter((c) => c.queue.name === q);
    if (cs.length === n || Date.now() > deadline) return new Map(cs.map((c) => [c.consumer_tag, c.channel_details.name]));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('warrenctl list_consumers', () => {
  it('prints the banner, a header and TAB-separated rows with rabbitmqctl\'s default columns and formats', async () => {
    const conn = await tracker.connect();
    const ch = await conn.createChannel();
    const q = await tracker.queue(ch, 'cli-sac', { 'x-single-active-consumer': true });
    await ch.prefetch(4);
    await ch.consume(q, () => {}, { consumerTag: 'a1' });
    await ch.consume(q, () => {}, { consumerTag: 'a2', arguments: { s: 'x"y\\z\tw', n: [1, { k: 'v' }] } });
    const channels = await channelsOf(q, 2);
    expect(channels.size).toBe(2);
    const chan = channels.get('a1')!;
    const mine = (out: string): string[] => out.split('\n').filter((l) => l.includes(q));

    const list = await ctl('list_consumers');
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Listing consumers in vhost / ...', 'queue_name\tchannel_pid\tconsumer_tag\tack_required\tprefetch_count\tactive\targuments']);
    expect(mine(list.stdout).sort()).toEqual([
      `${q}\t${chan}\ta1\ttrue\t4\ttrue\t[]`,
      `${q}\t${chan}\ta2\ttrue\t4\tfalse\t[{"n",[1,[{"k","v"}]]},{"s","x\\"y\\\\z\\tw"}]`,
    ]);

    // Columns print in rabbitmqctl's fixed order whatever order they are asked in; -q drops the banner only.
    const picked = await ctl('-q', 'list_consumers', 'queue_name', 'activity_status', 'active', 'consumer_tag');
    expect(picked.stdout.split('\n')[0]).toBe('queue_name\tconsumer_tag\tactive\tactivity_status');
    expect(mine(picked.stdout).sort()).toEqual([`${q}\ta1\ttrue\tsingle_active`, `${q}\ta2\tfalse\twaiting`]);

    const silent = await ctl('-s', 'list_consumers', 'queue_name,consumer_tag');
    expect(silent.stdout.split('\n')[0]).not.toBe('queue_name\tconsumer_tag');
    expect(mine(silent.stdout).sort()).toEqual([`${q}\ta1`, `${q}\ta2`]);
    const noHeaders = await ctl('list_consumers', '--no-table-headers', 'queue_name', 'consumer_tag');
    expect(noHeaders.stdout.split('\n')[0]).toBe('Listing consumers in vhost / ...');
    expect(noHeaders.stdout.split('\n')[1]).not.toBe('queue_name\tconsumer_tag');

    const json = await ctl('list_consumers', '--formatter', 'json', 'consumer_tag', 'queue_name', 'active');
    expect(json.stdout.startsWith('[\n')).toBe(true);
    const items = (JSON.parse(json.stdout) as Array<Record<string, unknown>>).filter((i) => i.queue_name === q);
    expect(items).toContainEqual({ queue_name: q, consumer_tag: 'a1', active: true });
    expect(items).toContainEqual({ queue_name: q, consumer_tag: 'a2', active: false });
  }, 60_000);

  it('lists nothing for a missing vhost, refuses unknown columns (64) and bad credentials (77)', async () => {
    const vhost = uniq('novhost');
    expect(await ctl('list_consumers', '-p', vhost)).toEqual({ code: 0, stdout: `Listing consumers in vhost ${vhost} ...\n`, stderr: '' });
    const bogus = await ctl('list_consumers', 'queue_name', 'bogus');
    expect(bogus.code).toBe(64);
    expect(bogus.stderr).toMatch(/^Error \(argument validation\): Info key\(s\) bogus are not supported\nArguments given:\n\t/);
    const denied = await ctl('--password', 'wrong', 'list_consumers');
    expect(denied.code).toBe(77);
    expect(denied.stderr).toBe('Error:\nLogin failed\n');
  });
});
