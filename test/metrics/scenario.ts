/**
 * The same objects on Warren and on the reference RabbitMQ, so that their metrics can be
 * compared: a queue with ready messages, a queue with a consumer holding unacknowledged ones,
 * a bound topic exchange published through on a confirm channel, and a basic.get.
 */
import http from 'node:http';
import amqp, { type ChannelModel } from 'amqplib';
import { waitFor } from '../helpers/wait.js';

/** What a scenario created. */
export interface Scenario {
  /** Queue with `readyCount` ready messages and no consumer. */
  ready: string;
  readyCount: number;
  /** Queue whose consumer (prefetch 2) holds 2 unacknowledged messages, 2 more ready. */
  busy: string;
  exchange: string;
  /** Removes what it created and closes its connection. */
  cleanup(): Promise<void>;
}

/** Sets up the scenario's objects (named with `prefix`) on the broker at url. */
export async function setUpScenario(url: string, prefix: string): Promise<Scenario> {
  const conn: ChannelModel = await amqp.connect(url);
  conn.on('error', () => {});
  const ch = await conn.createConfirmChannel();
  const ready = `${prefix}-ready`;
  const busy = `${prefix}-busy`;
  const exchange = `${prefix}-x`;
  await ch.assertQueue(ready, { durable: false });
  await ch.assertQueue(busy, { durable: false });
  await ch.assertExchange(exchange, 'topic', { durable: false });
  await ch.bindQueue(ready, exchange, 'ready.#');
  for (let i = 0; i < 3; i++) ch.publish(exchange, 'ready.x', Buffer.from(`r${i}`));
  for (let i = 0; i < 4; i++) ch.sendToQueue(busy, Buffer.from(`b${i}`));
  await ch.waitForConfirms();

  const consumer = await conn.createChannel();
  await consumer.prefetch(2);
  let delivered = 0;
  await consumer.consume(
    busy,
    () => {
      delivered++;
    },
    { noAck: false },
  );
  await waitFor(() => delivered === 2, 'two deliveries to the prefetch-2 consumer');
  // One basic.get that comes back empty (a queue of its own, so the counts above stay put).
  const getter = await conn.createChannel();
  const empty = `${prefix}-empty`;
  await getter.assertQueue(empty, { durable: false });
  await getter.get(empty, { noAck: false });

  return {
    ready,
    readyCount: 3,
    busy,
    exchange,
    async cleanup() {
      const c = await conn.createChannel();
      for (const q of [ready, busy, empty]) await c.deleteQueue(q);
      await c.deleteExchange(exchange);
      await conn.close();
    },
  };
}

/** A raw HTTP answer (no automatic decompression, unlike fetch). */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** GET (or another method) with node:http, exactly the headers given. */
export function rawRequest(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The body of a GET as text (identity encoding). */
export async function scrapeText(url: string): Promise<string> {
  const r = await rawRequest(url);
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.body.toString()}`);
  return r.body.toString('utf8');
}

/** Every `family=` value of /metrics/detailed (RabbitMQ's table names), as a query string. */
export const ALL_DETAILED_FAMILIES = [
  'connection_churn_metrics',
  'node_coarse_metrics',
  'node_metrics',
  'node_persister_metrics',
  'ra_metrics',
  'auth_attempt_metrics',
  'auth_attempt_detailed_metrics',
  'queue_coarse_metrics',
  'queue_consumer_count',
  'queue_metrics',
  'channel_metrics',
  'channel_exchange_metrics',
  'channel_process_metrics',
  'channel_queue_metrics',
  'connection_coarse_metrics',
  'connection_metrics',
  'channel_queue_exchange_metrics',
  'vhost_status',
  'exchange_bindings',
  'exchange_names',
]
  .map((f) => `family=${f}`)
  .join('&');
