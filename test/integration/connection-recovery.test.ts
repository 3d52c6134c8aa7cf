// Clients surviving a broker restart: the broker's shutdown closes connections with 320 CONNECTION_FORCED, the
// clients reconnect once it is back on the same port and data dir, and carry on publishing and consuming.
//
// In-process only: the test must stop and restart the broker, which it can do only for a Warren it started itself
// (startBroker with an explicit port and dataDir). Against an external broker (WARREN_TEST_URL, e.g. the shared
// RabbitMQ used to check the other integration tests) the whole file is skipped, for that reason.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import amqp, { type ChannelModel, type ConsumeMessage } from 'amqplib';
import { startBroker, type BrokerHandle } from '../../src/index.js';

const external = Boolean(process.env.WARREN_TEST_URL);
const PYTHON = '/usr/bin/python3'; // Debian's interpreter, which has pika (the pyenv `python3` on PATH does not)

type AmqpError = Error & { code?: number };

function uniq(prefix: string): string {
  return `warren-test.${prefix}.${randomBytes(5).toString('hex')}`;
}

/** Resolves with the first emission of `event`. */
function once<T>(emitter: { once(event: string, fn: (arg: T) => void): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, resolve));
}

class Inbox {
  readonly received: ConsumeMessage[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  push = (m: ConsumeMessage | null): void => {
    if (!m) return;
    this.received.push(m);
    const due = this.waiters.filter((w) => this.received.length >= w.n);
    this.waiters = this.waiters.filter((w) => this.received.length < w.n);
    for (const w of due) w.resolve();
  };
  /** Resolves when n messages in total have arrived. */
  count(n: number): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
  bodies(): string[] {
    return this.received.map((m) => m.content.toString());
  }
}

describe.skipIf(external)('connection recovery across a broker restart (in-process Warren)', () => {
  let dataDir: string;
  let port: number;
  let broker: BrokerHandle | undefined;
  let url: string;
  const connections: ChannelModel[] = [];

  async function start(): Promise<void> {
    broker = await startBroker({ port, dataDir, logLevel: 'silent' });
    url = broker.url;
  }

  async function stop(): Promise<void> {
    const b = broker;
    broker = undefined;
    await b?.close();
  }

  async function connect(): Promise<ChannelModel> {
    const c = await amqp.connect(url);
    c.on('error', () => {});
    connections.push(c);
    return c;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-recovery-'));
    // First start on a free port; every restart reuses that port and the data dir.
    broker = await startBroker({ port: 0, dataDir, logLevel: 'silent' });
    port = broker.port;
    url = broker.url;
    expect(port).toBeGreaterThan(0);
  });

  // A test that failed while the broker was down must not take the next ones with it.
  beforeEach(async () => {
    if (!broker) await start();
  });

  afterAll(async () => {
    for (const c of connections) await c.close().catch(() => {});
    await stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('the broker shutting down closes the connection with 320 CONNECTION_FORCED; after the restart a new connection carries on', async () => {
    const conn = await connect();
    const errors: Error[] = [];
    conn.on('error', (e: Error) => errors.push(e));
    const closed = once<AmqpError | undefined>(conn, 'close');
    const ch = await conn.createChannel();
    const channelClosed = once<undefined>(ch, 'close');

    await stop();
    const err = await closed;
    expect(err?.code).toBe(320);
    expect(err?.message).toMatch(/CONNECTION_FORCED - /);
    // amqplib treats 320 as a normal (non-fatal) close: 'close' with the reason, no 'error'.
    expect(errors).toEqual([]);
    await channelClosed;
    // While the broker is down nobody can connect.
    await expect(amqp.connect(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await start();
    const conn2 = await connect();
    const ch2 = await conn2.createConfirmChannel();
    const q = uniq('recovery-after');
    await ch2.assertQueue(q, { durable: false });
    const inbox = new Inbox();
    await ch2.consume(q, inbox.push, { noAck: true });
    ch2.sendToQueue(q, Buffer.from('after'));
    await ch2.waitForConfirms();
    await inbox.count(1);
    expect(inbox.bodies()).toEqual(['after']);
    await ch2.deleteQueue(q);
    await conn2.close();
  });

  it("amqplib's recovering connection reconnects by itself and its setup re-creates the consumer", async () => {
    const q = uniq('recovery-auto');
    const inbox = new Inbox();
    const model = await amqp.connect(url, {
      recovery: {
        initialDelay: 20,
        maxDelay: 200,
        jitter: 0,
        maxRetries: 200,
        // Runs after every (re)connection: the topology of a non-durable queue must be declared again.
        setup: async (m: ChannelModel) => {
          const ch = await m.createChannel();
          await ch.assertQueue(q, { durable: false });
          await ch.consume(q, inbox.push, { noAck: true });
        },
      },
    });
    const errors: Error[] = [];
    model.on('error', (e: Error) => errors.push(e));
    const disconnects: AmqpError[] = [];
    model.on('disconnect', (e: AmqpError) => disconnects.push(e));
    const reconnectsScheduled: number[] = [];
    model.on('reconnect-scheduled', (info: { attempt: number }) => reconnectsScheduled.push(info.attempt));
    try {
      const pub = await model.createConfirmChannel();
      pub.sendToQueue(q, Buffer.from('before'));
      await pub.waitForConfirms();
      await inbox.count(1);

      const disconnected = once<AmqpError>(model, 'disconnect');
      const reconnected = once<ChannelModel>(model, 'connect');
      await stop();
      const err = await disconnected;
      expect(err.code).toBe(320);
      expect(err.message).toMatch(/CONNECTION_FORCED - /);
      await start();
      await reconnected;
      expect(disconnects).toHaveLength(1);
      expect(errors).toEqual([]);
      expect(reconnectsScheduled.length).toBeGreaterThanOrEqual(1);

      // Channels belong to a connection: publish on a new one.
      const pub2 = await model.createConfirmChannel();
      pub2.sendToQueue(q, Buffer.from('after'));
      await pub2.waitForConfirms();
      await inbox.count(2);
      expect(inbox.bodies()).toEqual(['before', 'after']);
      await pub2.deleteQueue(q);
    } finally {
      await model.close();
    }
  });

  it("pika's reconnect loop (BlockingConnection) reconnects after the restart and keeps publishing and consuming", async () => {
    const script = fileURLToPath(new URL('../interop/pika/reconnect.py', import.meta.url));
    const child = spawn(PYTHON, ['-B', script, url, '25'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/^READY$/m.test(stderr)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`reconnect.py exited (${String(code)}) before READY:\n${stderr}`)));
      child.once('error', reject);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await ready;
      await stop();
      await start();
      const code = await exited;
      expect(code, `reconnect.py failed:\n${stderr}`).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const r = JSON.parse(stdout.trim());
    expect(r.closed_by_broker).toHaveLength(1);
    expect(r.closed_by_broker[0].reply_code).toBe(320);
    expect(r.closed_by_broker[0].reply_text).toMatch(/^CONNECTION_FORCED - /);
    expect(r.connections).toBe(2);
    // "before" was acked (and the ack round-tripped) before the restart: it is not seen again.
    expect(r.received).toEqual([
      { body: 'before', redelivered: false },
      { body: 'after', redelivered: false },
    ]);
  });
});
