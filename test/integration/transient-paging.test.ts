// Issue 5, Memory: "pages message bodies to disk (for transient messages too, once memory use passes a threshold)".
// A non-durable queue's backlog is paged like a durable queue's once memory use passes the paging threshold (0 here:
// always), and what it wrote is gone after a restart (the queue is not a definition). Warren runs in-process with an
// 8-message head window, so the test can look at the queue's paged count and, between restarts, at LevelDB.
// With WARREN_TEST_URL (RabbitMQ 3.10.8) the AMQP-visible part runs there: a transient backlog drains in order.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Channel } from 'amqplib';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startServices, type BrokerServices } from '../../src/index.js';
import { BODY, INDEX, tagRange } from '../../src/store/keys.js';
import { AmqpTracker } from '../helpers/amqp-tracker.js';
import { waitFor } from '../helpers/wait.js';
import { testConfig } from '../helpers/test-config.js';

const external = process.env.WARREN_TEST_URL;
const N = 300;

let dataDir = '';
let broker: BrokerServices | null = null;
let url = '';
const t = new AmqpTracker(() => url);

async function start(): Promise<void> {
  const config = testConfig({
    dataDir,
    pagingThreshold: 0,
    pagingHeadMessages: 8,
  });
  broker = await startServices(config, createLogger('silent'), 'leveldb');
  url = `amqp://guest:guest@127.0.0.1:${broker.amqp.port}`;
}

/** Index and body records in the stopped broker's LevelDB. */
async function records(): Promise<[number, number]> {
  const db = new Level<Buffer, Buffer>(path.join(dataDir, 'leveldb'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  let index = 0;
  let bodies = 0;
  for await (const _ of db.keys(tagRange(INDEX))) index++;
  for await (const _ of db.keys(tagRange(BODY))) bodies++;
  await db.close();
  return [index, bodies];
}

async function stop(): Promise<void> {
  for (const c of t.connections.splice(0)) await c.close().catch(() => {});
  await broker!.close();
  broker = null;
}

beforeAll(async () => {
  if (external) {
    url = external;
    return;
  }
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-transient-paging-'));
  await start();
});

afterAll(async () => {
  await t.cleanup();
  await broker?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});


async function get(ch: Channel, q: string): Promise<string | false> {
  const m = await ch.get(q, { noAck: true });
  return m === false ? false : m.content.toString();
}

describe('a non-durable queue under memory pressure', () => {
  it('pages its backlog to disk, drains it in order, and leaves nothing on disk after a restart', async () => {
    const conn = await t.connect();
    const ch = await conn.createConfirmChannel();
    const q = await t.queue(ch, 'transient-paging');
    // Transient and persistent messages alike: a non-durable queue never keeps them across a restart.
    for (let i = 0; i < N; i++) ch.sendToQueue(q, Buffer.from(`m${i}`), { persistent: i % 3 === 0 });
    await ch.waitForConfirms();
    expect((await ch.checkQueue(q)).messageCount).toBe(N);
    if (!external) {
      const queue = broker!.broker.getVhost('/')!.queues.get(q)!;
      // Everything beyond the 8-message head window is paged out once its records are synced.
      await waitFor(() => queue.messagesPaged === N - 8, `${N - 8} messages paged`);
    }
    const got: (string | false)[] = [];
    for (let i = 0; i < N / 2; i++) got.push(await get(ch, q));
    expect(got).toEqual(Array.from({ length: N / 2 }, (_, i) => `m${i}`));
    if (external) {
      for (let i = N / 2; i < N; i++) got.push(await get(ch, q));
      expect(got).toEqual(Array.from({ length: N }, (_, i) => `m${i}`));
      expect(await get(ch, q)).toBe(false);
      return;
    }

    // Half of the backlog is on disk at a clean stop; the next start deletes it (the queue is not a definition).
    await stop();
    const [index, bodies] = await records();
    expect(index).toBeGreaterThan(0);
    expect(bodies).toBe(index);
    await start();
    const ch2 = await (await t.connect()).createChannel();
    await expect(ch2.checkQueue(q)).rejects.toThrow(/NOT_FOUND/);
    await stop();
    expect(await records()).toEqual([0, 0]);
    await start();
  });
});
