/**
 * Warren's public API: start a broker in this process (tests, embedding) or from a full
 * Config (the `warren` command).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AdminContext, ListenerInfo, NodeRuntime } from './admin/admin-context.js';
import { restoreClusterName } from './admin/cluster-name.js';
import { UserStore } from './auth/users.js';
import { Broker } from './broker/broker.js';
import { defaultConfig, pagingThresholdBytes, type Config } from './config.js';
import { readConfigFile } from './config-load.js';
import { buildHttpApp } from './http/app.js';
import { loadDefinitionsFile } from './admin/definitions-import.js';
import { localApiUrl, newLocalSecret, removeLocalCredentials, writeLocalCredentials } from './admin/local-credentials.js';
import { nodeIdentity } from './identity.js';
import { createLogger } from './log.js';
import { brokerMetricsSource } from './metrics/broker-source.js';
import { buildInfo, clusterPermanentId, productInfo } from './metrics/identity.js';
import { MetricsServer } from './metrics/metrics-server.js';
import { statsMessageCounters } from './metrics/stats-counters.js';
import { AmqpServer, type BoundListener } from './server/amqp-server.js';
import { resolveAnyAddress } from './server/listeners.js';
import { CertificateStore, peerRefusal, serverOptions, tlsSettings, TlsConfigError, type ReloadOutcome, type TlsScope } from './server/tls.js';
import { badRequest } from './admin/errors.js';
import type { TlsListenerFiles } from './admin/certificates.js';
import type { Server as TlsServerType, TLSSocket } from 'node:tls';
import { StatsCollector } from './stats/collector.js';
import { GAUGE } from './stats/layout.js';
import type { ResourceAlarms } from './resources/alarms.js';
import type { DiskMonitor } from './resources/disk-monitor.js';
import { readFileDescriptors } from './resources/file-descriptors.js';
import { NodeResources } from './resources/node-resources.js';
import { LevelStore } from './store/level-store.js';
import { MemoryStore } from './store/memory-store.js';
import { persistUsers, recoverUsers } from './user-persistence.js';

export type { Config } from './config.js';
export { defaultConfig } from './config.js';
export { ConfigError, loadConfig, type LoadConfigOptions } from './config-load.js';
export { TlsConfigError } from './server/tls.js';
export { createLogger } from './log.js';

/** Where a broker keeps definitions and persistent messages. */
export type StoreKind = 'leveldb' | 'memory';

/** Options for an in-process broker; any Config field may be overridden. */
export interface StartOptions extends Partial<Config> {
  /** Read this rabbitmq.conf-style file first (then the overrides above win). */
  configFile?: string;
  /**
   * 'leveldb' (in `<dataDir>/leveldb`) or 'memory' (nothing survives close). Default: leveldb when a
   * data dir is given, memory with the throwaway temp dir.
   */
  store?: StoreKind;
}

/** A running in-process broker. */
export interface BrokerHandle {
  /** Host and port the AMQP listener is bound to. */
  host: string;
  port: number;
  /** Management HTTP port. */
  managementPort: number;
  /** Prometheus metrics HTTP port. */
  prometheusPort: number;
  /** The first AMQPS port (undefined: no TLS listener). */
  sslPort?: number;
  /** The HTTPS management port (undefined: none). */
  managementSslPort?: number;
  /** The HTTPS Prometheus port (undefined: none). */
  prometheusSslPort?: number;
  /** Every AMQP and AMQPS listener. */
  listeners: BoundListener[];
  /** Reads every TLS listener's files again (as SIGHUP does); throws TlsConfigError for a bad one. */
  reloadCertificates(): ReloadOutcome;
  /** amqp://guest:guest@127.0.0.1:<port> (with the default user). */
  url: string;
  /** Closes connections (320), the HTTP server and the store. */
  close(): Promise<void>;
}

