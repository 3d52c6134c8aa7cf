// Paging seen through AMQP: a durable queue's backlog beyond the head window keeps only index entries in RAM.
// Warren runs as a child process with an 8-message head window. basic.get at the head/tail boundary must not
// answer get-empty while paged messages wait (and the channel's replies keep their order); a consumer drains
// across the boundary in order; a restart recovers the paged backlog with its redelivered flags. Against
// RabbitMQ (WARREN_TEST_URL) the AMQP-visible parts run on its server; the restart parts need a Warren child.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded, killWarren, startWarrenOn, type WarrenProcess } from '../helpers/warren-process.js';
import { fixedWait } from '../helpers/wait.js';

const EXTERNAL = process.env.WARREN_TEST_URL;
const HEAD = ['--paging-head-messages', '8'];
const running: WarrenProcess[] = [];
const dirs: string[] = [];
let dataDir = '';
let url = '';
let w: WarrenProcess | undefined;

async function startWarren(): Promise<void> {
  const s = await startWarrenOn(dataDir, HEAD);
  w = s.w;
  running.push(s.w);
  url = `amqp://guest:guest@127.0.0.1:${s.port}`;
}

async function restartWarren(): Promise<void> {
  const old = w as WarrenProcess;
  old.child.kill('SIGTERM');
  expect(await old.exited).toBe(0);
  await startWarren();
}

beforeAll(async () => {
  if (EXTERNAL !== undefined) {
    url = EXTERNAL;
    return;
  }
  buildIfNeeded();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-paging-it-'));
  dirs.push(dataDir);
  await startWarren();
}, 180_000);

afterAll(async () => {
  for (const p of running) await killWarren(p);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const uniq = (s: string): string => `paging.${s}.${process.pid}.${Date.now()}`;

async function fill(conn: ChannelModel, q: string, n: number, from = 0): Promise<void> {
  const c = await conn.createConfirmChannel();
  for (let i = from; i < from + n; i++) c.sendToQueue(q, Buffer.from(`m${i}`), { persistent: true });
  await c.waitForConfirms();
  await c.close();
}

/**
 * Lets the broker page the backlog out (its records are synced one commit after the confirms).
 * A fixed wait, not a poll: paging is not visible over AMQP, and the assertions hold whether or
 * not it has happened; the wait only makes the paged path the one the test exercises.
 */
const pause = (ms = 100): Promise<void> => fixedWait(ms);

describe('paging through AMQP', () => {
  it('basic.get walks a paged backlog in order without a false get-empty; replies keep their order', async () => {
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    const q = uniq('get');
    await ch.assertQueue(q, { durable: true });
    await fill(conn, q, 100);
    await pause();
    // Pipelined: every get is sent before the first answer arrives; amqplib matches replies in order.
    const gets = Array.from({ length: 101 }, () => ch.get(q, { noAck: true }));
    const check = ch.checkQueue(q);
    const got = await Promise.all(gets);
    expect(got.slice(0, 100).map((m) => (m === false ? 'empty' : m.content.toString()))).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(got[100]).toBe(false);
    expect((await check).messageCount).toBe(0);
    await ch.deleteQueue(q);
    await conn.close();
  });

  it('a consumer with prefetch drains a paged backlog in order, acking', async () => {
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    const q = uniq('consume');
    await ch.assertQueue(q, { durable: true });
    await fill(conn, q, 500);
    await pause();
    await ch.prefetch(50);
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void ch.consume(q, (m) => {
        if (m === null) return;
        seen.push(m.content.toString());
        ch.ack(m);
        if (seen.length === 500) resolve();
      });
    });
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    await ch.deleteQueue(q);
    await conn.close();
  });

  it('purge counts and removes the paged messages too', async () => {
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    const q = uniq('purge');
    await ch.assertQueue(q, { durable: true });
    await fill(conn, q, 60);
    await pause();
    expect((await ch.purgeQueue(q)).messageCount).toBe(60);
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
    expect(await ch.get(q)).toBe(false);
    await ch.deleteQueue(q);
    await conn.close();
  });

  it.skipIf(EXTERNAL !== undefined)('a restart recovers a paged backlog: order, count, redelivered flags', async () => {
    let conn = await amqp.connect(url);
    let ch = await conn.createChannel();
    const q = uniq('restart');
    await ch.assertQueue(q, { durable: true });
    await fill(conn, q, 200);
    await pause();
    // Two delivered and left unacked at the restart: they come back first, redelivered.
    const a = await ch.get(q, { noAck: false });
    const b = await ch.get(q, { noAck: false });
    expect([a && a.content.toString(), b && b.content.toString()]).toEqual(['m0', 'm1']);
    await pause();
    await conn.close();
    await restartWarren();
    conn = await amqp.connect(url);
    ch = await conn.createChannel();
    expect((await ch.checkQueue(q)).messageCount).toBe(200);
    const got: Array<[string, boolean]> = [];
    for (;;) {
      const m = await ch.get(q, { noAck: true });
      if (m === false) break;
      got.push([m.content.toString(), m.fields.redelivered]);
    }
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => [`m${i}`, i < 2]));
    await ch.deleteQueue(q);
    await conn.close();
  }, 60_000);
});
