/**
 * The one place loggers are made: JSON lines via pino, one line per event.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

// Anything that may carry a credential is censored wherever it appears in a log object
// (the config, a user record, a connection's auth fields, an HTTP request's headers).
const REDACT = [
  'password',
  'pass',
  'defaultPass',
  'passwordHash',
  'password_hash',
  'authorization',
  '*.password',
  '*.pass',
  '*.defaultPass',
  '*.passwordHash',
  '*.password_hash',
  '*.authorization',
  'req.headers.authorization',
];

/**
 * A pino logger at `level` (fatal error warn info debug trace silent) writing to
 * `destination` (default: stdout; pino flushes it on process.exit).
 * Password fields are censored.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
