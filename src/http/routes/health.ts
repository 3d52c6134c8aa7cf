/**
 * Health checks with RabbitMQ 3.13's paths and JSON shapes (rabbit_mgmt_wm_health_check_*),
 * so load balancers and orchestration written for RabbitMQ work unchanged.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

/** What the health routes need to know about the running broker. */
export interface HealthRouteOptions {
  /** Ports this node listens on right now (AMQP and management), resolved per request. */
  listeningPorts: () => number[];
  /** Resources in alarm right now ("disk", "memory"). */
  alarms: () => readonly string[];
  /** This node's name as the API reports it. */
  node: string;
}

const OK = { status: 'ok' } as const;

/** Registers GET /api/health/checks/* and /api/aliveness-test/:vhost. */
export async function healthRoutes(app: FastifyInstance, opts: HealthRouteOptions): Promise<void> {
  // rabbit_mgmt_wm_health_check_(local_)alarms: 503 with the alarms as {node, resource} maps.
  // Warren is a single node, so the cluster's alarms are the node's.
  const alarmCheck = (reason: string) => async (_req: unknown, reply: FastifyReply) => {
    const resources = opts.alarms();
    if (resources.length === 0) return OK;
    return reply.code(503).send({ status: 'failed', reason, alarms: resources.map((resource) => ({ node: opts.node, resource })) });
  };
  app.get('/api/health/checks/alarms', alarmCheck('There are alarms in effect in the cluster'));
  app.get('/api/health/checks/local-alarms', alarmCheck('There are alarms in effect on the node'));
  // RabbitMQ: fails when a vhost's supervision tree is down; a Warren vhost cannot be down
  // independently of the process answering this request.
  app.get('/api/health/checks/virtual-hosts', async () => OK);
  app.get('/api/health/checks/is-in-service', async () => OK);
  app.get('/api/health/checks/ready-to-serve-clients', async () => OK);

  app.get<{ Params: { port: string } }>('/api/health/checks/port-listener/:port', async (req, reply) => {
    const raw = req.params.port;
    // RabbitMQ: binary_to_integer/1 fails -> 400 "Invalid port".
    if (!/^\d+$/.test(raw)) return reply.code(400).send({ error: 'bad_request', reason: 'Invalid port' });
    const port = Number(raw);
    const ports = opts.listeningPorts();
    if (ports.includes(port)) return { status: 'ok', port };
    return reply.code(503).send({ status: 'failed', reason: 'No active listener', missing: port, ports });
  });

  // RabbitMQ declares, publishes to and gets from an `aliveness-test` queue in the vhost;
  // Warren answers for the process being up and serving requests.
  app.get<{ Params: { vhost: string } }>('/api/aliveness-test/:vhost', async () => OK);
}
