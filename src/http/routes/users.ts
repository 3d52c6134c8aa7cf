/**
 * /api/users, /api/users/{user}[/permissions|/topic-permissions] and /api/whoami with RabbitMQ's
 * paths, JSON names and status codes (rabbit_mgmt_wm_user(s), rabbit_mgmt_wm_whoami).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import type { User } from '../../admin/authorization.js';
import { listPermissions, listTopicPermissions } from '../../admin/permissions.js';
import { bulkDeleteUsers, deleteUser, getUser, hashPasswordFor, listUsers, listUsersWithoutPermissions, putUser, whoami } from '../../admin/users.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies, jsonObject } from '../json-body.js';
import { sendError } from '../send-error.js';
import { rowsReply } from '../list-query.js';

/** What the user routes need. */
export interface UserRouteOptions {
  admin: AdminContext;
}

/** A user in RabbitMQ's management JSON (the hash is shown to administrators, as RabbitMQ does). */
export function userJson(u: User): Record<string, unknown> {
  return { name: u.name, password_hash: u.passwordHash, hashing_algorithm: u.hashingAlgorithm, tags: [...u.tags], limits: { ...u.limits } };
}

type UserParams = { Params: { user: string }; Body: string | undefined };

/** Registers the user routes. */
export async function userRoutes(app: FastifyInstance, opts: UserRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/whoami', async (req) => whoami(authenticate(admin, req)));
  app.get('/api/users', async (req) => rowsReply(req, listUsers(admin, authenticate(admin, req)).map(userJson)));
  app.get('/api/users/without-permissions', async (req) =>
    rowsReply(req, listUsersWithoutPermissions(admin, authenticate(admin, req)).map(userJson)),
  );
  app.post<{ Body: string | undefined }>('/api/users/bulk-delete', async (req, reply) => {
    bulkDeleteUsers(admin, authenticate(admin, req), jsonObject(req.body));
    return reply.code(204).send();
  });
  // The password is in the path (RabbitMQ's API); HTTP logs no request lines, so it reaches no log.
  app.get<{ Params: { password: string } }>('/api/auth/hash_password/:password', async (req) => {
    authenticate(admin, req);
    return hashPasswordFor(req.params.password);
  });
  app.get<UserParams>('/api/users/:user', async (req) => userJson(getUser(admin, authenticate(admin, req), req.params.user)));
  app.put<UserParams>('/api/users/:user', async (req, reply) => {
    const actor = authenticate(admin, req);
    const created = putUser(admin, actor, req.params.user, jsonObject(req.body));
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<UserParams>('/api/users/:user', async (req, reply) => {
    deleteUser(admin, authenticate(admin, req), req.params.user);
    return reply.code(204).send();
  });
  app.get<UserParams>('/api/users/:user/permissions', async (req) =>
    rowsReply(req, listPermissions(admin, authenticate(admin, req), { user: req.params.user })),
  );
  app.get<UserParams>('/api/users/:user/topic-permissions', async (req) =>
    rowsReply(req, listTopicPermissions(admin, authenticate(admin, req), { user: req.params.user })),
  );
}
