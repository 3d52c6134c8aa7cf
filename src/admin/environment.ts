/**
 * GET /api/config/effective (administrators): the node's configuration in force, grouped by
 * application as `rabbitmqctl environment` shows RabbitMQ's (`rabbit`, `rabbitmq_management`),
 * with RabbitMQ's application environment names where Warren has the same setting and Warren's
 * own settings under `warren`. Secrets (default_pass) are left out, as RabbitMQ shows them only
 * encrypted. RabbitMQ 4.x serves this path as Erlang terms in text/plain; Warren answers JSON,
 * which warrenctl environment prints either way.
 */
import { configSchema, type Config } from '../config.js';
import type { AdminContext } from './admin-context.js';
import { requireAdministrator, type User } from './authorization.js';
import { identityOf } from './cluster-name.js';
import { nodeListeners } from './overview.js';

type Field = keyof Config;

// Config fields with a RabbitMQ application environment key of the same meaning.
const RABBIT_KEYS: Partial<Record<Field, string>> = {
  channelMax: 'channel_max',
  frameMax: 'frame_max',
  heartbeat: 'heartbeat',
  defaultUser: 'default_user',
  defaultVhost: 'default_vhost',
  defaultUserTags: 'default_user_tags',
  loopbackUsers: 'loopback_users',
  diskFreeLimit: 'disk_free_limit',
  memoryPagingRatio: 'vm_memory_high_watermark_paging_ratio',
  handshakeTimeout: 'handshake_timeout',
  consumerTimeout: 'consumer_timeout',
  maxMessageSize: 'max_message_size',
  connectionMax: 'connection_max',
  clusterName: 'cluster_name',
  loadDefinitions: 'load_definitions',
};

// Fields shown another way below (listeners, permissions, the watermark) or never (secrets).
const SHOWN_OTHERWISE = new Set<Field>([
  'host',
  'port',
  'managementHost',
  'managementPort',
  'defaultPermissionConfigure',
  'defaultPermissionWrite',
  'defaultPermissionRead',
  'memoryHighWatermark',
  'memoryHighWatermarkAbsolute',
]);

function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The effective configuration: `{rabbit: {...}, rabbitmq_management: {...}, warren: {...}}`, keys sorted. */
export function effectiveConfig(ctx: AdminContext, actor: User): Record<string, Record<string, unknown>> {
  requireAdministrator(actor);
  const c = ctx.broker.config;
  const rabbit: Record<string, unknown> = {};
  const warren: Record<string, unknown> = {};
  for (const field of Object.keys(configSchema) as Field[]) {
    const spec = configSchema[field] as { secret?: boolean };
    if (spec.secret === true || SHOWN_OTHERWISE.has(field)) continue;
    const key = RABBIT_KEYS[field];
    if (key !== undefined) rabbit[key] = c[field];
    else warren[snake(field)] = c[field];
  }
  // The running cluster name (PUT /api/cluster-name may have changed it), not only the configured one.
  rabbit.cluster_name = identityOf(ctx).clusterName;
  rabbit.default_permissions = [c.defaultPermissionConfigure, c.defaultPermissionWrite, c.defaultPermissionRead];
  rabbit.vm_memory_high_watermark = c.memoryHighWatermarkAbsolute > 0 ? { absolute: c.memoryHighWatermarkAbsolute } : c.memoryHighWatermark;
  const listeners = nodeListeners(ctx);
  const amqp = listeners.filter((l) => l.protocol === 'amqp');
  const wildcard = (ip: string): boolean => ip === '0.0.0.0' || ip === '::';
  // RabbitMQ: [5672] for all interfaces, [{"127.0.0.1", 5672}] for one.
  rabbit.tcp_listeners = amqp.length === 0 ? [c.port] : amqp.map((l) => (wildcard(l.ip) ? l.port : [l.ip, l.port]));
  const http = listeners.find((l) => l.protocol === 'http');
  const management = { listener: { port: http?.port ?? c.managementPort, ip: http?.ip ?? c.managementHost } };
  const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { rabbit: sorted(rabbit), rabbitmq_management: management, warren: sorted(warren) };
}
