import type { User, UserStore } from '../../auth/users.js';
import { userConnectionLimitReached, vhostConnectionLimitReached } from '../../broker/errors.js';
import type { Vhost } from '../../broker/vhost.js';
import type { ConnectionTracker } from '../connection-tracker.js';

/**
 * A limit as RabbitMQ reads it: a non-negative integer limits, anything else
 * (absent, negative) means no limit.
 */
function limitValue(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** The vhost's `max-connections` (set_vhost_limits), or undefined. */
export function vhostMaxConnections(vhost: Vhost): number | undefined {
  return limitValue(vhost.limits['max-connections']);
}

/** The user's current limit (the stored user, so set_user_limits applies at once), or undefined. */
export function userLimit(users: UserStore, user: User, key: 'max-connections' | 'max-channels'): number | undefined {
  return limitValue((users.get(user.name) ?? user).limits[key]);
}

/**
 * connection.open's limits, in rabbit_reader's order (before the permission
 * check): the vhost's max-connections, then the user's; 530 when reached.
 */
export function checkConnectionLimits(tracker: ConnectionTracker, users: UserStore, user: User, vhost: Vhost): void {
  const vmax = vhostMaxConnections(vhost);
  if (vmax !== undefined && tracker.vhostConnections(vhost.name) >= vmax) throw vhostConnectionLimitReached(vhost.name, user.name, vmax);
  const umax = userLimit(users, user, 'max-connections');
  if (umax !== undefined && tracker.userConnections(user.name) >= umax) throw userConnectionLimitReached(user.name, umax);
}
