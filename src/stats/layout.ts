/**
 * Which number is where in each kind of object's sampled values, and how it is read from the
 * object. One row per tick; the renderers (render.ts) name them as RabbitMQ does. Sums RabbitMQ
 * reports (deliver_get, messages) are not stored: they are added up when rendered.
 */
import type { Exchange } from '../broker/exchange/exchange.js';
import type { Queue } from '../broker/queue/queue.js';
import type { ChannelCounters, ConnectionCounters, NodeCounters } from './counters.js';

/** A queue: its lengths, then its message_stats counters. */
export const Q = {
  READY: 0,
  UNACKED: 1,
  PUBLISH: 2,
  GET: 3,
  GET_NO_ACK: 4,
  DELIVER: 5,
  DELIVER_NO_ACK: 6,
  REDELIVER: 7,
  ACK: 8,
  GET_EMPTY: 9,
  WIDTH: 10,
} as const;

/** A channel; a vhost's totals start with the same eleven. */
export const CH = {
  PUBLISH: 0,
  CONFIRM: 1,
  RETURN_UNROUTABLE: 2,
  DROP_UNROUTABLE: 3,
  GET: 4,
  GET_NO_ACK: 5,
  DELIVER: 6,
  DELIVER_NO_ACK: 7,
  REDELIVER: 8,
  ACK: 9,
  GET_EMPTY: 10,
  WIDTH: 11,
} as const;

/** A vhost's totals: its channels' counters (live and closed), its queues' lengths, its connections' octets (live and closed). */
export const VH = {
  ...CH,
  READY: 11,
  UNACKED: 12,
  RECV_OCT: 13,
  SEND_OCT: 14,
  WIDTH: 15,
} as const;

/** An exchange. */
export const X = { PUBLISH_IN: 0, PUBLISH_OUT: 1, WIDTH: 2 } as const;

/** A connection (recv_cnt and send_cnt have no history in RabbitMQ). */
export const CONN = { RECV_OCT: 0, SEND_OCT: 1, WIDTH: 2 } as const;

/** The node: churn, then the message store's disk operations. */
export const NODE = {
  CONNECTION_CREATED: 0,
  CONNECTION_CLOSED: 1,
  CHANNEL_CREATED: 2,
  CHANNEL_CLOSED: 3,
  QUEUE_DECLARED: 4,
  QUEUE_CREATED: 5,
  QUEUE_DELETED: 6,
  DISK_READS: 7,
  DISK_WRITES: 8,
  WIDTH: 9,
} as const;

/** The node's resource gauges (RabbitMQ's node_coarse_stats that Warren has), sampled for their _details. */
export const GAUGE = { MEM_USED: 0, FD_USED: 1, SOCKETS_USED: 2, PROC_USED: 3, DISK_FREE: 4, WIDTH: 5 } as const;

/** A queue's values now. */
export function readQueue(q: Queue, out: Float64Array): void {
  const s = q.stats;
  out[Q.READY] = q.messageCount;
  out[Q.UNACKED] = q.unackedCount;
  out[Q.PUBLISH] = s.publish;
  out[Q.GET] = s.get;
  out[Q.GET_NO_ACK] = s.getNoAck;
  out[Q.DELIVER] = s.deliver;
  out[Q.DELIVER_NO_ACK] = s.deliverNoAck;
  out[Q.REDELIVER] = s.redeliver;
  out[Q.ACK] = s.ack;
  out[Q.GET_EMPTY] = s.getEmpty;
}

/** An exchange's values now. */
export function readExchange(x: Exchange, out: Float64Array): void {
  out[X.PUBLISH_IN] = x.stats.publishIn;
  out[X.PUBLISH_OUT] = x.stats.publishOut;
}

/** A channel's values now. */
export function readChannel(c: Readonly<ChannelCounters>, out: Float64Array): void {
  out[CH.PUBLISH] = c.publish;
  out[CH.CONFIRM] = c.confirm;
  out[CH.RETURN_UNROUTABLE] = c.returnUnroutable;
  out[CH.DROP_UNROUTABLE] = c.dropUnroutable;
  out[CH.GET] = c.get;
  out[CH.GET_NO_ACK] = c.getNoAck;
  out[CH.DELIVER] = c.deliver;
  out[CH.DELIVER_NO_ACK] = c.deliverNoAck;
  out[CH.REDELIVER] = c.redeliver;
  out[CH.ACK] = c.ack;
  out[CH.GET_EMPTY] = c.getEmpty;
}

/** Adds a channel's counters to a vhost's totals (the first CH.WIDTH values). */
export function addChannel(c: Readonly<ChannelCounters>, out: Float64Array): void {
  out[CH.PUBLISH] += c.publish;
  out[CH.CONFIRM] += c.confirm;
  out[CH.RETURN_UNROUTABLE] += c.returnUnroutable;
  out[CH.DROP_UNROUTABLE] += c.dropUnroutable;
  out[CH.GET] += c.get;
  out[CH.GET_NO_ACK] += c.getNoAck;
  out[CH.DELIVER] += c.deliver;
  out[CH.DELIVER_NO_ACK] += c.deliverNoAck;
  out[CH.REDELIVER] += c.redeliver;
  out[CH.ACK] += c.ack;
  out[CH.GET_EMPTY] += c.getEmpty;
}

/** A connection's values now. */
export function readConnection(c: Readonly<ConnectionCounters>, out: Float64Array): void {
  out[CONN.RECV_OCT] = c.recvOct;
  out[CONN.SEND_OCT] = c.sendOct;
}

/** The node's values now. */
export function readNode(n: NodeCounters, out: Float64Array): void {
  out[NODE.CONNECTION_CREATED] = n.connectionCreated;
  out[NODE.CONNECTION_CLOSED] = n.connectionClosed;
  out[NODE.CHANNEL_CREATED] = n.channelCreated;
  out[NODE.CHANNEL_CLOSED] = n.channelClosed;
  out[NODE.QUEUE_DECLARED] = n.queueDeclared;
  out[NODE.QUEUE_CREATED] = n.queueCreated;
  out[NODE.QUEUE_DELETED] = n.queueDeleted;
  out[NODE.DISK_READS] = n.diskReads;
  out[NODE.DISK_WRITES] = n.diskWrites;
}
