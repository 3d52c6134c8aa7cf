/** rabbitmqctl's exit codes (sysexits, rabbitmq_cli's core/exit_codes.ex). */
export const ExitCode = {
  OK: 0,
  /** Bad arguments or options. */
  USAGE: 64,
  /** Bad input data: no such vhost, failed authentication. */
  DATAERR: 65,
  /** No such user. */
  NOUSER: 67,
  /** Validation failed, no such object, node unreachable. */
  UNAVAILABLE: 69,
  /** Internal error: the object already exists. */
  SOFTWARE: 70,
  /** Not authorised. */
  NOPERM: 77,
} as const;
