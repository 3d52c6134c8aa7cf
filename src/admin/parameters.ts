/**
 * Runtime parameters (rabbit_runtime_parameters) as the management API, warrenctl and definitions
 * import see them, with RabbitMQ 3.10.8's components, texts and authorisation (policymakers and
 * administrators; rows of vhosts the actor has no permissions in are left out of lists). Warren
 * knows the components a 3.10.8 node without plugins registers:
 *  - `vhost-limits`: the parameter `limits` is the vhost's limits (admin/limits.ts shows and sets
 *    the same object);
 *  - `operator_policy`: the vhost's operator policies (admin/operator-policies.ts);
 *  - `exchange-delete-in-progress` and `imported_definition_hash_value`: stored as given;
 *  - `policy`: policies show here but are set and cleared through /api/policies only.
 * Any other component (federation-upstream, shovel: plugins Warren does not have) is refused as
 * RabbitMQ without the plugin refuses it.
 */
import { formatJsonTerm } from '../amqp/codec/erlang-term.js';
import { parseOperatorPolicyValue, PolicyValidationError, type Policy } from '../broker/policy.js';
import type { Vhost } from '../broker/vhost.js';
import type { AdminContext } from './admin-context.js';
import { listsVhost, requirePolicymaker, requirePolicymakerTag, type User } from './authorization.js';
import { AdminError, badRequest, notFound } from './errors.js';
import { applyOperatorPolicy } from './operator-policies.js';
import { VHOST_LIMITS } from './limits.js';

/** One runtime parameter as /api/parameters shows it. */
export interface ParameterRow {
  vhost: string;
  component: string;
  name: string;
  value: unknown;
}

/** The components whose parameters are kept as given (RabbitMQ validates nothing of them either). */
const STORED_AS_GIVEN = new Set(['exchange-delete-in-progress', 'imported_definition_hash_value']);

/** The name of the vhost-limits parameter that holds a vhost's limits. */
const LIMITS = 'limits';

/**
 * GET /api/parameters[/{component}[/{vhost}]]: policymakers and administrators only (401 "User not
 * authorised to access object"); for one vhost, 401 without permissions in it and 404 when it is
 * missing. By vhost, then name (then component). Policies are listed only when asked for by component.
 */
export function listParameters(ctx: AdminContext, actor: User, component?: string, vhost?: string): ParameterRow[] {
  let vhosts: Vhost[];
  if (vhost === undefined) {
    requirePolicymakerTag(actor);
    vhosts = [...ctx.broker.vhosts.values()].filter((v) => listsVhost(ctx, actor, v.name));
  } else {
    requirePolicymaker(ctx, actor, vhost);
    vhosts = [existingVhost(ctx, vhost)];
  }
  const rows = vhosts.flatMap((v) => vhostRows(v, component === 'policy'));
  return rows.filter((r) => component === undefined || r.component === component).sort(byVhostName);
}

/** GET /api/parameters/{component}/{vhost}/{name}; 404 when the vhost or the parameter is missing. */
export function getParameter(ctx: AdminContext, actor: User, component: string, vhost: string, name: string): ParameterRow {
  requirePolicymaker(ctx, actor, vhost);
  const row = vhostRows(existingVhost(ctx, vhost), component === 'policy').find((r) => r.component === component && r.name === name);
  if (row === undefined) throw notFound();
  return row;
}

/**
 * PUT /api/parameters/{component}/{vhost}/{name} and set_parameter: 404 `vhost_not_found`, then the
 * body (read only once the vhost is known, as RabbitMQ does) with `value` mandatory, then the
 * component's validation (400 "Validation failed ..." HTML-escaped, as RabbitMQ sends it). True when
 * the parameter is new.
 */
