// A real Prometheus (Debian's package) scrapes Warren's /metrics/per-object every second; a query for
// rabbitmq_queue_messages_ready{queue="..."} returns the count of the queue the test filled, follows
// it when more arrive, and RabbitMQ-Overview's join on rabbitmq_identity_info works. Fails (does
// not skip) when prometheus is not installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_NAME } from '../../src/admin/node-name.js';
import { startBroker, type BrokerHandle } from '../../src/index.js';
import { pollUntil } from '../helpers/wait.js';
import { requireBinary } from './binaries.js';
import { setUpScenario, type Scenario } from './scenario.js';

let warren: BrokerHandle;
let scenario: Scenario;
let prometheus: ChildProcess | undefined;
let prometheusLog = '';
let dir = '';
let api = '';

/** A port nobody listens on right now (Prometheus cannot be told to pick one and report it). */
async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query's vector (empty while Prometheus has no such series). */
async function query(promql: string): Promise<Vector[]> {
  try {
    const r = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
    if (!r.ok) return [];
    const body = (await r.json()) as { status: string; data: { resultType: string; result: Vector[] } };
    return body.status === 'success' ? body.data.result : [];
  } catch {
    return []; // not listening yet
  }
}

const POLL = { timeoutMs: 25_000, intervalMs: 250 };

beforeAll(async () => {
  const binary = requireBinary('prometheus');
  warren = await startBroker();
  scenario = await setUpScenario(warren.url, 'scrape');
  dir = await mkdtemp(path.join(os.tmpdir(), 'warren-prometheus-'));
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: warren',
    '    metrics_path: /metrics/per-object',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${warren.prometheusPort}']`,
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    binary,
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout!.setEncoding('utf8').on('data', (d: string) => (prometheusLog += d));
  prometheus.stderr!.setEncoding('utf8').on('data', (d: string) => (prometheusLog += d));
}, 30_000);

afterAll(async () => {
  if (prometheus !== undefined && prometheus.exitCode === null) {
    const exited = once(prometheus, 'exit');
    prometheus.kill('SIGTERM');
    await exited;
  }
  await scenario?.cleanup();
  await warren?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('Prometheus scraping Warren', () => {
  it("returns the queue's count for rabbitmq_queue_messages_ready{queue=...}, and follows it", async () => {
    const ready = `rabbitmq_queue_messages_ready{queue="${scenario.ready}"}`;
    let result = await pollUntil(() => query(ready), (r) => r.length === 1 && r[0].value[1] === '3', POLL);
    expect(result.map((v) => v.value[1]), prometheusLog).toEqual(['3']);
    expect(result[0].metric).toMatchObject({ __name__: 'rabbitmq_queue_messages_ready', vhost: '/', queue: scenario.ready, job: 'warren' });

    const conn = await amqp.connect(warren.url);
    const ch = await conn.createConfirmChannel();
    ch.sendToQueue(scenario.ready, Buffer.from('4'));
    ch.sendToQueue(scenario.ready, Buffer.from('5'));
    await ch.waitForConfirms();
    await conn.close();
    result = await pollUntil(() => query(ready), (r) => r.length === 1 && r[0].value[1] === '5', POLL);
    expect(result.map((v) => v.value[1]), prometheusLog).toEqual(['5']);
  }, 60_000);

  it('RabbitMQ-Overview panels join on rabbitmq_identity_info (its expressions, $rabbitmq_cluster and $namespace filled in)', async () => {
    const identity = `rabbitmq_identity_info{rabbitmq_cluster="${NODE_NAME}", namespace=""}`;
    // "Ready messages" (a singlestat) and "Messages ready to be delivered to consumers" (by node).
    const total = `sum(rabbitmq_queue_messages_ready * on(instance) group_left(rabbitmq_cluster) ${identity})`;
    const byNode = `sum(rabbitmq_queue_messages_unacked * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) ${identity}) by(rabbitmq_node)`;
    // "Incoming messages / s": a rate needs two scrapes.
    const incoming = `sum(rate(rabbitmq_global_messages_received_total[60s]) * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) ${identity}) by(rabbitmq_node)`;
    const ready = await pollUntil(() => query(total), (r) => r.length === 1 && Number(r[0].value[1]) >= 5, POLL);
    // The busy queue's 2 ready messages plus the ready queue's (3, or 5 once the first test added 2).
    expect([7, 5], prometheusLog).toContain(Number(ready[0].value[1]));
    const unacked = await pollUntil(() => query(byNode), (r) => r.length === 1, POLL);
    expect(unacked.map((v) => [v.metric.rabbitmq_node, v.value[1]])).toEqual([[NODE_NAME, '2']]);
    const rate = await pollUntil(() => query(incoming), (r) => r.length === 1, POLL);
    expect(rate[0].metric.rabbitmq_node).toBe(NODE_NAME);
    // The variable queries: label_values(rabbitmq_identity_info{namespace="$namespace"}, rabbitmq_cluster).
    const clusters = await query('rabbitmq_identity_info{namespace=""}');
    expect(clusters.map((v) => v.metric.rabbitmq_cluster)).toEqual([NODE_NAME]);
  }, 60_000);
});
