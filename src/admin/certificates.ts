/**
 * /api/health/checks/certificate-expiration/{within}/{unit} from the certificates the TLS listeners
 * really serve (rabbit_mgmt_wm_health_check_certificate_expiration): each listener whose certfile or
 * cacertfile has a certificate that expires within the period, with RabbitMQ's keys and date format.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { badRequest } from './errors.js';

/** A TLS listener and its files. */
export interface TlsListenerFiles {
  /** RabbitMQ's protocol name: 'amqp/ssl', 'https', 'https/prometheus'. */
  protocol: string;
  /** The bound address. */
  interface: string;
  port: number;
  certfile: string;
  /** '' when none is configured. */
  cacertfile: string;
}

const DAY = 86400;
// RabbitMQ: a month is 365/12 days.
const UNIT_SECONDS: Record<string, number> = { days: DAY, weeks: 7 * DAY, months: DAY * (365 / 12), years: 365 * DAY };

/** The period in seconds; 400s with RabbitMQ's texts for a bad number or unit. */
export function expirationSeconds(within: string, unit: string): number {
  if (!/^[+-]?\d+$/.test(within)) throw badRequest('Invalid expiration value.');
  const s = UNIT_SECONDS[unit.toLowerCase()];
  if (s === undefined) throw badRequest('Time unit not recognised. Supported units: days, weeks, months, years.');
  return Number(within) * s;
}

// "2027-01-31 12:00:00" (calendar:gregorian_seconds_to_datetime, UTC); hours not zero-padded (~w).
function formatDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${d.getUTCHours()}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The expiry dates (or an error text) of a file's certificates that expire before `deadline`; [] for none. */
function expiring(file: string, deadline: number, now: number): string[] | { error: string } {
  if (file === '') return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { error: String((e as NodeJS.ErrnoException).code ?? e) };
  }
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) return { error: 'The certificate file provided does not contain any PEM entry.' };
  const out: string[] = [];
  for (const b of blocks) {
    if (b[1] !== 'CERTIFICATE') return { error: `The certificate file provided contains a '${b[1]}' entry` };
    const cert = new X509Certificate(b[0]);
    if (new Date(cert.validFrom).getTime() > now) return { error: 'Certificate is not yet valid' };
    const notAfter = new Date(cert.validTo);
    if (notAfter.getTime() < deadline) out.push(formatDate(notAfter));
  }
  return out;
}

/** The listeners with a certificate expiring within `seconds` (RabbitMQ's `expired` list); [] when none. */
export function expiringListeners(node: string, listeners: readonly TlsListenerFiles[], seconds: number, now = Date.now()): Record<string, unknown>[] {
  const deadline = now + seconds * 1000;
  const found: Record<string, unknown>[] = [];
  for (const l of listeners) {
    const cert = expiring(l.certfile, deadline, now);
    const ca = expiring(l.cacertfile, deadline, now);
    const empty = (x: string[] | { error: string }): boolean => Array.isArray(x) && x.length === 0;
    if (empty(cert) && empty(ca)) continue;
    found.push({
      node,
      protocol: l.protocol,
      interface: l.interface,
      port: l.port,
      certfile: l.certfile,
      cacertfile: l.cacertfile,
      certfile_expires_on: cert,
      cacertfile_expires_on: ca,
    });
  }
  // RabbitMQ folds into an accumulator: the last listener first.
  return found.reverse();
}
