import type { FieldTable } from '../amqp/codec/field-value.js';
import type { Message } from './message.js';
import type { QueueEntry } from './queue/queue-entry.js';
import type { Queue } from './queue/queue.js';

// The persistence the broker is handed (implemented in store/: broker/ never touches LevelDB).
// Definitions are written as they change; messages through the queues' journals.

// ---- definitions -------------------------------------------------------------------------------

/** A durable exchange as stored. */
export interface StoredExchange {
  vhost: string;
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/** A durable queue as stored. */
export interface StoredQueue {
  vhost: string;
  name: string;
  durable: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
}

/** A binding between durable objects as stored. */
export interface StoredBinding {
  vhost: string;
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: FieldTable;
}

/** A policy as stored (RabbitMQ keeps policies as definitions too). */
export interface StoredPolicy {
  vhost: string;
  name: string;
  pattern: string;
  /** `apply-to`: all, queues, exchanges, classic_queues, quorum_queues or streams. */
  applyTo: string;
  priority: number;
  /** JSON-compatible settings, e.g. `{"message-ttl": 60000}`. */
  definition: Record<string, unknown>;
}

/** A runtime parameter of a vhost as stored (rabbit_runtime_parameters: component, name, JSON value). */
export interface StoredParameter {
  vhost: string;
  component: string;
  name: string;
  value: unknown;
}

/** A global runtime parameter as stored (e.g. internal_cluster_id, cluster_name): a name and a JSON value. */
export interface StoredGlobalParameter {
  name: string;
  value: unknown;
}

/** A vhost's metadata (3.13's `metadata`: description, tags, default queue type). */
export interface VhostMetadata {
  description: string;
  tags: string[];
  /** `classic`, `quorum`, `stream`; undefined = not set (rabbitmqctl prints `undefined`). */
  defaultQueueType?: string;
}

/** A vhost's limits (RabbitMQ's vhost-limits); absent = no limit. */
export interface VhostLimits {
  'max-connections'?: number;
  'max-queues'?: number;
}

/** A vhost as stored: its name, metadata and limits. */
export interface StoredVhost {
  name: string;
  metadata: VhostMetadata;
  limits: VhostLimits;
}

/** A user as stored (the auth layer's User as plain data; broker/ knows nothing of users beyond this shape). */
export interface StoredUser {
  name: string;
  /** RabbitMQ's base64 form; "" = password login disabled. */
  passwordHash: string;
  hashingAlgorithm: string;
  tags: string[];
  limits: Record<string, number>;
}

/** One user's permissions in one vhost as stored. */
export interface StoredPermission {
  user: string;
  vhost: string;
  configure: string;
  write: string;
  read: string;
}

/** One user's topic permission on one exchange of one vhost as stored. */
export interface StoredTopicPermission {
  user: string;
  vhost: string;
  exchange: string;
  write: string;
  read: string;
}

/** Everything recovery rebuilds the broker from. */
export interface Definitions {
  vhosts: string[];
  /** The vhosts with their metadata and limits (same order as `vhosts`). */
  vhostRecords: StoredVhost[];
  users: StoredUser[];
  permissions: StoredPermission[];
  topicPermissions: StoredTopicPermission[];
  exchanges: StoredExchange[];
  queues: StoredQueue[];
  bindings: StoredBinding[];
  policies: StoredPolicy[];
  /** Operator policies: the same shape as policies. */
  operatorPolicies: StoredPolicy[];
  /** Stored-only runtime parameters (not vhost limits or operator policies, which have their own records). */
  parameters: StoredParameter[];
  globalParameters: StoredGlobalParameter[];
}

/**
 * The one storage interface the broker sees. The memory implementation backs
 * tests and brokers without a data directory; the LevelDB one implements the
 * same calls, so queues and routing are the same with or without persistence.
 */
export interface Store {
  open(): Promise<void>;
  close(): Promise<void>;
  loadDefinitions(): Promise<Definitions>;
  /** Adds or replaces a vhost record (without settings: empty metadata, no limits). */
  putVhost(name: string, settings?: Omit<StoredVhost, 'name'>): void;
  /** Deletes a vhost record (its objects are deleted by their own calls). */
  deleteVhost(name: string): void;
  /** Adds or replaces a user. */
  putUser(u: StoredUser): void;
  /** Deletes a user record (its permissions are deleted by their own calls). */
  deleteUser(name: string): void;
  /** Adds or replaces a user's permissions in a vhost. */
  putPermission(p: StoredPermission): void;
  deletePermission(user: string, vhost: string): void;
  /** Adds or replaces a topic permission (user, vhost, exchange). */
  putTopicPermission(p: StoredTopicPermission): void;
  deleteTopicPermission(user: string, vhost: string, exchange: string): void;
  putExchange(x: StoredExchange): void;
  deleteExchange(vhost: string, name: string): void;
  putQueue(q: StoredQueue): void;
  deleteQueue(vhost: string, name: string): void;
  putBinding(b: StoredBinding): void;
  deleteBinding(b: StoredBinding): void;
  /** Adds or replaces the policy named p.name in p.vhost. */
  putPolicy(p: StoredPolicy): void;
  deletePolicy(vhost: string, name: string): void;
  /** Adds or replaces the operator policy named p.name in p.vhost. */
  putOperatorPolicy(p: StoredPolicy): void;
  deleteOperatorPolicy(vhost: string, name: string): void;
  /** Adds or replaces a runtime parameter (vhost, component, name). */
  putParameter(p: StoredParameter): void;
  deleteParameter(vhost: string, component: string, name: string): void;
  /** Adds or replaces a global runtime parameter. */
  putGlobalParameter(p: StoredGlobalParameter): void;
  deleteGlobalParameter(name: string): void;
  /** Message persistence; absent for a store that keeps no messages (the memory store). */
  readonly messages?: MessageStore;
}

// ---- messages ----------------------------------------------------------------------------------

/**
 * Message persistence as the broker and server see it. Writes are gathered per
 * event-loop tick into one synced batch (group commit).
 */
export interface MessageStore {
  /**
   * Links a durable queue (already stored with putQueue or recovered) to its
   * records; a non-durable queue gets a journal that writes only when memory
   * pressure makes it page its backlog (records the next start deletes).
   */
  attach(queue: Queue): void;
  /**
   * Rebuilds the ready lists of recovered durable queues from the stored
   * messages, in publication order, with their redelivered flags.
   * `lookup` finds a recovered queue; records of unknown queues are deleted.
   */
  recover(lookup: (vhost: string, name: string) => Queue | undefined): Promise<void>;
  /** Calls waiter.durable(token) once everything written so far is on disk. */
  waitDurable(waiter: DurabilityWaiter, token: number): void;
  /** True when writes are buffered or in flight. */
  readonly hasPendingWrites: boolean;
  /** True after a failed write (resource alarm): persistent publishes are refused with a nack until a write succeeds. */
  readonly alarm: boolean;
}

/**
 * A queue's link to the message store (a non-durable queue's writes only what
 * it pages under memory pressure). The queue calls it for persistent messages
 * only, at the few points where an entry's fate changes; the store turns the
 * calls into records of the next group-commit batch.
 */
export interface QueueJournal {
  /** A persistent message entered the queue (enqueue; before any delivery). */
  enqueued(entry: QueueEntry): void;
  /** First delivery of a stored entry to a manual-ack consumer or basic.get: recovery marks it redelivered. */
  delivered(entry: QueueEntry): void;
  /** The entry left the queue for good (ack, reject/nack without requeue, no-ack delivery, purge, queue deletion, expiry, dead-lettering). */
  removed(entry: QueueEntry): void;

