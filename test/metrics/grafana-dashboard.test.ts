// RabbitMQ's published Grafana dashboard "RabbitMQ-Overview" works against Warren: every metric its
// panels query is exported with samples, and rabbitmq_identity_info carries the rabbitmq_node and
// rabbitmq_cluster labels every panel joins on. The names are committed as a list
// (test/fixtures/grafana/rabbitmq-overview-3.10.8.metrics.txt), not the dashboard; with
// WARREN_GRAFANA_DASHBOARD=<RabbitMQ-Overview.json> the list is checked against the dashboard itself.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type BrokerHandle } from '../../src/index.js';
import { parseExposition } from './exposition.js';
import { dashboardMetricNames, metricNamesOf } from './promql-names.js';
import { scrapeText, setUpScenario, type Scenario } from './scenario.js';

const LIST = path.resolve(import.meta.dirname, '../fixtures/grafana/rabbitmq-overview-3.10.8.metrics.txt');
const names = readFileSync(LIST, 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'));

describe('the names a dashboard queries', () => {
  it('come out of PromQL without labels, functions, ranges and variables', () => {
    // Three of the dashboard's own expressions.
    expect(
      metricNamesOf(
        'sum(rabbitmq_channels * on(instance) group_left(rabbitmq_cluster) rabbitmq_identity_info{rabbitmq_cluster="$rabbitmq_cluster", namespace="$namespace"}) - sum(rabbitmq_channel_consumers * on(instance) group_left(rabbitmq_cluster) rabbitmq_identity_info{rabbitmq_cluster="$rabbitmq_cluster", namespace="$namespace"})',
      ),
    ).toEqual(['rabbitmq_channels', 'rabbitmq_identity_info', 'rabbitmq_channel_consumers']);
    expect(
      metricNamesOf(
        'sum(rate(rabbitmq_global_messages_received_total[60s]) * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) rabbitmq_identity_info{rabbitmq_cluster="$rabbitmq_cluster", namespace="$namespace"}) by(rabbitmq_node)',
      ),
    ).toEqual(['rabbitmq_global_messages_received_total', 'rabbitmq_identity_info']);
    expect(metricNamesOf('label_values(rabbitmq_identity_info{namespace="$namespace"}, rabbitmq_cluster)')).toEqual(['rabbitmq_identity_info']);
  });

  it('the committed list is what the dashboard queries (when the dashboard is given)', () => {
    const file = process.env.WARREN_GRAFANA_DASHBOARD;
    if (file === undefined) return; // CI: the committed list is the reference
    expect(dashboardMetricNames(JSON.parse(readFileSync(file, 'utf8')))).toEqual(names);
  });

  it("has the 36 names of RabbitMQ 3.10.8's Overview dashboard", () => {
    expect(names).toHaveLength(36);
    expect(names).toContain('rabbitmq_identity_info');
    expect(names).toContain('rabbitmq_global_messages_received_total');
  });
});

describe('Warren exports every one of them', () => {
  let warren: BrokerHandle;
  let scenario: Scenario;
  beforeAll(async () => {
    warren = await startBroker();
    scenario = await setUpScenario(warren.url, 'grafana');
  });
  afterAll(async () => {
    await scenario?.cleanup();
    await warren?.close();
  });

  for (const endpoint of ['/metrics', '/metrics/per-object']) {
    it(`at ${endpoint}, each with a sample; identity_info with rabbitmq_node and rabbitmq_cluster`, async () => {
      const m = parseExposition(await scrapeText(`http://127.0.0.1:${warren.prometheusPort}${endpoint}`));
      const missing = names.filter((n) => (m.get(n)?.samples.length ?? 0) === 0);
      expect(missing).toEqual([]);
      const identity = m.get('rabbitmq_identity_info')!.samples;
      expect(identity).toHaveLength(1);
      expect(identity[0].labels.rabbitmq_node).toMatch(/^warren@/);
      expect(identity[0].labels.rabbitmq_cluster).toMatch(/\S/);
    });
  }
});
