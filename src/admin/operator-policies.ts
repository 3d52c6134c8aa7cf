/**
 * Operator policies (rabbit_policy's operator_policy component) as the management API, warrenctl
 * and definitions import see them: administrators set them; they apply on top of the policies, the
 * lower value winning for each numeric limit both set (broker/policy.ts mergeOperatorDefinition).
 * RabbitMQ 3.10.8's authorisation: the lists are open to every management user with access to the
 * vhost (rows of other vhosts filtered out), one operator policy is for administrators only.
 */
import { parseOperatorPolicy, PolicyValidationError, type Policy, type PolicyInput } from '../broker/policy.js';
import type { Vhost } from '../broker/vhost.js';
import type { AdminContext } from './admin-context.js';
import { listsVhost, requireAdministrator, requireVhostAccess, type User } from './authorization.js';
import { AdminError, badRequest, notFound } from './errors.js';

/**
 * Operator policies of one vhost, or of every vhost the actor may list (vhost undefined), by
 * ascending priority (RabbitMQ's default sort of this list), then vhost and name. 401 without
 * access to the vhost, 404 when it is missing.
 */
export function listOperatorPolicies(ctx: AdminContext, actor: User, vhost?: string): Policy[] {
  let vhosts: Vhost[];
  if (vhost === undefined) {
    vhosts = [...ctx.broker.vhosts.values()].filter((v) => listsVhost(ctx, actor, v.name));
  } else {
    requireVhostAccess(ctx, actor, vhost);
    vhosts = [existingVhost(ctx, vhost)];
  }
  return vhosts.flatMap((v) => [...v.operatorPolicies.values()]).sort(byPriority);
}

/** One operator policy (administrators only); 404 when the vhost or the policy is missing. */
export function getOperatorPolicy(ctx: AdminContext, actor: User, vhost: string, name: string): Policy {
  requireAdministrator(actor);
  const p = existingVhost(ctx, vhost).operatorPolicies.get(name);
  if (p === undefined) throw notFound();
  return p;
}

/**
 * PUT /api/operator-policies/{vhost}/{name} (administrators only): 404 `vhost_not_found`, then the
 * body (read only once the vhost is known, as RabbitMQ does) with `pattern` and `definition`
 * mandatory, then RabbitMQ's "Validation failed" texts. Applies at once; true when created.
 */
export function setOperatorPolicy(ctx: AdminContext, actor: User, vhost: string, name: string, readBody: () => Record<string, unknown>): boolean {
  requireAdministrator(actor);
  if (ctx.broker.getVhost(vhost) === undefined) throw new AdminError(404, 'not_found', 'vhost_not_found');
  const body = readBody();
  for (const key of ['pattern', 'definition']) if (!(key in body)) throw badRequest(`[{key_missing,${key}}]`);
  return applyOperatorPolicy(ctx, vhost, name, { pattern: body.pattern, definition: body.definition, priority: body.priority, applyTo: body['apply-to'] });
}

/**
 * Validates and sets an operator policy without an authorisation check (the callers have made
 * theirs: the parameters API, definitions import). RabbitMQ 3.10.8 sends these validation texts
 * without HTML-escaping them, unlike the policies'.
 */
export function applyOperatorPolicy(ctx: AdminContext, vhost: string, name: string, input: PolicyInput): boolean {
  const v = ctx.broker.getVhost(vhost);
  if (v === undefined) throw new AdminError(404, 'not_found', 'vhost_not_found');
  let policy: Policy;
  try {
    policy = parseOperatorPolicy(vhost, name, input);
  } catch (e) {
    if (e instanceof PolicyValidationError) throw badRequest(e.message, false);
    throw e;
  }
  return v.setOperatorPolicy(policy);
}

/** DELETE (administrators only): un-applies it at once; 404 when the vhost or the policy is missing. */
export function clearOperatorPolicy(ctx: AdminContext, actor: User, vhost: string, name: string): void {
  requireAdministrator(actor);
  if (!existingVhost(ctx, vhost).clearOperatorPolicy(name)) throw notFound();
}

function existingVhost(ctx: AdminContext, name: string): Vhost {
  const v = ctx.broker.getVhost(name);
  if (v === undefined) throw notFound();
  return v;
}

function byPriority(a: Policy, b: Policy): number {
  return a.priority - b.priority || cmp(a.vhost, b.vhost) || cmp(a.name, b.name);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
