/**
 * Connection limits and churn.
 * - connection_max: RabbitMQ 3.10.8 has the key (rabbit.connection_max, default infinity) but hands it to Ranch,
 *   which stops accepting past it, so clients hang in the listen backlog; RabbitMQ 3.12+ (rabbit_reader
 *   is_over_node_connection_limit) refuses connection.open with 530 "connection refused: node connection limit
 *   (N) is reached", checked before the vhost's and the user's max-connections. Warren does the latter.
 * - Connections opened and dropped in a tight loop, half of them mid-handshake, leave nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { RawClient, assertBrokerAlive } from '../helpers/raw-client.js';
import { pollUntil } from '../helpers/wait.js';
import { startLimitsBroker, type LimitsBroker } from './limits-warren.js';

describe('connection_max', () => {
  let broker: LimitsBroker;
  beforeAll(async () => {
    broker = await startLimitsBroker({ connectionMax: 2 });
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('connection.open past the limit gets 530 NOT_ALLOWED (connection.open); a slot freed is usable again', async () => {
    const a = await RawClient.open(broker);
    const b = await RawClient.open(broker);
    const c = await RawClient.connect(broker);
    try {
      await expect(c.handshake()).rejects.toThrow(/connection\.close/);
      const close = c.log.find((f) => f.method?.name === 'connection.close')!.method!;
      expect(close.args).toEqual({ replyCode: 530, replyText: 'NOT_ALLOWED - connection refused: node connection limit (2) is reached', classId: 10, methodId: 40 });
      c.sendMethod(0, 'connection.close-ok');
      await c.waitForSocketClose();
      await a.close();
      await pollUntil(() => broker.services.server.tracker.size, (n) => n === 1);
      await assertBrokerAlive(broker);
    } finally {
      for (const x of [a, b, c]) x.destroy();
    }
  });

  it('the vhost and user max-connections still apply below it', async () => {
    const { broker: domain, users } = broker.services;
    domain.addVhost('limits-v');
    users.setPermissions('guest', 'limits-v', { configure: '.*', write: '.*', read: '.*' });
    domain.getVhost('limits-v')!.limits = { 'max-connections': 0 };
    const c = await RawClient.connect(broker);
    try {
      await expect(c.handshake({ vhost: 'limits-v' })).rejects.toThrow(/connection\.close/);
      const close = c.log.find((f) => f.method?.name === 'connection.close')!.method!;
      expect(close.args.replyText).toBe("NOT_ALLOWED - access to vhost 'limits-v' refused for user 'guest': connection limit (0) is reached");
    } finally {
      c.destroy();
    }
  });
});

describe('connection churn', () => {
  let broker: LimitsBroker;
  beforeAll(async () => {
    broker = await startLimitsBroker({ handshakeTimeout: 2000 });
  });
  afterAll(async () => {
    await broker?.close();
  });

  /** Opens a socket, sends the first `bytes` of a handshake (or all of it and a close), then drops it. */
  function churnOne(port: number, stage: number): Promise<void> {
    return new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      s.on('close', () => resolve());
      s.on('connect', () => {
        if (stage === 0) s.destroy(); // nothing sent
        else if (stage === 1) s.end('AMQP'); // part of the header, then FIN
        else if (stage === 2) {
          s.write('AMQP\x00\x00\x09\x01', 'latin1');
          s.once('data', () => s.destroy()); // connection.start, then RST-ish drop
        } else s.destroy();
      });
    });
  }

  it('1,000 connections opened and dropped (half mid-handshake): no connection, timer or handle left; others fine', async () => {
    const port = broker.port;
    const baseline = process.getActiveResourcesInfo().length;
    const handlesBefore = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    const other = await RawClient.open(broker);
    await other.openChannel(1);
    const BATCH = 50;
    for (let i = 0; i < 1000; i += BATCH) {
      const batch: Array<Promise<void>> = [];
      for (let j = i; j < i + BATCH; j++) {
        if (j % 2 === 0) batch.push(churnOne(port, (j / 2) % 3));
        else {
          batch.push(
            (async () => {
              const c = await RawClient.open(broker);
              if (j % 4 === 1) await c.close();
              else c.destroy();
            })(),
          );
        }
      }
      await Promise.all(batch);
    }
    // The other client was served all along.
    await other.call(1, 'exchange.declare', { exchange: 'amq.direct', type: 'direct', passive: true });
    expect(await pollUntil(() => broker.services.server.connectionCount, (n) => n === 1, { timeoutMs: 10_000 })).toBe(1);
    expect(broker.services.server.tracker.size).toBe(1);
    await other.close();
    expect(await pollUntil(() => broker.services.server.connectionCount, (n) => n === 0)).toBe(0);
    // Handshake timers and sockets are gone: back near the baseline (a few may be the runner's own).
    const handles = await pollUntil(
      () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length,
      (n) => n <= handlesBefore + 2,
    );
    expect(handles).toBeLessThanOrEqual(handlesBefore + 2);
    const resources = await pollUntil(() => process.getActiveResourcesInfo().length, (n) => n <= baseline + 5);
    expect(resources).toBeLessThanOrEqual(baseline + 5);
  }, 60_000);
});
