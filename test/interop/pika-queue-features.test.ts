// Queue features (length limits, priorities, TTL, single active consumer) through pika (Debian's python3-pika 1.2.0,
// BlockingConnection), whose argument and property encodings differ from amqplib's (ints as 'I', str as 'S').
// Same runner as pika.test.ts: each ./pika/queue_features_*.py script prints one JSON line; the assertions live here.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPika, runPika } from '../helpers/pika.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';


let broker: TestBroker;

/** Runs ./pika/<name>.py against the test broker (test/helpers/pika.ts). */
const pika = (name: string): Promise<any> => runPika(name, broker.url);

beforeAll(async () => {
  await expectPika();
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('pika: queue features', () => {
  it('x-max-length drop-head keeps the newest; reject-publish nacks the publish (NackError)', async () => {
    const r = await pika('queue_features_limits');
    expect(r.kept).toEqual(['2', '3']);
    expect(r.outcomes).toEqual(['ack', 'nack']);
    expect(r.left).toEqual(['a']);
  });

  it('x-max-priority orders by priority; x-message-ttl and expiration expire messages', async () => {
    const r = await pika('queue_features_priority_ttl');
    expect(r.by_priority).toEqual(['high', 'high2', 'mid', 'low', 'none']);
    expect(r.ttl_left).toEqual([]);
    expect(r.expiring_left).toEqual(['long']);
  });

  it('x-single-active-consumer: the second consumer takes over when the first channel closes', async () => {
    const r = await pika('queue_features_sac');
    expect(r.first).toEqual(['1', '2']);
    expect(r.second).toEqual(['3', '4']);
  });
});
