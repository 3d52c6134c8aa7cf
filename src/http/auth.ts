/**
 * HTTP Basic authentication for the management API: the credentials are read from the
 * request here; admin/authorization.ts decides who they name and what that user may do.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminContext } from '../admin/admin-context.js';
import { authenticateUser, countHttpLogin, type User } from '../admin/authorization.js';
import { AdminError, loginFailed, NotAuthorised } from '../admin/errors.js';
import { isLocalCredential, localAdministrator } from '../admin/local-credentials.js';

/**
 * Requests whose credentials named a management user, not yet counted: RabbitMQ counts such a
 * request as a succeeded login only when the resource's own check passes as well (is_authorized's
 * check function: administrator, monitoring, vhost access ...); a NotAuthorised refusal counts it as
 * failed. Settled as the answer is sent (countLogins).
 */
const pendingLogins = new WeakMap<FastifyRequest, AdminContext>();
const refusedLogins = new WeakSet<FastifyRequest>();

/** Counts the management API's logins as RabbitMQ does (see pendingLogins); installed on the app before its routes. */
export function countLogins(app: FastifyInstance): void {
  app.addHook('onError', async (req, _reply, err) => {
    if (err instanceof NotAuthorised) refusedLogins.add(req);
  });
  app.addHook('onSend', async (req) => {
    const admin = pendingLogins.get(req);
    if (admin === undefined) return;
    pendingLogins.delete(req);
    countHttpLogin(admin, refusedLogins.has(req));
  });
}

/** A 401 without a body: what RabbitMQ answers a request with no credentials (plus the challenge header). */
export class MissingCredentials extends AdminError {
  constructor() {
    super(401, '', '');
  }
}

/** The management user named by the request's Basic credentials; throws RabbitMQ's 401s. */
export function authenticate(admin: AdminContext, req: FastifyRequest): User {
  const header = req.headers.authorization;
  const m = header === undefined ? null : /^Basic\s+(\S+)\s*$/i.exec(header);
  if (m === null) throw new MissingCredentials();
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw loginFailed();
  const name = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // warrenctl on this machine, with the secret of <dataDir>/warrenctl.credentials: an administrator.
  if (isLocalCredential(admin.localSecret, name, password)) return localAdministrator();
  const user = authenticateUser(admin, name, password, req.socket.remoteAddress);
  pendingLogins.set(req, admin);
  return user;
}
