/**
 * GET /api/consumers and /api/consumers/{vhost} with RabbitMQ 3.10.8's JSON
 * shape and authorisation (rabbit_mgmt_wm_consumers).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { listConsumers, type ConsumerInfo } from '../../admin/consumers.js';
import { amqpTableJson } from '../amqp-table-json.js';
import { authenticate } from '../auth.js';
import { sendError } from '../send-error.js';

/** What the consumer routes need. */
export interface ConsumerRouteOptions {
  admin: AdminContext;
}

/** A consumer in RabbitMQ's management JSON (3.10.8 has no consumer_timeout field here). */
export function consumerJson(c: ConsumerInfo): Record<string, unknown> {
  const ch = c.channel;
  return {
    arguments: amqpTableJson(c.arguments),
    ack_required: c.ackRequired,
    active: c.active,
    activity_status: c.activityStatus,
    channel_details: {
      connection_name: ch.connectionName,
      name: ch.name,
      node: ch.node,
      number: ch.number,
      peer_host: ch.peerHost,
      peer_port: ch.peerPort,
      user: ch.user,
    },
    consumer_tag: c.tag,
    exclusive: c.exclusive,
    prefetch_count: c.prefetchCount,
    queue: { name: c.queue, vhost: c.vhost },
  };
}

/** Registers GET /api/consumers and /api/consumers/{vhost}. */
export async function consumerRoutes(app: FastifyInstance, opts: ConsumerRouteOptions): Promise<void> {
  const { admin } = opts;
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/consumers', async (req) => {
    const user = authenticate(admin, req);
    return listConsumers(admin, user).map(consumerJson);
  });

  app.get<{ Params: { vhost: string } }>('/api/consumers/:vhost', async (req) => {
    const user = authenticate(admin, req);
    return listConsumers(admin, user, req.params.vhost).map(consumerJson);
  });
}
