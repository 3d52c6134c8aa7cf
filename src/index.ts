// STUB: being written (runtime). Signatures are the contract.
import type { Config } from './config.js';

/** Options for an in-process broker; any Config field may be overridden. */
export interface StartOptions extends Partial<Config> {
  /** Read this rabbitmq.conf-style file first (then the overrides above win). */
  configFile?: string;
}

/** A running in-process broker. */
export interface BrokerHandle {
  /** Host and port the AMQP listener is bound to. */
  host: string;
  port: number;
  /** Management HTTP port. */
  managementPort: number;
  /** amqp://guest:guest@127.0.0.1:<port> (with the default user). */
  url: string;
  /** Closes connections (320), the HTTP server and the store. */
  close(): Promise<void>;
}

/** Starts a broker in this process. Defaults: port 0, management port 0, a temp data dir, log level 'silent'. */
export async function startBroker(_options: StartOptions = {}): Promise<BrokerHandle> {
  throw new Error('not implemented yet');
}