/** A host and port something is bound to. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Everything a started broker consists of. */
export interface BrokerServices {
  /** The config in force, with `port`, `managementPort` and `prometheusPort` replaced by the bound ports. */
  config: Config;
  broker: Broker;
  /** The node's users and their vhost permissions (the default user is created at start). */
  users: UserStore;
  server: AmqpServer;
  http: FastifyInstance;
  /** The first AMQP listener (plain before TLS); `server.listeners` has them all. */
  amqp: ListenAddress;
  /** The first AMQPS listener, if any. */
  amqps?: ListenAddress;
  management: ListenAddress;
  /** The HTTPS management listener (management.ssl.port), if any. */
  managementTls?: ListenAddress;
  /** The Prometheus metrics listener (`/metrics`, `/metrics/per-object`, `/metrics/detailed`). */
  prometheus: ListenAddress;
  /** The HTTPS Prometheus listener (prometheus.ssl.port), if any. */
  prometheusTls?: ListenAddress;
  /** The TLS material of every TLS listener (reload, the certificate-expiration check). */
  certificates: CertificateStore;
  /** Reads every TLS listener's certificate, key and CA again: new connections get them, open ones keep theirs. */
  reloadCertificates(): ReloadOutcome;
  /** The TLS listeners and their files (the certificate-expiration health check). */
  tlsListeners(): TlsListenerFiles[];
  /** The node's resource alarms (disk free limit, message store write failures). */
  alarms: ResourceAlarms;
  /** The free disk space check on the data dir (its limit can be changed at run time). */
  diskMonitor: DiskMonitor;
  /** The statistics sampler (message rates, queue length history), sampling every collectStatisticsInterval. */
  stats: StatsCollector;
  /** Stops accepting, closes every AMQP connection with 320 (reason in its text), then HTTP, then the broker. */
  close(reason?: string): Promise<void>;
}

