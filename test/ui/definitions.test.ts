// Definitions through the dashboard: exported (a download) from one Warren and imported (an
// upload) into a second one, for the whole broker and for one vhost; what was defined on the
// first is then on the second, users with their passwords.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { apiCall, login, useUiEnv } from './ui-env.js';

const env = useUiEnv();
let second: ManagementTarget;
let dir: string;

beforeAll(async () => {
  second = await startManagementTarget();
  dir = await mkdtemp(path.join(os.tmpdir(), 'warren-ui-defs-'));
  const a = env.warren.base;
  await apiCall(a, 'PUT', '/api/vhosts/ui-defs', { description: 'exported by the dashboard test' });
  await apiCall(a, 'PUT', '/api/users/ui-bob', { password: 'bob-pw', tags: 'monitoring' });
  await apiCall(a, 'PUT', '/api/permissions/ui-defs/ui-bob', { configure: '.*', write: '.*', read: '.*' });
  await apiCall(a, 'PUT', '/api/policies/ui-defs/ui-ttl', { pattern: '^ui-', definition: { 'message-ttl': 60000 }, 'apply-to': 'queues', priority: 1 });
  // Queues, exchanges and bindings through AMQP (the definitions' other half).
  const amqp = await import('amqplib');
  const conn = await amqp.connect(env.warren.amqpUrl.replace(/\/?$/, '/ui-defs'));
  const ch = await conn.createChannel();
  await ch.assertQueue('ui-defs-q', { durable: true, arguments: { 'x-max-length': 10 } });
  await ch.assertExchange('ui-defs-x', 'topic', { durable: true });
  await ch.bindQueue('ui-defs-q', 'ui-defs-x', 'orders.#');
  await conn.close();
}, 60_000);
afterAll(async () => {
  await second?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function exportFrom(page: Page, vhostLabel: string, file: string): Promise<string> {
  await page.goto(env.warren.base + '/admin/definitions');
  const form = page.getByRole('form', { name: 'Export definitions' });
  await form.getByLabel('Virtual host').selectOption({ label: vhostLabel });
  await form.getByLabel('File name').fill(file);
  const [download] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: 'Download broker definitions' }).click()]);
  expect(download.suggestedFilename()).toBe(file);
  const target = path.join(dir, file);
  await download.saveAs(target);
  return target;
}

async function importInto(page: Page, base: string, file: string, vhostLabel: string): Promise<void> {
  await page.goto(base + '/admin/definitions');
  const form = page.getByRole('form', { name: 'Import definitions' });
  await form.getByLabel('Definitions file').setInputFiles(file);
  // The vhost list comes with the page; wait for the choice to be there.
  await expect.poll(() => form.getByLabel('Virtual host').locator('option', { hasText: vhostLabel }).count()).toBe(1);
  await form.getByLabel('Virtual host').selectOption({ label: vhostLabel });
  await form.getByRole('button', { name: 'Upload broker definitions' }).click();
  await expect.poll(() => form.getByRole('status').textContent()).toBe(`Definitions from ${path.basename(file)} imported.`);
}

describe('definitions', () => {
  it('are exported from one broker and imported into a second, whole', async () => {
    const page = await env.page({ acceptDownloads: true });
    await login(page, env.warren.base);
    const file = await exportFrom(page, 'All (the whole broker)', 'ui-broker.json');
    const defs = JSON.parse(readFileSync(file, 'utf8'));
    expect(defs.users.map((u: { name: string }) => u.name)).toContain('ui-bob');
    expect(defs.queues).toContainEqual(expect.objectContaining({ name: 'ui-defs-q', vhost: 'ui-defs', durable: true }));
    // The file is the API's answer as it came (the dashboard does not rewrite it).
    expect(readFileSync(file, 'utf8')).toBe(await (await fetch(`${env.warren.base}/api/definitions`, { headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } })).text());

    const other = await env.page();
    await login(other, second.base);
    await importInto(other, second.base, file, 'All (the whole broker)');
    const b = second.base;
    expect(await apiCall(b, 'GET', '/api/queues/ui-defs/ui-defs-q')).toMatchObject({ name: 'ui-defs-q', durable: true, arguments: { 'x-max-length': 10 } });
    expect(await apiCall(b, 'GET', '/api/bindings/ui-defs/e/ui-defs-x/q/ui-defs-q')).toEqual([expect.objectContaining({ routing_key: 'orders.#' })]);
    expect(await apiCall(b, 'GET', '/api/policies/ui-defs/ui-ttl')).toMatchObject({ pattern: '^ui-', definition: { 'message-ttl': 60000 } });
    expect(await apiCall(b, 'GET', '/api/permissions/ui-defs/ui-bob')).toMatchObject({ configure: '.*' });
    // The user came with its password hash: ui-bob logs in to the second broker's dashboard.
    await other.getByRole('button', { name: 'Log out' }).click();
    await login(other, b, 'ui-bob', 'bob-pw');
    expect(await other.getByTestId('current-user').textContent()).toBe('ui-bob');
  });

  it('are exported for one vhost and imported into another vhost', async () => {
    const page = await env.page({ acceptDownloads: true });
    await login(page, env.warren.base);
    const file = await exportFrom(page, 'ui-defs', 'ui-vhost.json');
    const defs = JSON.parse(readFileSync(file, 'utf8'));
    expect(defs.queues).toContainEqual(expect.objectContaining({ name: 'ui-defs-q' }));
    expect(defs.users).toBeUndefined();

    await apiCall(second.base, 'PUT', '/api/vhosts/ui-copy');
    const other = await env.page();
    await login(other, second.base);
    await importInto(other, second.base, file, 'ui-copy');
    expect(await apiCall(second.base, 'GET', '/api/queues/ui-copy/ui-defs-q')).toMatchObject({ name: 'ui-defs-q', vhost: 'ui-copy' });
    expect(await apiCall(second.base, 'GET', '/api/exchanges/ui-copy/ui-defs-x')).toMatchObject({ type: 'topic' });
  });

  it('shows an import refused by the broker beside the form', async () => {
    const bad = path.join(dir, 'ui-bad.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, JSON.stringify({ queues: [{ name: 'q', vhost: 'ui-nowhere', durable: true, auto_delete: false, arguments: {} }] }));
    const page = await env.page();
    await login(page, second.base);
    await page.goto(second.base + '/admin/definitions');
    const form = page.getByRole('form', { name: 'Import definitions' });
    await form.getByLabel('Definitions file').setInputFiles(bad);
    await form.getByRole('button', { name: 'Upload broker definitions' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('Import: bad_request');
    expect(await form.getByRole('alert').textContent()).toContain('no_such_vhost');
    expect(env.problems.splice(0)).toEqual([]);
  });
});