export function setParameter(ctx: AdminContext, actor: User, component: string, vhost: string, name: string, readBody: () => Record<string, unknown>): boolean {
  requirePolicymaker(ctx, actor, vhost);
  if (ctx.broker.getVhost(vhost) === undefined) throw new AdminError(404, 'not_found', 'vhost_not_found');
  const body = readBody();
  if (!('value' in body)) throw badRequest('[{key_missing,value}]');
  return applyParameter(ctx, vhost, component, name, body.value);
}

/** A parameter that passed its component's validation, ready to apply. */
export type CheckedParameter =
  | { kind: 'limits'; vhost: string; limits: Record<string, number> }
  | { kind: 'operator_policy'; vhost: string; policy: Policy }
  | { kind: 'stored'; vhost: string; component: string; name: string; value: unknown };

/**
 * A component's validation of one parameter, without changing anything (definitions import checks
 * a whole file first). Throws RabbitMQ's 400 (HTML-escaped) for a refused one.
 */
export function checkParameter(vhost: string, component: string, name: string, value: unknown): CheckedParameter {
  if (component === 'policy') throw badRequest('policies may not be set using this method');
  if (component === 'vhost-limits') {
    const limits = checkLimits(name, value);
    // RabbitMQ 3.10.8 stores other names too (then fails with a 500): Warren stores them, without effect.
    return name === LIMITS ? { kind: 'limits', vhost, limits } : { kind: 'stored', vhost, component, name, value: parameterValue(value) };
  }
  if (component === 'operator_policy') {
    try {
      return { kind: 'operator_policy', vhost, policy: parseOperatorPolicyValue(vhost, name, value) };
    } catch (e) {
      if (e instanceof PolicyValidationError) throw badRequest(e.message);
      throw e;
    }
  }
  if (STORED_AS_GIVEN.has(component)) return { kind: 'stored', vhost, component, name, value: parameterValue(value) };
  throw validationFailed([`component ${component} not found`]);
}

/** Applies a checked parameter (no authorisation check: the callers have made theirs); 404 `vhost_not_found` for a missing vhost. */
export function applyCheckedParameter(ctx: AdminContext, p: CheckedParameter): void {
  const v = ctx.broker.getVhost(p.vhost);
  if (v === undefined) throw new AdminError(404, 'not_found', 'vhost_not_found');
  if (p.kind === 'limits') ctx.broker.setVhostLimits(p.vhost, p.limits);
  else if (p.kind === 'stored') v.setParameter(p.component, p.name, p.value);
  else {
    const { policy } = p;
    applyOperatorPolicy(ctx, p.vhost, policy.name, { pattern: policy.pattern, definition: policy.definition, priority: policy.priority, applyTo: policy.applyTo });
  }
}

/** Validates and sets one parameter without an authorisation check; true when it is new. */
export function applyParameter(ctx: AdminContext, vhost: string, component: string, name: string, value: unknown): boolean {
  const v = ctx.broker.getVhost(vhost);
  if (v === undefined) throw new AdminError(404, 'not_found', 'vhost_not_found');
  const existed = vhostRows(v, false).some((r) => r.component === component && r.name === name);
  applyCheckedParameter(ctx, checkParameter(vhost, component, name, value));
  return !existed;
}

/**
 * DELETE /api/parameters/{component}/{vhost}/{name} and clear_parameter: 404 when the vhost or the
 * parameter is missing; clearing vhost-limits/limits removes every limit of the vhost.
 */
export function clearParameter(ctx: AdminContext, actor: User, component: string, vhost: string, name: string): void {
  requirePolicymaker(ctx, actor, vhost);
  const v = existingVhost(ctx, vhost);
  if (!vhostRows(v, component === 'policy').some((r) => r.component === component && r.name === name)) throw notFound();
  // RabbitMQ 3.10.8 finds the policy, then fails to clear it (a 500); the refusal's own text instead.
  if (component === 'policy') throw badRequest('policies may not be cleared using this method');
  if (component === 'vhost-limits' && name === LIMITS) ctx.broker.setVhostLimits(vhost, {});
  else if (component === 'operator_policy') v.clearOperatorPolicy(name);
  else v.clearParameter(component, name);
}

