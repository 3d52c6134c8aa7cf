import type { VhostAccess } from './access-table.js';
import type { PermissionKind, TopicPermissionKind } from './permissions.js';

/** RabbitMQ's per-channel cache size (rabbit_channel.erl ?MAX_PERMISSION_CACHE_SIZE). */
export const DEFAULT_PERMISSION_CACHE_SIZE = 12;

/**
 * A channel's cache of allowed decisions, for the hot path: basic.publish
 * checks write on its exchange for every message. As in RabbitMQ only
 * allowed decisions are cached (a refusal closes the channel anyway), each
 * list is bounded, and the oldest entry goes first when it is full.
 *
 * A hit costs one number compare (the access's generation) and one Map
 * lookup, and allocates nothing. When the user's permissions change the
 * VhostAccess generation moves on and the next check empties the cache, so a
 * revoked permission is refused on the very next message (RabbitMQ 3.10.8
 * keeps honouring what an open channel had cached).
 *
 * One instance per channel; not shared, so it needs no locking or eviction
 * clock.
 */
export class PermissionCache {
  private seen: number;
  private readonly configure = new Map<string, true>();
  private readonly write = new Map<string, true>();
  private readonly read = new Map<string, true>();
  // Topic decisions are per (exchange, routing key); one inner map per exchange, each bounded.
  private readonly topicWrite = new Map<string, Map<string, true>>();
  private readonly topicRead = new Map<string, Map<string, true>>();

  /** @param access the connection's access object, @param limit entries per list (RabbitMQ: 12) */
  constructor(
    private readonly access: VhostAccess,
    private readonly limit: number = DEFAULT_PERMISSION_CACHE_SIZE,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`cache limit must be a positive integer, got ${limit}`);
    this.seen = access.generation;
  }

  /** True when `kind` on the resource is allowed (asks the access object on a miss, caches a yes). */
  check(kind: PermissionKind, resource: string): boolean {
    if (this.seen !== this.access.generation) this.reset();
    const m = kind === 'write' ? this.write : kind === 'read' ? this.read : this.configure;
    if (m.has(resource)) return true;
    if (!this.access.check(kind, resource)) return false;
    remember(m, resource, this.limit);
    return true;
  }

  /**
   * True when `kind` on the routing key through the topic exchange is
   * allowed. Call it for topic exchanges only. Without a topic permission
   * on that exchange the answer is yes at the cost of one Map lookup, and
   * nothing is cached.
   */
  checkTopic(kind: TopicPermissionKind, exchange: string, routingKey: string): boolean {
    if (this.seen !== this.access.generation) this.reset();
    const topics = this.access.topics;
    if (!topics.has(exchange)) return true;
    const byExchange = kind === 'write' ? this.topicWrite : this.topicRead;
    let keys = byExchange.get(exchange);
    if (keys?.has(routingKey)) return true;
    if (!topics.check(kind, exchange, routingKey)) return false;
    if (keys === undefined) {
      keys = new Map();
      if (byExchange.size >= this.limit) byExchange.delete(byExchange.keys().next().value as string);
      byExchange.set(exchange, keys);
    }
    remember(keys, routingKey, this.limit);
    return true;
  }

  /** Number of cached decisions (all lists), for tests and channel stats. */
  get size(): number {
    let n = this.configure.size + this.write.size + this.read.size;
    for (const m of this.topicWrite.values()) n += m.size;
    for (const m of this.topicRead.values()) n += m.size;
    return n;
  }

  /** Forgets every decision and adopts the access's current generation. */
  reset(): void {
    this.configure.clear();
    this.write.clear();
    this.read.clear();
    this.topicWrite.clear();
    this.topicRead.clear();
    this.seen = this.access.generation;
  }
}

/** Adds a key, evicting the oldest (Map iteration is insertion order) when the list is full. */
function remember(m: Map<string, true>, key: string, limit: number): void {
  if (m.size >= limit) m.delete(m.keys().next().value as string);
  m.set(key, true);
}
