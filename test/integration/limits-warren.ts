/** An in-process Warren with its own limits for the limits-*.test.ts files (ephemeral ports, temp data dir). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import { createLogger, startServices, type BrokerServices } from '../../src/index.js';
import { testConfig } from '../helpers/test-config.js';

export interface LimitsBroker {
  services: BrokerServices;
  host: string;
  port: number;
  /** amqp://guest:guest@127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

export async function startLimitsBroker(overrides: Partial<Config> = {}): Promise<LimitsBroker> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-limits-'));
  const config: Config = testConfig({
    dataDir,
    ...overrides,
  });
  const services = await startServices(config, createLogger('silent'), 'memory');
  const port = services.amqp.port;
  return {
    services,
    host: '127.0.0.1',
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    async close() {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
