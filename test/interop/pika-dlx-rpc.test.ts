// pika (Debian's python3-pika 1.2.0) for issue 4's dead-lettering, direct reply-to and consumer timeout. Same runner
// pattern as pika.test.ts: each script in ./pika prints one JSON line of observations; the assertions live here.
// Checked against RabbitMQ 3.10.8 (WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682) except where noted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPika, runPika } from '../helpers/pika.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const external = !!process.env.WARREN_TEST_URL;

let broker: TestBroker;
/** A Warren with a 300 ms consumer_timeout (RabbitMQ 3.10.8 checks only every 60 s, so that test is Warren-only). */
let shortTimeout: TestBroker | undefined;

/** Runs ./pika/<name>.py against url (default: the test broker). */
const pika = (name: string, url = broker.url): Promise<any> => runPika(name, url);

beforeAll(async () => {
  await expectPika();
  broker = await startTestBroker();
  if (!external) shortTimeout = await startTestBroker({ consumerTimeout: 300 });
});

afterAll(async () => {
  await broker?.close();
  await shortTimeout?.close();
});

describe('pika: dead-lettering', () => {
  it('a rejected message arrives at the DLX with x-death (count, time as a timestamp) and without its expiration', async () => {
    const r = await pika('dlx_reject');
    expect(r).toMatchObject({
      body: 'payload',
      exchange: '',
      expiration: null,
      delivery_mode: 2,
      k: 'v',
      first_death: [true, 'rejected', ''],
      death: {
        count: 1,
        reason: 'rejected',
        queue_is_work: true,
        exchange: '',
        routing_keys_are_work: true,
        original_expiration: '60000',
        time_type: 'datetime',
      },
    });
    // x-last-death-* is RabbitMQ 3.13+: Warren has it, 3.10.8 does not.
    expect(r.has_last_death).toBe(!external);
  });
});

describe('pika: direct reply-to', () => {
  it('RPC through amq.rabbitmq.reply-to: replies come back on the rewritten per-channel address', async () => {
    const r = await pika('reply_to_rpc');
    expect(r).toEqual({
      errors: [],
      replies: [
        { body: 'PING', routing_key_is_address: true },
        { body: 'PONG', routing_key_is_address: true },
      ],
      reply_to_rewritten: true,
      same_address: true,
    });
  });

  it('misuse gets RabbitMQ 3.10.8 errors; the pseudo-queue passively "exists"', async () => {
    const r = await pika('reply_to_errors');
    expect(r).toEqual({
      consume_with_ack: [406, 'PRECONDITION_FAILED - reply consumer cannot acknowledge'],
      publish_without_consumer: [406, 'PRECONDITION_FAILED - fast reply consumer does not exist'],
      passive_declare: ['amq.rabbitmq.reply-to', 0, 1],
    });
  });
});

describe.skipIf(external)('pika: consumer timeout', () => {
  it('an unacked delivery past consumer_timeout closes the channel with 406 and is requeued', async () => {
    const r = await pika('consumer_timeout_requeue', (shortTimeout as TestBroker).url);
    expect(r.closed).toEqual([
      406,
      'PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: 300 ms. ' +
        'This timeout value can be configured, see consumers doc guide to learn more',
    ]);
    expect(r.elapsed_ms).toBeGreaterThanOrEqual(250);
    expect(r.requeued).toEqual(['slow', true]);
  });
});
