// The cross-cutting items, each checked in the browser: refreshing keeps the scroll
// position and the rows (no flicker), the interval is remembered; an API error is shown in the
// form that caused it; every page fits a 480 px window; the tags decide what a user sees
// (monitoring: no Admin, but every connection and the node; management: only its own vhosts);
// the admin pages set vhost limits, topic permissions and operator policies; the lists the API
// answers whole (users) are filtered like the paged ones.
import amqp from 'amqplib';
import type { Page, Response } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, login, useUiEnv } from './ui-env.js';

const env = useUiEnv();

afterEach(() => {
  const problems = env.problems.splice(0);
  expect(problems).toEqual([]);
});

beforeAll(async () => {
  // Enough queues for a page taller than the window.
  const conn = await amqp.connect(env.warren.amqpUrl);
  const ch = await conn.createChannel();
  await Promise.all(Array.from({ length: 120 }, (_, i) => ch.assertQueue(`ui-c-${String(i).padStart(3, '0')}`, { durable: false })));
  await conn.close();
  await env.warren.addVhost('ui-other');
}, 60_000);

function isQueuesList(r: Response): boolean {
  return new URL(r.url()).pathname === '/api/queues' && r.request().method() === 'GET';
}

function row(page: Page, table: string, text: string) {
  return page.getByRole('table', { name: table, exact: true }).locator('tbody tr', { hasText: text });
}

async function openSection(page: Page, title: string): Promise<void> {
  const details = page.locator('details.section', { has: page.locator('summary h2', { hasText: title }) });
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}

describe('refreshing', () => {
  it('keeps the scroll position and updates the rows in place; the interval is remembered', async () => {
    const page = await env.page({ height: 600 });
    await login(page, env.warren.base, 'guest', 'guest', '/queues');
    await page.getByLabel('Refresh interval').selectOption('2000');
    await page.getByRole('table', { name: 'Queues' }).locator('tbody tr:nth-child(100) a').waitFor();
    await page.evaluate('window.scrollTo(0, 1500)');
    await expect.poll(() => page.evaluate<number>('window.scrollY')).toBe(1500);
    const rowHandle = await row(page, 'Queues', 'ui-c-050').elementHandle();
    // Two refresh ticks go by (each one a new request for the page of queues, answered and rendered).
    for (let i = 0; i < 2; i++) await page.waitForResponse(isQueuesList, { timeout: 10_000 });
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    expect(await page.evaluate<number>('window.scrollY')).toBe(1500);
    expect(await rowHandle?.evaluate((el) => el.isConnected)).toBe(true);
    // The interval is kept across a reload (localStorage), the session too (sessionStorage).
    await page.reload();
    await page.waitForSelector('[data-testid=current-user]');
    expect(await page.getByLabel('Refresh interval').inputValue()).toBe('2000');
    await page.getByLabel('Refresh interval').selectOption('5000');
  });
});

describe('an API error', () => {
  it('is shown as RabbitMQ gives it, inside the form that caused it', async () => {
    const page = await env.page();
    await login(page, env.warren.base, 'guest', 'guest', '/queues');
    await openSection(page, 'Add a new queue');
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Add queue' }) });
    // ui-c-000 exists as a transient queue: declaring it durable is refused.
    await form.getByLabel('Name', { exact: true }).fill('ui-c-000');
    await form.getByRole('button', { name: 'Add queue' }).click();
    const alert = form.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Add queue: ');
    expect(await alert.textContent()).toMatch(/inequivalent arg 'durable'.*\(HTTP 400\)$/);
    // A bad value typed into a form is refused before any call, in the same place.
    await form.getByRole('button', { name: 'x-message-ttl', exact: true }).click();
    await form.getByLabel('Arguments 1 value').fill('soon');
    await form.getByRole('button', { name: 'Add queue' }).click();
    await expect.poll(() => alert.textContent()).toBe("Add queue: argument 'x-message-ttl' is not a number: 'soon'");
    // The list's own refresh error goes beside the list: a regex the broker refuses.
    await page.getByLabel('Regex').check();
    await page.getByLabel('Filter queues by name').fill('(');
    await expect.poll(() => page.locator('.error', { hasText: 'Queues:' }).count()).toBe(1);
    await page.getByLabel('Filter queues by name').fill('');
    await page.getByLabel('Regex').uncheck();
    await expect.poll(() => page.locator('.error', { hasText: 'Queues:' }).count()).toBe(0);
  });
});

