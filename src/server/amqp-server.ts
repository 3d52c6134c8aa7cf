import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ConnectionRegistry, ConnectionSnapshot } from '../admin/connection-registry.js';
import type { Config } from '../config.js';
import type { StatsCollector } from '../stats/collector.js';
import { ResourceAlarms } from '../resources/alarms.js';
import type { Broker } from '../broker/broker.js';
import type { UserStore } from '../auth/users.js';
import { operatorClose, userDeletedClose, vhostDownClose } from '../broker/errors.js';
import { Connection } from './connection/connection.js';
import { ConnectionTracker } from './connection-tracker.js';
import { connectionSnapshot } from './snapshots.js';

/** The AMQP listener: accepts sockets and runs a Connection for each; admin/ lists them through ConnectionRegistry. */
export class AmqpServer implements ConnectionRegistry {
  readonly connections = new Set<Connection>();
  /** The opened connections by vhost and by user (limits; closing a user's or a vhost's connections). */
  readonly tracker = new ConnectionTracker<Connection>();
  /** The node's resource alarms: while one is raised, publishing connections are blocked. */
  readonly alarms: ResourceAlarms;
  private readonly config: Config;
  private readonly broker: Broker;
  private readonly users: UserStore;
  private readonly logger: Logger;
  /** The statistics sampler connections and channels register their counters with. */
  readonly stats: StatsCollector;
  private server: Server | null = null;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(opts: { config: Config; broker: Broker; users: UserStore; logger: Logger; stats: StatsCollector; alarms?: ResourceAlarms }) {
    this.config = opts.config;
    this.stats = opts.stats;
    this.broker = opts.broker;
    this.users = opts.users;
    this.logger = opts.logger;
    this.alarms = opts.alarms ?? new ResourceAlarms();
    this.alarms.onChange(() => {
      for (const c of this.connections) c.alarmsChanged();
    });
    // RabbitMQ: deleting a user closes its connections with 320.
    this.users.onChange({ userDeleted: (name) => this.closeUserConnections(name) });
    // RabbitMQ: deleting a vhost closes its connections with 320.
    this.broker.onVhostDeleted((vhost) => this.closeVhostConnections(vhost));
  }

  /**
   * Closes every open connection of the user with `320 CONNECTION_FORCED - user 'x' is deleted`
   * (called by the UserStore's userDeleted); returns how many were closed.
   */
  closeUserConnections(user: string): number {
    const conns = this.tracker.ofUser(user);
    for (const c of conns) c.closeForced(userDeletedClose(user));
    return conns.length;
  }

  /**
   * Closes every open connection to the vhost with `320 CONNECTION_FORCED - vhost 'x' is down`
   * (for vhost deletion: call it when the vhost is deleted); returns how many were closed.
   */
  closeVhostConnections(vhost: string): number {
    const conns = this.tracker.ofVhost(vhost);
    for (const c of conns) c.closeForced(vhostDownClose(vhost));
    return conns.length;
  }

  /** Starts listening on config.host:config.port (0 = free port); resolves with the bound address. */
  listen(): Promise<{ host: string; port: number }> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.error({ err }, 'AMQP listener error'));
        const addr = server.address();
        if (addr === null || typeof addr === 'string') return reject(new Error('unexpected listener address'));
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  /** Number of open AMQP connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Every connection as plain data, for the management API (ConnectionRegistry). */
  listConnections(): ConnectionSnapshot[] {
    return [...this.connections].filter((conn) => conn.state !== 'closed').map(connectionSnapshot);
  }

  /** ConnectionRegistry: closes the named connection with `320 CONNECTION_FORCED - <reason>`; false when there is none. */
  closeConnection(name: string, reason: string): boolean {
    for (const conn of this.connections) {
      if (conn.name !== name || conn.state === 'closed') continue;
      conn.closeForced(operatorClose(reason));
      return true;
    }
    return false;
  }

  /** Stops accepting, closes every connection with 320 CONNECTION_FORCED, resolves when all sockets are gone. */
  async close(reason = 'shutdown'): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server === null ? Promise.resolve() : new Promise<void>((r) => server.close(() => r()));
    for (const c of this.connections) c.forceClose(reason);
    if (this.connections.size > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    await closed;
  }

  private accept(socket: Socket): void {
    const conn = new Connection(socket, {
      config: this.config,
      broker: this.broker,
      users: this.users,
      logger: this.logger,
      alarms: this.alarms,
      tracker: this.tracker,
      stats: this.stats,
      onClosed: (c) => {
        this.connections.delete(c);
        if (this.connections.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      },
    });
    this.connections.add(conn);
  }
}
