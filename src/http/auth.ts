/**
 * HTTP Basic authentication for the management API: the credentials are read from the
 * request here; admin/authorization.ts decides who they name and what that user may do.
 */
import type { FastifyRequest } from 'fastify';
import type { AdminContext } from '../admin/admin-context.js';
import { authenticateUser, type User } from '../admin/authorization.js';
import { AdminError, loginFailed } from '../admin/errors.js';
import { isLocalCredential, localAdministrator } from '../admin/local-credentials.js';

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
  return authenticateUser(admin, name, password, req.socket.remoteAddress);
}
