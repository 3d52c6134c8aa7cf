/** Every warrenctl command by its rabbitmqctl name, grouped by family. */
import type { Command } from '../context.js';
import { CONSUMER_COMMANDS } from './consumers.js';
import { DEFINITION_COMMANDS } from './definitions.js';
import { LIMIT_COMMANDS } from './limits.js';
import { NODE_COMMANDS } from './node.js';
import { PARAMETER_COMMANDS } from './parameters.js';
import { PERMISSION_COMMANDS } from './permissions.js';
import { POLICY_COMMANDS } from './policies.js';
import { USER_COMMANDS } from './users.js';
import { VHOST_COMMANDS } from './vhosts.js';
import { CONNECTION_COMMANDS } from './connections.js';
import { CHANNEL_COMMANDS } from './channels.js';
import { BINDING_COMMANDS } from './bindings.js';
import { EXCHANGE_COMMANDS } from './exchanges.js';
import { QUEUE_COMMANDS } from './queues.js';
import { REPORT_COMMANDS } from './report.js';

/** The families in --help order. */
export const COMMAND_FAMILIES: ReadonlyArray<[string, Record<string, Command>]> = [
  ['Users', USER_COMMANDS],
  ['Virtual hosts', VHOST_COMMANDS],
  ['Permissions', PERMISSION_COMMANDS],
  ['Limits', LIMIT_COMMANDS],
  ['Policies', POLICY_COMMANDS],
  ['Consumers', CONSUMER_COMMANDS],
  ['Definitions', DEFINITION_COMMANDS],
  ['Node', NODE_COMMANDS],
  ['Parameters', PARAMETER_COMMANDS],
  ['Connections', CONNECTION_COMMANDS],
  ['Channels', CHANNEL_COMMANDS],
  ['Queues', QUEUE_COMMANDS],
  ['Exchanges', EXCHANGE_COMMANDS],
  ['Bindings', BINDING_COMMANDS],
  ['Report', REPORT_COMMANDS],
];

/** The command of this name, if any. */
export function findCommand(name: string): Command | undefined {
  for (const [, family] of COMMAND_FAMILIES) if (Object.hasOwn(family, name)) return family[name];
  return undefined;
}
