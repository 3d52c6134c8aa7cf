// The dashboard end to end, in headless Chromium against an in-process Warren: logging in (and
// the refusals), a queue created, published to from the exchange page, counted in the list and
// its message got; a user created, given permissions and logged in as; the overview's charts
// after traffic; a connection made by amqplib force-closed with a reason; a narrow window,
// the keyboard and the dark scheme. Every step goes through the page as a user would.
import amqp, { type ChannelModel } from 'amqplib';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { apiCall, login, useUiEnv } from './ui-env.js';

const env = useUiEnv();

afterEach(() => {
  // Uncaught errors, console errors or requests to other origins in any test fail it.
  const problems = env.problems.splice(0);
  expect(problems).toEqual([]);
});

/** The table row (tr) whose cells include `text`. */
function row(page: Page, table: string, text: string) {
  return page.getByRole('table', { name: table, exact: true }).locator('tbody tr', { hasText: text });
}

/** Opens a folded <details> section by its title. */
async function openSection(page: Page, title: string): Promise<void> {
  const details = page.locator('details.section', { has: page.locator('summary h2', { hasText: title }) });
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}

describe('logging in', () => {
  it('refuses a wrong password and a user without a management tag; guest logs in, stays logged in across a reload, logs out', async () => {
    const page = await env.page();
    await page.goto(env.warren.base + '/');
    await page.getByLabel('Username').fill('guest');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Login failed: wrong user name or password.');

    await env.warren.addUser('ui-plain', 'plain-pw', [], ['/']);
    await page.getByLabel('Username').fill('ui-plain');
    await page.getByLabel('Password').fill('plain-pw');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain("User 'ui-plain' has no management tag");

    await login(page, env.warren.base);
    expect(await page.getByTestId('current-user').textContent()).toBe('guest');
    const tabs = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(tabs).toEqual(['Overview', 'Connections', 'Channels', 'Exchanges', 'Queues', 'Admin']);
    // The session lives in the tab (sessionStorage): a reload keeps it.
    await page.reload();
    await page.waitForSelector('[data-testid=current-user]');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForSelector('#login-user');
    await page.reload();
    await page.waitForSelector('#login-user');
    expect(await page.locator('[data-testid=current-user]').count()).toBe(0);
  });
});

describe('what the tags allow', () => {
  it('gives a policymaker the Admin tab with policies only, and a management user no node facts', async () => {
    await env.warren.addUser('ui-pm', 'pm-pw', ['policymaker'], ['/']);
    await env.warren.addUser('ui-mgmt', 'mgmt-pw', ['management'], ['/']);
    const page = await env.page();
    await login(page, env.warren.base, 'ui-pm', 'pm-pw', '/admin');
    expect(await page.getByRole('navigation', { name: 'Admin' }).getByRole('link').allTextContents()).toEqual(['Policies']);
    const add = page.getByRole('form', { name: 'Add policy' });
    await add.getByLabel('Name', { exact: true }).fill('ui-pm-policy');
    await add.getByLabel('Pattern').fill('^ui-pm\\.');
    await add.getByRole('button', { name: 'max-length', exact: true }).click();
    await add.getByLabel('Definition 1 value').fill('5');
    await add.getByRole('button', { name: 'Add / update policy' }).click();
    await expect.poll(() => add.getByRole('status').textContent()).toBe("Policy 'ui-pm-policy' saved.");
    expect(await apiCall(env.warren.base, 'GET', '/api/policies/%2F/ui-pm-policy')).toMatchObject({ pattern: '^ui-pm\\.', definition: { 'max-length': 5 }, 'apply-to': 'all', priority: 0 });
    await expect.poll(() => row(page, 'Policies', 'ui-pm-policy').count()).toBe(1);
    await row(page, 'Policies', 'ui-pm-policy').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row(page, 'Policies', 'ui-pm-policy').count()).toBe(0);
    // Users are for administrators.
    await page.goto(env.warren.base + '/admin/users');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Your tags do not allow this page.');

    await page.getByRole('button', { name: 'Log out' }).click();
    await login(page, env.warren.base, 'ui-mgmt', 'mgmt-pw');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).not.toContain('Admin');
    await expect.poll(() => page.locator('[data-tile=Exchanges] .tile-value').textContent()).not.toBe('0');
    expect(await page.locator('#node-title').count()).toBe(0);
  });
});

