// STUB: being written (core). Signatures are the contract.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Broker } from '../broker/broker.js';

/** The AMQP listener: accepts sockets and runs a Connection for each. */
export class AmqpServer {
  constructor(readonly opts: { config: Config; broker: Broker; logger: Logger }) {}
  /** Starts listening on config.host:config.port (0 = free port); resolves with the bound address. */
  async listen(): Promise<{ host: string; port: number }> {
    return { host: this.opts.config.host, port: this.opts.config.port };
  }
  /** Number of open AMQP connections. */
  get connectionCount(): number {
    return 0;
  }
  /** Stops accepting, closes every connection with 320 CONNECTION_FORCED, resolves when all sockets are gone. */
  async close(_reason = 'shutdown'): Promise<void> {}
}
