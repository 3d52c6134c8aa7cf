/**
 * GET /api/definitions (and warrenctl export_definitions): the node's definitions in RabbitMQ's
 * export format (rabbit_definitions), users with their hashes. As RabbitMQ: exclusive queues,
 * the default exchange and `amq.*` exchanges are left out; bindings to exclusive queues too.
 * Arguments stay field tables here; the HTTP layer renders them as RabbitMQ's JSON.
 */
import type { FieldTable } from '../amqp/codec/field-value.js';
import { isExchange } from '../broker/exchange/exchange.js';
import type { AdminContext } from './admin-context.js';
import { requireAdministrator, type User } from './authorization.js';
import { identityOf } from './cluster-name.js';
import { notFound } from './errors.js';
import { allGlobalParameters } from './global-parameters.js';
import { allParameters } from './parameters.js';

/** The RabbitMQ definitions format version Warren writes (3.13's: vhosts carry metadata). */
export const DEFINITIONS_RABBIT_VERSION = '3.13.7';

/** A definitions document; `arguments` fields are field tables until rendered. */
export interface DefinitionsExport {
  rabbit_version: string;
  rabbitmq_version: string;
  product_name: string;
  product_version: string;
  users: { name: string; password_hash: string; hashing_algorithm: string; tags: string[]; limits: Record<string, number> }[];
  vhosts: { name: string; description: string; tags: string[]; default_queue_type?: string; limits: Record<string, number>; metadata: Record<string, unknown> }[];
  permissions: { user: string; vhost: string; configure: string; write: string; read: string }[];
  topic_permissions: { user: string; vhost: string; exchange: string; write: string; read: string }[];
  /** Runtime parameters (vhost limits and operator policies among them, as RabbitMQ exports them). */
  parameters: { value: unknown; vhost: string; component: string; name: string }[];
  global_parameters: { name: string; value: unknown }[];
  policies: { vhost: string; name: string; pattern: string; 'apply-to': string; definition: Record<string, unknown>; priority: number }[];
  queues: { name: string; vhost: string; durable: boolean; auto_delete: boolean; arguments: FieldTable }[];
  exchanges: { name: string; vhost: string; type: string; durable: boolean; auto_delete: boolean; internal: boolean; arguments: FieldTable }[];
  bindings: { source: string; vhost: string; destination: string; destination_type: 'queue' | 'exchange'; routing_key: string; arguments: FieldTable }[];
}

/** The whole node's definitions (administrators only). */
export function exportDefinitions(ctx: AdminContext, actor: User): DefinitionsExport {
  requireAdministrator(actor);
  const out: DefinitionsExport = {
    rabbit_version: DEFINITIONS_RABBIT_VERSION,
    rabbitmq_version: DEFINITIONS_RABBIT_VERSION,
    // As connection.start and /api/overview name the product (src/identity.ts).
    product_name: identityOf(ctx).product.product,
    product_version: identityOf(ctx).product.version,
    users: [...ctx.users.users.values()].map((u) => ({
      name: u.name,
      password_hash: u.passwordHash,
      hashing_algorithm: u.hashingAlgorithm,
      tags: [...u.tags],
      limits: { ...u.limits },
    })),
    vhosts: [],
    permissions: ctx.users.access.permissions().map((p) => ({ user: p.user, vhost: p.vhost, configure: p.configure, write: p.write, read: p.read })),
    topic_permissions: ctx.users.access.topicPermissions().map((p) => ({ user: p.user, vhost: p.vhost, exchange: p.exchange, write: p.write, read: p.read })),
    parameters: allParameters(ctx).map((p) => ({ value: p.value, vhost: p.vhost, component: p.component, name: p.name })),
    global_parameters: allGlobalParameters(ctx),
    policies: [],
    queues: [],
    exchanges: [],
    bindings: [],
  };
  for (const v of ctx.broker.vhosts.values()) {
    const { description, tags, defaultQueueType } = v.metadata;
    const metadata: Record<string, unknown> = { description, tags: [...tags] };
    if (defaultQueueType !== undefined) metadata.default_queue_type = defaultQueueType;
    out.vhosts.push({
      name: v.name,
      description,
      tags: [...tags],
      ...(defaultQueueType === undefined ? {} : { default_queue_type: defaultQueueType }),
      limits: { ...v.limits },
      metadata,
    });
    for (const p of v.policies.values()) {
      out.policies.push({ vhost: v.name, name: p.name, pattern: p.pattern, 'apply-to': p.applyTo, definition: { ...p.definition }, priority: p.priority });
    }
    for (const q of v.queues.values()) {
      if (q.isExclusive) continue;
      out.queues.push({ name: q.name, vhost: v.name, durable: q.durable, auto_delete: q.autoDelete, arguments: q.arguments });
    }
    for (const x of v.exchanges.values()) {
      if (x.name !== '' && !x.name.startsWith('amq.')) {
        out.exchanges.push({ name: x.name, vhost: v.name, type: x.type, durable: x.durable, auto_delete: x.autoDelete, internal: x.internal, arguments: x.arguments });
      }
      if (x.name === '') continue;
      for (const b of x.bindings.values()) {
        const d = b.destination;
        if (!isExchange(d) && d.isExclusive) continue;
        out.bindings.push({
          source: x.name,
          vhost: v.name,
          destination: d.name,
          destination_type: isExchange(d) ? 'exchange' : 'queue',
          routing_key: b.routingKey,
          arguments: b.arguments,
        });
      }
    }
  }
  return out;
}

/** One vhost's definitions as GET /api/definitions/{vhost} gives them (3.10.8: no `vhost` on queues, exchanges, bindings). */
export interface VhostDefinitionsExport {
  rabbit_version: string;
  /** This vhost's runtime parameters (3.10.8 keeps their `vhost`). */
  parameters: DefinitionsExport['parameters'];
  policies: DefinitionsExport['policies'];
  queues: Omit<DefinitionsExport['queues'][number], 'vhost'>[];
  exchanges: Omit<DefinitionsExport['exchanges'][number], 'vhost'>[];
  bindings: Omit<DefinitionsExport['bindings'][number], 'vhost'>[];
}

/** One vhost's definitions (administrators only); 404 for a missing vhost. */
export function exportVhostDefinitions(ctx: AdminContext, actor: User, vhost: string): VhostDefinitionsExport {
  requireAdministrator(actor);
  if (ctx.broker.getVhost(vhost) === undefined) throw notFound();
  const all = exportDefinitions(ctx, actor);
  const mine = <T extends { vhost: string }>(rows: T[]): Omit<T, 'vhost'>[] =>
    rows.filter((r) => r.vhost === vhost).map(({ vhost: _v, ...rest }) => rest);
  return {
    rabbit_version: all.rabbit_version,
    parameters: all.parameters.filter((p) => p.vhost === vhost),
    policies: all.policies.filter((p) => p.vhost === vhost),
    queues: mine(all.queues),
    exchanges: mine(all.exchanges),
    bindings: mine(all.bindings),
  };
}
