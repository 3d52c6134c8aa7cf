/**
 * The management HTTP app: RabbitMQ's /api paths and JSON names, plus the dashboard at /.
 */
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AdminContext } from '../admin/admin-context.js';
import type { Config } from '../config.js';
import { countLogins } from './auth.js';
import { registerDashboard } from './dashboard.js';
import { certificateRoutes, type CertificateRouteOptions } from './routes/certificates.js';
import { clusterRoutes } from './routes/cluster.js';
import { consumerRoutes } from './routes/consumers.js';
import { definitionRoutes } from './routes/definitions.js';
import { healthRoutes } from './routes/health.js';
import { limitRoutes } from './routes/limits.js';
import { operatorPolicyRoutes } from './routes/operator-policies.js';
import { parameterRoutes } from './routes/parameters.js';
import { nodeRoutes } from './routes/nodes.js';
import { overviewRoutes } from './routes/overview.js';
import { permissionRoutes } from './routes/permissions.js';
import { policyRoutes } from './routes/policies.js';
import { userRoutes } from './routes/users.js';
import { vhostRoutes } from './routes/vhosts.js';
import { connectionRoutes } from './routes/connections.js';
import { channelRoutes } from './routes/channels.js';
import { bindingRoutes } from './routes/bindings.js';
import { exchangeRoutes } from './routes/exchanges.js';
import { queueRoutes } from './routes/queues.js';

/** What the HTTP app is built from. */
export interface HttpAppOptions {
  /** Everything the routes read or change goes through admin/ with this. */
  admin: AdminContext;
  /** The running config: `port` is the AMQP port actually bound (not 0). */
  config: Config;
  logger: Logger;
  /** Serve HTTPS with these options (management.ssl.*: node:https's ServerOptions); absent: plain HTTP. */
  https?: HttpsServerOptions;
  /** Certificate reload and the served certificates (the certificate routes); absent: none served. */
  certificates?: CertificateRouteOptions['certificates'];
}

/** Builds (does not start) the Fastify app; call `listen()` or `inject()` on it. */
export function buildHttpApp(opts: HttpAppOptions): FastifyInstance {
  // Fastify logs every request and its own "Server listening" at info; the broker logs its
  // listeners itself and a line per request would drown it, so HTTP logs warnings and up.
  const level = opts.logger.levelVal >= opts.logger.levels.values.warn ? opts.logger.level : 'warn';
  const app = Fastify({
    // A path segment holds a queue or exchange name (up to 255 bytes, three characters each when escaped).
    routerOptions: { maxParamLength: 1024 },
    // Typed as Fastify's base logger so the app is a plain FastifyInstance for route modules.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed by tsconfig.build.json, where Fastify's logger type does not widen to pino's
    loggerInstance: opts.logger.child({ component: 'http' }, { level }) as FastifyBaseLogger,
    ...(opts.https === undefined ? {} : { https: opts.https }),
  }) as unknown as FastifyInstance;

  countLogins(app);
  void app.register(healthRoutes, { admin: opts.admin });
  void app.register(policyRoutes, { admin: opts.admin });
  void app.register(consumerRoutes, { admin: opts.admin });
  void app.register(userRoutes, { admin: opts.admin });
  void app.register(vhostRoutes, { admin: opts.admin });
  void app.register(permissionRoutes, { admin: opts.admin });
  void app.register(limitRoutes, { admin: opts.admin });
  void app.register(definitionRoutes, { admin: opts.admin });
  void app.register(parameterRoutes, { admin: opts.admin });
  void app.register(operatorPolicyRoutes, { admin: opts.admin });
  if (opts.certificates !== undefined) void app.register(certificateRoutes, { admin: opts.admin, certificates: opts.certificates });
  void app.register(overviewRoutes, { admin: opts.admin });
  void app.register(nodeRoutes, { admin: opts.admin });
  void app.register(clusterRoutes, { admin: opts.admin });
  void app.register(connectionRoutes, { admin: opts.admin });
  void app.register(channelRoutes, { admin: opts.admin });
  void app.register(exchangeRoutes, { admin: opts.admin });
  void app.register(queueRoutes, { admin: opts.admin });
  void app.register(bindingRoutes, { admin: opts.admin });

  // The dashboard (dist/ui/) at / and its routes; everything else unknown gets RabbitMQ's 404
  // body, so clients that parse it keep working.
  registerDashboard(app);
  return app;
}
