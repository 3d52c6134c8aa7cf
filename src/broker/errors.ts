/**
 * The AMQP error vocabulary the broker throws. Errors are shared vocabulary
 * between the wire and the domain, so this is the one place `broker/` reaches
 * into `amqp/` (ARCHITECTURE.md: "amqp/ and broker/ never import each other",
 * with this file as the lead's agreed exception).
 */
export {
  AmqpError,
  ChannelError,
  ConnectionError,
  preconditionFailed,
  resourceLocked,
  notFound,
  accessRefused,
} from '../amqp/errors.js';
