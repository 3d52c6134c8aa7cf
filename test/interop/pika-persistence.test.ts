// pika (Debian's python3-pika 1.2.0) and persistence: a durable queue with a persistent message survives a broker
// restart on the same data directory (LevelDB store). Runner pattern of pika.test.ts. Against an external broker
// (WARREN_TEST_URL) there is no restart: both scripts run against it in turn, and the same assertions hold except
// for the transient message, which only a restart removes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPika, runPika } from '../helpers/pika.js';
import { startBroker } from '../../src/index.js';
import { uniq } from '../helpers/amqp-tracker.js';

const external = process.env.WARREN_TEST_URL;

const pika = runPika;

let dataDir: string;

beforeAll(async () => {
  await expectPika();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-pika-persist-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('pika and a broker restart', () => {
  it('a durable queue and its persistent message survive a restart; the transient message does not', async () => {
    const queue = uniq('persist');
    let url = external ?? '';
    let broker = external ? null : await startBroker({ dataDir, store: 'leveldb' });
    if (broker) url = broker.url;
    const before = await pika('persist_publish', url, queue);
    expect(before).toEqual({ declared_message_count: 0, depth_before_restart: 2 });

    if (broker) {
      await broker.close();
      broker = await startBroker({ dataDir, store: 'leveldb' });
      url = broker.url;
    }
    try {
      const after = await pika('persist_consume', url, queue);
      expect(after.depth_after_restart).toBe(external ? 2 : 1);
      expect(after.message).toEqual({
        body: 'survives a restart',
        redelivered: false,
        delivery_mode: 2,
        message_id: 'm-1',
        content_type: 'text/plain',
        headers: { n: 1 },
      });
    } finally {
      await broker?.close();
    }
  });
});
