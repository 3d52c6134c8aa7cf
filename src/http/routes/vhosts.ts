/**
 * /api/vhosts, /api/vhosts/{vhost}[/permissions|/topic-permissions] with RabbitMQ's paths, JSON
 * names and status codes (rabbit_mgmt_wm_vhost(s)).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { NODE_NAME } from '../../admin/node-name.js';
import { listPermissions, listTopicPermissions } from '../../admin/permissions.js';
import { deleteVhost, getVhost, listVhosts, putVhost, type VhostInfo } from '../../admin/vhosts.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies, jsonObject } from '../json-body.js';
import { sendError } from '../send-error.js';
import { listReply, rowsReply } from '../list-query.js';

/** What the vhost routes need. */
export interface VhostRouteOptions {
  admin: AdminContext;
}

/** A vhost in RabbitMQ's management JSON (3.10.8's fields, 3.13's metadata; an unset default queue type is "undefined"). */
export function vhostJson(v: VhostInfo): Record<string, unknown> {
  const { description, tags, defaultQueueType } = v.metadata;
  const metadata: Record<string, unknown> = { description, tags: [...tags] };
  if (defaultQueueType !== undefined) metadata.default_queue_type = defaultQueueType;
  return {
    name: v.name,
    description,
    tags: [...tags],
    default_queue_type: defaultQueueType ?? 'undefined',
    metadata,
    tracing: false,
    cluster_state: { [NODE_NAME]: 'running' },
    // Statistics (send_oct, recv_oct, messages..., message_stats) when admin/ rendered them.
    ...v.stats,
  };
}

type VhostParams = { Params: { vhost: string }; Body: string | undefined };

/** Registers the vhost routes. */
export async function vhostRoutes(app: FastifyInstance, opts: VhostRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/vhosts', async (req) => listReply(req, listVhosts(admin, authenticate(admin, req), req.query).map(vhostJson), ['name']));
  app.get<VhostParams>('/api/vhosts/:vhost', async (req) => vhostJson(getVhost(admin, authenticate(admin, req), req.params.vhost, req.query)));
  app.put<VhostParams>('/api/vhosts/:vhost', async (req, reply) => {
    const actor = authenticate(admin, req);
    const created = putVhost(admin, actor, req.params.vhost, jsonObject(req.body, true));
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<VhostParams>('/api/vhosts/:vhost', async (req, reply) => {
    deleteVhost(admin, authenticate(admin, req), req.params.vhost);
    return reply.code(204).send();
  });
  app.get<VhostParams>('/api/vhosts/:vhost/permissions', async (req) =>
    rowsReply(req, listPermissions(admin, authenticate(admin, req), { vhost: req.params.vhost })),
  );
  app.get<VhostParams>('/api/vhosts/:vhost/topic-permissions', async (req) =>
    rowsReply(req, listTopicPermissions(admin, authenticate(admin, req), { vhost: req.params.vhost })),
  );
}
