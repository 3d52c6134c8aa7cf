import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';
import { startTestBroker, type TestBroker } from './broker.js';
import { waitForValue } from './wait.js';

/** A unique name, so that runs against a shared broker (WARREN_TEST_URL) don't collide. */
export function uniq(prefix: string): string {
  return `warren-test.${prefix}.${randomBytes(5).toString('hex')}`;
}

/**
 * What a test file opens and declares on the broker, so afterAll can remove it:
 * a shared RabbitMQ stays clean between runs.
 */
export class AmqpTracker {
  readonly connections: ChannelModel[] = [];
  readonly queues = new Set<string>();
  readonly exchanges = new Set<string>();

  constructor(private readonly url: () => string) {}

  /** An amqplib connection that is closed at cleanup; a close by the broker does not crash the test process. */
  async connect(): Promise<ChannelModel> {
    const conn = await amqp.connect(this.url());
    conn.on('error', () => {});
    this.connections.push(conn);
    return conn;
  }

  /** Declares a uniquely named transient queue with x-arguments args, deleted at cleanup; returns its name. */
  async queue(ch: Channel, prefix: string, args: Record<string, unknown> = {}): Promise<string> {
    const name = uniq(prefix);
    this.queues.add(name);
    await ch.assertQueue(name, { durable: false, arguments: args });
    return name;
  }

  /** Deletes the tracked queues and exchanges on a fresh connection, then closes every tracked connection. */
  async cleanup(): Promise<void> {
    try {
      const conn = await amqp.connect(this.url());
      const ch = await conn.createChannel();
      for (const q of this.queues) await ch.deleteQueue(q);
      for (const x of this.exchanges) await ch.deleteExchange(x);
      await conn.close();
    } finally {
      for (const c of this.connections) await c.close().catch(() => {});
    }
  }
}

/** Takes every ready message of q with basic.get (no-ack) and returns the bodies as strings, in order. */
export async function drain(ch: Channel, q: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const m = await ch.get(q, { noAck: true });
    if (m === false) return out;
    out.push(m.content.toString());
  }
}

/** What useTestBroker gives a test file; the fields are set once its beforeAll has run. */
export interface TestEnv {
  broker: TestBroker;
  /** One tracked amqplib connection to it. */
  conn: ChannelModel;
  tracker: AmqpTracker;
}

/**
 * For a test file: starts a test broker (or uses WARREN_TEST_URL's) and opens one
 * tracked connection before its tests; deletes what the tracker recorded, closes
 * the connections and stops the broker after them.
 */
export function useTestBroker(): TestEnv {
  const env = {} as TestEnv;
  env.tracker = new AmqpTracker(() => env.broker.url);
  beforeAll(async () => {
    env.broker = await startTestBroker();
    env.conn = await env.tracker.connect();
  });
  afterAll(async () => {
    await env.tracker.cleanup();
    await env.broker.close();
  });
  return env;
}

/**
 * basic.get that polls until a message arrives (expiry and dead-lettering are
 * asynchronous; on RabbitMQ, so is routing to another queue): fails after timeoutMs.
 */
export async function getEventually(ch: Channel, q: string, noAck = false, timeoutMs = 5000): Promise<GetMessage> {
  return waitForValue(async () => (await ch.get(q, { noAck })) || undefined, `a message in ${q}`, { timeoutMs });
}
