import { defaultConfig, type Config } from '../../src/config.js';

/**
 * The config the tests start Warren's services with: the defaults, every listener (AMQP, management,
 * Prometheus) on 127.0.0.1 at a port the OS picks, logging off, then `overrides` (a dataDir, a
 * feature's settings).
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...defaultConfig(),
    host: '127.0.0.1',
    port: 0,
    managementHost: '127.0.0.1',
    managementPort: 0,
    prometheusHost: '127.0.0.1',
    prometheusPort: 0,
    logLevel: 'silent',
    ...overrides,
  };
}