/** `host:port`, with IPv6 hosts bracketed. */
export function formatAddress(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/**
 * Starts the broker, the AMQP listener and the management HTTP API from a complete Config,
 * logging one line per listener. On failure, whatever was started is stopped again.
 */
export async function startServices(config: Config, logger: Logger, storeKind: StoreKind = 'leveldb'): Promise<BrokerServices> {
  await mkdir(config.dataDir, { recursive: true });
  const resources = new NodeResources(config.dataDir, config.diskFreeLimit, logger, { relative: config.memoryHighWatermark, absolute: config.memoryHighWatermarkAbsolute });
  const paging = {
    headMessages: config.pagingHeadMessages,
    headBytes: config.pagingHeadBytes,
    // Of the machine's or the cgroup's memory; never above the watermark (paging starts before the memory alarm).
    pagingThresholdBytes: Math.min(pagingThresholdBytes(config, resources.availableMemory), resources.memoryLimit),
  };
  const { alarms, disk: diskMonitor } = resources;
  const store = storeKind === 'leveldb' ? new LevelStore(path.join(config.dataDir, 'leveldb'), logger, paging, resources) : new MemoryStore();
  const users = new UserStore();
  const broker = new Broker({ config, logger, store });
  const undo: Array<() => Promise<void>> = [() => broker.close()];
  try {
    const defs = await broker.start();
    const hadUsers = recoverUsers(users, defs, (what, err) => logger.error({ ...what, err }, 'skipping a stored user or permission that cannot be restored'));
    persistUsers(users, store);
    // RabbitMQ creates default_user on first start only (a store without users): a deleted guest stays deleted.
    if (!hadUsers) {
      const permissions = { configure: config.defaultPermissionConfigure, write: config.defaultPermissionWrite, read: config.defaultPermissionRead };
      users.ensureDefaultUser(config.defaultUser, config.defaultPass, config.defaultVhost, config.defaultUserTags, permissions);
    }
    // Deleting a vhost drops every user's permissions there (the server closes its connections through the same hook).
    broker.onVhostDeleted((vhost) => users.deleteVhost(vhost));
  } catch (e) {
    await broker.close().catch(() => undefined);
    throw e;
  }
  try {
    // Every TLS file is read and checked before any listener opens: a bad one stops the start, naming its key.
    const certificates = new CertificateStore();
    const managementTlsOn = config.managementSslPort >= 0;
    const prometheusTlsOn = config.prometheusSslPort >= 0;
    if (managementTlsOn) certificates.load('management', tlsSettings(config, 'management'));
    if (prometheusTlsOn) certificates.load('prometheus', tlsSettings(config, 'prometheus'));
    const tlsFiles: TlsListenerFiles[] = [];
    const addTlsFiles = (scope: TlsScope, protocol: string, a: ListenAddress): void => {
      const st = tlsSettings(config, scope);
      tlsFiles.push({ protocol, interface: a.host, port: a.port, certfile: st.certfile, cacertfile: st.cacertfile });
    };
    const reloadCertificates = (): ReloadOutcome => {
      const outcome = certificates.reload();
      logger.info({ reloaded: outcome.reloaded }, 'TLS certificates reloaded');
      return outcome;
    };
    const certificateRoutes = {
      reload: () => {
        try {
          return reloadCertificates();
        } catch (e) {
          if (e instanceof TlsConfigError) {
            logger.error({ err: e.message }, 'TLS certificate reload failed; the listeners keep their certificates');
            throw badRequest(e.message, false);
          }
          throw e;
        }
      },
    };
    // The node's gauges for /api/nodes' rates: descriptors are read in the background (the value lags a tick).
    let fdUsed = 0;
    const stats = new StatsCollector({
      broker,
      intervalMs: config.collectStatisticsInterval,
      nodeGauges: (out) => {
        readFileDescriptors()
          .then((f) => {
            if (f !== null) fdUsed = f.used;
          })
          .catch(() => undefined);
        out[GAUGE.MEM_USED] = process.memoryUsage.rss();
        out[GAUGE.FD_USED] = fdUsed;
        out[GAUGE.SOCKETS_USED] = server.connectionCount;
        out[GAUGE.PROC_USED] = process.getActiveResourcesInfo().length;
        out[GAUGE.DISK_FREE] = diskMonitor.free;
      },
    });
    const server = new AmqpServer({ config, broker, users, logger, alarms, stats, certificates });
    const localSecret = newLocalSecret();
    // Who the node says it is (connection.start reads the same one through broker.config), and its cluster name.
    const identity = nodeIdentity(config);
    const listeners: ListenerInfo[] = [];
    const node: NodeRuntime = {
      startedAt: Date.now(),
      listeners: () => listeners,
      memoryUsed: () => process.memoryUsage.rss(),
      memoryLimit: resources.memoryLimit,
      memoryWatermark: config.memoryHighWatermarkAbsolute > 0 ? { absolute: config.memoryHighWatermarkAbsolute } : { relative: config.memoryHighWatermark },
      diskFree: () => diskMonitor.free,
      diskFreeLimit: () => diskMonitor.limit,
      fileDescriptors: readFileDescriptors,
      tlsListeners: () => tlsFiles,
    };
    const admin: AdminContext = { broker, users, connections: server, stats, loopbackUsers: config.loopbackUsers, alarms, localSecret, identity, node };
    restoreClusterName(identity, admin, config.clusterName);
    // load_definitions: imported before any client can connect; a bad file stops the start.
    if (config.loadDefinitions !== '') {
      await loadDefinitionsFile(admin, config.loadDefinitions);
      logger.info({ file: config.loadDefinitions }, 'definitions imported');
    }
    const amqp = await server.listen();
    undo.unshift(() => server.close());
    resources.start();
    undo.unshift(async () => resources.stop());
    stats.start();
    undo.unshift(async () => stats.stop());
    for (const l of server.listeners) {
      logger.info({ address: formatAddress(l), protocol: l.protocol }, l.protocol === 'amqp' ? 'AMQP listener started' : 'AMQPS (TLS) listener started');
      listeners.push({ protocol: l.protocol, ip: l.host, port: l.port });
      if (l.protocol === 'amqp/ssl') addTlsFiles('amqp', 'amqp/ssl', l);
    }
    const firstPlain = server.listeners.find((l) => l.protocol === 'amqp');
    const firstTls = server.listeners.find((l) => l.protocol === 'amqp/ssl');
    const amqps = firstTls === undefined ? undefined : { host: firstTls.host, port: firstTls.port };

    const running: Config = { ...config, port: firstPlain?.port ?? config.port };
    if (firstTls !== undefined) running.sslPort = firstTls.port;
    const http = buildHttpApp({ admin, config: running, logger, certificates: certificateRoutes });
    undo.unshift(() => http.close());
    const managementHost = await resolveAnyAddress(config.managementHost);
    await http.listen({ host: managementHost, port: config.managementPort });
    const bound = http.server.address() as AddressInfo;
    const management = { host: managementHost, port: bound.port };
    running.managementPort = management.port;
    listeners.push({ protocol: 'http', ip: management.host, port: management.port });
    let managementTls: ListenAddress | undefined;
    let httpsApp: FastifyInstance | undefined;
    if (managementTlsOn) {
      const loaded = certificates.load('management', tlsSettings(config, 'management'));
      const app = buildHttpApp({ admin, config: running, logger, https: serverOptions(loaded, config.sslHandshakeTimeout), certificates: certificateRoutes });
      httpsApp = app;
      undo.unshift(() => app.close());
      const host = await resolveAnyAddress(config.managementSslHost);
      await app.listen({ host, port: config.managementSslPort });
      guardTlsServer(app.server as unknown as TlsServerType, loaded.settings, certificates, 'management', logger);
      managementTls = { host, port: (app.server.address() as AddressInfo).port };
      running.managementSslPort = managementTls.port;
      addTlsFiles('management', 'https', managementTls);
      listeners.push({ protocol: 'https', ip: managementTls.host, port: managementTls.port });
      logger.info({ address: formatAddress(managementTls) }, 'management HTTPS listener started');
    }
    // warrenctl on this machine logs in with this file (the secret itself is never logged).
    await writeLocalCredentials(config.dataDir, localApiUrl(management.host, management.port), localSecret);
    undo.unshift(() => removeLocalCredentials(config.dataDir));
    logger.info({ address: formatAddress(management) }, 'management listener started');

    // rabbitmq_prometheus: values are read from the broker when scraped.
    const permanentId = clusterPermanentId(identity.node, config.dataDir);
    const metricsSource = brokerMetricsSource({
        broker,
        connections: server,
        alarms,
        disk: diskMonitor,
        memoryLimit: resources.memoryLimit,
        // The cluster name as it is now (PUT /api/cluster-name renames it at run time).
        identity: () => ({ node: identity.node, cluster: identity.clusterName, clusterPermanentId: permanentId }),
        counters: statsMessageCounters(stats),
      });
    const metrics = new MetricsServer(
      metricsSource,
      {
        host: await resolveAnyAddress(config.prometheusHost),
        port: config.prometheusPort,
        path: config.prometheusPath,
        perObject: config.prometheusReturnPerObjectMetrics,
        aggregatedQueueFilter: config.prometheusFilterAggregatedQueueMetricsPattern,
      },
      logger,
      // rabbitmq_build_info names the product as connection.start and /api/overview do.
      buildInfo(productInfo(identity.product)),
    );
    const prometheus = await metrics.listen();
    undo.unshift(() => metrics.close());
    running.prometheusPort = prometheus.port;
    listeners.push({ protocol: 'http/prometheus', ip: prometheus.host, port: prometheus.port });
    logger.info({ address: formatAddress(prometheus) }, 'Prometheus metrics listener started');
    let metricsTls: MetricsServer | undefined;
    let prometheusTls: ListenAddress | undefined;
    if (prometheusTlsOn) {
      const loaded = certificates.load('prometheus', tlsSettings(config, 'prometheus'));
      const m = new MetricsServer(
        metricsSource,
        {
          host: await resolveAnyAddress(config.prometheusSslHost),
          port: config.prometheusSslPort,
          path: config.prometheusPath,
          perObject: config.prometheusReturnPerObjectMetrics,
          aggregatedQueueFilter: config.prometheusFilterAggregatedQueueMetricsPattern,
          https: serverOptions(loaded, config.sslHandshakeTimeout),
        },
        logger,
        buildInfo(productInfo(identity.product)),
      );
      metricsTls = m;
      prometheusTls = await m.listen();
      undo.unshift(() => m.close());
      guardTlsServer(m.httpServer as unknown as TlsServerType, loaded.settings, certificates, 'prometheus', logger);
      running.prometheusSslPort = prometheusTls.port;
      addTlsFiles('prometheus', 'https/prometheus', prometheusTls);
      listeners.push({ protocol: 'https/prometheus', ip: prometheusTls.host, port: prometheusTls.port });
      logger.info({ address: formatAddress(prometheusTls) }, 'Prometheus metrics HTTPS listener started');
    }

    return {
      config: running,
      broker,
      users,
      server,
      http,
      amqp: firstPlain === undefined ? amqps ?? amqp : { host: firstPlain.host, port: firstPlain.port },
      amqps,
      management,
      managementTls,
      prometheus,
      prometheusTls,
      certificates,
      reloadCertificates,
      tlsListeners: () => [...tlsFiles],
      alarms,
      diskMonitor,
      stats,
      async close(reason = 'shutdown') {
        // The listeners close at once (AMQP, HTTP, metrics); every AMQP client gets 320 and can
        // reconnect elsewhere (resolves once their sockets are gone); then the store, which writes
        // its last batch before it closes. A step that fails is logged and the next ones still run:
        // the store is closed (and flushed) whatever happened before it.
        resources.stop();
        stats.stop();
        let failure: Error | undefined;
        const step = async (what: string, run: () => Promise<unknown> | undefined): Promise<void> => {
          try {
            await run();
          } catch (err) {
            failure ??= err instanceof Error ? err : new Error(`shutdown step ${what} failed`, { cause: err });
            logger.error({ err, step: what }, 'shutdown step failed');
          }
        };
        // Every listener stops accepting at once; HTTP requests in progress get a moment to finish.
        await Promise.all([
          step('amqp', () => server.close(reason)).then(() => logger.debug('AMQP connections closed')),
          step('http', () => closeHttpApp(http)),
          step('https', () => (httpsApp === undefined ? undefined : closeHttpApp(httpsApp))),
          step('prometheus', () => metrics.close()),
          step('prometheus-https', () => metricsTls?.close()),
        ]);
        await step('local-credentials', () => removeLocalCredentials(config.dataDir));
        await step('store', () => broker.close());
        logger.debug('message store closed');
        if (failure !== undefined) throw failure;
      },
    };
  } catch (e) {
    for (const stop of undo) await stop().catch(() => undefined);
    throw e;
  }
}

/** How long HTTP requests in progress at shutdown may take before their connections are dropped. */
const HTTP_CLOSE_GRACE_MS = 2000;

/** Closes a Fastify app: no new connections, idle ones closed; requests still running after the grace lose their connection. */
async function closeHttpApp(app: FastifyInstance): Promise<void> {
  const closed = app.close();
  const timer = setTimeout(() => app.server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
  timer.unref();
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An HTTPS listener's TLS duties besides serving: reload gives it new certificates, a client that
 * verify_peer refuses after the handshake is dropped, a failed handshake is logged.
 */
function guardTlsServer(server: TlsServerType, settings: ReturnType<typeof tlsSettings>, certificates: CertificateStore, scope: TlsScope, logger: Logger): void {
  certificates.attach(scope, server);
  server.on('secureConnection', (socket: TLSSocket) => {
    const refused = peerRefusal(socket, settings);
    if (refused === null) return;
    logger.warn({ listener: scope, peer: `${socket.remoteAddress}:${socket.remotePort}`, reason: refused }, 'TLS client refused');
    socket.destroy();
  });
  server.on('tlsClientError', (err, socket) => {
    logger.info({ listener: scope, peer: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message }, 'TLS handshake failed');
  });
}

// A wildcard bind is reached through loopback, which is also where guest is allowed from.
function amqpUrl(config: Config, amqp: ListenAddress): string {
  const host = amqp.host === '0.0.0.0' || amqp.host === '::' ? '127.0.0.1' : amqp.host;
  const auth = `${encodeURIComponent(config.defaultUser)}:${encodeURIComponent(config.defaultPass)}`;
  const vhost = config.defaultVhost === '/' ? '' : `/${encodeURIComponent(config.defaultVhost)}`;
  return `amqp://${auth}@${formatAddress({ host, port: amqp.port })}${vhost}`;
}

/** What embedded brokers (startBroker) change of the defaults: private (127.0.0.1, ports the OS picks) and quiet. */
export const EMBEDDED_DEFAULTS: Readonly<Partial<Config>> = {
  host: '127.0.0.1',
  port: 0,
  managementHost: '127.0.0.1',
  managementPort: 0,
  prometheusHost: '127.0.0.1',
  prometheusPort: 0,
  sslHost: '127.0.0.1',
  managementSslHost: '127.0.0.1',
  prometheusSslHost: '127.0.0.1',
  logLevel: 'silent',
};

/** Starts a broker in this process. Defaults: port 0, management and metrics ports 0, a temp data dir, log level 'silent'. */
export async function startBroker(options: StartOptions = {}): Promise<BrokerHandle> {
  const { configFile, store, ...rest } = options;
  const fromFile = configFile ? readConfigFile(configFile) : {};
  // Explicit `undefined` must not erase a default.
  const overrides = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<Config>;
  const config: Config = { ...defaultConfig(), ...EMBEDDED_DEFAULTS, ...fromFile, ...overrides };
  const tempDir = fromFile.dataDir === undefined && overrides.dataDir === undefined ? await mkdtemp(path.join(os.tmpdir(), 'warren-')) : undefined;
  if (tempDir) config.dataDir = tempDir;
  const removeTemp = async (): Promise<void> => {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };

  let services: BrokerServices;
  try {
    services = await startServices(config, createLogger(config.logLevel), store ?? (tempDir ? 'memory' : 'leveldb'));
  } catch (e) {
    await removeTemp();
    throw e;
  }
  const { amqp, management, prometheus } = services;
  return {
    host: amqp.host,
    port: amqp.port,
    managementPort: management.port,
    prometheusPort: prometheus.port,
    sslPort: services.amqps?.port,
    managementSslPort: services.managementTls?.port,
    prometheusSslPort: services.prometheusTls?.port,
    listeners: services.server.listeners,
    reloadCertificates: () => services.reloadCertificates(),
    url: amqpUrl(config, amqp),
    async close() {
      try {
        await services.close();
      } finally {
        await removeTemp();
      }
    },
  };
}