describe('a queue', () => {
  it('is created, published to from the exchange page, counted in the list, and its message got', async () => {
    const page = await env.page();
    await login(page, env.warren.base, 'guest', 'guest', '/queues');
    await openSection(page, 'Add a new queue');
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Add queue' }) });
    await form.getByLabel('Name', { exact: true }).fill('ui-orders');
    // A click-to-add hint puts the argument in with its type (a number).
    await form.getByRole('button', { name: 'x-max-length', exact: true }).click();
    await form.getByLabel('Arguments 1 value').fill('100');
    await form.getByRole('button', { name: 'Add queue' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe("Queue 'ui-orders' added.");
    const q = (await apiCall(env.warren.base, 'GET', '/api/queues/%2F/ui-orders')) as { durable: boolean; arguments: Record<string, unknown> };
    expect(q.durable).toBe(true);
    expect(q.arguments).toEqual({ 'x-max-length': 100 });
    // The flag selects: a transient, auto-delete queue.
    await form.getByLabel('Name', { exact: true }).fill('ui-temp');
    await form.getByLabel('Durability').selectOption({ label: 'Transient' });
    await form.getByLabel('Auto delete').selectOption({ label: 'Yes' });
    await form.getByRole('button', { name: 'Add queue' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe("Queue 'ui-temp' added.");
    const temp = (await apiCall(env.warren.base, 'GET', '/api/queues/%2F/ui-temp')) as { durable: boolean; auto_delete: boolean };
    expect([temp.durable, temp.auto_delete]).toEqual([false, true]);
    await expect.poll(() => row(page, 'Queues', 'ui-orders').count()).toBe(1);
    expect(await row(page, 'Queues', 'ui-orders').locator('.features').textContent()).toBe('DLim');

    // The exchange page of the default exchange, reached from the list, publishes to the queue.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exchanges' }).click();
    await page.getByRole('link', { name: '(AMQP default)' }).first().click();
    await page.waitForURL(/\/exchanges\/%2F\/amq\.default$/);
    const publish = page.getByRole('form', { name: 'Publish message' });
    await publish.getByLabel('Routing key').fill('ui-orders');
    await publish.getByLabel('Headers 1 name').fill('x-origin');
    await publish.getByLabel('Headers 1 value').fill('dashboard');
    await publish.getByRole('button', { name: 'content_type' }).click();
    await publish.getByLabel('Payload', { exact: true }).fill('hello from the dashboard');
    await publish.getByRole('button', { name: 'Publish message' }).click();
    await expect.poll(() => publish.getByTestId('publish-result').textContent()).toBe('Message published and routed.');
    await publish.getByLabel('Routing key').fill('ui-no-such-queue');
    await publish.getByRole('button', { name: 'Publish message' }).click();
    await expect.poll(() => publish.getByTestId('publish-result').textContent()).toBe('Message published, but not routed: no queue matched.');

    // The list shows the count rise (filtered by name; the next refresh brings it).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues' }).click();
    await page.getByLabel('Filter queues by name').fill('ui-ord');
    await expect.poll(() => page.getByRole('table', { name: 'Queues' }).locator('tbody tr').count()).toBe(1);
    const totalCell = row(page, 'Queues', 'ui-orders').locator('td').nth(7);
    await expect.poll(() => totalCell.textContent(), { timeout: 15_000 }).toBe('1');

    // The queue page gets it back: payload, headers and properties.
    await row(page, 'Queues', 'ui-orders').getByRole('link', { name: 'ui-orders' }).click();
    await page.waitForURL(/\/queues\/%2F\/ui-orders$/);
    const get = page.getByRole('form', { name: 'Get messages' });
    await get.getByRole('button', { name: 'Get messages' }).click();
    await expect.poll(() => get.getByTestId('payload').textContent()).toBe('hello from the dashboard');
    const message = get.getByRole('table', { name: 'Message 1' });
    expect(await message.textContent()).toContain('x-origin: dashboard');
    expect(await message.textContent()).toContain('content_type: application/json');
    expect(await message.textContent()).toContain('Routing keyui-orders');
    // Requeued (the default ack mode), so still there.
    expect(await get.textContent()).toContain('The server reported 0 messages remaining.');
    const after = (await apiCall(env.warren.base, 'GET', '/api/queues/%2F/ui-orders')) as { messages_ready: number };
    expect(after.messages_ready).toBe(1);
  });
});

describe('a user', () => {
  it('is created with a tag, given permissions on a vhost, and logs in', async () => {
    const page = await env.page();
    await login(page, env.warren.base, 'guest', 'guest', '/admin/users');
    const add = page.locator('form', { has: page.getByRole('button', { name: 'Add user' }) });
    await add.getByLabel('Username').fill('ui-alice');
    await add.getByLabel('Password').fill('alice-pw');
    await add.getByRole('button', { name: 'management', exact: true }).click();
    expect(await add.getByLabel('Tags').inputValue()).toBe('management');
    await add.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => row(page, 'Users', 'ui-alice').count()).toBe(1);
    expect(await row(page, 'Users', 'ui-alice').textContent()).toContain('No access');

    await row(page, 'Users', 'ui-alice').getByRole('link', { name: 'ui-alice' }).click();
    await page.waitForURL(/\/admin\/users\/ui-alice$/);
    const set = page.getByRole('form', { name: 'Set permission', exact: true });
    await set.getByLabel('Virtual host').selectOption('/');
    await set.getByLabel('Write regexp').fill('^ui-');
    await set.getByRole('button', { name: 'Set permission' }).click();
    await expect.poll(() => row(page, 'Permissions', '^ui-').count()).toBe(1);
    expect(await apiCall(env.warren.base, 'GET', '/api/permissions/%2F/ui-alice')).toEqual({ user: 'ui-alice', vhost: '/', configure: '.*', write: '^ui-', read: '.*' });

    // Changing the tags keeps the password (the hash is sent back).
    const update = page.getByRole('form', { name: 'Update user' });
    await update.getByRole('button', { name: 'monitoring', exact: true }).click();
    await update.getByRole('button', { name: 'Update user' }).click();
    await expect.poll(() => update.getByRole('status').textContent()).toBe('Tags updated.');

    await page.getByRole('button', { name: 'Log out' }).click();
    await login(page, env.warren.base, 'ui-alice', 'alice-pw');
    expect(await page.getByTestId('current-user').textContent()).toBe('ui-alice');
    // management + monitoring: no Admin tab.
    const tabs = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(tabs).not.toContain('Admin');
    await expect.poll(() => page.locator('[data-tile=Exchanges] .tile-value').textContent()).not.toBe('0');
    expect(await page.locator('.error').count()).toBe(0);
  });
});

describe('the overview', () => {
  it('draws its charts after traffic', async () => {
    const conn: ChannelModel = await amqp.connect(env.warren.amqpUrl);
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue('ui-traffic', { durable: false });
      const page = await env.page();
      await login(page, env.warren.base);
      await page.getByLabel('Refresh interval').selectOption('2000');
      const queued = page.getByRole('figure', { name: 'Queued messages' });
      const rates = page.getByRole('figure', { name: 'Message rates' });
      // Publish steadily while the page refreshes.
      const timer = setInterval(() => {
        for (let i = 0; i < 20; i++) ch.sendToQueue('ui-traffic', Buffer.from('tick'));
      }, 100);
      try {
        await expect.poll(async () => Number(await queued.getAttribute('data-max')), { timeout: 20_000 }).toBeGreaterThan(0);
        await expect.poll(async () => Number(await queued.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
        // The rates chart needs the broker's message_stats (publish_details.rate or samples).
        await expect.poll(async () => Number(await rates.getAttribute('data-max')), { timeout: 25_000 }).toBeGreaterThan(0);
        // The legend shows the newest point, which may fall between two samples: poll while the traffic goes on.
        await expect.poll(async () => rates.locator('.legend').textContent(), { timeout: 20_000 }).toMatch(/Publish [1-9]/);
      } finally {
        clearInterval(timer);
      }
      // The canvas is drawn (uPlot's), and the totals count the queue's messages.
      expect(await queued.locator('canvas').count()).toBe(1);
      expect(Number((await page.locator('[data-tile=Total] .tile-value').textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
      await ch.deleteQueue('ui-traffic');
    } finally {
      await conn.close();
    }
  });
});

describe('a connection', () => {
  it('made by amqplib is force-closed from its page with a reason', async () => {
    const conn = await amqp.connect(env.warren.amqpUrl, { clientProperties: { connection_name: 'ui-victim' } });
    const closed = new Promise<Error | undefined>((resolve) => {
      let error: Error | undefined;
      conn.on('error', (e: Error) => (error = e));
      conn.on('close', (e?: Error) => resolve(e ?? error));
    });
    await conn.createChannel();
    const page = await env.page();
    await login(page, env.warren.base, 'guest', 'guest', '/connections');
    await expect.poll(() => row(page, 'Connections', 'ui-victim').count(), { timeout: 15_000 }).toBe(1);
    expect(await row(page, 'Connections', 'ui-victim').textContent()).toContain('amqplib');
    await row(page, 'Connections', 'ui-victim').getByRole('link').first().click();
    await page.waitForURL(/\/connections\/.+/);
    await expect.poll(() => page.getByRole('table', { name: 'Connection details' }).textContent()).toContain('ui-victim');
    await expect.poll(() => page.getByRole('table', { name: 'Channels of this connection' }).locator('tbody tr td').first().textContent()).toContain('(1)');
    await page.getByLabel('Reason').fill('ui test says bye');
    await page.getByRole('button', { name: 'Force close' }).click();
    await page.waitForURL(/\/connections$/);
    const err = await closed;
    expect(String(err?.message)).toContain('CONNECTION_FORCED - ui test says bye');
  });
});

describe('the layout', () => {
  it('works in a narrow window, from the keyboard, in the dark scheme', async () => {
    const page = await env.page({ width: 420, height: 800, colorScheme: 'dark' });
    await page.goto(env.warren.base + '/queues');
    // Keyboard only: the user field has focus (wait until the login form has rendered and taken it:
    // keys typed before that are lost), Tab to the password, Enter submits.
    await page.waitForFunction("document.activeElement !== null && document.activeElement.tagName === 'INPUT'");
    await page.keyboard.type('guest');
    await page.keyboard.press('Tab');
    await page.keyboard.type('guest');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=current-user]');
    expect(await page.locator('h1').first().textContent()).toBe('Queues');
    // Nothing wider than the window: wide tables scroll inside their box.
    // (Page scripts as strings: the tests' tsconfig has no DOM lib.)
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    // The tabs are reachable with Tab and follow with Enter.
    let focused = '';
    for (let i = 0; i < 15 && focused !== 'Exchanges'; i++) {
      await page.keyboard.press('Tab');
      focused = String(await page.evaluate("document.activeElement ? document.activeElement.textContent : ''"));
    }
    expect(focused).toBe('Exchanges');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Exchanges');
    // prefers-color-scheme: dark gives a dark page.
    const bg = String(await page.evaluate('getComputedStyle(document.body).backgroundColor'));
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(150);
  });
});
