// Screenshots of the main pages with some traffic going: overview, queues list, queue page,
// exchange publish, connections, admin users (and the overview in the dark scheme on a narrow
// window). `npm run screenshots` (WARREN_SCREENSHOTS=1) writes them to docs/images/ for the
// README; otherwise they go to a temporary folder, and the test still checks each page renders
// without an error.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, login, useUiEnv } from './ui-env.js';

const keep = process.env.WARREN_SCREENSHOTS === '1';
const OUT = keep ? fileURLToPath(new URL('../../docs/images/', import.meta.url)) : mkdtempSync(path.join(os.tmpdir(), 'warren-ui-shots-'));

const env = useUiEnv();
let conn: ChannelModel;
let consumerConn: ChannelModel;
let timer: NodeJS.Timeout | undefined;

beforeAll(async () => {
  const b = env.warren.base;
  await apiCall(b, 'PUT', '/api/users/alex', { password: 'alex-pw', tags: 'monitoring' });
  await apiCall(b, 'PUT', '/api/users/orders-service', { password: 'svc-pw', tags: '' });
  await apiCall(b, 'PUT', '/api/permissions/%2F/orders-service', { configure: '^orders', write: '^orders', read: '^orders' });
  await apiCall(b, 'PUT', '/api/policies/%2F/orders-ttl', { pattern: '^orders\\.', definition: { 'message-ttl': 3600000 }, 'apply-to': 'queues', priority: 0 });
  conn = await amqp.connect(env.warren.amqpUrl, { clientProperties: { connection_name: 'orders-publisher' } });
  consumerConn = await amqp.connect(env.warren.amqpUrl, { clientProperties: { connection_name: 'orders-worker' } });
  const ch: Channel = await conn.createConfirmChannel();
  await ch.assertExchange('orders', 'topic', { durable: true });
  await ch.assertQueue('orders.eu', { durable: true, arguments: { 'x-max-length': 100000, 'x-dead-letter-exchange': 'orders.dlx' } });
  await ch.assertQueue('orders.us', { durable: true, arguments: { 'x-max-priority': 10 } });
  await ch.assertQueue('orders.audit', { durable: true, arguments: { 'x-single-active-consumer': true } });
  await ch.assertExchange('orders.dlx', 'fanout', { durable: true, arguments: { 'alternate-exchange': 'amq.fanout' } });
  await ch.assertQueue('orders.dead', { durable: true });
  await ch.bindQueue('orders.eu', 'orders', 'eu.#');
  await ch.bindQueue('orders.us', 'orders', 'us.#');
  await ch.bindQueue('orders.audit', 'orders', '#');
  await ch.bindQueue('orders.dead', 'orders.dlx', '');
  for (let i = 0; i < 12; i++) await ch.assertQueue(`jobs.${['render', 'mail', 'resize', 'index'][i % 4]}-${i}`, { durable: i % 2 === 0, autoDelete: i % 3 === 0 });
  const worker = await consumerConn.createChannel();
  await worker.prefetch(20);
  await worker.consume('orders.audit', (m) => {
    if (m !== null) worker.ack(m);
  });
  // Steady traffic: EU orders pile up, US orders too, the audit queue is consumed.
  let n = 0;
  timer = setInterval(() => {
    for (let i = 0; i < 15; i++) {
      n++;
      ch.publish('orders', n % 3 === 0 ? 'us.created' : 'eu.created', Buffer.from(JSON.stringify({ order: n, amount: (n * 7.3) % 100 })), { contentType: 'application/json', persistent: true, messageId: `order-${n}` });
    }
  }, 200);
}, 60_000);

afterAll(async () => {
  if (timer !== undefined) clearInterval(timer);
  await consumerConn?.close().catch(() => {});
  await conn?.close().catch(() => {});
  if (!keep) rmSync(OUT, { recursive: true, force: true });
});

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  expect(statSync(file).size).toBeGreaterThan(10_000);
  expect(await page.locator('.error').count(), `${name}: an error is shown`).toBe(0);
}

describe('screenshots', () => {
  it('of the main pages', async () => {
    const page = await env.page({ width: 1280, height: 860 });
    await login(page, env.warren.base);
    await page.getByLabel('Refresh interval').selectOption('2000');
    const queued = page.getByRole('figure', { name: 'Queued messages' });
    await expect.poll(async () => Number(await queued.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThanOrEqual(6);
    // Traffic on the rates chart, and a few refreshes more so that the lines have a shape.
    const rates = page.getByRole('figure', { name: 'Message rates' });
    await expect.poll(async () => Number(await rates.getAttribute('data-max')), { timeout: 30_000 }).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) await page.waitForResponse((r) => new URL(r.url()).pathname === '/api/overview', { timeout: 10_000 });
    await shot(page, 'overview');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Queues' }).locator('tbody tr').count()).toBeGreaterThan(10);
    await shot(page, 'queues');

    await page.getByRole('link', { name: 'orders.eu' }).click();
    await page.getByRole('form', { name: 'Get messages' }).getByLabel('Messages').fill('2');
    await page.getByRole('form', { name: 'Get messages' }).getByRole('button', { name: 'Get messages' }).click();
    await page.getByTestId('payload').first().waitFor();
    await expect.poll(async () => Number(await page.getByRole('figure', { name: 'Queued messages' }).getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'queue', true);

    await page.goto(env.warren.base + '/exchanges/%2F/orders');
    const publish = page.getByRole('form', { name: 'Publish message' });
    await publish.getByLabel('Routing key').fill('eu.created');
    await publish.getByRole('button', { name: 'content_type' }).click();
    await publish.getByLabel('Payload', { exact: true }).fill('{"order": 4711, "amount": 12.5}');
    await publish.getByRole('button', { name: 'Publish message' }).click();
    await publish.getByTestId('publish-result').waitFor();
    // The bindings folded away, so that the publish form shows under the details.
    await page.locator('details.section', { has: page.locator('summary h2', { hasText: 'Bindings' }) }).locator('summary').click();
    await shot(page, 'exchange-publish');

    await page.goto(env.warren.base + '/connections');
    await expect.poll(() => page.getByRole('table', { name: 'Connections' }).locator('tbody tr').count()).toBe(2);
    await shot(page, 'connections');

    await page.goto(env.warren.base + '/admin/users');
    await expect.poll(() => page.getByRole('table', { name: 'Users' }).locator('tbody tr').count()).toBe(3);
    await shot(page, 'admin-users');
  });

  it('of the overview in the dark scheme on a narrow window', async () => {
    const page = await env.page({ width: 420, height: 900, colorScheme: 'dark' });
    await login(page, env.warren.base);
    await expect.poll(async () => Number(await page.getByRole('figure', { name: 'Queued messages' }).getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await shot(page, 'overview-dark-narrow');
    expect(env.problems.splice(0)).toEqual([]);
  });
});
