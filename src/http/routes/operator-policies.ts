/**
 * /api/operator-policies[/{vhost}[/{name}]] with RabbitMQ's paths, JSON shape, status codes and
 * authorisation (rabbit_mgmt_wm_operator_policies / rabbit_mgmt_wm_operator_policy). Unlike
 * /api/policies, a PUT must say it is JSON: RabbitMQ 3.10.8 answers 415 (no body) to any other
 * content type.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { requireAdministrator } from '../../admin/authorization.js';
import { clearOperatorPolicy, getOperatorPolicy, listOperatorPolicies, setOperatorPolicy } from '../../admin/operator-policies.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies, jsonObject } from '../json-body.js';
import { listReply } from '../list-query.js';
import { sendError } from '../send-error.js';
import { policyJson } from './policies.js';

/** What the operator policy routes need. */
export interface OperatorPolicyRouteOptions {
  admin: AdminContext;
}

type VhostParams = { Params: { vhost: string } };
type PolicyParams = { Params: { vhost: string; name: string }; Body: string | undefined };

/** application/json, with any parameters (charset): what RabbitMQ's operator policy PUT accepts. */
function isJson(req: FastifyRequest): boolean {
  return /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

/** Registers GET /api/operator-policies[/{vhost}[/{name}]], PUT and DELETE /api/operator-policies/{vhost}/{name}. */
export async function operatorPolicyRoutes(app: FastifyInstance, opts: OperatorPolicyRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  // RabbitMQ's default sort of these lists is by priority (listOperatorPolicies' order).
  app.get('/api/operator-policies', async (req) => listReply(req, listOperatorPolicies(admin, authenticate(admin, req)).map(policyJson), ['priority']));
  app.get<VhostParams>('/api/operator-policies/:vhost', async (req) =>
    listReply(req, listOperatorPolicies(admin, authenticate(admin, req), req.params.vhost).map(policyJson), ['priority']),
  );
  app.get<PolicyParams>('/api/operator-policies/:vhost/:name', async (req) =>
    policyJson(getOperatorPolicy(admin, authenticate(admin, req), req.params.vhost, req.params.name)),
  );
  app.put<PolicyParams>('/api/operator-policies/:vhost/:name', async (req, reply): Promise<FastifyReply> => {
    const actor = authenticate(admin, req);
    // Authorisation comes before content negotiation, as in cowboy's REST flow.
    requireAdministrator(actor);
    if (!isJson(req)) return reply.code(415).send();
    const created = setOperatorPolicy(admin, actor, req.params.vhost, req.params.name, () => jsonObject(req.body));
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<PolicyParams>('/api/operator-policies/:vhost/:name', async (req, reply) => {
    clearOperatorPolicy(admin, authenticate(admin, req), req.params.vhost, req.params.name);
    return reply.code(204).send();
  });
}
