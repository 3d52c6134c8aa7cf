/**
 * Policies as the management API, warrenctl and definitions import see them:
 * RabbitMQ's lookups, validation and status semantics in one place.
 */
import { parsePolicy, PolicyValidationError, type Policy, type PolicyInput } from '../broker/policy.js';
import type { Vhost } from '../broker/vhost.js';
import type { AdminContext } from './admin-context.js';
import { AdminError, badRequest, notFound } from './errors.js';

export type { Policy } from '../broker/policy.js';

/** Policies of one vhost, or of every vhost when vhost is undefined (a missing vhost is 404), by vhost then name. */
export function listPolicies(ctx: AdminContext, vhost?: string): Policy[] {
  const vhosts = vhost === undefined ? [...ctx.broker.vhosts.values()] : [existingVhost(ctx, vhost)];
  const out = vhosts.flatMap((v) => [...v.policies.values()]);
  // RabbitMQ's management lists sort by vhost, then name.
  return out.sort((a, b) => (a.vhost === b.vhost ? cmp(a.name, b.name) : cmp(a.vhost, b.vhost)));
}

/** One policy; 404 when the vhost or the policy is missing. */
export function getPolicy(ctx: AdminContext, vhost: string, name: string): Policy {
  const p = existingVhost(ctx, vhost).policies.get(name);
  if (p === undefined) throw notFound();
  return p;
}

/**
 * Validates and sets a policy, applying it at once; returns true when it was
 * created (false: replaced). 404 `vhost_not_found` for a missing vhost, 400 with
 * RabbitMQ's "Validation failed" text otherwise.
 */
export function setPolicy(ctx: AdminContext, vhost: string, name: string, input: PolicyInput): boolean {
  const v = ctx.broker.getVhost(vhost);
  if (v === undefined) throw new AdminError(404, 'not_found', 'vhost_not_found');
  let policy: Policy;
  try {
    policy = parsePolicy(vhost, name, input);
  } catch (e) {
    if (e instanceof PolicyValidationError) throw badRequest(e.message);
    throw e;
  }
  return v.setPolicy(policy);
}

/** Removes a policy, un-applying it at once; 404 when the vhost or the policy is missing. */
export function clearPolicy(ctx: AdminContext, vhost: string, name: string): void {
  if (!existingVhost(ctx, vhost).clearPolicy(name)) throw notFound();
}

function existingVhost(ctx: AdminContext, name: string): Vhost {
  const v = ctx.broker.getVhost(name);
  if (v === undefined) throw notFound();
  return v;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
