import type { FieldTable } from '../../amqp/codec/field-table.js';
import type { Broker } from '../../broker/broker.js';
import { nodeIdentity, WARREN_VERSION } from '../../identity.js';

/** Warren's version (from package.json). */
export { WARREN_VERSION };

/**
 * connection.start server-properties, shaped like RabbitMQ's (rabbit_reader:server_properties/1):
 * product and version as src/identity.ts presents the node ("RabbitMQ" 3.10.8 by default, which
 * kombu needs to give basic.qos global its RabbitMQ meaning), Warren named in platform,
 * information and warren_version, the current cluster name, and the capabilities clients gate
 * features on (rabbit_reader:server_capabilities/1).
 */
export function serverProperties(broker: Broker): FieldTable {
  const id = nodeIdentity(broker.config);
  const p = id.product;
  return {
    capabilities: {
      publisher_confirms: true,
      exchange_exchange_bindings: true,
      'basic.nack': true,
      consumer_cancel_notify: true,
      'connection.blocked': true,
      consumer_priorities: true,
      authentication_failure_close: true,
      per_consumer_qos: true,
      direct_reply_to: true,
    },
    cluster_name: id.clusterName,
    copyright: p.copyright,
    information: p.information,
    platform: p.platform,
    product: p.product,
    version: p.version,
    warren_version: p.warrenVersion,
  };
}
