/**
 * The `warren` server process: config -> broker -> listeners; SIGTERM/SIGINT close every
 * connection with 320 CONNECTION_FORCED and exit 0; SIGHUP reloads the TLS certificates.
 * Exit codes: 0 clean shutdown (or --help), 1 failed to start or crashed, 78 (sysexits
 * EX_CONFIG) for any configuration mistake, bad flags included.
 */
import path from 'node:path';
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

  logger.info({ dataDir: path.resolve(config.dataDir), node: process.version }, 'starting Warren');
  let services: BrokerServices;
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

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C means "now": skip the graceful close.
      logger.warn({ signal }, 'second signal, exiting immediately');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, connections: services.server.connectionCount }, 'shutting down');
    services.close('shutdown').then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // SIGHUP re-reads the TLS certificates (new connections get them); a bad file keeps the old ones.
  process.on('SIGHUP', () => {
    try {
      services.reloadCertificates();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'TLS certificate reload failed; the listeners keep their certificates');
    }
  });
}

await run(process.argv.slice(2), process.env);
