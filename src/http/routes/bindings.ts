/**
 * Bindings with RabbitMQ 3.10.8's paths, JSON, status codes and errors (rabbit_mgmt_wm_bindings,
 * rabbit_mgmt_wm_binding): /api/bindings[/{vhost}], /api/bindings/{vhost}/e/{source}/{q|e}/{destination}[/{props}],
 * /api/exchanges/{vhost}/{name}/bindings/{source|destination} and /api/queues/{vhost}/{name}/bindings.
 * RabbitMQ does not page binding lists (sort and columns apply).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import {
  bindingLocation,
  createBinding,
  deleteBinding,
  getBinding,
  listAllBindings,
  listBindingsBetween,
  listBindingsOf,
  listVhostBindings,
  type BindingInfo,
  type DestinationType,
} from '../../admin/bindings.js';
import { notFound } from '../../admin/errors.js';
import { amqpTableJson } from '../amqp-table-json.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies } from '../json-body.js';
import { listReply, objectReply } from '../list-query.js';
import { sendError } from '../send-error.js';
import { methodNotAllowed } from './method-not-allowed.js';

/** What the binding routes need. */
export interface BindingRouteOptions {
  admin: AdminContext;
}

/** RabbitMQ's default sort of binding lists ("type" is in RabbitMQ's list though bindings have no such key). */
export const BINDING_SORT = ['vhost', 'source', 'type', 'destination', 'routing_key', 'properties_key'] as const;

/** A binding in RabbitMQ's management JSON (its key order). */
export function bindingJson(b: BindingInfo): Record<string, unknown> {
  return {
    source: b.source,
    vhost: b.vhost,
    destination: b.destination,
    destination_type: b.destinationType,
    routing_key: b.routingKey,
    arguments: amqpTableJson(b.arguments),
    properties_key: b.propertiesKey,
  };
}

type Between = { Params: { vhost: string; source: string; dtype: string; destination: string }; Body: string | undefined };
type One = { Params: { vhost: string; source: string; dtype: string; destination: string; props: string } };

function destinationType(dtype: string): DestinationType {
  if (dtype === 'q') return 'queue';
  if (dtype === 'e') return 'exchange';
  throw notFound();
}

/** Registers the binding routes. */
export async function bindingRoutes(app: FastifyInstance, opts: BindingRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));
  const reply = (req: FastifyRequest, bs: BindingInfo[]): unknown => listReply(req, bs.map(bindingJson), BINDING_SORT, { paginate: false });

  app.get('/api/bindings', async (req) => reply(req, listAllBindings(admin, authenticate(admin, req))));
  app.get<{ Params: { vhost: string } }>('/api/bindings/:vhost', async (req) => reply(req, listVhostBindings(admin, authenticate(admin, req), req.params.vhost)));

  app.get<Between>('/api/bindings/:vhost/e/:source/:dtype/:destination', async (req) => {
    const { vhost, source, dtype, destination } = req.params;
    return reply(req, listBindingsBetween(admin, authenticate(admin, req), vhost, source, destinationType(dtype), destination));
  });
  app.post<Between>('/api/bindings/:vhost/e/:source/:dtype/:destination', async (req, res) => {
    const { vhost, source, dtype, destination } = req.params;
    const type = destinationType(dtype);
    const created = createBinding(admin, authenticate(admin, req), vhost, source, type, destination, req.body);
    const path = req.url.split('?')[0];
    return res.code(201).header('location', bindingLocation(path, vhost, source, type, destination, created.propertiesKey)).send();
  });
  methodNotAllowed(app, '/api/bindings/:vhost/e/:source/:dtype/:destination', ['PUT', 'DELETE']);

  app.get<One>('/api/bindings/:vhost/e/:source/:dtype/:destination/:props', async (req) => {
    const { vhost, source, dtype, destination, props } = req.params;
    return objectReply(req, bindingJson(getBinding(admin, authenticate(admin, req), vhost, source, destinationType(dtype), destination, props)));
  });
  app.delete<One>('/api/bindings/:vhost/e/:source/:dtype/:destination/:props', async (req, res) => {
    const { vhost, source, dtype, destination, props } = req.params;
    deleteBinding(admin, authenticate(admin, req), vhost, source, destinationType(dtype), destination, props);
    return res.code(204).send();
  });
  methodNotAllowed(app, '/api/bindings/:vhost/e/:source/:dtype/:destination/:props', ['PUT', 'POST']);

  app.get<{ Params: { vhost: string; name: string } }>('/api/exchanges/:vhost/:name/bindings/source', async (req) =>
    reply(req, listBindingsOf(admin, authenticate(admin, req), req.params.vhost, { source: req.params.name })),
  );
  app.get<{ Params: { vhost: string; name: string } }>('/api/exchanges/:vhost/:name/bindings/destination', async (req) =>
    reply(req, listBindingsOf(admin, authenticate(admin, req), req.params.vhost, { exchangeDestination: req.params.name })),
  );
  app.get<{ Params: { vhost: string; name: string } }>('/api/queues/:vhost/:name/bindings', async (req) =>
    reply(req, listBindingsOf(admin, authenticate(admin, req), req.params.vhost, { queue: req.params.name })),
  );
  methodNotAllowed(app, '/api/bindings', ['PUT', 'POST', 'DELETE']);
  methodNotAllowed(app, '/api/bindings/:vhost', ['PUT', 'POST', 'DELETE']);
}