describe('a 480 px window', () => {
  it('fits every page: nothing wider than the window, wide tables scroll in their box', async () => {
    const page = await env.page({ width: 480, height: 800 });
    await login(page, env.warren.base);
    const paths = [
      '/',
      '/connections',
      '/channels',
      '/exchanges',
      '/exchanges/%2F/amq.topic',
      '/queues',
      '/queues/%2F/ui-c-001',
      '/admin/users',
      '/admin/users/guest',
      '/admin/vhosts',
      '/admin/vhosts/%2F',
      '/admin/policies',
      '/admin/limits',
      '/admin/definitions',
    ];
    const tooWide: string[] = [];
    for (const p of paths) {
      await page.goto(env.warren.base + p);
      await page.waitForSelector('main h1');
      await page.waitForLoadState('networkidle');
      if (!(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'))) tooWide.push(p + ' ' + String(await page.evaluate("[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap')).slice(0, 4).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width)).join(' | ')")));
    }
    expect(tooWide).toEqual([]);
  });
});

describe('the tags', () => {
  it('give a monitoring user no Admin, but every connection and the node', async () => {
    await env.warren.addUser('ui-mon', 'mon-pw', ['monitoring'], ['/']);
    // A connection of another user (guest) that monitoring sees.
    const conn = await amqp.connect(env.warren.amqpUrl, { clientProperties: { connection_name: 'ui-guest-conn' } });
    try {
      const page = await env.page();
      await login(page, env.warren.base, 'ui-mon', 'mon-pw');
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Overview', 'Connections', 'Channels', 'Exchanges', 'Queues']);
      await expect.poll(() => page.locator('#node-title').count()).toBe(1);
      await page.goto(env.warren.base + '/connections');
      await expect.poll(() => row(page, 'Connections', 'ui-guest-conn').count(), { timeout: 15_000 }).toBe(1);
      // Admin pages are refused by the page (and by the API).
      for (const p of ['/admin/users', '/admin/policies', '/admin/definitions']) {
        await page.goto(env.warren.base + p);
        await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('Your tags do not allow this page.');
        expect(await page.getByRole('button', { name: /^(Add|Set|Upload|Delete)/ }).count()).toBe(0);
      }
    } finally {
      await conn.close();
    }
  }, 60_000);

  it('show a management user only the vhosts it has permissions in', async () => {
    await env.warren.addUser('ui-mine', 'mine-pw', ['management'], ['ui-other']);
    const page = await env.page();
    await login(page, env.warren.base, 'ui-mine', 'mine-pw', '/queues');
    await expect.poll(() => page.locator('header').getByLabel('Virtual host').locator('option').allTextContents()).toEqual(['All', 'ui-other']);
    // The add form puts a new queue in a vhost it can reach.
    await openSection(page, 'Add a new queue');
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Add queue' }) });
    expect(await form.getByLabel('Virtual host').locator('option').allTextContents()).toEqual(['ui-other']);
    expect(await form.getByLabel('Virtual host').inputValue()).toBe('ui-other');
    // guest's queues in / are not its to see.
    await expect.poll(() => page.locator('.list-controls .counts').textContent()).toBe('0 queues');
    expect(await page.locator('#node-title').count()).toBe(0);
  });
});

