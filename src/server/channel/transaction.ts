import { MethodId, type ChannelMethodHandlers } from '../../amqp/spec.generated.js';
import { confirmToTx, notTransactional, partialTxCompletion } from '../../broker/errors.js';
import type { Exchange } from '../../broker/exchange/exchange.js';
import type { Message } from '../../broker/message.js';
import { PublishOutcome } from '../../broker/vhost.js';
import type { Channel } from './channel.js';
import { ack, reject } from './delivery.js';

/** An action held until tx.commit. */
export type TxAction =
  | { kind: 'publish'; exchange: Exchange; message: Message; mandatory: boolean }
  | { kind: 'ack'; tag: number; multiple: boolean }
  | { kind: 'reject'; tag: number; multiple: boolean; requeue: boolean };

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

  /** The actions held until the commit, in order (read by the management API). */
  get pending(): readonly TxAction[] {
    return this.actions;
  }

  /** Holds an action until the commit. */
  hold(action: TxAction): void {
    this.actions.push(action);
  }

  /** tx.rollback: drops the held actions (consumed messages are not requeued, as in RabbitMQ). */
  rollback(): void {
    this.actions = [];
  }

  /**
   * Applies the held actions in order on ch and returns the commit's number.
   * As RabbitMQ's complete_tx: everything is applied, then a publish refused by
   * a full reject-publish queue fails the commit with 406.
   */
  commit(ch: Channel): number {
    const actions = this.actions;
    this.actions = [];
    let outcome = 0;
    for (const act of actions) {
      if (act.kind === 'publish') outcome |= ch.publisher.route(act.exchange, act.message, act.mandatory);
      else if (act.kind === 'ack') ack(ch, act.tag, act.multiple);
      else reject(ch, act.tag, act.multiple, act.requeue);
    }
    if ((outcome & PublishOutcome.REFUSED) !== 0) throw partialTxCompletion();
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

/** tx.select, tx.commit and tx.rollback: the channel's handlers. */
export const txMethods: Pick<ChannelMethodHandlers<Channel>, 'TxSelect' | 'TxCommit' | 'TxRollback'> = {
  TxSelect(ch) {
    if (ch.publisher.confirm) throw confirmToTx();
    ch.tx ??= new Transaction();
    ch.send(MethodId.TxSelectOk, {});
  },
  TxCommit(ch) {
    if (ch.tx === null) throw notTransactional();
    answerCommit(ch, ch.tx, ch.tx.commit(ch));
  },
  TxRollback(ch) {
    if (ch.tx === null) throw notTransactional();
    ch.tx.rollback();
    ch.send(MethodId.TxRollbackOk, {});
  },
};

/** tx.commit-ok once commit n's writes are durable (and after the commit-oks before it). */
function answerCommit(ch: Channel, tx: Transaction, n: number): void {
  const store = ch.conn.messageStore;
  // Resource alarm: persistent messages of this commit may not have been written.
  if (store !== undefined && store.alarm) return ch.failed(n);
  if (store !== undefined && tx.mustWait(n, store.hasPendingWrites)) {
    store.waitDurable(ch, n);
    return;
  }
  sendCommitOks(ch, n);
}

/** The commit-oks due now that commits up to n are durable. */
export function sendCommitOks(ch: Channel, n: number): void {
  for (let due = ch.tx?.answerUpTo(n) ?? 0; due > 0; due--) ch.send(MethodId.TxCommitOk, {});
}
