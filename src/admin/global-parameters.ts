/**
 * Global runtime parameters (rabbit_runtime_parameters' global keys) as the management API,
 * warrenctl and definitions import see them. RabbitMQ 3.10.8 lets every policymaker (and
 * administrator) read and change them, and validates nothing: a value is any JSON.
 * `internal_cluster_id` exists from the first start (Broker.start); `cluster_name` once set.
 */
import type { AdminContext } from './admin-context.js';
import { requirePolicymakerTag, type User } from './authorization.js';
import { badRequest, notFound } from './errors.js';
import { parameterValue } from './parameters.js';

/** One global parameter as /api/global-parameters shows it. */
export interface GlobalParameterRow {
  name: string;
  value: unknown;
}

/** The global parameter that holds a cluster name set by an operator (rabbit_nodes:set_cluster_name). */
export const CLUSTER_NAME_PARAMETER = 'cluster_name';

/** GET /api/global-parameters: every global parameter, by name. */
export function listGlobalParameters(ctx: AdminContext, actor: User): GlobalParameterRow[] {
  requirePolicymakerTag(actor);
  return allGlobalParameters(ctx);
}

/** Every global parameter by name, without an authorisation check (definitions export). */
export function allGlobalParameters(ctx: AdminContext): GlobalParameterRow[] {
  return [...ctx.broker.globalParameters]
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** GET /api/global-parameters/{name}; 404 when there is none. */
export function getGlobalParameter(ctx: AdminContext, actor: User, name: string): GlobalParameterRow {
  requirePolicymakerTag(actor);
  if (!ctx.broker.globalParameters.has(name)) throw notFound();
  return { name, value: ctx.broker.globalParameters.get(name) };
}

/** PUT /api/global-parameters/{name} and set_global_parameter: `value` is mandatory; true when new. */
export function setGlobalParameter(ctx: AdminContext, actor: User, name: string, body: Record<string, unknown>): boolean {
  requirePolicymakerTag(actor);
  if (!('value' in body)) throw badRequest('[{key_missing,value}]');
  return applyGlobalParameter(ctx, name, body.value);
}

/** Sets a global parameter without an authorisation check (definitions import); true when new. */
export function applyGlobalParameter(ctx: AdminContext, name: string, value: unknown): boolean {
  return ctx.broker.setGlobalParameter(name, parameterValue(value));
}

/** DELETE /api/global-parameters/{name} and clear_global_parameter; 404 when there is none. */
export function clearGlobalParameter(ctx: AdminContext, actor: User, name: string): void {
  requirePolicymakerTag(actor);
  if (!ctx.broker.clearGlobalParameter(name)) throw notFound();
}

/**
 * The cluster name an operator set (the `cluster_name` global parameter, as RabbitMQ keeps it),
 * undefined when none is set (RabbitMQ then derives one from the node name). For /api/cluster-name
 * and the overview; the caller does its own authorisation.
 */
export function storedClusterName(ctx: AdminContext): string | undefined {
  const v = ctx.broker.globalParameters.get(CLUSTER_NAME_PARAMETER);
  return typeof v === 'string' ? v : undefined;
}

/** Stores a cluster name (PUT /api/cluster-name, set_cluster_name) as RabbitMQ does: the `cluster_name` global parameter. */
export function storeClusterName(ctx: AdminContext, name: string): void {
  ctx.broker.setGlobalParameter(CLUSTER_NAME_PARAMETER, name);
}
