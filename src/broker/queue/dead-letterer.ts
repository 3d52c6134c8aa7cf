import type { Message } from '../message.js';
import type { Queue } from './queue.js';

/** Why a message left its queue for the dead-letter exchange (the `reason` in x-death). */
export type DeadLetterReason = 'rejected' | 'expired' | 'maxlen' | 'delivery_limit';

/**
 * Republishes a message that left a queue to the queue's dead-letter exchange
 * (the vhost provides it; the queue only says which message and why).
 */
export interface DeadLetterer {
  /** message left queue for reason; the queue has a dead-letter exchange set. */
  deadLetter(queue: Queue, message: Message, reason: DeadLetterReason): void;
}
