/**
 * /api/policies with RabbitMQ's paths, JSON shape, status codes and
 * authorisation (rabbit_mgmt_wm_policies / rabbit_mgmt_wm_policy).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { canSeeVhost, requirePolicymaker, requireVhostAccess } from '../../admin/authorization.js';
import { badRequest } from '../../admin/errors.js';
import { clearPolicy, getPolicy, listPolicies, setPolicy, type Policy } from '../../admin/policies.js';
import { authenticate } from '../auth.js';
import { sendError } from '../send-error.js';
import { rowsReply } from '../list-query.js';

/** What the policy routes need. */
export interface PolicyRouteOptions {
  admin: AdminContext;
}

/** A policy in RabbitMQ's management JSON. */
export function policyJson(p: Policy): Record<string, unknown> {
  return { vhost: p.vhost, name: p.name, pattern: p.pattern, 'apply-to': p.applyTo, definition: p.definition, priority: p.priority };
}

type VhostParams = { Params: { vhost: string } };
type PolicyParams = { Params: { vhost: string; name: string }; Body: string | undefined };

/** Registers GET /api/policies[/{vhost}[/{name}]], PUT and DELETE /api/policies/{vhost}/{name}. */
export async function policyRoutes(app: FastifyInstance, opts: PolicyRouteOptions): Promise<void> {
  const { admin } = opts;
  // RabbitMQ reads the body as JSON whatever its content type (curl -d sends form-urlencoded).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/policies', async (req) => {
    const user = authenticate(admin, req);
    const items = listPolicies(admin)
      .filter((p) => canSeeVhost(admin, user, p.vhost))
      .map(policyJson);
    return rowsReply(req, items);
  });

  app.get<VhostParams>('/api/policies/:vhost', async (req) => {
    const user = authenticate(admin, req);
    requireVhostAccess(admin, user, req.params.vhost);
    return rowsReply(req, listPolicies(admin, req.params.vhost).map(policyJson));
  });

  app.get<PolicyParams>('/api/policies/:vhost/:name', async (req) => {
    const user = authenticate(admin, req);
    requirePolicymaker(admin, user, req.params.vhost);
    return policyJson(getPolicy(admin, req.params.vhost, req.params.name));
  });

  app.put<PolicyParams>('/api/policies/:vhost/:name', async (req, reply) => {
    const user = authenticate(admin, req);
    requirePolicymaker(admin, user, req.params.vhost);
    const body = parseBody(req.body);
    // RabbitMQ checks the mandatory keys before validating anything.
    for (const key of ['pattern', 'definition']) if (!(key in body)) throw badRequest(`[{key_missing,${key}}]`);
    const created = setPolicy(admin, req.params.vhost, req.params.name, {
      pattern: body.pattern,
      definition: body.definition,
      priority: body.priority,
      applyTo: body['apply-to'],
    });
    return reply.code(created ? 201 : 204).send();
  });

  app.delete<PolicyParams>('/api/policies/:vhost/:name', async (req, reply) => {
    const user = authenticate(admin, req);
    requirePolicymaker(admin, user, req.params.vhost);
    clearPolicy(admin, req.params.vhost, req.params.name);
    return reply.code(204).send();
  });
}

function parseBody(raw: string | undefined): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw ?? '');
  } catch {
    throw badRequest('not_json');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('not_json');
  return body as Record<string, unknown>;
}
