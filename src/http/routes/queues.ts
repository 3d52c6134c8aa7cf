/**
 * /api/queues with RabbitMQ 3.10.8's paths, JSON, status codes and errors (rabbit_mgmt_wm_queues,
 * _queue, _queue_purge, _queue_get, _queue_actions; the bindings sub-list is in routes/bindings.ts),
 * plus 3.12's /api/queues/detailed (served as 3.10.8 serves it, a vhost's queues, when a vhost has
 * that name).
 *
 * Keys RabbitMQ fills from the Erlang queue process and Warren has no equivalent for are given
 * RabbitMQ's own "not known" values (garbage_collection all -1, as rabbit_mgmt_wm_queue's
 * ensure_defaults; recoverable_slaves null) or plausible constants
 * (backing_queue_status: Warren's counts in RabbitMQ's keys, rates 0). Left out: idle_since
 * (Warren does not track idleness), reductions (Erlang scheduler work), messages_persistent and
 * message_bytes_persistent (not counted), owner_pid_details (the owning connection is not
 * visible from here). The statistics (messages_details, messages_ready_details,
 * messages_unacknowledged_details and message_stats, with the request's ranges) are admin/'s
 * (QueueInfo.stats); left out of them: reductions_details (Erlang scheduler work).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import type { ConsumerInfo } from '../../admin/consumers.js';
import { NODE_NAME } from '../../admin/node-name.js';
import { getMessages, type GotMessage } from '../../admin/queue-get.js';
import { deleteQueue, getQueue, listQueues, purgeQueue, putQueue, queueAction, queueFineStats, vhostExists, type QueueInfo } from '../../admin/queues.js';
import { listConsumers } from '../../admin/consumers.js';
import { localAdministrator } from '../../admin/local-credentials.js';
import type { BasicProperties } from '../../amqp/codec/properties.js';
import { amqpTableJson } from '../amqp-table-json.js';
import { authenticate } from '../auth.js';
import { acceptRawBodies } from '../json-body.js';
import { disableStats, enableQueueTotals, listReply, objectReply, queryParam, SortCache } from '../list-query.js';
import { sendError } from '../send-error.js';
import { consumerJson } from './consumers.js';
import { methodNotAllowed } from './method-not-allowed.js';

/** What the queue routes need. */
export interface QueueRouteOptions {
  admin: AdminContext;
}

/** RabbitMQ's default sort of queue lists. */
export const QUEUE_SORT = ['vhost', 'name'] as const;

/** How much of a queue a list shows: everything, disable_stats's basic keys, or those plus the totals. */
export type QueueView = 'full' | 'basic' | 'totals';

// rabbit_mgmt_wm_queue:ensure_defaults: what RabbitMQ shows when it has no process information.
const GC_UNKNOWN = { fullsweep_after: -1, max_heap_size: -1, min_bin_vheap_size: -1, min_heap_size: -1, minor_gcs: -1 };

