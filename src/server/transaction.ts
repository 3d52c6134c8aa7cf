import { ChannelError } from '../amqp/errors.js';
import type { Exchange } from '../broker/exchange/exchange.js';
import type { Message } from '../broker/message.js';

/** An action held until tx.commit. */
export type TxAction =
  | { kind: 'publish'; exchange: Exchange; message: Message; mandatory: boolean }
  | { kind: 'ack'; tag: number; multiple: boolean }
  | { kind: 'reject'; tag: number; multiple: boolean; requeue: boolean };

/** What a commit applies its actions through (the channel). */
export interface TxTarget {
  /** Routes a publish; true when a queue refused it (x-overflow reject-publish). */
  route(exchange: Exchange, message: Message, mandatory: boolean): boolean;
  ack(tag: number, multiple: boolean): void;
  reject(tag: number, multiple: boolean, requeue: boolean): void;
}

/**
 * A channel in tx mode (tx.select): publishes, acks and rejects are held until
 * tx.commit (tx.rollback drops them); commit-oks go out in commit order, each
 * once the commit's writes are durable.
 */
export class Transaction {
  private actions: TxAction[] = [];
  /** tx.commit calls so far, and how many have had their commit-ok. */
  private commits = 0;
  private answered = 0;

  /** Holds an action until the commit. */
  hold(action: TxAction): void {
    this.actions.push(action);
  }

  /** tx.rollback: drops the held actions (consumed messages are not requeued, as in RabbitMQ). */
  rollback(): void {
    this.actions = [];
  }

  /**
   * Applies the held actions in order and returns the commit's number. As
   * RabbitMQ's complete_tx: everything is applied, then a publish refused by a
   * full reject-publish queue fails the commit with 406.
   */
  commit(target: TxTarget): number {
    const actions = this.actions;
    this.actions = [];
    let refused = false;
    for (const act of actions) {
      if (act.kind === 'publish') refused = target.route(act.exchange, act.message, act.mandatory) || refused;
      else if (act.kind === 'ack') target.ack(act.tag, act.multiple);
      else target.reject(act.tag, act.multiple, act.requeue);
    }
    if (refused) throw new ChannelError(406, 'partial tx completion');
    return ++this.commits;
  }

  /** True when commit n's ok must wait: writes are pending, or an earlier commit's ok is still waiting. */
  mustWait(n: number, pendingWrites: boolean): boolean {
    return pendingWrites || this.answered < n - 1;
  }

  /** How many commit-oks are due now that commits up to n are durable (they are then counted as sent). */
  answerUpTo(n: number): number {
    const due = n - this.answered;
    if (due <= 0) return 0;
    this.answered = n;
    return due;
  }
}
