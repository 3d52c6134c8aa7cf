// The prometheus.* keys of rabbitmq_prometheus's schema that Warren reads, and their refusals.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { ConfigError, loadConfig, parseConfigText } from '../../src/config-load.js';

function refusal(text: string): string {
  try {
    parseConfigText(text, 'f');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('prometheus.* config', () => {
  it("defaults to RabbitMQ's: port 15692 on all IPv4 and IPv6 interfaces (::), /metrics, aggregated, no queue filter", () => {
    expect(defaultConfig()).toMatchObject({
      prometheusHost: '::',
      prometheusPort: 15692,
      prometheusPath: '/metrics',
      prometheusReturnPerObjectMetrics: false,
      prometheusFilterAggregatedQueueMetricsPattern: '',
    });
  });

  it('reads the keys, the env vars and the flags', () => {
    expect(parseConfigText('prometheus.tcp.port = 9419\nprometheus.tcp.ip = 127.0.0.1\nprometheus.path = /m/\nprometheus.return_per_object_metrics = true\n', 'f')).toEqual({
      prometheusPort: 9419,
      prometheusHost: '127.0.0.1',
      prometheusPath: '/m',
      prometheusReturnPerObjectMetrics: true,
    });
    expect(loadConfig({ file: false, env: { WARREN_PROMETHEUS_PORT: '0', WARREN_PROMETHEUS_HOST: '::1' } })).toMatchObject({ prometheusPort: 0, prometheusHost: '::1' });
    expect(loadConfig({ file: false, argv: ['--prometheus-port', '1234', '--prometheus-host=127.0.0.2'] })).toMatchObject({ prometheusPort: 1234, prometheusHost: '127.0.0.2' });
  });

  it('refuses bad values, naming the key', () => {
    expect(refusal('prometheus.tcp.port = 70000')).toMatch(/'prometheus\.tcp\.port'.*port number/);
    expect(refusal('prometheus.path = metrics')).toMatch(/'prometheus\.path'.*URL path/);
    expect(refusal('prometheus.return_per_object_metrics = yes')).toMatch(/'prometheus\.return_per_object_metrics'.*true or false/);
    expect(refusal('prometheus.filter_aggregated_queue_metrics_pattern = (')).toMatch(/regular expression/);
  });
});
