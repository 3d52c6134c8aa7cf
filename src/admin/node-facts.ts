/**
 * The fixed lists the node-level management API shows (RabbitMQ 3.10.8's names and texts,
 * observed on the reference): exchange types, authentication mechanisms, feature flags, and the
 * "applications" Warren is made of.
 */
import { createRequire } from 'node:module';
import { EXCHANGE_TYPES } from '../broker/exchange/exchange-types.js';
import { WARREN_VERSION } from '../identity.js';

/** An exchange type as /api/overview and /api/nodes list it. */
export interface ExchangeTypeInfo {
  name: string;
  description: string;
  enabled: boolean;
}

/** The implemented exchange types with RabbitMQ's descriptions, in `order`. */
export function exchangeTypes(order: 'sorted' | 'registry'): ExchangeTypeInfo[] {
  const types = EXCHANGE_TYPES.map((name) => ({ name, description: `AMQP ${name} exchange, as per the AMQP specification`, enabled: true }));
  // /api/overview sorts them by name; /api/nodes lists them as 3.10.8's registry does (topic, headers, fanout, direct).
  if (order === 'sorted') return types.sort((a, b) => (a.name < b.name ? -1 : 1));
  const registry = ['topic', 'headers', 'fanout', 'direct'];
  return types.sort((a, b) => registry.indexOf(a.name) - registry.indexOf(b.name));
}

/** The SASL mechanisms connection.start offers, as /api/nodes describes them. */
export const AUTH_MECHANISMS: readonly { name: string; description: string; enabled: boolean }[] = [
  { name: 'PLAIN', description: 'SASL PLAIN authentication mechanism', enabled: true },
  { name: 'AMQPLAIN', description: 'QPid AMQPLAIN mechanism', enabled: true },
];

/** A feature flag (rabbit_feature_flags) as /api/feature-flags lists it. */
export interface FeatureFlag {
  name: string;
  desc: string;
  doc_url: string;
  /** enabled; "unavailable" where Warren lacks the feature (RabbitMQ's state when a node does not support a flag). */
  state: 'enabled' | 'unavailable';
  stability: 'stable';
  provided_by: string;
}

function flag(name: string, desc: string, providedBy = 'rabbit', state: FeatureFlag['state'] = 'enabled', docUrl = ''): FeatureFlag {
  return { name, desc, doc_url: docUrl, state, stability: 'stable', provided_by: providedBy };
}

/** RabbitMQ 3.10.8's feature flags (all enabled there); Warren has no quorum queues or streams. */
export const FEATURE_FLAGS: readonly FeatureFlag[] = [
  flag('classic_mirrored_queue_version', 'Support setting version for classic mirrored queues'),
  flag('drop_unroutable_metric', 'Count unroutable publishes to be dropped in stats', 'rabbitmq_management_agent'),
  flag('empty_basic_get_metric', 'Count AMQP `basic.get` on empty queues in stats', 'rabbitmq_management_agent'),
  flag('implicit_default_bindings', 'Default bindings are now implicit, instead of being stored in the database'),
  flag('maintenance_mode_status', 'Maintenance mode status'),
  flag('quorum_queue', 'Support queues of type `quorum`', 'rabbit', 'unavailable', 'https://www.rabbitmq.com/quorum-queues.html'),
  flag('stream_queue', 'Support queues of type `stream`', 'rabbit', 'unavailable', 'https://www.rabbitmq.com/stream.html'),
  flag('user_limits', 'Configure connection and channel limits for a user'),
  flag('virtual_host_metadata', 'Virtual host metadata (description, tags, etc)'),
];

/** One part of the running node (RabbitMQ lists its Erlang applications). */
export interface ApplicationInfo {
  name: string;
  description: string;
  version: string;
}

const require = createRequire(import.meta.url);

// Warren's runtime dependencies, read from their installed package.json (a missing one is left out).
function dependency(name: string): ApplicationInfo | undefined {
  try {
    const p = require(`${name}/package.json`) as { version?: string; description?: string };
    return { name, description: p.description ?? '', version: p.version ?? '' };
  } catch {
    return undefined;
  }
}

let applications: ApplicationInfo[] | undefined;

/** Warren, its runtime and its runtime dependencies, sorted by name as RabbitMQ sorts its applications. */
export function nodeApplications(): ApplicationInfo[] {
  if (applications === undefined) {
    const pkg = require('../../package.json') as { dependencies?: Record<string, string> };
    const deps = Object.keys(pkg.dependencies ?? {})
      .map(dependency)
      .filter((d): d is ApplicationInfo => d !== undefined);
    applications = [
      { name: 'warren', description: 'Warren: an AMQP 0-9-1 message broker compatible with RabbitMQ clients', version: WARREN_VERSION },
      { name: 'nodejs', description: 'Node.js', version: process.versions.node },
      ...deps,
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return applications.map((a) => ({ ...a }));
}
