// pika (Debian's python3-pika 1.2.0) and the queue features on the LevelDB store: a persistent message rejected into
// a durable dead-letter queue, and a durable priority queue, across a broker restart on the same data directory.
// Runner: test/helpers/pika.ts. Against an external broker (WARREN_TEST_URL) there is no restart (a
// test can't restart the shared RabbitMQ): both scripts run against it in turn and the same assertions hold.
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
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-pika-persist-features-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('pika: queue features across a broker restart', () => {
  it('the rejected persistent message is in the durable DLQ with its x-death; the priority queue keeps its order', async () => {
    const prefix = uniq('persist-features');
    let url = external ?? '';
    let broker = external ? null : await startBroker({ dataDir, store: 'leveldb' });
    if (broker) url = broker.url;
    const before = await pika('persist_features_before', url, prefix);
    expect(before).toEqual({ dlq_depth: 1, src_depth: 0, prio_depth: 5 });

    if (broker) {
      await broker.close();
      broker = await startBroker({ dataDir, store: 'leveldb' });
      url = broker.url;
    }
    try {
      const after = await pika('persist_features_after', url, prefix);
      expect(after.src_depth).toBe(0);
      expect(after.dead).toEqual([
        {
          body: 'rejected',
          delivery_mode: 2,
          redelivered: false,
          app: 'pika',
          x_death: [{ count: 1, reason: 'rejected', queue: `${prefix}.src`, exchange: '', 'routing-keys': [`${prefix}.src`], has_time: true }],
          first_death_reason: 'rejected',
        },
      ]);
      expect(after.priority_order).toEqual([
        ['p4-1', 4],
        ['p4-3', 4],
        ['p2-2', 2],
        ['p1-0', 1],
        ['p0-4', 0],
      ]);
    } finally {
      await broker?.close();
    }
  });
});
