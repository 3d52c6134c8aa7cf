import type { FieldTable } from '../amqp/codec/field-value.js';
import type { MessageStore } from '../broker/message-store.js';

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

/** Everything recovery rebuilds the broker from. */
export interface Definitions {
  vhosts: string[];
  exchanges: StoredExchange[];
  queues: StoredQueue[];
  bindings: StoredBinding[];
  policies: StoredPolicy[];
}

/**
 * The one storage interface the broker sees. The memory implementation backs
 * tests and transient use; the LevelDB one (persistence issue) implements the
 * same calls, so queues and routing never change for persistence.
 */
export interface Store {
  open(): Promise<void>;
  close(): Promise<void>;
  loadDefinitions(): Promise<Definitions>;
  putVhost(name: string): void;
  deleteVhost(name: string): void;
  putExchange(x: StoredExchange): void;
  deleteExchange(vhost: string, name: string): void;
  putQueue(q: StoredQueue): void;
  deleteQueue(vhost: string, name: string): void;
  putBinding(b: StoredBinding): void;
  deleteBinding(b: StoredBinding): void;
  /** Adds or replaces the policy named p.name in p.vhost. */
  putPolicy(p: StoredPolicy): void;
  deletePolicy(vhost: string, name: string): void;
  /** Message persistence; absent for a store that keeps no messages (the memory store). */
  readonly messages?: MessageStore;
}
