import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import type { FieldTable } from '../../amqp/codec/field-table.js';
import type { Broker } from '../../broker/broker.js';

const require = createRequire(import.meta.url);
const pkg = require('../../../package.json') as { version: string };

/** Warren's version (from package.json). */
export const WARREN_VERSION = pkg.version;

/**
 * connection.start server-properties, shaped like RabbitMQ's: clients gate
 * features on these capabilities (rabbit_reader:server_capabilities/1).
 */
export function serverProperties(_broker: Broker): FieldTable {
  return {
    product: 'Warren',
    version: WARREN_VERSION,
    platform: `Node.js ${process.version}`,
    cluster_name: `warren@${hostname()}`,
    copyright: 'Copyright (c) the Warren authors',
    information: 'Licensed under the MIT license',
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
  };
}