/** A queue in RabbitMQ's management JSON, keys in RabbitMQ's (sorted) order; see the file comment for what is left out. */
export function queueJson(q: QueueInfo, view: QueueView = 'full'): Record<string, unknown> {
  const messages = q.messagesReady + q.messagesUnacknowledged;
  if (view !== 'full') {
    const out: Record<string, unknown> = { arguments: amqpTableJson(q.arguments), auto_delete: q.autoDelete, durable: q.durable, exclusive: q.exclusive };
    if (view === 'totals') {
      out.messages = messages;
      out.messages_ready = q.messagesReady;
      out.messages_unacknowledged = q.messagesUnacknowledged;
    }
    out.name = q.name;
    out.node = NODE_NAME;
    if (q.policy !== undefined) out.policy = q.policy;
    // disable_stats shows the queue record's state (live); with the totals the process's (running).
    out.state = view === 'basic' ? 'live' : 'running';
    out.type = 'classic';
    out.vhost = q.vhost;
    return out;
  }
  const inRam = q.messagesReady - q.messagesPagedOut;
  return {
    arguments: amqpTableJson(q.arguments),
    auto_delete: q.autoDelete,
    backing_queue_status: {
      avg_ack_egress_rate: 0,
      avg_ack_ingress_rate: 0,
      avg_egress_rate: 0,
      avg_ingress_rate: 0,
      delta: ['delta', 'undefined', q.messagesPagedOut, 0, 'undefined'],
      len: q.messagesReady,
      mode: q.mode,
      next_deliver_seq_id: 0,
      next_seq_id: 0,
      q1: 0,
      q2: 0,
      q3: 0,
      q4: inRam,
      target_ram_count: 'infinity',
      version: q.version,
    },
    consumer_capacity: q.consumerCapacity,
    consumer_utilisation: q.consumerCapacity,
    consumers: q.consumers,
    durable: q.durable,
    effective_policy_definition: q.policyDefinition,
    exclusive: q.exclusive,
    exclusive_consumer_tag: q.exclusiveConsumerTag,
    garbage_collection: { ...GC_UNKNOWN },
    head_message_timestamp: q.headMessageTimestamp,
    memory: q.memory,
    message_bytes: q.messageBytesReady + q.messageBytesUnacknowledged,
    message_bytes_paged_out: q.messageBytesPagedOut,
    message_bytes_ram: q.messageBytesReady - q.messageBytesPagedOut + q.messageBytesUnacknowledged,
    message_bytes_ready: q.messageBytesReady,
    message_bytes_unacknowledged: q.messageBytesUnacknowledged,
    messages,
    messages_paged_out: q.messagesPagedOut,
    messages_ram: inRam + q.messagesUnacknowledged,
    messages_ready: q.messagesReady,
    messages_ready_ram: inRam,
    messages_unacknowledged: q.messagesUnacknowledged,
    messages_unacknowledged_ram: q.messagesUnacknowledged,
    name: q.name,
    node: NODE_NAME,
    operator_policy: q.operatorPolicy ?? null,
    policy: q.policy ?? null,
    recoverable_slaves: null,
    single_active_consumer_tag: q.singleActiveConsumerTag,
    state: 'running',
    type: 'classic',
    vhost: q.vhost,
    // messages and the other lengths with their _details, message_stats (a range's newest sample replaces the lengths).
    ...q.stats,
  };
}

function viewOf(req: FastifyRequest): QueueView {
  if (!disableStats(req)) return 'full';
  return enableQueueTotals(req) ? 'totals' : 'basic';
}

/** RabbitMQ's JSON of a message's properties: its record's fields last to first, [] when there are none. */
export function propertiesJson(p: BasicProperties): Record<string, unknown> | [] {
  const out: Record<string, unknown> = {};
  const put = (k: string, v: unknown): void => {
    if (v !== undefined) out[k] = v;
  };
  put('cluster_id', p.clusterId);
  put('app_id', p.appId);
  put('user_id', p.userId);
  put('type', p.type);
  put('timestamp', p.timestamp);
  put('message_id', p.messageId);
  put('expiration', p.expiration);
  put('reply_to', p.replyTo);
  put('correlation_id', p.correlationId);
  put('priority', p.priority);
  put('delivery_mode', p.deliveryMode);
  put('headers', p.headers === undefined ? undefined : amqpTableJson(p.headers));
  put('content_encoding', p.contentEncoding);
  put('content_type', p.contentType);
  return Object.keys(out).length === 0 ? [] : out;
}

function gotJson(m: GotMessage): Record<string, unknown> {
  return {
    payload_bytes: m.payloadBytes,
    redelivered: m.redelivered,
    exchange: m.exchange,
    routing_key: m.routingKey,
    message_count: m.messageCount,
    properties: propertiesJson(m.properties),
    payload: m.payload,
    payload_encoding: m.payloadEncoding,
  };
}

type VhostParams = { Params: { vhost: string } };
type QueueParams = { Params: { vhost: string; name: string }; Body: string | undefined };

