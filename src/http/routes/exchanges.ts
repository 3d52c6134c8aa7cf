/**
 * /api/exchanges with RabbitMQ 3.10.8's paths, JSON, status codes and errors
 * (rabbit_mgmt_wm_exchanges, _exchange, _exchange_publish; the bindings sub-lists are in
 * routes/bindings.ts). Statistics: message_stats (admin/ renders it with the request's ranges);
 * the single exchange's per-channel and per-queue statistics (incoming, outgoing) with rates_mode detailed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { deleteExchange, exchangeFineStats, getExchange, listExchanges, publishMessage, putExchange, type ExchangeInfo } from '../../admin/exchanges.js';
import { amqpTableJson } from '../amqp-table-json.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies } from '../json-body.js';
import { disableStats, listReply, objectReply, queryParam } from '../list-query.js';
import { sendError } from '../send-error.js';
import { methodNotAllowed } from './method-not-allowed.js';

/** What the exchange routes need. */
export interface ExchangeRouteOptions {
  admin: AdminContext;
}

/** RabbitMQ's default sort of exchange lists. */
export const EXCHANGE_SORT = ['vhost', 'name'] as const;

/**
 * An exchange in RabbitMQ's management JSON (keys in RabbitMQ's order). `policy` appears only
 * when one applies, as in 3.10.8. message_stats (publish_in, publish_out and their rates) once
 * the exchange had a publish, when admin/ rendered it (ExchangeInfo.stats).
 */
export function exchangeJson(x: ExchangeInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {
    arguments: amqpTableJson(x.arguments),
    auto_delete: x.autoDelete,
    durable: x.durable,
    internal: x.internal,
    name: x.name,
  };
  if (x.policy !== undefined) out.policy = x.policy;
  out.type = x.type;
  out.user_who_performed_action = x.userWhoPerformedAction;
  out.vhost = x.vhost;
  if (x.stats !== undefined) Object.assign(out, x.stats);
  return out;
}

type VhostParams = { Params: { vhost: string } };
type ExchangeParams = { Params: { vhost: string; name: string }; Body: string | undefined };

/** Registers the exchange routes. */
export async function exchangeRoutes(app: FastifyInstance, opts: ExchangeRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  // The lists skip the statistics (and their range parameters) with disable_stats, as RabbitMQ's do; one exchange keeps them.
  const statsQuery = (req: FastifyRequest): unknown => (disableStats(req) ? undefined : req.query);
  app.get('/api/exchanges', async (req) => listReply(req, listExchanges(admin, authenticate(admin, req), undefined, statsQuery(req)).map(exchangeJson), EXCHANGE_SORT));
  app.get<VhostParams>('/api/exchanges/:vhost', async (req) =>
    listReply(req, listExchanges(admin, authenticate(admin, req), req.params.vhost, statsQuery(req)).map(exchangeJson), EXCHANGE_SORT),
  );

  app.get<ExchangeParams>('/api/exchanges/:vhost/:name', async (req) => {
    const x = getExchange(admin, authenticate(admin, req), req.params.vhost, req.params.name, req.query ?? {});
    // The single exchange adds its per-channel and per-queue statistics (rates_mode detailed).
    const fine = exchangeFineStats(admin, req.params.vhost, req.params.name);
    return objectReply(req, { ...exchangeJson(x), incoming: fine.incoming, outgoing: fine.outgoing });
  });
  app.put<ExchangeParams>('/api/exchanges/:vhost/:name', async (req, reply) => {
    const created = putExchange(admin, authenticate(admin, req), req.params.vhost, req.params.name, req.body);
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<ExchangeParams>('/api/exchanges/:vhost/:name', async (req, reply) => {
    deleteExchange(admin, authenticate(admin, req), req.params.vhost, req.params.name, queryParam(req, 'if-unused') === 'true');
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/api/exchanges/:vhost/:name', ['POST']);

  app.post<ExchangeParams>('/api/exchanges/:vhost/:name/publish', async (req) => {
    const routed = await publishMessage(admin, authenticate(admin, req), req.params.vhost, req.params.name, req.body);
    return { routed };
  });
  methodNotAllowed(app, '/api/exchanges/:vhost/:name/publish', ['GET', 'PUT', 'DELETE']);
  methodNotAllowed(app, '/api/exchanges', ['PUT', 'POST', 'DELETE']);
  methodNotAllowed(app, '/api/exchanges/:vhost', ['PUT', 'POST', 'DELETE']);
}
