/**
 * Request bodies as RabbitMQ's management reads them: JSON whatever the content type (curl -d
 * sends form-urlencoded), an object or a 400 `not_json`.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../admin/errors.js';

/** Makes the plugin's routes receive every body as a string (call once per route plugin). */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

/** The body as a JSON object; an empty body is `{}` when `optional` (PUT /api/vhosts/{v}), else 400 `not_json`. */
export function jsonObject(raw: unknown, optional = false): Record<string, unknown> {
  const text = typeof raw === 'string' ? raw : '';
  if (optional && text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('not_json');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('not_json');
  return body as Record<string, unknown>;
}
