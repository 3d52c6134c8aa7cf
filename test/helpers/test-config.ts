import { defaultConfig, type Config } from '../../src/config.js';
import { EMBEDDED_DEFAULTS } from '../../src/index.js';

/**
 * The config the tests start Warren's services with: the defaults as an embedded broker changes them
 * (every listener on 127.0.0.1 at a port the OS picks, logging off), then `overrides` (a dataDir, a
 * feature's settings).
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...defaultConfig(), ...EMBEDDED_DEFAULTS, ...overrides };
}
