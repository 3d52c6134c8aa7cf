/**
 * /api/vhost-limits[/{vhost}[/{name}]] and /api/user-limits[/{user}[/{name}]] with RabbitMQ's
 * paths, JSON names and status codes (rabbit_mgmt_wm_limit(s), rabbit_mgmt_wm_user_limit(s)).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { clearUserLimit, clearVhostLimit, listUserLimits, listVhostLimits, setUserLimit, setVhostLimit } from '../../admin/limits.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies, jsonObject } from '../json-body.js';
import { sendError } from '../send-error.js';
import { rowsReply } from '../list-query.js';

/** What the limit routes need. */
export interface LimitRouteOptions {
  admin: AdminContext;
}

type VhostParams = { Params: { vhost: string; name: string }; Body: string | undefined };
type UserParams = { Params: { user: string; name: string }; Body: string | undefined };

/** Registers the limit routes (PUT always answers 204, as RabbitMQ does). */
export async function limitRoutes(app: FastifyInstance, opts: LimitRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/vhost-limits', async (req) => rowsReply(req, listVhostLimits(admin, authenticate(admin, req))));
  app.get<VhostParams>('/api/vhost-limits/:vhost', async (req) => listVhostLimits(admin, authenticate(admin, req), req.params.vhost));
  app.put<VhostParams>('/api/vhost-limits/:vhost/:name', async (req, reply) => {
    const actor = authenticate(admin, req);
    setVhostLimit(admin, actor, req.params.vhost, req.params.name, jsonObject(req.body));
    return reply.code(204).send();
  });
  // RabbitMQ has no GET for one limit: 405, without a body.
  app.get('/api/vhost-limits/:vhost/:name', async (_req, reply) => reply.code(405).header('allow', 'PUT, DELETE').send());
  app.get('/api/user-limits/:user/:name', async (_req, reply) => reply.code(405).header('allow', 'PUT, DELETE').send());
  app.delete<VhostParams>('/api/vhost-limits/:vhost/:name', async (req, reply) => {
    clearVhostLimit(admin, authenticate(admin, req), req.params.vhost, req.params.name);
    return reply.code(204).send();
  });

  app.get('/api/user-limits', async (req) => rowsReply(req, listUserLimits(admin, authenticate(admin, req))));
  app.get<UserParams>('/api/user-limits/:user', async (req) => listUserLimits(admin, authenticate(admin, req), req.params.user));
  app.put<UserParams>('/api/user-limits/:user/:name', async (req, reply) => {
    const actor = authenticate(admin, req);
    setUserLimit(admin, actor, req.params.user, req.params.name, jsonObject(req.body));
    return reply.code(204).send();
  });
  app.delete<UserParams>('/api/user-limits/:user/:name', async (req, reply) => {
    clearUserLimit(admin, authenticate(admin, req), req.params.user, req.params.name);
    return reply.code(204).send();
  });
}
