/**
 * The dashboard's files (management-ui/, built by Vite into dist/ui/) on the management port:
 * hashed assets under /assets/ cached for a year as immutable, index.html revalidated on every
 * load (no-cache) so a new build is picked up at once, and index.html for every other GET that
 * is not under /api/ or /assets/ (the dashboard's own routes: /queues/%2F/orders), which the
 * browser-side router then reads. /api/* and missing assets keep RabbitMQ's JSON 404.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// Same relative path from src/http/ and dist/http/.
const DEFAULT_UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

/** Where the built dashboard is looked for (dist/ui/ beside src/ and dist/). */
export function dashboardDir(): string {
  return DEFAULT_UI_DIR;
}

// The page's own scripts and styles only (nothing inline, nothing from outside); images may be
// data: URLs (the favicon); the API is same-origin.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Warren</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>Warren</h1>
<p>The management dashboard is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and restart the broker.</p>
<p>The HTTP API is available, for example <a href="/api/overview"><code>/api/overview</code></a>.</p>
</body></html>
`;

/** RabbitMQ's 404 body. */
function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: 'Object Not Found', reason: 'Not Found' });
}

/** True for the paths the dashboard's router owns (GET/HEAD outside /api/ and /assets/). */
function isDashboardPath(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.url.split('?')[0];
  return !(path === '/api' || path.startsWith('/api/') || path.startsWith('/assets/'));
}

/**
 * Serves the dashboard from `dir` (default dist/ui/) and installs the app's not-found handler
 * (index.html for the dashboard's paths, the JSON 404 for the rest).
 */
export function registerDashboard(app: FastifyInstance, dir = dashboardDir()): void {
  const built = existsSync(`${dir}/index.html`);
  if (built) {
    void app.register(fastifyStatic, {
      root: `${dir}/assets`,
      prefix: '/assets/',
      // Vite names every asset by its content hash: a changed file is a new URL.
      maxAge: '365d',
      immutable: true,
      // The build writes .br and .gz beside each asset (management-ui/vite.config.ts).
      preCompressed: true,
      index: false,
      list: false,
      dotfiles: 'ignore',
    });
  }

  const sendIndex = (reply: FastifyReply): FastifyReply => {
    void reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff');
    if (!built) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    // Revalidated on every load (ETag / Last-Modified), so a rebuilt dashboard is seen at once.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
  };

  app.get('/', async (_req, reply) => sendIndex(reply));
  app.setNotFoundHandler(async (req, reply) => (isDashboardPath(req) ? sendIndex(reply) : notFound(reply)));
}
