/** Turns admin errors into RabbitMQ's management error responses (rabbit_mgmt_util halt_response). */
import type { FastifyReply } from 'fastify';
import { AdminError } from '../admin/errors.js';
import { MissingCredentials } from './auth.js';

// RabbitMQ HTML-escapes the reason of a 400 (rabbit_mgmt_util:bad_request), so clients see `&lt;&lt;"x"&gt;&gt;`.
function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A route error handler: 401 with the Basic challenge, AdminError as
 * `{"error", "reason"}` with its status; anything else is rethrown (500).
 */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof MissingCredentials) {
    return reply.code(401).header('www-authenticate', 'Basic realm="RabbitMQ Management"').send();
  }
  if (err instanceof AdminError) {
    if (err.reason === 'Login failed') reply.header('www-authenticate', 'Basic realm="RabbitMQ Management"');
    const reason = err.status === 400 && err.escape && typeof err.reason === 'string' ? htmlEscape(err.reason) : err.reason;
    return reply.code(err.status).send({ error: err.error, reason });
  }
  throw err;
}
