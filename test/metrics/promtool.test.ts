// `promtool check metrics` (Prometheus's linter: names, suffixes, types, HELP, syntax) passes on
// all three endpoints of a Warren with queues, consumers, channels and an awkward queue name.
// Fails (does not skip) when promtool is not installed.
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type BrokerHandle } from '../../src/index.js';
import { requireBinary, run } from './binaries.js';
import { ALL_DETAILED_FAMILIES, scrapeText, setUpScenario, type Scenario } from './scenario.js';

let warren: BrokerHandle;
let scenario: Scenario;
const ODD = 'prom "odd" \\ queue\nname';

beforeAll(async () => {
  warren = await startBroker();
  scenario = await setUpScenario(warren.url, 'lint');
  const conn = await amqp.connect(warren.url);
  const ch = await conn.createChannel();
  await ch.assertQueue(ODD, { durable: false });
  ch.sendToQueue(ODD, Buffer.from('x'));
  await ch.checkQueue(ODD);
  await conn.close();
});

afterAll(async () => {
  await scenario?.cleanup();
  await warren?.close();
});

describe('promtool check metrics', () => {
  for (const path of ['/metrics', '/metrics/per-object', `/metrics/detailed?${ALL_DETAILED_FAMILIES}`, '/metrics/detailed']) {
    it(`passes on ${path.split('?')[0]}${path.includes('?') ? ' with every family' : ''}`, async () => {
      const promtool = requireBinary('promtool');
      const text = await scrapeText(`http://127.0.0.1:${warren.prometheusPort}${path}`);
      if (path === '/metrics/per-object') expect(text).toContain('queue="prom \\"odd\\" \\\\ queue\\nname"');
      const r = await run(promtool, ['check', 'metrics'], text);
      expect({ code: r.code, output: r.stdout + r.stderr }).toEqual({ code: 0, output: '' });
    });
  }
});
