/**
 * GET /api/nodes, /api/nodes/{node}[?memory=true], /api/nodes/{node}/memory[/relative]
 * (rabbit_mgmt_wm_node(s), rabbit_mgmt_wm_node_memory) and /api/config/effective: the logic is
 * admin/nodes.ts's and admin/environment.ts's.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { effectiveConfig } from '../../admin/environment.js';
import { getNode, getNodeMemory, listNodes } from '../../admin/nodes.js';
import { authenticate } from '../auth.js';
import { listReply } from '../list-query.js';
import { sendError } from '../send-error.js';

/** What the node routes need. */
export interface NodeRouteOptions {
  admin: AdminContext;
}

type NodeParams = { Params: { node: string }; Querystring: { memory?: string } };

/** Registers the node routes. */
export async function nodeRoutes(app: FastifyInstance, opts: NodeRouteOptions): Promise<void> {
  const { admin } = opts;
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));
  app.get('/api/nodes', async (req) => listReply(req, await listNodes(admin, authenticate(admin, req), req.query), ['name']));
  app.get<NodeParams>('/api/nodes/:node', async (req) => getNode(admin, authenticate(admin, req), req.params.node, req.query.memory === 'true', req.query));
  app.get<NodeParams>('/api/nodes/:node/memory', async (req) => getNodeMemory(admin, authenticate(admin, req), req.params.node, false));
  app.get<NodeParams>('/api/nodes/:node/memory/relative', async (req) => getNodeMemory(admin, authenticate(admin, req), req.params.node, true));
  // RabbitMQ 4.x's path (text/plain Erlang terms there); JSON here: warrenctl environment reads it.
  app.get('/api/config/effective', async (req) => effectiveConfig(admin, authenticate(admin, req)));
}
