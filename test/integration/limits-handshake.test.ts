/**
 * handshake_timeout: a client that opens TCP and then stalls anywhere before connection.open is closed once
 * the timeout passes (RabbitMQ 3.10.8, observed with its 10 s default: the socket is reset, nothing is sent, at
 * every stage: nothing sent, part of the header, the header, start-ok, tune-ok). Here with 300 ms; stalled
 * clients never hold up others, and an opened connection is not touched by the timer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/raw-client.js';
import { pollUntil } from '../helpers/wait.js';
import { startLimitsBroker, type LimitsBroker } from './limits-warren.js';

const TIMEOUT = 300;
let broker: LimitsBroker;

beforeAll(async () => {
  broker = await startLimitsBroker({ handshakeTimeout: TIMEOUT });
});

afterAll(async () => {
  await broker?.close();
});

const STAGES: Array<[string, (c: RawClient) => Promise<void>]> = [
  ['nothing', async () => {}],
  ['part of the protocol header', async (c) => c.sendRaw('AMQ')],
  ['the protocol header', async (c) => {
    c.sendProtocolHeader();
    await c.expectMethod(0, 'connection.start');
  }],
  ['start-ok', async (c) => {
    c.sendProtocolHeader();
    await c.expectMethod(0, 'connection.start');
    c.sendStartOk({});
    await c.expectMethod(0, 'connection.tune');
  }],
  ['tune-ok', async (c) => {
    c.sendProtocolHeader();
    await c.expectMethod(0, 'connection.start');
    c.sendStartOk({});
    await c.expectMethod(0, 'connection.tune');
    c.sendTuneOk(2047, 131072, 0);
  }],
];

describe('handshake_timeout', () => {
  it.concurrent.for(STAGES)('a client that stalls after %s is closed after the timeout, with nothing more sent', async ([, stall], { expect }) => {
    const c = await RawClient.connect(broker);
    try {
      const t0 = Date.now();
      await stall(c);
      const seen = c.log.length;
      const closedAt = await c.waitForSocketClose(5000);
      expect(closedAt - t0).toBeGreaterThanOrEqual(TIMEOUT - 20);
      expect(closedAt - t0).toBeLessThan(TIMEOUT + 3000);
      expect(c.log.length).toBe(seen);
    } finally {
      c.destroy();
    }
  });

  it('stalled clients do not hold up others: 50 stalled sockets, a full handshake meanwhile, then all of them gone', async () => {
    const stalled = await Promise.all(Array.from({ length: 50 }, () => RawClient.connect(broker)));
    try {
      for (const [i, c] of stalled.entries()) if (i % 2 === 0) c.sendProtocolHeader();
      const t0 = Date.now();
      const ok = await RawClient.open(broker);
      expect(Date.now() - t0).toBeLessThan(TIMEOUT);
      await ok.openChannel(1);
      await Promise.all(stalled.map((c) => c.waitForSocketClose(5000)));
      // The opened connection outlives the handshake timer.
      await ok.call(1, 'exchange.declare', { exchange: 'amq.direct', type: 'direct', passive: true });
      expect(ok.closed).toBe(false);
      await ok.close();
      expect(await pollUntil(() => broker.services.server.connectionCount, (n) => n === 0)).toBe(0);
    } finally {
      for (const c of stalled) c.destroy();
    }
  });
});
