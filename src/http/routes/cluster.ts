/**
 * /api/cluster-name (GET for every management user, PUT for administrators), /api/extensions,
 * /api/feature-flags (administrators) and /api/auth (no credentials needed), as RabbitMQ 3.10.8
 * answers them (rabbit_mgmt_wm_cluster_name, _extensions, _feature_flags, _auth).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { requireAdministrator } from '../../admin/authorization.js';
import { getClusterName, putClusterName } from '../../admin/cluster-name.js';
import { FEATURE_FLAGS } from '../../admin/node-facts.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies, jsonObject } from '../json-body.js';
import { listReply } from '../list-query.js';
import { sendError } from '../send-error.js';

/** What the cluster routes need. */
export interface ClusterRouteOptions {
  admin: AdminContext;
}

/** Registers the cluster-name, extensions, feature-flags and auth routes. */
export async function clusterRoutes(app: FastifyInstance, opts: ClusterRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/cluster-name', async (req) => {
    authenticate(admin, req);
    return getClusterName(admin);
  });
  app.put<{ Body: string | undefined }>('/api/cluster-name', async (req, reply) => {
    const actor = authenticate(admin, req);
    // An empty body reads as {} (RabbitMQ: then key_missing).
    putClusterName(admin, actor, jsonObject(req.body, true));
    return reply.code(204).send();
  });
  // RabbitMQ allows HEAD, GET, PUT and OPTIONS here: 405 without a body for the rest.
  app.route({
    method: ['DELETE', 'POST', 'PATCH'],
    url: '/api/cluster-name',
    handler: async (_req, reply) => reply.code(405).header('allow', 'HEAD, GET, PUT, OPTIONS').send(),
  });

  // The management UI loads these plugins' scripts; Warren's dashboard has none.
  app.get('/api/extensions', async (req) => {
    authenticate(admin, req);
    return [];
  });

  app.get('/api/feature-flags', async (req) => {
    requireAdministrator(authenticate(admin, req));
    return listReply(
      req,
      FEATURE_FLAGS.map((f) => ({ ...f })),
      ['name'],
    );
  });

  // OAuth 2 (UAA) is not configured: the UI logs in with Basic credentials. No authentication needed.
  app.get('/api/auth', async () => ({ enable_uaa: false, uaa_client_id: '', uaa_location: '' }));
}
