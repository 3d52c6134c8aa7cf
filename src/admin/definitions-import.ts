/**
 * POST /api/definitions[/{vhost}] (and warrenctl import_definitions, load_definitions): merges a
 * RabbitMQ definitions document into the node as RabbitMQ does (rabbit_definitions): users,
 * vhosts, permissions and policies are created or updated; existing queues and exchanges are
 * kept as they are. The whole document is checked first (admin/definitions-check.ts), so a bad
 * one changes nothing. The importing user gets full permissions on each vhost the import creates
 * (a stored user only: warrenctl's local login and load_definitions grant nobody).
 */
import { readFile } from 'node:fs/promises';
import type { AdminContext } from './admin-context.js';
import { requireAdministrator, type User } from './authorization.js';
import type { VhostMetadata } from '../broker/persistence.js';
import { checkDefinitions, parseDefinitionsJson, type ImportPlan } from './definitions-check.js';
import { notFound } from './errors.js';
import { applyGlobalParameter } from './global-parameters.js';
import { applyCheckedParameter } from './parameters.js';
import { setPermission, setTopicPermission } from './permissions.js';
import { setPolicy } from './policies.js';
import { putUser } from './users.js';
import { putVhost } from './vhosts.js';

export { parseDefinitionsJson } from './definitions-check.js';

// The "connection" that owns what an import declares (nothing it declares is exclusive).
const IMPORTER = Object.freeze({ importer: 'definitions' });

/** Imports a whole-node document (administrators only); 400 with RabbitMQ's reason for a bad one, before any change. */
export function importDefinitions(ctx: AdminContext, actor: User, doc: Record<string, unknown>): void {
  requireAdministrator(actor);
  applyPlan(ctx, actor, checkDefinitions(ctx, doc));
}

/** Imports one vhost's document (rows without `vhost`; administrators only); 404 for a missing vhost. */
export function importVhostDefinitions(ctx: AdminContext, actor: User, vhost: string, doc: Record<string, unknown>): void {
  requireAdministrator(actor);
  if (ctx.broker.getVhost(vhost) === undefined) throw notFound();
  applyPlan(ctx, actor, checkDefinitions(ctx, doc, vhost));
}

/** Imports a document given as JSON text (400 `failed_to_parse_json` for text that is not a JSON object). */
export function importDefinitionsText(ctx: AdminContext, actor: User, text: string): void {
  importDefinitions(ctx, actor, parseDefinitionsJson(text));
}

/** The actor of a boot-time import: an administrator that is no user, so nobody is granted anything. */
const NODE: User = Object.freeze({ name: '', passwordHash: '', hashingAlgorithm: 'rabbit_password_hashing_sha256', tags: ['administrator'], limits: {} });

/**
 * load_definitions: imports the file at boot, before the listeners open (RabbitMQ's internal user:
 * no permissions granted on created vhosts). Throws an Error naming the file for one that cannot be
 * read or is refused (the node does not start, as RabbitMQ's).
 */
export async function loadDefinitionsFile(ctx: AdminContext, file: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`load_definitions: cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    applyPlan(ctx, NODE, checkDefinitions(ctx, parseDefinitionsJson(text)));
  } catch (e) {
    throw new Error(`load_definitions: ${file} refused: ${(e as Error).message}`, { cause: e });
  }
}

function applyPlan(ctx: AdminContext, actor: User, plan: ImportPlan): void {
  for (const v of plan.vhosts) {
    // A boot import or warrenctl's local login (no stored user) grants nobody, as rabbitmqctl's internal user.
    if (ctx.broker.getVhost(v.name) === undefined && (actor === NODE || ctx.users.get(actor.name) === undefined)) {
      ctx.broker.addVhost(v.name, v.metadata ?? ({} satisfies Partial<VhostMetadata>));
    } else if (ctx.broker.getVhost(v.name) === undefined) {
      const m = v.metadata;
      putVhost(ctx, actor, v.name, m === undefined ? {} : { description: m.description, tags: m.tags, default_queue_type: m.defaultQueueType });
    } else if (v.metadata !== undefined) {
      ctx.broker.updateVhost(v.name, v.metadata);
    }
    if (v.limits !== undefined) ctx.broker.setVhostLimits(v.name, v.limits);
  }
  for (const u of plan.users) {
    putUser(ctx, actor, u.name, { password_hash: u.passwordHash, hashing_algorithm: u.hashingAlgorithm, tags: u.tags });
    if (u.limits !== undefined) ctx.users.update(u.name, { limits: u.limits });
  }
  for (const p of plan.permissions) setPermission(ctx, actor, p.vhost, p.user, { configure: p.configure, write: p.write, read: p.read });
  for (const p of plan.topicPermissions) setTopicPermission(ctx, actor, p.vhost, p.user, { exchange: p.exchange, write: p.write, read: p.read });
  for (const l of plan.vhostLimits) ctx.broker.setVhostLimits(l.vhost, l.limits);
  for (const g of plan.globalParameters) applyGlobalParameter(ctx, g.name, g.value);
  for (const p of plan.parameters) applyCheckedParameter(ctx, p);
  for (const p of plan.policies) setPolicy(ctx, p.vhost, p.name, { pattern: p.pattern, definition: p.definition, priority: p.priority, applyTo: p.applyTo });
  for (const x of plan.exchanges) {
    const v = vhostOf(ctx, x.vhost);
    if (v.exchanges.has(x.name)) continue;
    v.declareExchange(x.name, x.type, { passive: false, durable: x.durable, autoDelete: x.autoDelete, internal: x.internal, arguments: x.arguments });
  }
  for (const q of plan.queues) {
    const v = vhostOf(ctx, q.vhost);
    if (v.queues.has(q.name)) continue;
    v.declareQueue(q.name, { passive: false, durable: q.durable, exclusive: false, autoDelete: q.autoDelete, arguments: q.arguments }, IMPORTER);
  }
  for (const b of plan.bindings) {
    const v = vhostOf(ctx, b.vhost);
    if (b.destinationType === 'queue') v.bindQueue(b.destination, b.source, b.routingKey, b.arguments, IMPORTER);
    else v.bindExchange(b.destination, b.source, b.routingKey, b.arguments);
  }
}

function vhostOf(ctx: AdminContext, name: string): NonNullable<ReturnType<AdminContext['broker']['getVhost']>> {
  const v = ctx.broker.getVhost(name);
  if (v === undefined) throw notFound();
  return v;
}