describe('the admin pages', () => {
  it('set and clear a vhost limit', async () => {
    const page = await env.page();
    await login(page, env.warren.base, 'guest', 'guest', '/admin/limits');
    const section = page.locator('details.section', { has: page.locator('summary h2', { hasText: 'Virtual host limits' }) });
    await section.getByLabel('Virtual host').selectOption('ui-other');
    const form = section.getByRole('form', { name: 'Set limit' });
    await form.getByLabel('Limit').selectOption('max-queues');
    await form.getByLabel('Value').fill('7');
    await form.getByRole('button', { name: 'Set limit' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Limit max-queues set.');
    expect(await apiCall(env.warren.base, 'GET', '/api/vhost-limits/ui-other')).toEqual([{ vhost: 'ui-other', value: { 'max-queues': 7 } }]);
    await expect.poll(() => section.locator('ul.plain').textContent()).toBe('ui-other: max-queues = 7');
    await row(page, 'Limits', 'max-queues').getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => section.locator('ul.plain').textContent()).toBe('No virtual host has limits.');
    expect(await apiCall(env.warren.base, 'GET', '/api/vhost-limits/ui-other')).toEqual([]);
  });

  it('set and clear a topic permission from the user page', async () => {
    await env.warren.addUser('ui-topic', 'topic-pw', ['management'], ['/']);
    const page = await env.page();
    await login(page, env.warren.base, 'guest', 'guest', '/admin/users/ui-topic');
    await openSection(page, 'Topic permissions');
    const form = page.getByRole('form', { name: 'Set topic permission' });
    await form.getByLabel('Virtual host').selectOption('/');
    await form.getByLabel('Write regexp').fill('^orders\\.');
    await form.getByRole('button', { name: 'Set topic permission' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe("Topic permission set for 'ui-topic' in vhost '/'.");
    await expect.poll(() => row(page, 'Topic permissions', 'amq.topic').count()).toBe(1);
    expect(await apiCall(env.warren.base, 'GET', '/api/topic-permissions/%2F/ui-topic')).toEqual([{ user: 'ui-topic', vhost: '/', exchange: 'amq.topic', write: '^orders\\.', read: '.*' }]);
    await row(page, 'Topic permissions', 'amq.topic').getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => row(page, 'Topic permissions', 'amq.topic').count()).toBe(0);
  });

  it('add and delete an operator policy', async () => {
    const page = await env.page();
    await login(page, env.warren.base, 'guest', 'guest', '/admin/policies');
    await openSection(page, 'Operator policies');
    const form = page.getByRole('form', { name: 'Add operator policy' });
    await form.getByLabel('Name', { exact: true }).fill('ui-cap');
    await form.getByLabel('Pattern').fill('^ui-c-');
    await form.getByRole('button', { name: 'max-length', exact: true }).click();
    await form.getByLabel('Definition 1 value').fill('1000');
    await form.getByRole('button', { name: 'Add / update operator policy' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe("Operator policy 'ui-cap' saved.");
    expect(await apiCall(env.warren.base, 'GET', '/api/operator-policies/%2F/ui-cap')).toMatchObject({ pattern: '^ui-c-', definition: { 'max-length': 1000 }, 'apply-to': 'queues' });
    await expect.poll(() => row(page, 'Operator policies', 'ui-cap').count()).toBe(1);
    // The queues it applies to show it.
    await expect.poll(async () => ((await apiCall(env.warren.base, 'GET', '/api/queues/%2F/ui-c-001')) as { operator_policy?: string }).operator_policy, { timeout: 10_000 }).toBe('ui-cap');
    await row(page, 'Operator policies', 'ui-cap').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row(page, 'Operator policies', 'ui-cap').count()).toBe(0);
  });

  it('filter and sort the users list like the paged lists', async () => {
    await env.warren.addUser('ui-zed', 'zed-pw', ['management'], []);
    const page = await env.page();
    await login(page, env.warren.base, 'guest', 'guest', '/admin/users');
    await page.getByLabel('Filter users by name').fill('ZED');
    await expect.poll(() => page.getByRole('table', { name: 'Users' }).locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('ui-zed')]);
    await expect.poll(() => page.locator('.list-controls .counts').textContent()).toMatch(/^1 of \d+ users match$/);
    await page.getByLabel('Filter users by name').fill('');
    await expect.poll(() => page.getByRole('table', { name: 'Users' }).locator('tbody tr').count()).toBeGreaterThan(1);
    await page.getByRole('button', { name: /^Name/ }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => page.getByRole('table', { name: 'Users' }).locator('tbody tr td').first().textContent()).toBe('ui-zed');
  });
});