/** Registers the queue routes. */
export async function queueRoutes(app: FastifyInstance, opts: QueueRouteOptions): Promise<void> {
  const { admin } = opts;
  acceptRawBodies(app);
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));
  const sortCache = new SortCache();

  const list = (req: FastifyRequest, vhost: string | undefined, detailed: boolean): unknown => {
    const user = authenticate(admin, req);
    const view = viewOf(req);
    // RabbitMQ skips the statistics (and their range parameters) with disable_stats.
    const { queues, info } = listQueues(admin, user, vhost, view === 'full' ? req.query : undefined);
    // The broker's Queue objects carry vhost and name as the JSON has them: only the answered page is rendered.
    if (!detailed || view !== 'full') return listReply(req, queues, QUEUE_SORT, { render: (q) => queueJson(info(q), view), sortCache });
    const byQueue = new Map<string, ConsumerInfo[]>();
    for (const c of listConsumers(admin, localAdministrator())) {
      const k = JSON.stringify([c.vhost, c.queue]);
      byQueue.set(k, [...(byQueue.get(k) ?? []), c]);
    }
    const items = queues.map((q) => ({
      ...queueJson(info(q), view),
      consumer_details: (byQueue.get(JSON.stringify([q.vhost, q.name])) ?? []).map(consumerJson),
      deliveries: [],
      incoming: [],
    }));
    return listReply(req, items, QUEUE_SORT);
  };

  app.get('/api/queues', async (req) => list(req, undefined, false));
  app.get<VhostParams>('/api/queues/:vhost', async (req) => {
    const { vhost } = req.params;
    // 3.12+'s detailed list; in 3.10.8 the path is the queues of a vhost called "detailed", which still wins when one exists.
    if (vhost === 'detailed' && !vhostExists(admin, vhost)) return list(req, undefined, true);
    return list(req, vhost, false);
  });

  app.get<QueueParams>('/api/queues/:vhost/:name', async (req) => {
    const user = authenticate(admin, req);
    const view = viewOf(req);
    const { queue, consumers } = getQueue(admin, user, req.params.vhost, req.params.name, view === 'full' ? req.query : undefined);
    // A single queue with disable_stats has only the basic keys (rabbit_mgmt_format:queue, no policy).
    if (view !== 'full') {
      const basic = queueJson({ ...queue, policy: undefined }, 'basic');
      return objectReply(req, basic);
    }
    // RabbitMQ puts consumer_details first; deliveries and incoming are the fine-grained statistics (rates_mode detailed).
    const fine = queueFineStats(admin, req.params.vhost, req.params.name);
    return objectReply(req, { consumer_details: consumers.map(consumerJson), ...queueJson(queue), deliveries: fine.deliveries, incoming: fine.incoming });
  });
  app.put<QueueParams>('/api/queues/:vhost/:name', async (req, reply) => {
    const created = putQueue(admin, authenticate(admin, req), req.params.vhost, req.params.name, req.body);
    return reply.code(created ? 201 : 204).send();
  });
  app.delete<QueueParams>('/api/queues/:vhost/:name', async (req, reply) => {
    deleteQueue(admin, authenticate(admin, req), req.params.vhost, req.params.name, {
      ifEmpty: queryParam(req, 'if-empty') === 'true',
      ifUnused: queryParam(req, 'if-unused') === 'true',
    });
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/api/queues/:vhost/:name', ['POST']);

  app.delete<QueueParams>('/api/queues/:vhost/:name/contents', async (req, reply) => {
    purgeQueue(admin, authenticate(admin, req), req.params.vhost, req.params.name);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/api/queues/:vhost/:name/contents', ['GET', 'PUT', 'POST']);

  app.post<QueueParams>('/api/queues/:vhost/:name/get', async (req) => {
    const got = await getMessages(admin, authenticate(admin, req), req.params.vhost, req.params.name, req.body);
    return got.map(gotJson);
  });
  methodNotAllowed(app, '/api/queues/:vhost/:name/get', ['GET', 'PUT', 'DELETE']);

  app.post<QueueParams>('/api/queues/:vhost/:name/actions', async (req, reply) => {
    queueAction(admin, authenticate(admin, req), req.params.vhost, req.params.name, req.body);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/api/queues/:vhost/:name/actions', ['GET', 'PUT', 'DELETE']);
  methodNotAllowed(app, '/api/queues', ['PUT', 'POST', 'DELETE']);
  methodNotAllowed(app, '/api/queues/:vhost', ['PUT', 'POST', 'DELETE']);
}
