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
 * `destination` (default: stdout, written asynchronously: lines logged while a write is under way
 * go out together in the next one, so a burst (connection churn: three lines a connection) costs
 * one write syscall per batch instead of one per line, off the event loop; pino flushes what is
 * left on process.exit, and only a kill -9 can lose the last few milliseconds of lines).
 * Password fields are censored.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
