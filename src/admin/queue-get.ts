/**
 * POST /api/queues/{vhost}/{name}/get (rabbit_mgmt_wm_queue_get in RabbitMQ 3.10.8): up to
 * `count` basic.gets as the HTTP user, then, by `ackmode`, the messages are
 * - ack_requeue_true: left unacked and requeued when the (direct) channel closes: they stay in
 *   the queue, at their places, redelivered;
 * - ack_requeue_false: taken with no-ack: removed;
 * - reject_requeue_true: rejected with requeue (as ack_requeue_true);
 * - reject_requeue_false: rejected without requeue: dead-lettered (reason rejected) or dropped.
 * A count of 0 gets nothing; a negative count gets until the queue is empty (as RabbitMQ's loop).
 * Payloads are cut to `truncate` bytes; `encoding` auto gives UTF-8 text as a string and
 * anything else base64, `base64` always base64.
 */
import { isUtf8 } from 'node:buffer';
import { decodeProperties, type BasicProperties } from '../amqp/codec/properties.js';
import type { QueueEntry } from '../broker/queue/queue-entry.js';
import type { Queue } from '../broker/queue/queue.js';
import type { AdminContext } from './admin-context.js';
import { requireVhostAccess, type User } from './authorization.js';
import { badRequest } from './errors.js';
import { accessRefusedReply, asHttp, ObjectAccess } from './object-access.js';
import { decodeBody, intValue, requireKeys } from './request-body.js';

/** The four ack modes. */
export const ACK_MODES = ['ack_requeue_true', 'ack_requeue_false', 'reject_requeue_true', 'reject_requeue_false'] as const;
export type AckMode = (typeof ACK_MODES)[number];

/** One message as the get endpoint returns it. */
export interface GotMessage {
  /** The whole body's size, before truncation. */
  payloadBytes: number;
  redelivered: boolean;
  exchange: string;
  routingKey: string;
  /** Messages left in the queue after this get. */
  messageCount: number;
  properties: BasicProperties;
  payload: string;
  payloadEncoding: 'string' | 'base64';
}

function payloadPart(body: Buffer, encoding: 'auto' | 'base64', truncate: number | undefined): { payload: string; payloadEncoding: 'string' | 'base64' } {
  const cut = truncate !== undefined && body.length >= truncate ? body.subarray(0, Math.max(0, truncate)) : body;
  if (encoding === 'auto' && isUtf8(cut)) return { payload: cut.toString('utf8'), payloadEncoding: 'string' };
  return { payload: cut.toString('base64'), payloadEncoding: 'base64' };
}

// The direct connection RabbitMQ gets through: it owns no exclusive queue.
const GETTER = Object.freeze({ owner: 'management API get' });

function gotMessage(e: QueueEntry, remaining: number, encoding: 'auto' | 'base64', truncate: number | undefined): GotMessage {
  const m = e.message;
  const body = m.raw.subarray(m.bodyOffset);
  return {
    payloadBytes: body.length,
    redelivered: e.redelivered,
    exchange: m.exchange,
    routingKey: m.routingKey,
    messageCount: remaining,
    properties: m.propsLength === 0 ? {} : decodeProperties(m.raw, m.keysLength, m.keysLength + m.propsLength),
    ...payloadPart(body, encoding, truncate),
  };
}

/** basic.get, waiting for paged-out bodies to be read back as the channel's basic.get does. */
async function take(q: Queue, noAck: boolean): Promise<QueueEntry | undefined> {
  for (;;) {
    const e = q.take(noAck);
    if (e !== undefined || !q.isLoading || q.deleted) return e;
    await new Promise<void>((resolve) => q.whenLoaded(resolve));
  }
}

/** Gets messages as the body says; see the file comment. */
export async function getMessages(ctx: AdminContext, user: User, vhost: string, name: string, rawBody: unknown): Promise<GotMessage[]> {
  requireVhostAccess(ctx, user, vhost);
  const body = decodeBody(rawBody);
  requireKeys(body, ['ackmode', 'count', 'encoding']);
  const v = ctx.broker.getVhost(vhost);
  // RabbitMQ opens a direct connection to the vhost first.
  if (v === undefined) throw accessRefusedReply();
  const access = new ObjectAccess(ctx, user, v);
  access.requireConnection();
  const ackMode = body.ackmode;
  if (typeof ackMode !== 'string' || !(ACK_MODES as readonly string[]).includes(ackMode)) {
    throw badRequest(`ackmode must be one of ${ACK_MODES.join(', ')}`);
  }
  const count = intValue(body.count);
  const enc = body.encoding;
  if (enc !== 'auto' && enc !== 'base64') throw badRequest('Unsupported encoding. Please use auto or base64.');
  const truncate = body.truncate === undefined ? undefined : intValue(body.truncate);
  const noAck = ackMode === 'ack_requeue_false';
  const out: GotMessage[] = [];
  const taken: QueueEntry[] = [];
  let q: Queue | undefined;
  try {
    for (let i = 0; i !== count; i++) {
      // Each basic.get: read on the queue, then the queue itself (404, or 405 for another connection's exclusive queue).
      q = asHttp('channel', () => {
        access.require('read', 'queue', name);
        return v.getQueue(name, GETTER);
      });
      const e = await take(q, noAck);
      if (e === undefined) break;
      if (!noAck) taken.push(e);
      out.push(gotMessage(e, q.messageCount, enc, truncate));
    }
  } finally {
    if (q !== undefined && taken.length > 0) {
      if (ackMode === 'reject_requeue_false') for (const e of taken) q.reject(e);
      // ack_requeue_true: requeued when the channel closes; reject_requeue_true: rejected with requeue.
      else q.requeue(taken);
    }
  }
  return out;
}
