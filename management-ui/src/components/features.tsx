/**
 * The "Features" column of queues and exchanges: RabbitMQ's abbreviations (D, AD, Excl, TTL,
 * DLX, Lim, Pri, SAC; for exchanges D, AD, I, AE), each with a tooltip saying what it means and
 * its value, so a newcomer can read them.
 */
import type { Exchange, JsonObject, Queue } from '../api/types';
import { value } from './format';

interface Badge {
  abbr: string;
  title: string;
}

function arg(args: JsonObject, policy: JsonObject | [] | undefined, key: string, policyKey: string): unknown {
  if (key in args) return args[key];
  if (policy !== undefined && !Array.isArray(policy) && policyKey in policy) return policy[policyKey];
  return undefined;
}

/** The badges of a queue (from its arguments and its effective policy). */
export function queueBadges(q: Queue): Badge[] {
  const out: Badge[] = [];
  const a = q.arguments;
  const p = q.effective_policy_definition;
  if (q.durable) out.push({ abbr: 'D', title: 'durable: survives a broker restart' });
  if (q.auto_delete) out.push({ abbr: 'AD', title: 'auto-delete: deleted when its last consumer goes' });
  if (q.exclusive === true) out.push({ abbr: 'Excl', title: 'exclusive: used by one connection only, deleted when it closes' });
  const checks: [string, string, string, string][] = [
    ['x-message-ttl', 'message-ttl', 'TTL', 'message TTL (ms)'],
    ['x-expires', 'expires', 'Exp', 'queue expires after unused (ms)'],
    ['x-dead-letter-exchange', 'dead-letter-exchange', 'DLX', 'dead-letter exchange'],
    ['x-dead-letter-routing-key', 'dead-letter-routing-key', 'DLK', 'dead-letter routing key'],
    ['x-max-length', 'max-length', 'Lim', 'maximum length (messages)'],
    ['x-max-length-bytes', 'max-length-bytes', 'Lim B', 'maximum length (bytes)'],
    ['x-overflow', 'overflow', 'Ovfl', 'overflow behaviour'],
    ['x-max-priority', 'max-priority', 'Pri', 'maximum priority'],
    ['x-single-active-consumer', 'single-active-consumer', 'SAC', 'single active consumer'],
    ['x-queue-mode', 'queue-mode', 'Mode', 'queue mode'],
  ];
  for (const [key, policyKey, abbr, what] of checks) {
    const v = arg(a, p, key, policyKey);
    if (v !== undefined && !(key === 'x-single-active-consumer' && v === false)) out.push({ abbr, title: `${what}: ${value(v)} (${key in a ? key : `policy: ${policyKey}`})` });
  }
  if (q.arguments['alternate-exchange'] !== undefined) out.push({ abbr: 'AE', title: `alternate exchange: ${value(q.arguments['alternate-exchange'])}` });
  return out;
}

/** The badges of an exchange. */
export function exchangeBadges(x: Exchange): Badge[] {
  const out: Badge[] = [];
  if (x.durable) out.push({ abbr: 'D', title: 'durable: survives a broker restart' });
  if (x.auto_delete) out.push({ abbr: 'AD', title: 'auto-delete: deleted when its last binding goes' });
  if (x.internal) out.push({ abbr: 'I', title: 'internal: clients cannot publish to it, only other exchanges' });
  if (x.arguments['alternate-exchange'] !== undefined) out.push({ abbr: 'AE', title: `alternate exchange: ${value(x.arguments['alternate-exchange'])} (unroutable messages go there)` });
  return out;
}

/** Badges as abbreviations with tooltips (and the policy name, if any). */
export function Features({ badges, policy }: { badges: Badge[]; policy?: string | null }) {
  return (
    <span class="features">
      {badges.map((b) => (
        <abbr key={b.abbr} class="badge" title={b.title}>
          {b.abbr}
        </abbr>
      ))}
      {policy !== undefined && policy !== null && policy !== '' && (
        <span class="badge policy" title={`policy: ${policy}`}>
          {policy}
        </span>
      )}
    </span>
  );
}
