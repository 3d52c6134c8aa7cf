// The graceful shutdown of the `warren` process (issue 13, "Running it"): on SIGTERM the listeners
// close first, every client gets 320 CONNECTION_FORCED with RabbitMQ's text, the broker waits
// briefly for close-ok, the store finishes its writes, and the process exits 0 within
// shutdown_timeout; past it, a warning and exit 1. Every confirmed message, and every persistent
// message the broker had accepted before it closed the connection, is there after a restart.
//
// RabbitMQ's text is "broker forced connection closure with reason 'shutdown'" (rabbit_reader's
// handle_other({'EXIT', Parent, Reason}) when the listener's supervisor stops the connection at
// stop_app): read in rabbit_reader.erl at v3.10.8, as stop_app may not be run on the shared reference.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait.js';
import { buildIfNeeded, killWarren, startWarrenOn, type WarrenProcess } from '../helpers/warren-process.js';

const SHUTDOWN_TEXT = "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'";
const running: WarrenProcess[] = [];
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'warren-shutdown-'));
  dirs.push(d);
  return d;
}

async function start(dataDir: string, extra: string[] = []): Promise<{ w: WarrenProcess; port: number; url: string }> {
  const r = await startWarrenOn(dataDir, extra);
  running.push(r.w);
  return { ...r, url: `amqp://guest:guest@127.0.0.1:${r.port}` };
}

type CloseError = (Error & { code?: number }) | undefined;

/** The connection's close event's error (amqplib passes the server's connection.close as an error). */
function closeOf(conn: ChannelModel): Promise<CloseError> {
  conn.on('error', () => undefined); // 320 arrives as 'error' then 'close'; the test reads it from 'close'
  return (once(conn, 'close') as Promise<[CloseError]>).then(([err]) => err);
}

/** Every message body in the queue, read with basic.get (no consumer: nothing is redelivered twice). */
async function drain(url: string, queue: string): Promise<string[]> {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  const bodies: string[] = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (m === false) break;
    bodies.push(m.content.toString());
  }
  await conn.close();
  return bodies;
}

beforeAll(buildIfNeeded, 180_000);

