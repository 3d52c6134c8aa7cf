import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
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
import { listenDualStack, listenerAddresses, type ListenerSpec } from './listeners.js';
import { peerRefusal, serverOptions, tlsSettings, type CertificateStore } from './tls.js';

/** A bound AMQP listener. */
export interface BoundListener {
  /** RabbitMQ's protocol names: 'amqp' (plain TCP) or 'amqp/ssl' (TLS). */
  protocol: 'amqp' | 'amqp/ssl';
  host: string;
  port: number;
}
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
  private servers: Server[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly certificates: CertificateStore | undefined;
  /** The listeners bound by listen(), plain ones first. */
  listeners: BoundListener[] = [];

  constructor(opts: { config: Config; broker: Broker; users: UserStore; logger: Logger; stats: StatsCollector; alarms?: ResourceAlarms; certificates?: CertificateStore }) {
    this.config = opts.config;
    this.stats = opts.stats;
    this.certificates = opts.certificates;
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

  /**
   * Opens every listener: plain AMQP on host:port and listeners.tcp.* (none with `listeners.tcp =
   * none`), AMQPS on listeners.ssl.* (its certificate files checked first: a bad one rejects with a
   * TlsConfigError naming the key, before any listener opens). Resolves with the first listener's
   * address (plain first); `listeners` has them all. On failure, whatever opened is closed again.
   */
  async listen(): Promise<{ host: string; port: number }> {
    const c = this.config;
    const plain: ListenerSpec[] = listenerAddresses(c.host, c.port, c.tcpListeners);
    const secure: ListenerSpec[] = listenerAddresses(c.sslHost, c.sslPort, c.sslListeners);
    if (plain.length === 0 && secure.length === 0) throw new Error('no AMQP listener configured (listeners.tcp = none and no listeners.ssl)');
    const loaded = secure.length > 0 ? this.tlsStore().load('amqp', tlsSettings(c, 'amqp')) : undefined;
    try {
      for (const spec of plain) {
        const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
        this.listeners.push({ protocol: 'amqp', ...(await this.open(server, spec)) });
      }
      if (loaded !== undefined) {
        const settings = loaded.settings;
        for (const spec of secure) {
          const server: TlsServer = createTlsServer({ ...serverOptions(loaded, c.sslHandshakeTimeout), noDelay: true } as Parameters<typeof createTlsServer>[0]);
          server.on('secureConnection', (socket: TLSSocket) => {
            const refused = peerRefusal(socket, settings);
            if (refused !== null) {
              this.logger.warn({ peer: `${socket.remoteAddress}:${socket.remotePort}`, reason: refused }, 'TLS client refused');
              socket.destroy();
              return;
            }
            this.accept(socket);
          });
          // Garbage, a stalled handshake (ssl_handshake_timeout), a refused certificate: only that socket goes.
          server.on('tlsClientError', (err, socket) => {
            this.logger.info({ peer: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message }, 'TLS handshake failed');
            socket.destroy();
          });
          this.tlsStore().attach('amqp', server);
          this.listeners.push({ protocol: 'amqp/ssl', ...(await this.open(server, spec)) });
        }
      }
    } catch (e) {
      await this.closeServers();
      throw e;
    }
    const first = this.listeners[0];
    return { host: first.host, port: first.port };
  }

  private tlsStore(): CertificateStore {
    if (this.certificates === undefined) throw new Error('AMQPS listeners need a CertificateStore');
    return this.certificates;
  }

  private async open(server: Server, spec: ListenerSpec): Promise<{ host: string; port: number }> {
    this.servers.push(server);
    const bound = await listenDualStack(server, spec, this.logger);
    server.on('error', (err) => this.logger.error({ err }, 'AMQP listener error'));
    return bound;
  }

  private async closeServers(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((r) => {
            this.certificates?.detach(server);
            if (!server.listening) return r();
            server.close(() => r());
          }),
      ),
    );
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
    const closed = this.closeServers();
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
