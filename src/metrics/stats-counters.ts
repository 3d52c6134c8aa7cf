/**
 * The MetricsSource's message and churn counters read from the statistics module (stats/): the
 * node totals of every channel (closed ones included) and the node's churn counters, when scraped.
 */
import type { StatsCollector } from '../stats/collector.js';
import type { AuthAttemptCounters, MessageCounters } from './metrics-source.js';

/**
 * MessageCounters on the node's StatsCollector (login attempts are the node's counters too).
 * Dead-lettering counters are not counted yet (0).
 */
export function statsMessageCounters(stats: StatsCollector): MessageCounters {
  const zero = { expired: 0, rejected: 0, maxlen: 0 };
  return {
    globalCounters() {
      const t = stats.nodeTotals();
      return {
        messagesReceived: t.publish,
        messagesReceivedConfirm: t.receivedConfirm,
        messagesRouted: t.routed,
        messagesUnroutableDropped: t.dropUnroutable,
        messagesUnroutableReturned: t.returnUnroutable,
        messagesConfirmed: t.confirm,
        publishers: t.publishers,
        messagesDelivered: t.deliver + t.deliverNoAck + t.get + t.getNoAck,
        messagesDeliveredConsumeManualAck: t.deliver,
        messagesDeliveredConsumeAutoAck: t.deliverNoAck,
        messagesDeliveredGetManualAck: t.get,
        messagesDeliveredGetAutoAck: t.getNoAck,
        messagesGetEmpty: t.getEmpty,
        messagesRedelivered: t.redeliver,
        messagesAcknowledged: t.ack,
        deadLettered: { disabled: { ...zero }, atMostOnce: { ...zero } },
      };
    },
    churn() {
      const n = stats.node;
      return {
        connectionsOpened: n.connectionCreated,
        connectionsClosed: n.connectionClosed,
        channelsOpened: n.channelCreated,
        channelsClosed: n.channelClosed,
        queuesDeclared: n.queueDeclared,
        queuesCreated: n.queueCreated,
        queuesDeleted: n.queueDeleted,
      };
    },
    authAttempts() {
      const n = stats.node;
      const rows: AuthAttemptCounters[] = [];
      // RabbitMQ shows a protocol from its first attempt on; its table lists http before amqp091.
      const add = (protocol: string, succeeded: number, failed: number): void => {
        if (succeeded + failed > 0) rows.push({ protocol, total: succeeded + failed, succeeded, failed });
      };
      add('http', n.authHttpSucceeded, n.authHttpFailed);
      add('amqp091', n.authAmqpSucceeded, n.authAmqpFailed);
      return rows;
    },
  };
}
