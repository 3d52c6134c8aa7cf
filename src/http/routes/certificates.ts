/**
 * POST /api/certificates/reload (Warren's own; RabbitMQ 3.10.8 has no such endpoint): reads every
 * TLS listener's certificate, key and CA files again, as SIGHUP does; warrenctl reload_certificates
 * calls it. Administrators only. 200 `{"reloaded": ["amqp", ...]}`; 400 with the message naming the
 * key of a file that cannot be used (nothing is changed then).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { requireAdministrator } from '../../admin/authorization.js';
import { authenticate } from '../auth.js';
import { sendError } from '../send-error.js';

/** What the certificate routes need. */
export interface CertificateRouteOptions {
  admin: AdminContext;
  certificates: {
    /** Reloads every TLS listener's files; throws an AdminError (400) naming the key of a bad one. */
    reload(): { reloaded: string[] };
  };
}

/** Registers POST /api/certificates/reload. */
export async function certificateRoutes(app: FastifyInstance, opts: CertificateRouteOptions): Promise<void> {
  const { admin } = opts;
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));
  app.post('/api/certificates/reload', async (req) => {
    requireAdministrator(authenticate(admin, req));
    return opts.certificates.reload();
  });
}