afterEach(async () => {
  for (const w of running.splice(0)) await killWarren(w);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('graceful shutdown (SIGTERM)', () => {
  it('mid-stream: confirm publishers get 320, exit 0; after a restart every confirmed and every accepted message is there', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    const queue = 'ops-shutdown-drain';
    const setup = await amqp.connect(first.url);
    await (await setup.createChannel()).assertQueue(queue, { durable: true });
    await setup.close();

    const published = new Set<string>();
    const confirmed = new Set<string>();
    const accepted = new Set<string>();
    let stopped = false;
    const closes: Promise<CloseError>[] = [];

    // Three publishers with confirms, a window of 200 unconfirmed messages each.
    const confirmPublisher = async (p: number): Promise<void> => {
      const conn = await amqp.connect(first.url);
      closes.push(closeOf(conn));
      const ch: ConfirmChannel = await conn.createConfirmChannel();
      ch.on('error', () => undefined);
      let closed = false;
      conn.on('close', () => (closed = true));
      for (let batch = 0; !stopped && !closed; batch++) {
        const pending: Promise<void>[] = [];
        for (let i = 0; i < 200 && !closed; i++) {
          const id = `c${p}-${batch}-${i}`;
          published.add(id);
          pending.push(
            new Promise((resolve) => {
              ch.publish('', queue, Buffer.from(id), { persistent: true }, (err) => {
                if (err === null || err === undefined) confirmed.add(id);
                resolve();
              });
            }),
          );
        }
        await Promise.all(pending);
      }
    };
    // One publisher without confirms: a batch of 300, then a synchronous method on the same channel.
    // The broker handles frames in order, so its reply means the batch was routed (accepted); the
    // disk write of those messages may still be in flight when the signal comes.
    const plainPublisher = async (): Promise<void> => {
      const conn = await amqp.connect(first.url);
      closes.push(closeOf(conn));
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      let closed = false;
      conn.on('close', () => (closed = true));
      for (let batch = 0; !stopped && !closed; batch++) {
        const ids: string[] = [];
        for (let i = 0; i < 300 && !closed; i++) {
          const id = `p-${batch}-${i}`;
          ids.push(id);
          published.add(id);
          ch.publish('', queue, Buffer.from(id), { persistent: true });
        }
        try {
          await ch.checkQueue(queue);
        } catch {
          return; // the connection was closed before the reply: this batch was not necessarily accepted
        }
        for (const id of ids) accepted.add(id);
      }
    };
    const publishers = [confirmPublisher(1), confirmPublisher(2), confirmPublisher(3), plainPublisher()];
    const failed = Promise.all(publishers).then(() => undefined);

    await waitFor(() => confirmed.size >= 3000 && accepted.size >= 900, 'publishers to get going', { timeoutMs: 20_000 });
    first.w.child.kill('SIGTERM');
    const errors = await Promise.all(closes);
    stopped = true;
    for (const err of errors) {
      expect(err?.code).toBe(320);
      expect(err?.message).toContain(SHUTDOWN_TEXT);
    }
    expect(await first.w.exited).toBe(0);
    await failed;
    expect(first.w.records.some((r) => r.msg === 'stopped')).toBe(true);
    // Unconfirmed publishes were in flight at the signal: the test saw a stream, not a quiet broker.
    expect(published.size).toBeGreaterThan(confirmed.size + accepted.size);

    const second = await start(dataDir);
    const bodies = await drain(second.url, queue);
    const recovered = new Set(bodies);
    expect(recovered.size, 'no message twice').toBe(bodies.length);
    expect([...confirmed].filter((id) => !recovered.has(id)), 'confirmed messages lost').toEqual([]);
    expect([...accepted].filter((id) => !recovered.has(id)), 'accepted messages lost').toEqual([]);
    expect(bodies.filter((b) => !published.has(b)), 'messages nobody published').toEqual([]);
    second.w.child.kill('SIGTERM');
    expect(await second.w.exited).toBe(0);
  }, 60_000);

  it('closes the listeners first, waits briefly for close-ok from a client that never answers, then exits 0', async () => {
    const { w, port } = await start(await tempDir());
    const raw = await RawClient.open({ host: '127.0.0.1', port });
    const t0 = Date.now();
    w.child.kill('SIGTERM');
    const close = await raw.expectMethod(0, 'connection.close', 5000);
    expect(close.args).toMatchObject({ replyCode: 320, replyText: SHUTDOWN_TEXT, classId: 0, methodId: 0 });
    // The client has not answered: the process is still waiting for it, and accepts no one new.
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(w.child.exitCode).toBeNull();
    // The broker drops the socket after its close-ok wait (1 s), then exits 0.
    await raw.waitForSocketClose(5000);
    expect(await w.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('past shutdown_timeout the process logs a warning and exits 1', async () => {
    const { w, port } = await start(await tempDir(), ['--shutdown-timeout', '200']);
    // A client that never answers close-ok holds the shutdown for the broker's 1 s close-ok wait: longer than 200 ms.
    const raw = await RawClient.open({ host: '127.0.0.1', port });
    w.child.kill('SIGTERM');
    await raw.expectMethod(0, 'connection.close', 5000);
    expect(await w.exited).toBe(1);
    const warning = w.records.find((r) => r.msg === 'shutdown_timeout passed before the shutdown finished; exiting anyway');
    expect(warning).toMatchObject({ level: 40, shutdownTimeout: 200 });
    raw.destroy();
  });

  it('a signal during the start shuts down once started, exit 0', async () => {
    const dataDir = await tempDir();
    // startWarrenOn waits for the AMQP listener; here the signal goes at the first log line instead.
    const { spawnWarren } = await import('../helpers/warren-process.js');
    const w = spawnWarren(['--port', '0', '--management-port', '0', '--prometheus-port', '0', '--prometheus-host', '127.0.0.1', '--host', '127.0.0.1', '--management-host', '127.0.0.1', '--data-dir', dataDir]);
    running.push(w);
    await w.waitForLog('starting Warren');
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.records.some((r) => r.msg === 'stopped')).toBe(true);
  });
});

describe('file descriptor limit', () => {
  it('is logged at start and shown as /api/nodes fd_total: Node raises the soft limit to the hard one', async () => {
    const dataDir = await tempDir();
    const { spawn } = await import('node:child_process');
    const { MAIN, ROOT, cleanEnv } = await import('../helpers/warren-process.js');
    // A shell lowers the soft limit to 1024 below a hard limit of 4096, as a login session or a container may.
    const child = spawn(
      '/bin/sh',
      ['-c', 'ulimit -Sn 1024 && ulimit -Hn 4096 && exec "$0" "$@"', process.execPath, MAIN, '--port', '0', '--management-port', '0', '--prometheus-port', '0', '--prometheus-host', '127.0.0.1', '--host', '127.0.0.1', '--management-host', '127.0.0.1', '--data-dir', dataDir],
      { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const records: Record<string, unknown>[] = [];
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const l of lines) records.push(JSON.parse(l) as Record<string, unknown>);
    });
    const exited = once(child, 'exit');
    try {
      await waitFor(() => records.some((r) => r.msg === 'management listener started'), 'the management listener', { timeoutMs: 20_000 });
      const limitLine = records.find((r) => typeof r.msg === 'string' && r.msg.startsWith('file descriptor limit'));
      // 4096 is below the recommended 65536: a warning naming both limits.
      expect(limitLine).toMatchObject({ level: 40, soft: 4096, hard: 4096, recommended: 65536 });
      const address = String(records.find((r) => r.msg === 'management listener started')?.address);
      const base = `http://127.0.0.1:${address.slice(address.lastIndexOf(':') + 1)}`;
      const nodes = (await (await fetch(`${base}/api/nodes`, { headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } })).json()) as Array<Record<string, unknown>>;
      expect(nodes[0].fd_total).toBe(4096);
      expect(nodes[0].sockets_total).toBe(4096);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
