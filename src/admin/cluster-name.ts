/**
 * GET/PUT /api/cluster-name (rabbit_mgmt_wm_cluster_name) and the cluster name across restarts.
 *
 * As RabbitMQ, the name is the global runtime parameter `cluster_name` (stored with the
 * definitions, in the export's `global_parameters`). As rabbit_nodes:boot/0: a `cluster_name` in
 * the config is stored at every boot; without one the stored name stays; without either it is
 * the node name.
 */
import { nodeIdentity, type NodeIdentity } from '../identity.js';
import type { AdminContext } from './admin-context.js';
import { requireAdministrator, type User } from './authorization.js';
import { badRequest } from './errors.js';
import { storeClusterName, storedClusterName } from './global-parameters.js';

/** The node's identity: the context's, else the one of the broker's config. */
export function identityOf(ctx: AdminContext): NodeIdentity {
  return ctx.identity ?? nodeIdentity(ctx.broker.config);
}

/**
 * At boot, once the broker has recovered its global parameters: the identity reads the cluster name
 * from the `cluster_name` global parameter; a configured `cluster_name` is stored there at every boot
 * (rabbit_nodes:boot/0); with neither it is the node name.
 */
export function restoreClusterName(identity: NodeIdentity, ctx: AdminContext, configured: string): void {
  identity.readClusterNameFrom(() => storedClusterName(ctx));
  if (configured !== '') storeClusterName(ctx, configured);
}

/** GET /api/cluster-name: every management user. */
export function getClusterName(ctx: AdminContext): { name: string } {
  return { name: identityOf(ctx).clusterName };
}

/**
 * PUT /api/cluster-name `{"name": "..."}`: administrators only (401 for others), 400
 * `[{key_missing,name}]` without a name. New connections announce it at once.
 */
export function putClusterName(ctx: AdminContext, actor: User, body: Record<string, unknown>): void {
  requireAdministrator(actor);
  if (!('name' in body)) throw badRequest('[{key_missing,name}]');
  const name = body.name;
  // RabbitMQ 3.10.8 answers a non-string name with an empty 500 (as_binary/1 has no clause for it).
  if (typeof name !== 'string') throw badRequest('cluster name must be a string');
  storeClusterName(ctx, name);
}
