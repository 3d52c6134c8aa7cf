/**
 * The health checks with RabbitMQ's paths, bodies and codes (rabbit_mgmt_wm_health_check_*:
 * 3.10.8's set, plus 3.11+'s is-in-service and 3.13's ready-to-serve-clients and
 * below-node-connection-limit), the deprecated /api/healthchecks/node[/{node}] and
 * /api/aliveness-test/{vhost}. As RabbitMQ: every one needs a management user (401 without
 * credentials); the logic is admin/health.ts's.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import {
  alarmsCheck,
  alivenessTest,
  belowNodeConnectionLimitCheck,
  certificateExpirationCheck,
  isInServiceCheck,
  legacyNodeCheck,
  portListenerCheck,
  protocolListenerCheck,
  readyToServeClientsCheck,
  singleNodeCheck,
  virtualHostsCheck,
  type CheckResult,
} from '../../admin/health.js';
import { authenticate } from '../auth.js';
import { sendError } from '../send-error.js';

/** What the health routes need. */
export interface HealthRouteOptions {
  admin: AdminContext;
}

// RabbitMQ's ?HEALTH_CHECK_FAILURE_STATUS.
const FAILURE_STATUS = 503;

function send(reply: FastifyReply, r: CheckResult): FastifyReply {
  return reply.code(r.ok ? 200 : FAILURE_STATUS).send(r.body);
}

/** Registers GET /api/health/checks/*, /api/healthchecks/node[/{node}] and /api/aliveness-test/{vhost}. */
export async function healthRoutes(app: FastifyInstance, opts: HealthRouteOptions): Promise<void> {
  const { admin } = opts;
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  /** A check that needs only an authenticated management user; run gets the path parameters. */
  const check = (path: string, run: (params: Record<string, string>) => CheckResult): void => {
    app.get<{ Params: Record<string, string> }>(path, async (req, reply) => {
      authenticate(admin, req);
      return send(reply, run(req.params));
    });
  };

  check('/api/health/checks/alarms', () => alarmsCheck(admin, false));
  check('/api/health/checks/local-alarms', () => alarmsCheck(admin, true));
  check('/api/health/checks/virtual-hosts', () => virtualHostsCheck());
  check('/api/health/checks/port-listener/:port', (p) => portListenerCheck(admin, p.port));
  check('/api/health/checks/protocol-listener/:protocol', (p) => protocolListenerCheck(admin, p.protocol));
  check('/api/health/checks/certificate-expiration/:within/:unit', (p) => certificateExpirationCheck(admin, p.within, p.unit));
  check('/api/health/checks/node-is-quorum-critical', () => singleNodeCheck());
  check('/api/health/checks/node-is-mirror-sync-critical', () => singleNodeCheck());
  check('/api/health/checks/is-in-service', () => isInServiceCheck());
  check('/api/health/checks/ready-to-serve-clients', () => readyToServeClientsCheck(admin));
  check('/api/health/checks/below-node-connection-limit', () => belowNodeConnectionLimitCheck(admin));
  check('/api/healthchecks/node', () => legacyNodeCheck(admin));
  check('/api/healthchecks/node/:node', (p) => legacyNodeCheck(admin, p.node));

  app.get<{ Params: { vhost: string } }>('/api/aliveness-test/:vhost', async (req, reply) => {
    const user = authenticate(admin, req);
    return send(reply, alivenessTest(admin, user, req.params.vhost));
  });
}
