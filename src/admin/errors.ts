/**
 * The errors admin operations throw: an HTTP status and RabbitMQ's management
 * `{"error": ..., "reason": ...}` pair, so every caller (HTTP, CLI through HTTP,
 * definitions import) reports the same thing.
 */
export class AdminError extends Error {
  /**
   * @param status the HTTP status, @param error RabbitMQ's `error`, @param reason its `reason`:
   * a text or, for some 400s, an Erlang term as JSON (`["no_such_user","u"]`), @param escape
   * false for texts RabbitMQ sends without HTML-escaping (limit validation)
   */
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string | readonly unknown[],
    readonly escape = true,
  ) {
    super(typeof reason === 'string' ? reason : JSON.stringify(reason));
  }
}

/** RabbitMQ's 404 for a missing object (policy, queue, ...) or vhost in a GET/DELETE path. */
export function notFound(): AdminError {
  return new AdminError(404, 'Object Not Found', 'Not Found');
}

/** RabbitMQ's 400 `bad_request`. */
export function badRequest(reason: string | readonly unknown[], escape = true): AdminError {
  return new AdminError(400, 'bad_request', reason, escape);
}

/**
 * RabbitMQ's 401 when a logged-in user's tags or vhosts do not allow the resource (the check function
 * of rabbit_mgmt_util:is_authorized_admin, _monitor, _vhost, _policies, _user ...): RabbitMQ counts the
 * request as a failed login attempt (auth_attempt_failed), not a succeeded one (http/auth.ts).
 */
export class NotAuthorised extends AdminError {
  constructor(reason: string) {
    super(401, 'not_authorised', reason);
  }
}

/** RabbitMQ's 401 for a user without the administrator tag on an administrator-only resource. */
export function notAdministrator(): AdminError {
  return new NotAuthorised('Not administrator user');
}

/** RabbitMQ's 401 for credentials that do not name a user with that password. */
export function loginFailed(): AdminError {
  return new AdminError(401, 'not_authorized', 'Login failed');
}
