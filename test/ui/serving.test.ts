// How Warren serves the built dashboard (src/http/dashboard.ts): index.html at / and at every
// dashboard path (the SPA fallback) revalidated on each load, hashed assets cached as immutable
// and sent pre-compressed, RabbitMQ's JSON 404 for /api/* and for missing assets; and what a first
// load transfers (the figure the README gives), with nothing fetched from another origin.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { DASHBOARD_DIR, ensureDashboardBuilt } from './ui-env.js';

let warren: ManagementTarget;

beforeAll(async () => {
  ensureDashboardBuilt();
  warren = await startManagementTarget();
}, 120_000);
afterAll(async () => {
  await warren?.close();
});

/** The asset URLs index.html loads (scripts and stylesheets). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

describe('the dashboard files', () => {
  it('serves index.html at / with no-cache, a strict CSP and the hashed assets', async () => {
    const r = await fetch(`${warren.base}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await r.text();
    expect(html).toContain('<div id="app"></div>');
    const assets = assetsOf(html);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    // A second load revalidates: the ETag / Last-Modified answer is a 304.
    const etag = r.headers.get('etag');
    expect(etag).toBeTruthy();
    // (fetch() would add cache-control: no-cache to a conditional request; a browser's reload sends max-age=0.)
    const again = await fetch(`${warren.base}/`, { headers: { 'if-none-match': etag ?? '', 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('answers every dashboard path with index.html (the SPA fallback), HEAD too', async () => {
    const index = await (await fetch(`${warren.base}/`)).text();
    for (const p of ['/queues', '/queues/%2F/orders.eu', '/exchanges/%2F/amq.default', '/admin/users/guest', '/connections/127.0.0.1%3A5555%20-%3E%20127.0.0.1%3A5672']) {
      const r = await fetch(warren.base + p);
      expect(r.status, p).toBe(200);
      expect(r.headers.get('cache-control'), p).toBe('no-cache');
      expect(await r.text(), p).toBe(index);
    }
    const head = await fetch(`${warren.base}/queues`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('caches hashed assets for a year as immutable and sends them brotli- or gzip-compressed', async () => {
    const html = await (await fetch(`${warren.base}/`)).text();
    for (const a of assetsOf(html)) {
      const plain = await fetch(warren.base + a, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status, a).toBe(200);
      expect(plain.headers.get('cache-control'), a).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('content-type'), a).toMatch(a.endsWith('.js') ? /javascript/ : /text\/css/);
      const body = Buffer.from(await plain.arrayBuffer());
      expect(body.equals(readFileSync(path.join(DASHBOARD_DIR, a)))).toBe(true);
      // fetch() decodes what it asked for; the header says what was sent.
      const br = await fetch(warren.base + a, { headers: { 'accept-encoding': 'br' } });
      expect(br.headers.get('content-encoding'), a).toBe('br');
      expect(Buffer.from(await br.arrayBuffer()).equals(body)).toBe(true);
      const gz = await fetch(warren.base + a, { headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers.get('content-encoding'), a).toBe('gzip');
      expect(gz.headers.get('vary')?.toLowerCase()).toContain('accept-encoding');
    }
  });

  it("keeps RabbitMQ's JSON 404 for /api paths, missing assets and other methods", async () => {
    for (const [method, p] of [
      ['GET', '/api/no-such-thing'],
      ['GET', '/api'],
      ['GET', '/assets/index-missing.js'],
      ['POST', '/queues'],
      ['DELETE', '/admin/users'],
    ] as const) {
      const r = await fetch(warren.base + p, { method, headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } });
      expect(r.status, `${method} ${p}`).toBe(404);
      expect(r.headers.get('content-type'), `${method} ${p}`).toMatch(/^application\/json/);
      expect(await r.json(), `${method} ${p}`).toEqual({ error: 'Object Not Found', reason: 'Not Found' });
    }
  });

  it('transfers well under 200 KiB gzipped on a first load, and references no other origin', async () => {
    const html = await (await fetch(`${warren.base}/`)).text();
    const files = ['index.html', ...assetsOf(html).map((a) => a.slice(1))];
    let gzipped = 0;
    let raw = 0;
    for (const f of files) {
      const body = readFileSync(path.join(DASHBOARD_DIR, f));
      raw += body.length;
      gzipped += gzipSync(body, { level: 9 }).length;
    }
    // The figure the README's "Dashboard" section gives (printed for it).
    process.stdout.write(`dashboard first load: ${files.length} files, ${(raw / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped\n`);
    expect(gzipped).toBeLessThan(200 * 1024);
    // Every file the build made: no URL of another host is loaded (fonts, scripts, styles).
    const all = readdirSync(path.join(DASHBOARD_DIR, 'assets')).filter((f) => /\.(js|css)$/.test(f));
    for (const f of all) {
      const text = readFileSync(path.join(DASHBOARD_DIR, 'assets', f), 'utf8');
      expect(text, f).not.toMatch(/@import\s+url\(\s*['"]?https?:/);
      expect(text, f).not.toMatch(/url\(\s*['"]?https?:\/\//);
    }
    expect(html).not.toMatch(/(?:src|href)="https?:/);
  });
});

describe('without a built dashboard', () => {
  it('answers / and the dashboard paths with a page saying how to build it, /api paths with the JSON 404', async () => {
    const Fastify = (await import('fastify')).default;
    const { registerDashboard } = await import('../../src/http/dashboard.js');
    const app = Fastify();
    registerDashboard(app, path.join(DASHBOARD_DIR, 'no-such-build'));
    try {
      for (const p of ['/', '/queues/%2F/q']) {
        const r = await app.inject({ method: 'GET', url: p });
        expect(r.statusCode, p).toBe(503);
        expect(r.headers['content-type'], p).toMatch(/^text\/html/);
        expect(r.body, p).toContain('The management dashboard is not built. Run <code>npm run build</code>');
      }
      const api = await app.inject({ method: 'GET', url: '/api/nothing' });
      expect(api.statusCode).toBe(404);
      expect(api.json()).toEqual({ error: 'Object Not Found', reason: 'Not Found' });
      expect((await app.inject({ method: 'GET', url: '/assets/index-x.js' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
