/**
 * /api/permissions[/{vhost}/{user}] and /api/topic-permissions[/{vhost}/{user}] with RabbitMQ's
 * paths, JSON names and status codes (rabbit_mgmt_wm_permission(s), rabbit_mgmt_wm_topic_permission(s)).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import {
  clearPermission,
  clearTopicPermissions,
  getPermission,
  getTopicPermissions,
  listPermissions,
  listTopicPermissions,
  setPermission,
  setTopicPermission,
} from '../../admin/permissions.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies, jsonObject } from '../json-body.js';
import { sendError } from '../send-error.js';
import { rowsReply } from '../list-query.js';

/** What the permission routes need. */
export interface PermissionRouteOptions {
  admin: AdminContext;
}

type Params = { Params: { vhost: string; user: string }; Body: string | undefined };

/** Registers the permission and topic permission routes (rows are already RabbitMQ's JSON). */
export async function permissionRoutes(app: FastifyInstance, opts: PermissionRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/permissions', async (req) => rowsReply(req, listPermissions(admin, authenticate(admin, req))));
  app.get<Params>('/api/permissions/:vhost/:user', async (req) => getPermission(admin, authenticate(admin, req), req.params.vhost, req.params.user));
  app.put<Params>('/api/permissions/:vhost/:user', async (req, reply) => {
    const actor = authenticate(admin, req);
    const created = setPermission(admin, actor, req.params.vhost, req.params.user, jsonObject(req.body));
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<Params>('/api/permissions/:vhost/:user', async (req, reply) => {
    clearPermission(admin, authenticate(admin, req), req.params.vhost, req.params.user);
    return reply.code(204).send();
  });

  app.get('/api/topic-permissions', async (req) => rowsReply(req, listTopicPermissions(admin, authenticate(admin, req))));
  app.get<Params>('/api/topic-permissions/:vhost/:user', async (req) =>
    getTopicPermissions(admin, authenticate(admin, req), req.params.vhost, req.params.user),
  );
  app.put<Params>('/api/topic-permissions/:vhost/:user', async (req, reply) => {
    const actor = authenticate(admin, req);
    const created = setTopicPermission(admin, actor, req.params.vhost, req.params.user, jsonObject(req.body));
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<Params>('/api/topic-permissions/:vhost/:user', async (req, reply) => {
    clearTopicPermissions(admin, authenticate(admin, req), req.params.vhost, req.params.user);
    return reply.code(204).send();
  });
}
