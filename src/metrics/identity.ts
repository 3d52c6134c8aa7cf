/**
 * Who the metrics say the node is: rabbitmq_build_info's versions and rabbitmq_identity_info's
 * names. By default Warren presents itself as the RabbitMQ it matches (3.10.8), as it does in
 * connection.start and the management API.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { productIdentity, type ProductIdentity } from '../identity.js';

const require = createRequire(import.meta.url);
const warrenPkg = require('../../package.json') as { version: string };
const promClientPkg = require('prom-client/package.json') as { version: string };

/** The product the node announces. */
export interface ProductInfo {
  /** "RabbitMQ" unless an operator renamed it. */
  product: string;
  /** The product's version: the RabbitMQ version emulated, or Warren's own when renamed. */
  version: string;
  /** The RabbitMQ version whose behaviour Warren matches. */
  rabbitmqVersion: string;
  /**
   * What `erlang_version` says: the runtime Warren runs on (src/identity.ts runtimeVersion,
   * "Node.js 20.x.y"), the same value /api/overview and rabbitmqctl's cluster_status give.
   */
  erlangVersion: string;
}

/**
 * The product identity as src/identity.ts gives it (RabbitMQ 3.10.8 by default, or the product
 * `server_properties.product` names), so that server-properties, /api/overview and the metrics
 * always agree.
 */
export function productInfo(p: ProductIdentity = productIdentity()): ProductInfo {
  return { product: p.product, version: p.version, rabbitmqVersion: p.rabbitmqVersion, erlangVersion: p.runtimeVersion };
}

/** rabbitmq_build_info's labels. */
export interface BuildInfo {
  /** Only when the product is not RabbitMQ (RabbitMQ adds these for a renamed product). */
  productName?: string;
  productVersion?: string;
  rabbitmqVersion: string;
  /** rabbitmq_prometheus's version is the broker's. */
  prometheusPluginVersion: string;
  /** The metrics library: prom-client's version. */
  prometheusClientVersion: string;
  erlangVersion: string;
  /** Warren's own version, so a dashboard can tell Warren from RabbitMQ. */
  warrenVersion: string;
}

/** rabbitmq_build_info's labels for a product. */
export function buildInfo(p: ProductInfo = productInfo()): BuildInfo {
  const renamed = p.product !== 'RabbitMQ';
  return {
    ...(renamed ? { productName: p.product, productVersion: p.version } : {}),
    rabbitmqVersion: p.rabbitmqVersion,
    prometheusPluginVersion: p.rabbitmqVersion,
    prometheusClientVersion: promClientPkg.version,
    erlangVersion: p.erlangVersion,
    warrenVersion: warrenPkg.version,
  };
}

/**
 * rabbitmq_cluster_permanent_id: RabbitMQ keeps a random id in its schema; Warren derives one
 * that stays the same across restarts of the same node on the same data directory.
 */
export function clusterPermanentId(nodeName: string, dataDir: string): string {
  const digest = createHash('sha256').update(`${nodeName}\0${path.resolve(dataDir)}`).digest('base64url');
  return `rabbitmq-cluster-id-${digest.slice(0, 22)}`;
}
