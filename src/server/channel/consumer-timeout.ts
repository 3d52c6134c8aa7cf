import type { ChannelError } from '../../amqp/errors.js';
import { deliveryAckTimeout } from '../../broker/errors.js';
import type { QueueEntry } from '../../broker/queue/queue-entry.js';

/** The longest pause between checks: a 30-minute timeout fires at most this late. */
const MAX_CHECK_INTERVAL_MS = 5000;

/** What the watch needs from its channel. */
export interface AckTimeoutTarget {
  /** Unacked deliveries (the oldest first). */
  readonly unacked: { oldest(): QueueEntry | undefined };
  readonly id: number;
  /** Closes the channel with the error (its unacked messages are requeued). */
  ackTimedOut(error: ChannelError): void;
}

/**
 * The delivery acknowledgement timeout of one channel (RabbitMQ
 * consumer_timeout): no timer per delivery; a delivery records when it went
 * out (QueueEntry.deliveredAt) and one unref'd interval per channel with
 * unacked deliveries looks at the oldest one, as RabbitMQ's channel tick does
 * (rabbit_channel evaluate_consumer_timeout). The timeout is the queue's
 * x-consumer-timeout / consumer-timeout policy when set (RabbitMQ 3.12+), else
 * the broker's consumer_timeout.
 */
export class AckTimeoutWatch {
  private readonly target: AckTimeoutTarget;
  private readonly defaultTimeout: number;
  private timer: NodeJS.Timeout | null = null;
  private interval = 0;

  constructor(target: AckTimeoutTarget, defaultTimeout: number) {
    this.target = target;
    this.defaultTimeout = defaultTimeout;
  }

  /** A delivery that needs an ack went out (deliveredAt set): make sure a check will see it in time. */
  delivered(entry: QueueEntry): void {
    const interval = checkInterval(this.timeoutOf(entry));
    if (this.timer !== null && interval >= this.interval) return;
    if (this.timer !== null) clearInterval(this.timer);
    this.interval = interval;
    this.timer = setInterval(this.check, interval);
    this.timer.unref();
  }

  /** Stops checking (channel closed). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private timeoutOf(entry: QueueEntry): number {
    const t = entry.queue.settings.consumerTimeout;
    return t >= 0 ? t : this.defaultTimeout;
  }

  private readonly check = (): void => {
    const oldest = this.target.unacked.oldest();
    if (oldest === undefined) {
      // Nothing to watch until the next delivery.
      this.stop();
      return;
    }
    const timeout = this.timeoutOf(oldest);
    if (Date.now() - oldest.deliveredAt <= timeout) return;
    this.stop();
    // RabbitMQ raises it with no method (class and method id 0).
    this.target.ackTimedOut(deliveryAckTimeout(this.target.id, timeout));
  };
}

/** How often to check for a timeout of t ms: about a tenth of it, between 10 ms and MAX_CHECK_INTERVAL_MS. */
function checkInterval(t: number): number {
  return Math.max(10, Math.min(MAX_CHECK_INTERVAL_MS, Math.ceil(t / 10)));
}
