import type { QueueSettings } from './queue-settings.js';

/** A ready list's size as the length limits see it. */
export interface Sized {
  readonly length: number;
  readonly bytes: number;
}

/** True when x-max-length or x-max-length-bytes is set. */
export function hasLengthLimit(s: QueueSettings): boolean {
  return s.maxLength >= 0 || s.maxLengthBytes >= 0;
}

/**
 * RabbitMQ will_overflow: true when one more message of `size` body bytes
 * would break a limit (x-overflow reject-publish(-dlx) then refuses it).
 */
export function wouldOverflow(s: QueueSettings, ready: Sized, size: number): boolean {
  return (s.maxLength >= 0 && ready.length >= s.maxLength) || (s.maxLengthBytes >= 0 && ready.bytes + size > s.maxLengthBytes);
}

/** True while the ready list is over a limit (x-overflow drop-head then drops from the head). */
export function isOverLimit(s: QueueSettings, ready: Sized): boolean {
  return (s.maxLength >= 0 && ready.length > s.maxLength) || (s.maxLengthBytes >= 0 && ready.bytes > s.maxLengthBytes);
}