  // ---- paging: a long backlog keeps a compact index in RAM, bodies stay on disk ----

  /** Head window: full entries a queue keeps in RAM before it pages the rest out (messages, body bytes). */
  readonly headMessages: number;
  readonly headBytes: number;
  /** True while memory use is above the paging threshold: transient messages are written (flagged transient) so they can be paged too. */
  readonly pageTransient: boolean;
  /** Writes an entry that is not stored yet (a transient message) with the transient flag; false when the store refuses (alarm). */
  spill(entry: QueueEntry): boolean;
  /** True once the entry's records are synced to disk: only then may it leave RAM (its body may then be read back). */
  isDurable(entry: QueueEntry): boolean;
  /** The entry leaves RAM and its records stay on disk: the store keeps the body's reference count. */
  pagedOut(entry: QueueEntry): void;
  /** Calls fn once, after the next batch is durable (or when memory pressure starts). */
  afterCommit(fn: () => void): void;
  /**
   * Reads the bodies of paged entries (one range/multi-get per call, never one
   * promise per message). done gets one Message per id (undefined for a missing
   * or undecodable body), or null when the read failed (the caller retries).
   */
  load(msgIds: ArrayLike<number>, propsLengths: ArrayLike<number>, count: number, done: (messages: (Message | undefined)[] | null) => void): void;
  /** A paged entry left the queue without being loaded (purge, deletion, drop-head): deletes its records, and its body once unreferenced. */
  removedPaged(seq: number, msgId: number, propsLength: number): void;
}

/** Told when the writes made before `waitDurable` are on disk (or failed). */
export interface DurabilityWaiter {
  /** Everything written up to the call of waitDurable(this, token) is durable. */
  durable(token: number): void;
  /** The batch holding those writes failed: the store raised its alarm. */
  failed(token: number): void;
}

// ---- record states, kept on Message and QueueEntry (plain numbers: read on every publish and ack) ----

/**
 * Where a record stands in the store: `Message.storeState` for the body,
 * `QueueEntry.storeState` for the entry's index record. Which batch wrote an
 * index record is `QueueEntry.storeBatch`.
 */
export type StoreState = typeof NOT_STORED | typeof STORE_PENDING | typeof STORE_WRITTEN;
/** No record (transient, not in a durable queue, or removed). */
export const NOT_STORED = 0;
/** The record waits in the filling group-commit batch (it costs nothing if removed before that is written). */
export const STORE_PENDING = 1;
/** The record is written, or on its way to disk (see QueueEntry.storeBatch), or was read from disk. */
export const STORE_WRITTEN = 2;

/**
 * Message.storeId values besides a positive record id: 0 = not stored (transient,
 * or routed to no durable queue), STORE_REFUSED = a durable queue took it while the
 * store's alarm was raised, so its confirm must be a nack.
 */
export const STORE_REFUSED = -1;
