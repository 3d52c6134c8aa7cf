/**
 * GET /api/definitions in RabbitMQ's export format (rabbit_mgmt_wm_definitions); `?download=f` sets
 * content-disposition. POST /api/definitions[/{vhost}] imports one (204; 400 naming the first problem).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { importDefinitionsText, importVhostDefinitions, parseDefinitionsJson } from '../../admin/definitions-import.js';
import { exportDefinitions, exportVhostDefinitions } from '../../admin/definitions.js';
import type { FieldTable } from '../../amqp/codec/field-value.js';
import { amqpTableJson } from '../amqp-table-json.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies } from '../json-body.js';
import { sendError } from '../send-error.js';

/** What the definitions routes need. */
export interface DefinitionRouteOptions {
  admin: AdminContext;
}

type Query = { Querystring: { download?: string } };
type VhostQuery = Query & { Params: { vhost: string } };
type Post = { Params: { vhost: string }; Body: string | undefined };

// RabbitMQ's management.http_max_body_size default (20 MiB); Fastify's own default (1 MiB) is too small for a node's definitions.
const MAX_DEFINITIONS_BYTES = 20 * 1024 * 1024;

function attachment(reply: FastifyReply, download: string | undefined): void {
  if (download !== undefined && download !== '') reply.header('content-disposition', `attachment; filename=${download.replace(/["\\\r\n;]/g, '_')}`);
}

/** A queue, exchange or binding of an export. */
interface WithArguments {
  arguments: FieldTable;
}

/** An export with its x-arguments (AMQP tables) as RabbitMQ's JSON. */
function withJsonArguments(d: { queues: WithArguments[]; exchanges: WithArguments[]; bindings: WithArguments[] }): Record<string, unknown> {
  return {
    ...d,
    queues: d.queues.map((q) => ({ ...q, arguments: amqpTableJson(q.arguments) })),
    exchanges: d.exchanges.map((x) => ({ ...x, arguments: amqpTableJson(x.arguments) })),
    bindings: d.bindings.map((b) => ({ ...b, arguments: amqpTableJson(b.arguments) })),
  };
}

/** Registers GET and POST /api/definitions and /api/definitions/{vhost}. */
export async function definitionRoutes(app: FastifyInstance, opts: DefinitionRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));
  app.get<Query>('/api/definitions', async (req, reply) => {
    const d = exportDefinitions(admin, authenticate(admin, req));
    attachment(reply, req.query.download);
    return withJsonArguments(d);
  });
  app.get<VhostQuery>('/api/definitions/:vhost', async (req, reply) => {
    const d = exportVhostDefinitions(admin, authenticate(admin, req), req.params.vhost);
    attachment(reply, req.query.download);
    return withJsonArguments(d);
  });
  app.post<Post>('/api/definitions', { bodyLimit: MAX_DEFINITIONS_BYTES }, async (req, reply) => {
    importDefinitionsText(admin, authenticate(admin, req), req.body ?? '');
    return reply.code(204).send();
  });
  app.post<Post>('/api/definitions/:vhost', { bodyLimit: MAX_DEFINITIONS_BYTES }, async (req, reply) => {
    const actor = authenticate(admin, req);
    importVhostDefinitions(admin, actor, req.params.vhost, parseDefinitionsJson(req.body ?? ''));
    return reply.code(204).send();
  });
}
