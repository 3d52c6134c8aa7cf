/**
 * What the dashboard's end-to-end tests share: the built dashboard (built once, under a lock, when
 * management-ui/ changed), Debian's Chromium driven by playwright-core (one browser per test file,
 * a fresh context per test), an in-process Warren with its management API on an ephemeral port,
 * and the few steps every test takes (log in, wait for a table row).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Debian's chromium (the package .ci/run installs). */
export const CHROMIUM = process.env.WARREN_CHROMIUM ?? '/usr/bin/chromium';

/** Builds dist/ui/ when management-ui/ changed (tools/build-if-needed.mjs; a lock keeps parallel test files to one build). */
export function ensureDashboardBuilt(): void {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', "import('./tools/build-if-needed.mjs').then((m) => { process.exitCode = m.buildUiIfNeeded(); })"], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`building the dashboard failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** The dashboard's built files (dist/ui/). */
export const DASHBOARD_DIR = path.join(ROOT, 'dist', 'ui');

/** Launches headless Chromium with the flags a CI box without a desktop needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** What a UI test file gets (set once its beforeAll has run). */
export interface UiEnv {
  browser: Browser;
  warren: ManagementTarget;
  /** Problems the page reported (uncaught errors, console errors other than failed API calls the test provoked, requests to other origins). */
  problems: string[];
  /** A fresh context and page at `width` x `height` (closed after the file). */
  page(opts?: { width?: number; height?: number; colorScheme?: 'light' | 'dark'; acceptDownloads?: boolean }): Promise<Page>;
}

/**
 * Before the file's tests: the dashboard built, a Warren started and a browser launched; after
 * them all closed. Each page records its uncaught errors and any request to another origin.
 */
export function useUiEnv(overrides: Parameters<typeof startManagementTarget>[0] = {}): UiEnv {
  const contexts: BrowserContext[] = [];
  const env = { problems: [] as string[] } as UiEnv;
  beforeAll(async () => {
    ensureDashboardBuilt();
    const [browser, warren] = await Promise.all([launchBrowser(), startManagementTarget(overrides)]);
    env.browser = browser;
    env.warren = warren;
    env.page = async (opts = {}) => {
      const ctx = await browser.newContext({
        viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 },
        colorScheme: opts.colorScheme ?? 'light',
        acceptDownloads: opts.acceptDownloads ?? false,
      });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => env.problems.push(`pageerror: ${e.message}`));
      // Navigations are the test's own (goto); everything the page loads itself must come from
      // the page's origin: no CDN, font or script from anywhere else.
      page.on('request', (r) => {
        if (r.isNavigationRequest()) return;
        const u = r.url();
        if (u.startsWith('data:') || u.startsWith('blob:')) return;
        if (new URL(u).origin !== new URL(page.url()).origin) env.problems.push(`request to another origin: ${u} (page ${page.url()})`);
      });
      page.on('console', (m) => {
        // The browser logs every non-2xx fetch as an error; the tests provoke some on purpose
        // (wrong password, 404 of a closed connection) and check what the page shows instead.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) env.problems.push(`console: ${m.text()}`);
      });
      return page;
    };
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await env.browser?.close();
    await env.warren?.close();
  });
  return env;
}

/** Opens the dashboard at `path` and logs in (the login form shows on any path). */
export async function login(page: Page, base: string, user = 'guest', password = 'guest', path = '/'): Promise<void> {
  await page.goto(base + path);
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=current-user]');
}

/** PUT/POST/DELETE on the management API as guest; throws unless 2xx. */
export async function apiCall(base: string, method: string, p: string, body?: unknown): Promise<unknown> {
  const r = await fetch(base + p, {
    method,
    headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64'), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}
