import type { Message } from '../message.js';
import type { Queue } from './queue.js';

export type DeadLetterReason = 'rejected' | 'expired' | 'maxlen' | 'delivery_limit';
export interface DeadLetterer { deadLetter(queue: Queue, message: Message, reason: DeadLetterReason): void }
