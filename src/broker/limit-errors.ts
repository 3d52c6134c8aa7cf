/**
 * Refusals for vhost limits (kept apart from errors.ts, which the AMQP enforcement work also
 * edits): RabbitMQ 3.10.8's codes and texts.
 */
import { ChannelError } from '../amqp/errors.js';

/** 406: queue.declare of a new queue in a vhost at its `max-queues` (rabbit_vhost_limit). */
export const queueLimitReached = (queue: string, vhost: string, limit: number): ChannelError =>
  new ChannelError(406, `cannot declare queue '${queue}': queue limit in vhost '${vhost}' (${limit}) is reached`);
