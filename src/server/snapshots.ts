/**
 * Plain-data copies of a connection and its channels for admin/'s ConnectionRegistry. Every
 * value is read from the live objects at the time of the call; nothing here runs per message.
 */
import type { TLSSocket } from 'node:tls';
import type {
  ChannelSnapshot,
  ConnectionSnapshot,
  ConnectionState,
  ConsumerSnapshot,
  TlsSnapshot,
} from '../admin/connection-registry.js';
import type { Channel } from './channel/channel.js';
import type { Connection, ConnectionState as WireState } from './connection/connection.js';
import type { TxAction } from './channel/transaction.js';
import type { Unacked } from './channel/unacked.js';

/** A connection (not yet closed) as ConnectionRegistry reports it. */
export function connectionSnapshot(conn: Connection): ConnectionSnapshot {
  const socket = conn.socket;
  return {
    name: conn.name,
    peerHost: conn.peerHost,
    peerPort: conn.peerPort,
    host: socket.localAddress ?? '',
    port: socket.localPort ?? 0,
    user: conn.user?.name ?? null,
    vhost: conn.vhost?.name ?? null,
    channels: [...conn.openChannels].map(channelSnapshot),
    state: connectionState(conn.state, conn.flow.state),
    connectedAt: conn.connectedAt,
    authMechanism: conn.authMechanism,
    clientProperties: conn.clientProperties,
    frameMax: conn.frameMax,
    channelMax: conn.channelMax,
    heartbeat: conn.heartbeat,
    recvOct: conn.counters.recvOct,
    sendOct: conn.counters.sendOct,
    // Encoded but not yet handed to the socket, plus what the socket still buffers.
    sendPend: conn.writer.pos + socket.writableLength,
    tls: tlsSnapshot(socket as Partial<TLSSocket>),
    counters: conn.counters,
  };
}

function connectionState(state: WireState, flow: 'running' | 'flow' | 'blocking' | 'blocked'): ConnectionState {
  switch (state) {
    case 'header':
    case 'start':
      return 'starting';
    case 'tune':
      return 'tuning';
    case 'open-wait':
      return 'opening';
    case 'open':
      return flow;
    default:
      return 'closing';
  }
}

function tlsSnapshot(socket: Partial<TLSSocket>): TlsSnapshot | null {
  if (socket.encrypted !== true) return null;
  const cipher = socket.getCipher?.();
  return { protocol: socket.getProtocol?.() ?? null, cipher: cipher?.standardName ?? cipher?.name ?? null };
}

/** One channel as ConnectionRegistry reports it. */
export function channelSnapshot(ch: Channel): ChannelSnapshot {
  const tx = ch.tx === null ? { acked: 0, settled: 0, published: 0 } : txCounts(ch.tx.pending, ch.unacked);
  return {
    number: ch.id,
    consumers: [...ch.consumers.values()].map(
      (c): ConsumerSnapshot => ({
        tag: c.tag,
        queue: c.queue.name,
        vhost: c.queue.vhost,
        ackRequired: !c.noAck,
        exclusive: c.exclusive,
        prefetchCount: c.prefetch,
        arguments: c.arguments,
        active: c.active,
        singleActiveConsumer: c.queue.settings.singleActiveConsumer,
      }),
    ),
    state: ch.state === 'open' ? 'running' : 'closing',
    prefetchCount: ch.qos.prefetch,
    globalPrefetchCount: ch.qos.globalPrefetch,
    messagesUnacknowledged: ch.unacked.size - tx.settled,
    messagesUnconfirmed: ch.publisher.confirm ? ch.publisher.confirms.unconfirmed : 0,
    messagesUncommitted: tx.published,
    acksUncommitted: tx.acked,
    confirm: ch.publisher.confirm,
    transactional: ch.tx !== null,
    stats: ch.stats,
  };
}

/**
 * What a pending transaction holds, counted as RabbitMQ counts it: publishes, and the
 * deliveries its acks (acks_uncommitted) and its acks and rejects together (no longer
 * unacknowledged) settle. Warren keeps a settlement as the tag it named, so `multiple` is
 * resolved against the unacked tags now; a tag named twice counts once.
 */
export function txCounts(actions: readonly TxAction[], unacked: Pick<Unacked, 'tags'>): { published: number; acked: number; settled: number } {
  let published = 0;
  let acked = 0;
  const settled = new Set<number>();
  for (const a of actions) {
    if (a.kind === 'publish') {
      published++;
      continue;
    }
    for (const tag of unacked.tags()) {
      const named = a.multiple ? a.tag === 0 || tag <= a.tag : tag === a.tag;
      if (!named) {
        if (tag > a.tag && a.tag !== 0) break;
        continue;
      }
      if (settled.has(tag)) continue;
      settled.add(tag);
      if (a.kind === 'ack') acked++;
    }
  }
  return { published, acked, settled: settled.size };
}
