/**
 * The errors admin operations throw: an HTTP status and RabbitMQ's management
 * `{"error": ..., "reason": ...}` pair, so every caller (HTTP, CLI through HTTP,
 * definitions import) reports the same thing.
 */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** RabbitMQ's 404 for a missing object (policy, queue, ...) or vhost in a GET/DELETE path. */
export function notFound(): AdminError {
  return new AdminError(404, 'Object Not Found', 'Not Found');
}

/** RabbitMQ's 400 `bad_request`. */
export function badRequest(reason: string): AdminError {
  return new AdminError(400, 'bad_request', reason);
}

/** RabbitMQ's 401 for credentials that do not name a user with that password. */
export function loginFailed(): AdminError {
  return new AdminError(401, 'not_authorized', 'Login failed');
}
