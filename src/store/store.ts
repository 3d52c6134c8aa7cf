/**
 * The definition records' types and the Store interface belong to the domain
 * that is handed the store (broker/persistence.ts); this re-export serves the
 * importers not yet moved there (broker/broker.ts) and goes once they are.
 */
export type { Definitions, Store, StoredBinding, StoredExchange, StoredPolicy, StoredQueue } from '../broker/persistence.js';
