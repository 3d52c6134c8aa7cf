/**
 * Which vhosts' exchanges, queues and bindings a management user sees in the lists across vhosts
 * (rabbit_mgmt_util:filter_vhost in RabbitMQ 3.10.8): administrators every vhost, every other
 * user (monitoring included) only the vhosts it has a permission entry in.
 */
import type { Vhost } from '../broker/vhost.js';
import type { AdminContext } from './admin-context.js';
import type { User } from './authorization.js';

/** The vhosts whose objects the user's lists show, in creation order. */
export function visibleVhosts(ctx: AdminContext, user: User): Vhost[] {
  const all = [...ctx.broker.vhosts.values()];
  if (user.tags.includes('administrator')) return all;
  return all.filter((v) => ctx.users.canAccessVhost(user, v.name));
}