/** Every parameter of every vhost, for the definitions export (policies are exported as policies). */
export function allParameters(ctx: AdminContext): ParameterRow[] {
  return [...ctx.broker.vhosts.values()].flatMap((v) => vhostRows(v, false)).sort(byVhostName);
}

/**
 * A JSON value as RabbitMQ keeps a parameter's: object keys sorted (Erlang maps are), and a
 * top-level `{}` an empty proplist, which RabbitMQ shows as `[]`.
 */
export function parameterValue(value: unknown): unknown {
  if (isObject(value) && Object.keys(value).length === 0) return [];
  return sortKeys(value);
}

// ---- internals -------------------------------------------------------------------------------

/** One vhost's parameters: its limits, its operator policies (and policies when asked), the stored ones. */
function vhostRows(v: Vhost, withPolicies: boolean): ParameterRow[] {
  const rows: ParameterRow[] = [];
  const limits = Object.entries(v.limits).filter((e): e is [string, number] => typeof e[1] === 'number');
  if (limits.length > 0) rows.push({ vhost: v.name, component: 'vhost-limits', name: LIMITS, value: Object.fromEntries(limits.sort(([a], [b]) => cmp(a, b))) });
  for (const p of v.operatorPolicies.values()) rows.push({ vhost: v.name, component: 'operator_policy', name: p.name, value: policyValue(p) });
  if (withPolicies) for (const p of v.policies.values()) rows.push({ vhost: v.name, component: 'policy', name: p.name, value: policyValue(p) });
  for (const p of v.parameters.values()) rows.push({ vhost: v.name, component: p.component, name: p.name, value: p.value });
  return rows;
}

/** A policy as the value of its runtime parameter (RabbitMQ's key order). */
function policyValue(p: Policy): Record<string, unknown> {
  return { pattern: p.pattern, definition: { ...p.definition }, priority: p.priority, 'apply-to': p.applyTo };
}

/**
 * rabbit_vhost_limit's validation (a proplist of integers named max-connections, max-queues):
 * every problem, the unrecognised keys first and then the checked keys, last first, as RabbitMQ
 * lists them. Returns the limits.
 */
function checkLimits(name: string, value: unknown): Record<string, number> {
  if (Array.isArray(value)) {
    if (value.length === 0) return {};
    throw validationFailed([`Unrecognised terms ${formatJsonTerm(value)} in ${name}`]);
  }
  if (!isObject(value)) throw validationFailed([`${name} not a list ${formatJsonTerm(value)}`]);
  const errors: string[] = [];
  const extra = Object.keys(value)
    .filter((k) => !(VHOST_LIMITS as readonly string[]).includes(k))
    .sort();
  if (extra.length > 0) errors.push(`Unrecognised terms [${extra.map((k) => `{${formatJsonTerm(k)},${formatJsonTerm(value[k])}}`).join(',')}] in ${name}`);
  const limits: Record<string, number> = {};
  for (const key of [...VHOST_LIMITS].reverse()) {
    if (!(key in value)) continue;
    const n = value[key];
    if (typeof n === 'number' && Number.isInteger(n)) limits[key] = n;
    else errors.push(`${key} should be a number, actually was ${formatJsonTerm(n)}`);
  }
  if (errors.length > 0) throw validationFailed(errors);
  return limits;
}

function validationFailed(lines: string[]): AdminError {
  return badRequest(`Validation failed\n\n${lines.join('\n')}\n`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function existingVhost(ctx: AdminContext, name: string): Vhost {
  const v = ctx.broker.getVhost(name);
  if (v === undefined) throw notFound();
  return v;
}

function byVhostName(a: ParameterRow, b: ParameterRow): number {
  return cmp(a.vhost, b.vhost) || cmp(a.name, b.name) || cmp(a.component, b.component);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
