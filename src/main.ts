/**
 * The `warren` server process: config -> broker -> listeners; SIGTERM/SIGINT close every
 * connection with 320 CONNECTION_FORCED and exit 0; SIGHUP reloads the TLS certificates.
 * Exit codes: 0 clean shutdown (or --help), 1 failed to start or crashed, 78 (sysexits
 * EX_CONFIG) for any configuration mistake, bad flags included.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, isHelpRequested, loadConfig, usage } from './config-load.js';
import { startServices, TlsConfigError, type BrokerServices } from './index.js';
import { createLogger } from './log.js';

const EX_CONFIG = 78;

// Turns the usual start-up failures into one sentence an operator can act on.
function describeStartError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; path?: string };
  const where = err.port !== undefined ? `${err.address ?? '*'}:${err.port}` : err.path;
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: address already in use (is another broker running?)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: address not available on this host`;
    case 'EDATADIRLOCKED':
      return err.message;
    case 'EACCES':
      return `permission denied for ${where}`;
    default:
      return `failed to start: ${err.message ?? String(e)}`;
  }
}

/**
 * The graceful shutdown (SIGTERM, SIGINT): close() stops the listeners, sends every client
 * 320 CONNECTION_FORCED, waits for their close-ok (briefly), closes HTTP and the metrics, then
 * lets the store finish its writes; exit 0. Past shutdown_timeout the process exits 1 anyway,
 * with a warning (whatever had not reached the disk then is lost as in a crash: the store
 * recovers from its last synced batch); 0 is no limit.
 */
function shutDown(services: BrokerServices, signal: NodeJS.Signals, timeoutMs: number, logger: Logger): void {
  const startedAt = Date.now();
  logger.info({ signal, connections: services.server.connectionCount, shutdownTimeout: timeoutMs }, 'shutting down');
  const timer =
    timeoutMs === 0
      ? undefined
      : setTimeout(() => {
          logger.warn({ shutdownTimeout: timeoutMs, connections: services.server.connectionCount }, 'shutdown_timeout passed before the shutdown finished; exiting anyway');
          process.exit(1);
        }, timeoutMs);
  timer?.unref();
  services.close('shutdown').then(
    () => {
      clearTimeout(timer);
      logger.info({ ms: Date.now() - startedAt }, 'stopped');
      process.exit(0);
    },
    (err: unknown) => {
      clearTimeout(timer);
      logger.error({ err }, 'error while shutting down');
      process.exit(1);
    },
  );
}

/** Below this many descriptors a busy broker runs out of sockets (RabbitMQ's docs ask for at least 65536). */
const RECOMMENDED_NOFILE = 65536;

/**
 * Logs the open-files limit. Node itself raises the soft RLIMIT_NOFILE to the hard limit when it
 * starts (there is no setrlimit in its API), so the hard limit is what the service manager sets:
 * systemd LimitNOFILE=, docker run --ulimit nofile=N:N, ulimit -Hn in a shell.
 */
function logFileDescriptorLimit(logger: Logger): void {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'latin1');
  } catch {
    return; // not Linux: nothing to read
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (m === null) return;
  const value = (v: string): number => (v === 'unlimited' ? Infinity : Number(v));
  const [soft, hard] = [value(m[1]), value(m[2])];
  const fields = { soft: Number.isFinite(soft) ? soft : 'unlimited', hard: Number.isFinite(hard) ? hard : 'unlimited' };
  if (soft < RECOMMENDED_NOFILE) {
    logger.warn({ ...fields, recommended: RECOMMENDED_NOFILE }, 'file descriptor limit is low: raise it (systemd LimitNOFILE=, docker --ulimit nofile=N:N) for many connections');
  } else {
    logger.info(fields, 'file descriptor limit');
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  if (isHelpRequested(argv)) {
    process.stdout.write(usage());
    return;
  }
  let config;
  try {
    config = loadConfig({ argv, env });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // The logger's level is itself configuration, so this goes to stderr directly.
    process.stderr.write(`warren: ${e.message}\n`);
    process.exit(EX_CONFIG);
  }

  const logger = createLogger(config.logLevel);
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled promise rejection');
    process.exit(1);
  });

  // A signal during the start is kept and acted on once the services are up (or the start failed).
  let services: BrokerServices | undefined;
  let stopping: NodeJS.Signals | null = null;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping !== null && services !== undefined) {
      // A second Ctrl-C means "now": skip the graceful close.
      logger.warn({ signal }, 'second signal, exiting immediately');
      process.exit(1);
    }
    stopping = signal;
    if (services === undefined) {
      logger.info({ signal }, 'signal received while starting; shutting down once started');
      return;
    }
    shutDown(services, signal, config.shutdownTimeout, logger);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Logged once the handlers are in place: whoever waits for this line may signal at once.
  logger.info({ dataDir: path.resolve(config.dataDir), node: process.version }, 'starting Warren');
  logFileDescriptorLimit(logger);

  try {
    services = await startServices(config, logger);
  } catch (e) {
    // A certificate, key or CA that cannot be used is a configuration mistake: the message names the key.
    const tlsMistake = e instanceof TlsConfigError;
    const message = tlsMistake ? e.message : describeStartError(e);
    logger.fatal({ err: e }, message);
    process.stderr.write(`warren: ${message}\n`);
    process.exit(tlsMistake ? EX_CONFIG : 1);
  }
  logger.info('Warren is ready');
  if (stopping !== null) shutDown(services, stopping, config.shutdownTimeout, logger);
  const started = services;
  // SIGHUP re-reads the TLS certificates (new connections get them); a bad file keeps the old ones.
  process.on('SIGHUP', () => {
    try {
      started.reloadCertificates();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'TLS certificate reload failed; the listeners keep their certificates');
    }
  });
}

await run(process.argv.slice(2), process.env);
