import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/raw-client.js';
import { serverError, startAccessTarget, type AccessTarget, type ServerError } from './access-target.js';

// Connection-level access rules of docs/access-control-reference.md ("Connection level"): the vhost
// checks and the limits at connection.open, the user's channel limit, and the 320 closes of a
// deleted user's and a deleted vhost's connections. Runs against Warren in-process; with
// WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682 against RabbitMQ 3.10.8 (access-target.ts).

let t: AccessTarget;

beforeAll(async () => {
  t = await startAccessTarget();
});

afterAll(async () => {
  for (const v of ['conn-ac', 'limv', 'zerov', 'gone2']) await t?.deleteVhost(v).catch(() => undefined);
  await t?.close();
});

/** The connection.close that refuses connection.open (amqplib hides its text: the raw client reads it). */
async function connectRefused(url: string): Promise<ServerError & { classId: number; methodId: number }> {
  const u = new URL(url);
  const c = await RawClient.connect(t.endpoint);
  try {
    const vhost = decodeURIComponent(u.pathname.slice(1));
    await expect(c.handshake({ user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), vhost })).rejects.toThrow(
      /connection\.close/,
    );
    const close = c.log.find((f) => f.method?.name === 'connection.close')?.method?.args as {
      replyCode: number;
      replyText: string;
      classId: number;
      methodId: number;
    };
    c.sendMethod(0, 'connection.close-ok');
    return { code: close.replyCode, text: close.replyText, classId: close.classId, methodId: close.methodId };
  } finally {
    c.destroy();
  }
}

/** connection.open's class and method, which RabbitMQ names in these refusals. */
const OPEN = { classId: 10, methodId: 40 };

/** Resolves with the connection's close error (amqplib: 'error' for most codes, only 'close' for 320). */
function closedByServer(c: amqp.ChannelModel): Promise<ServerError> {
  return new Promise((resolve) => {
    c.once('error', (e: unknown) => resolve(serverError(e)));
    c.once('close', (e: unknown) => {
      if (e !== undefined) resolve(serverError(e));
    });
  });
}

describe('connection.open', () => {
  it('refuses a missing vhost and a vhost without a permission entry (530); an empty entry is enough', async () => {
    await t.addVhost('conn-ac');
    await t.addUser('noperm', 'np-pw');
    expect(await connectRefused(t.url('noperm', 'np-pw', 'nosuchvhost'))).toEqual({ code: 530, text: 'NOT_ALLOWED - vhost nosuchvhost not found', ...OPEN });
    expect(await connectRefused(t.url('noperm', 'np-pw', 'conn-ac'))).toEqual({
      code: 530,
      text: "NOT_ALLOWED - access to vhost 'conn-ac' refused for user 'noperm'",
      ...OPEN,
    });
    await t.setPermissions('noperm', 'conn-ac', '', '', '');
    const c = await amqp.connect(t.url('noperm', 'np-pw', 'conn-ac'));
    await c.close();
  });

  it("the vhost's max-connections (1, and 0) refuses the next connection.open with 530", async () => {
    await t.addVhost('limv');
    await t.addVhost('zerov');
    for (const v of ['limv', 'zerov']) await t.setPermissions('guest', v, '.*', '.*', '.*');
    await t.setVhostLimit('limv', 'max-connections', 1);
    await t.setVhostLimit('zerov', 'max-connections', 0);
    const first = await amqp.connect(t.url('guest', 'guest', 'limv'));
    expect(await connectRefused(t.url('guest', 'guest', 'limv'))).toEqual({
      code: 530,
      text: "NOT_ALLOWED - access to vhost 'limv' refused for user 'guest': connection limit (1) is reached",
      ...OPEN,
    });
    expect(await connectRefused(t.url('guest', 'guest', 'zerov'))).toEqual({
      code: 530,
      text: "NOT_ALLOWED - access to vhost 'zerov' refused for user 'guest': connection limit (0) is reached",
      ...OPEN,
    });
    await first.close();
    // The closed connection no longer counts.
    const again = await amqp.connect(t.url('guest', 'guest', 'limv'));
    await again.close();
  });

  it("the user's max-connections refuses its next connection with 530", async () => {
    await t.addUser('ulimc', 'u-pw');
    await t.setPermissions('ulimc', 'conn-ac', '.*', '.*', '.*');
    await t.setUserLimit('ulimc', 'max-connections', 1);
    const first = await amqp.connect(t.url('ulimc', 'u-pw', 'conn-ac'));
    expect(await connectRefused(t.url('ulimc', 'u-pw', 'conn-ac'))).toEqual({
      code: 530,
      text: "NOT_ALLOWED - connection refused for user 'ulimc': user connection limit (1) is reached",
      ...OPEN,
    });
    await first.close();
  });
});

describe('channels and closes', () => {
  it("the user's max-channels: the next channel.open closes the connection with 530", async () => {
    await t.addUser('ulim', 'u-pw');
    await t.setPermissions('ulim', 'conn-ac', '.*', '.*', '.*');
    await t.setUserLimit('ulim', 'max-channels', 1);
    const c = await amqp.connect(t.url('ulim', 'u-pw', 'conn-ac'));
    const closed = closedByServer(c);
    await c.createChannel();
    await c.createChannel().catch(() => undefined);
    expect(await closed).toEqual({
      code: 530,
      text: "NOT_ALLOWED - number of channels opened for user 'ulim' has reached the maximum allowed user limit of (1)",
    });
  });

  it("deleting a user closes its connections with 320 user 'x' is deleted", async () => {
    await t.addUser('del2', 'd-pw');
    await t.setPermissions('del2', 'conn-ac', '.*', '.*', '.*');
    const c = await amqp.connect(t.url('del2', 'd-pw', 'conn-ac'));
    const closed = closedByServer(c);
    await t.deleteUser('del2');
    expect(await closed).toEqual({ code: 320, text: "CONNECTION_FORCED - user 'del2' is deleted" });
  });

  it("deleting a vhost closes its connections with 320 vhost 'x' is down", async () => {
    await t.addVhost('gone2');
    await t.setPermissions('guest', 'gone2', '.*', '.*', '.*');
    const c = await amqp.connect(t.url('guest', 'guest', 'gone2'));
    const closed = closedByServer(c);
    await t.deleteVhost('gone2');
    expect(await closed).toEqual({ code: 320, text: "CONNECTION_FORCED - vhost 'gone2' is down" });
  });
});
