/**
 * /api/parameters[/{component}[/{vhost}[/{name}]]] and /api/global-parameters[/{name}] with
 * RabbitMQ's paths, JSON shapes, status codes and authorisation (rabbit_mgmt_wm_parameter(s),
 * rabbit_mgmt_wm_global_parameter(s)). PUT answers 201 for a new parameter, 204 otherwise.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { clearGlobalParameter, getGlobalParameter, listGlobalParameters, setGlobalParameter, type GlobalParameterRow } from '../../admin/global-parameters.js';
import { clearParameter, getParameter, listParameters, setParameter, type ParameterRow } from '../../admin/parameters.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies, jsonObject } from '../json-body.js';
import { listReply } from '../list-query.js';
import { sendError } from '../send-error.js';

/** What the parameter routes need. */
export interface ParameterRouteOptions {
  admin: AdminContext;
}

/** A runtime parameter in RabbitMQ's management JSON (its key order). */
export function parameterJson(p: ParameterRow): Record<string, unknown> {
  return { value: p.value, vhost: p.vhost, component: p.component, name: p.name };
}

/** A global parameter in RabbitMQ's management JSON (lists put the name first, one parameter the value). */
function globalJson(p: GlobalParameterRow, single = false): Record<string, unknown> {
  return single ? { value: p.value, name: p.name } : { name: p.name, value: p.value };
}

type ComponentParams = { Params: { component: string } };
type VhostParams = { Params: { component: string; vhost: string } };
type OneParams = { Params: { component: string; vhost: string; name: string }; Body: string | undefined };
type GlobalParams = { Params: { name: string }; Body: string | undefined };

/** Registers the runtime and global parameter routes. */
export async function parameterRoutes(app: FastifyInstance, opts: ParameterRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/parameters', async (req) => listReply(req, listParameters(admin, authenticate(admin, req)).map(parameterJson), ['vhost', 'name']));
  app.get<ComponentParams>('/api/parameters/:component', async (req) =>
    listReply(req, listParameters(admin, authenticate(admin, req), req.params.component).map(parameterJson), ['vhost', 'name']),
  );
  app.get<VhostParams>('/api/parameters/:component/:vhost', async (req) =>
    listReply(req, listParameters(admin, authenticate(admin, req), req.params.component, req.params.vhost).map(parameterJson), ['vhost', 'name']),
  );
  app.get<OneParams>('/api/parameters/:component/:vhost/:name', async (req) => {
    const { component, vhost, name } = req.params;
    return parameterJson(getParameter(admin, authenticate(admin, req), component, vhost, name));
  });
  app.put<OneParams>('/api/parameters/:component/:vhost/:name', async (req, reply) => {
    const { component, vhost, name } = req.params;
    const created = setParameter(admin, authenticate(admin, req), component, vhost, name, () => jsonObject(req.body));
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<OneParams>('/api/parameters/:component/:vhost/:name', async (req, reply) => {
    const { component, vhost, name } = req.params;
    clearParameter(admin, authenticate(admin, req), component, vhost, name);
    return reply.code(204).send();
  });

  app.get('/api/global-parameters', async (req) => listReply(req, listGlobalParameters(admin, authenticate(admin, req)).map((p) => globalJson(p)), ['name']));
  app.get<GlobalParams>('/api/global-parameters/:name', async (req) => globalJson(getGlobalParameter(admin, authenticate(admin, req), req.params.name), true));
  app.put<GlobalParams>('/api/global-parameters/:name', async (req, reply) => {
    const actor = authenticate(admin, req);
    const created = setGlobalParameter(admin, actor, req.params.name, jsonObject(req.body));
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<GlobalParams>('/api/global-parameters/:name', async (req, reply) => {
    clearGlobalParameter(admin, authenticate(admin, req), req.params.name);
    return reply.code(204).send();
  });
}
