/**
 * Who the broker says it is: one place for connection.start's server-properties, the management
 * API (/api/overview, /api/nodes, definitions export) and the Prometheus build/identity metrics.
 *
 * Clients and tools decide behaviour from it: kombu (and so Celery) gives basic.qos RabbitMQ's
 * meaning of `global` only when `product` is "RabbitMQ" (version >= 3.3); RabbitMQ's management
 * tooling reads `rabbitmq_version` / `product_name`. So by default Warren presents itself as the
 * RabbitMQ version it behaves like, and names itself in `platform`, `information` and
 * `warren_version`; `server_properties.product` (configSchema.serverPropertiesProduct) lets an
 * operator announce another product name, which then goes with Warren's own version.
 *
 * It lives at the top of src/ (as config.ts does) because server/ and admin/ both need it and
 * neither may import the other.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';

const require = createRequire(import.meta.url);
// Same relative path from src/ and dist/.
const pkg = require('../package.json') as { version: string };

/** Warren's own version (package.json). */
export const WARREN_VERSION: string = pkg.version;

/** The RabbitMQ release whose behaviour Warren matches (what the reference runs, what the docs were checked against). */
export const RABBITMQ_VERSION = '3.10.8';

/** The product name RabbitMQ announces, and Warren's default. */
export const RABBITMQ_PRODUCT = 'RabbitMQ';

/** This node's name (RabbitMQ: rabbit@<host>). */
export const NODE_NAME = `warren@${hostname()}`;

/** The fixed part of the identity: what the product is, whatever the cluster is called. */
export interface ProductIdentity {
  /** connection.start `product`, overview `product_name`. */
  readonly product: string;
  /** connection.start `version`, overview `product_version`: RABBITMQ_VERSION as "RabbitMQ", else Warren's. */
  readonly version: string;
  /** The RabbitMQ version Warren behaves as (overview `rabbitmq_version`, `rabbitmq_build_info`). */
  readonly rabbitmqVersion: string;
  /** Warren's own version (`warren_version` in server-properties and the overview). */
  readonly warrenVersion: string;
  /** connection.start `platform`: Warren and the runtime it runs on (RabbitMQ: "Erlang/OTP 25.2.3"). */
  readonly platform: string;
  readonly copyright: string;
  /** connection.start `information`: names Warren, its version and the RabbitMQ version it matches. */
  readonly information: string;
  /**
   * The runtime, wherever RabbitMQ says `erlang_version`: Warren has no Erlang, so every place
   * names the Node.js it runs on, the same way (overview `erlang_version`, `rabbitmq_build_info`'s
   * `erlang_version` label, rabbitmqctl cluster_status's versions; connection.start's `platform`
   * names it too). Only product and version imitate RabbitMQ, because clients decide on them.
   */
  readonly runtimeVersion: string;
  /** The runtime in full (overview `erlang_full_version`). */
  readonly runtimeFullVersion: string;
}

/**
 * The product identity for a `server_properties.product` setting: "RabbitMQ" (the default)
 * announces RABBITMQ_VERSION, any other name Warren's own version.
 */
export function productIdentity(product: string = RABBITMQ_PRODUCT): ProductIdentity {
  const node = process.versions.node;
  return {
    product,
    version: product === RABBITMQ_PRODUCT ? RABBITMQ_VERSION : WARREN_VERSION,
    rabbitmqVersion: RABBITMQ_VERSION,
    warrenVersion: WARREN_VERSION,
    platform: `Warren ${WARREN_VERSION} on Node.js v${node}`,
    copyright: 'Copyright (c) the Warren authors',
    information: `Warren ${WARREN_VERSION}, an AMQP 0-9-1 broker compatible with RabbitMQ ${RABBITMQ_VERSION}. Licensed under the MIT license`,
    runtimeVersion: `Node.js ${node}`,
    runtimeFullVersion: `Node.js v${node} [${process.platform}-${process.arch}] [V8 ${process.versions.v8}]`,
  };
}

/**
 * A running node's identity: the product, the node name and the cluster name (RabbitMQ's
 * `cluster_name`: the node name until one is set; read from the `cluster_name` global parameter,
 * which PUT /api/cluster-name and /api/global-parameters set and the store keeps across restarts).
 */
export class NodeIdentity {
  readonly product: ProductIdentity;
  readonly node: string;
  private stored: () => string | undefined = () => undefined;

  constructor(product: string = RABBITMQ_PRODUCT, node: string = NODE_NAME) {
    this.product = productIdentity(product);
    this.node = node;
  }

  /** The cluster name (RabbitMQ's default: the node name). */
  get clusterName(): string {
    return this.stored() ?? this.node;
  }

  /** Where the set cluster name is kept (the broker's `cluster_name` global parameter, as RabbitMQ keeps it). */
  readClusterNameFrom(stored: () => string | undefined): void {
    this.stored = stored;
  }
}

// One identity per running node. Keyed by the node's Config object, which every layer that
// needs the identity already holds (the broker keeps it as broker.config): server/ reaches the
// identity without a new constructor parameter on the connection classes.
const identities = new WeakMap<object, NodeIdentity>();

/** The identity of the node running with this config (`server_properties.product`), made on first use. */
export function nodeIdentity(config: { readonly serverPropertiesProduct: string }): NodeIdentity {
  let id = identities.get(config);
  if (id === undefined) {
    id = new NodeIdentity(config.serverPropertiesProduct);
    identities.set(config, id);
  }
  return id;
}
