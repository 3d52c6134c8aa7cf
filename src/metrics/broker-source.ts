/**
 * MetricsSource on the running node: the broker's vhosts, queues and exchanges, the AMQP
 * server's connections (through admin/'s ConnectionRegistry), the node resources, read when a
 * scrape asks. Nothing here runs on the publish or deliver path.
 */
import os from 'node:os';
import type { ConnectionRegistry } from '../admin/connection-registry.js';
import type { Broker } from '../broker/broker.js';
import type { Queue } from '../broker/queue/queue.js';
import type { ResourceAlarms } from '../resources/alarms.js';
import type { ChannelCounters } from '../stats/counters.js';
import type { DiskMonitor } from '../resources/disk-monitor.js';
import { readFileDescriptors } from '../resources/file-descriptors.js';
import {
  NO_MESSAGE_COUNTERS,
  type AlarmSample,
  type ChannelExchangeCounters,
  type ChannelQueueCounters,
  type ChannelQueueExchangeCounters,
  type ChannelSample,
  type ConnectionSample,
  type ExchangeSample,
  type MessageCounters,
  type MetricsSource,
  type NodeIdentity,
  type NodeSample,
  type QueueSample,
} from './metrics-source.js';

/** What brokerMetricsSource reads. */
export interface BrokerSourceDeps {
  broker: Broker;
  connections: ConnectionRegistry;
  alarms: ResourceAlarms;
  disk: DiskMonitor;
  /** The memory high watermark in bytes (vm_memory_high_watermark). */
  memoryLimit: number;
  /** rabbitmq_node and rabbitmq_cluster; the cluster name is asked at each scrape (it can be renamed). */
  identity: () => NodeIdentity;
  /** The statistics module's counters; zeros when not given. */
  counters?: MessageCounters;
}

/**
 * consumer_capacity at this moment: 1 when a consumer could take a message now, 0 when every
 * consumer is held back (prefetch, flow) or there is none. RabbitMQ reports the fraction of time
 * over its last sampling interval; Warren's is that fraction taken over an instant.
 */
function consumerCapacity(q: Queue): number {
  return q.consumers.some((c) => c.active && c.hasCapacity()) ? 1 : 0;
}

/** A MetricsSource reading the running broker. */
export function brokerMetricsSource(deps: BrokerSourceDeps): MetricsSource {
  const started = performance.now();
  const counters = deps.counters ?? NO_MESSAGE_COUNTERS;
  return {
    async node(): Promise<NodeSample> {
      const fds = await readFileDescriptors();
      const sockets = deps.connections.listConnections().length;
      return {
        fdUsed: fds?.used,
        fdTotal: fds?.limit,
        socketsUsed: sockets,
        // Warren reserves no share of the descriptors for sockets: any descriptor can be one.
        socketsTotal: fds?.limit,
        memUsed: process.memoryUsage.rss(),
        memLimit: deps.memoryLimit,
        diskFree: deps.disk.free >= 0 ? deps.disk.free : undefined,
        diskFreeLimit: deps.disk.limit,
        uptimeSeconds: (performance.now() - started) / 1000,
      };
    },
    alarms(): AlarmSample {
      const raised = deps.alarms.resources;
      return { fileDescriptorLimit: false, freeDiskSpace: raised.includes('disk'), memory: raised.includes('memory') };
    },
    identity: deps.identity,
    vhosts: () => [...deps.broker.vhosts.keys()],
    queues(): QueueSample[] {
      const out: QueueSample[] = [];
      for (const v of deps.broker.vhosts.values()) {
        for (const q of v.queues.values()) {
          const consumers = q.consumerCount;
          const paged = q.messagesPaged;
          out.push({
            vhost: q.vhost,
            name: q.name,
            ready: q.messageCount,
            unacked: q.unackedCount,
            consumers,
            consumerCapacity: consumerCapacity(q),
            readyBytes: q.messageBytes,
            unackedBytes: q.unackedBytes,
            readyRam: q.messageCount - paged,
            pagedOut: paged,
          });
        }
      }
      return out;
    },
    exchanges(): ExchangeSample[] {
      const out: ExchangeSample[] = [];
      for (const v of deps.broker.vhosts.values()) {
        for (const x of v.exchanges.values()) out.push({ vhost: x.vhost, name: x.name, type: x.type, internal: x.internal, bindings: x.bindings.size });
      }
      return out;
    },
    sessions() {
      const connections: ConnectionSample[] = [];
      const channels: ChannelSample[] = [];
      for (const c of deps.connections.listConnections()) {
        const o = c.counters;
        connections.push({ name: c.name, channels: c.channels.length, recvOct: o.recvOct, sendOct: o.sendOct, recvCnt: o.recvCnt, sendCnt: o.sendCnt, sendPend: c.sendPend });
        for (const ch of c.channels) {
          channels.push({
            name: `${c.name} (${ch.number})`,
            consumers: ch.consumers.length,
            unacked: ch.messagesUnacknowledged,
            unconfirmed: ch.messagesUnconfirmed,
            uncommitted: ch.messagesUncommitted,
            acksUncommitted: ch.acksUncommitted,
            prefetch: ch.prefetchCount,
            globalPrefetch: ch.globalPrefetchCount,
            ...fineCounters(ch.stats),
          });
        }
      }
      return { connections, channels };
    },
    counters: () => counters,
  };
}

/** A channel's per-exchange, per-queue and per-queue-and-exchange counters (deleted queues left out, as RabbitMQ erases them). */
function fineCounters(c: Readonly<ChannelCounters>): Pick<ChannelSample, 'exchanges' | 'queues' | 'queueExchanges'> {
  const exchanges: ChannelExchangeCounters[] = [];
  const queueExchanges: ChannelQueueExchangeCounters[] = [];
  for (const x of c.exchangeCells.values()) {
    const vhost = x.exchange.vhost;
    const exchange = x.exchange.name;
    exchanges.push({ vhost, exchange, published: x.publish, confirmed: x.confirm, returnedUnroutable: x.returnUnroutable, droppedUnroutable: x.dropUnroutable });
    for (const qx of x.queues.values()) if (!qx.queue.deleted) queueExchanges.push({ vhost, queue: qx.queue.name, exchange, published: qx.publish });
  }
  const queues: ChannelQueueCounters[] = [];
  for (const q of c.queueCells.values()) {
    if (q.queue.deleted) continue;
    queues.push({
      vhost: q.queue.vhost,
      queue: q.queue.name,
      getAck: q.get,
      get: q.getNoAck,
      deliveredAck: q.deliver,
      delivered: q.deliverNoAck,
      redelivered: q.redeliver,
      acked: q.ack,
      getEmpty: q.getEmpty,
    });
  }
  return { exchanges, queues, queueExchanges };
}

/** vm_memory_high_watermark in bytes: the absolute setting when given, else the fraction of total RAM. */
export function memoryHighWatermark(relative: number, absolute: number): number {
  return absolute > 0 ? absolute : Math.floor(relative * os.totalmem());
}
