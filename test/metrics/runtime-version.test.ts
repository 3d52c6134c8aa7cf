// One rule for `erlang_version` (src/identity.ts runtimeVersion): Warren has no Erlang, so every
// place where RabbitMQ names its Erlang/OTP names the Node.js Warren runs on, the same way:
// /api/overview erlang_version, rabbitmq_build_info's erlang_version label, rabbitmqctl
// cluster_status's versions, connection.start's platform; only product and version imitate
// RabbitMQ 3.10.8 (clients decide on them). Before, the metrics said 25.2.3 and the API "Node.js".
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { fetchJson } from '../helpers/shape-compare.js';
import { buildIfNeeded } from '../helpers/warren-process.js';
import { runCtl } from '../helpers/warrenctl.js';
import { parseExposition } from './exposition.js';
import { scrapeText } from './scenario.js';

const RUNTIME = `Node.js ${process.versions.node}`;
let t: ManagementTarget;

beforeAll(async () => {
  buildIfNeeded();
  t = await startManagementTarget();
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('erlang_version names the runtime, everywhere alike', () => {
  it('overview, build_info, cluster_status and connection.start agree', async () => {
    const o = (await fetchJson(t.base, '/api/overview')).json as Record<string, unknown>;
    expect(o.erlang_version).toBe(RUNTIME);
    expect(o.erlang_full_version).toContain(`Node.js v${process.versions.node}`);
    expect(o.rabbitmq_version).toBe('3.10.8');

    const m = parseExposition(await scrapeText(`http://127.0.0.1:${t.services!.prometheus.port}/metrics`));
    const build = m.get('rabbitmq_build_info')!.samples[0].labels;
    expect(build.erlang_version).toBe(RUNTIME);
    expect(build.rabbitmq_version).toBe('3.10.8');

    const cs = await runCtl(t.base, 'cluster_status', '--formatter', 'json');
    expect(cs.code).toBe(0);
    const versions = (JSON.parse(cs.stdout) as { versions: Record<string, { erlang_version: string }> }).versions;
    expect(Object.values(versions).map((v) => v.erlang_version)).toEqual([RUNTIME]);

    const conn = await amqp.connect(t.amqpUrl);
    try {
      const props = (conn.connection as unknown as { serverProperties: Record<string, unknown> }).serverProperties;
      expect(String(props.platform)).toContain(`Node.js v${process.versions.node}`);
      expect(props.version).toBe('3.10.8');
    } finally {
      await conn.close();
    }
  });
});
