// STUB: being written (core). Signatures are the contract.
import type { Logger } from 'pino';
import type { Config } from '../config.js';

/** The broker domain: vhosts, users, exchanges, queues. Knows nothing of sockets. */
export class Broker {
  constructor(readonly opts: { config: Config; logger: Logger }) {}
  /** Loads definitions, creates the default vhost and user. */
  async start(): Promise<void> {}
  /** Stops timers and flushes the store. */
  async close(): Promise<void> {}
}
