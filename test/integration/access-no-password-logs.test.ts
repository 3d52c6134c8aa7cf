// Passwords never reach a log: user changes over HTTP, failed logins (HTTP and AMQP) and the
// hash_password endpoint, with the broker logging at trace into a buffer.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import amqp from 'amqplib';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { startServices } from '../../src/index.js';
import { basic } from '../helpers/management.js';
import { call } from '../http/access-api.js';
import { testConfig } from '../helpers/test-config.js';

it('no password appears in the log', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-nopw-'));
  let log = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      log += chunk.toString('utf8');
      done();
    },
  });
  const config: Config = testConfig({ logLevel: 'trace', dataDir });
  const s = await startServices(config, pino({ level: 'trace' }, sink));
  try {
    const base = `http://127.0.0.1:${s.management.port}`;
    const secret = 'Pw-9f3c2a7e';
    expect((await call(base, 'PUT', '/api/users/nopw', { password: secret, tags: 'administrator' })).status).toBe(201);
    await call(base, 'PUT', '/api/permissions/%2F/nopw', { configure: '.*', write: '.*', read: '.*' });
    expect((await call(base, 'GET', '/api/whoami', undefined, basic('nopw', secret + 'x'))).status).toBe(401);
    expect((await call(base, 'PUT', '/api/users/nopw2', { password: secret })).status).toBe(400);
    await call(base, 'GET', `/api/auth/hash_password/${secret}`);
    await expect(amqp.connect(`amqp://nopw:${secret}x@127.0.0.1:${s.amqp.port}`)).rejects.toThrow();
    const conn = await amqp.connect(`amqp://nopw:${secret}@127.0.0.1:${s.amqp.port}`);
    await conn.close();
  } finally {
    await s.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  expect(log.length).toBeGreaterThan(0);
  expect(log).not.toContain('Pw-9f3c2a7e');
});
