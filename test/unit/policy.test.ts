import { describe, expect, it } from 'vitest';
import { effectivePolicy, parsePolicy, PolicyValidationError, policyMatches, type Policy, type PolicyInput } from '../../src/broker/policy.js';
import { Vhost } from '../../src/broker/vhost.js';
import type { Message } from '../../src/broker/message.js';

function errorOf(input: PolicyInput): string {
  try {
    parsePolicy('/', 'p', input);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

const failed = (...lines: string[]): string => `Validation failed\n\n${lines.join('\n')}\n`;

describe('policy validation (texts from RabbitMQ 3.10.8 rabbit_policies / rabbit_policy)', () => {
  it('accepts a valid policy, defaults priority 0 and apply-to all, and sorts the definition keys', () => {
    const p = parsePolicy('/', 'p', { pattern: '^q\\.', definition: { 'message-ttl': 5, 'max-length': 2 } });
    expect(p).toMatchObject({ vhost: '/', name: 'p', pattern: '^q\\.', applyTo: 'all', priority: 0 });
    expect(Object.keys(p.definition)).toEqual(['max-length', 'message-ttl']);
  });

  it.each([
    [{ 'message-ttl': -1 }, '-1 is not a valid message TTL'],
    [{ 'message-ttl': 1.5 }, '1.5 is not a valid message TTL'],
    [{ expires: 0 }, '0 is not a valid queue expiry'],
    [{ 'max-length': 'x' }, '<<"x">> is not a valid maximum length'],
    [{ 'max-length': -1 }, '-1 is not a valid maximum length'],
    [{ 'max-length-bytes': '1' }, '<<"1">> is not a valid maximum length in bytes'],
    [{ overflow: 'foo' }, '<<"foo">> is not a valid overflow value'],
    [{ 'dead-letter-exchange': 1 }, '1 is not a valid dead letter exchange name'],
    [{ 'dead-letter-routing-key': 5 }, '5 is not a valid dead letter routing key'],
    [{ 'alternate-exchange': 5 }, '5 is not a valid alternate exchange name'],
    [{}, 'no policy provided'],
  ])('definition %j -> %s', (definition, text) => {
    expect(errorOf({ pattern: 'x', definition })).toBe(failed(text));
  });

  it('reports unknown keys, sorted, as Erlang terms — but only once the known keys pass', () => {
    expect(errorOf({ pattern: 'x', definition: { foo: [1, 'a', { b: null }], bar: true, baz: 1.5 } })).toBe(
      failed('[{<<"bar">>,true},{<<"baz">>,1.5},{<<"foo">>,[1,<<"a">>,#{<<"b">> => null}]}] are not recognised policy settings'),
    );
    expect(errorOf({ pattern: 'x', definition: { 'message-ttl': -1, foo: 1 } })).toBe(failed('-1 is not a valid message TTL'));
  });

  it('checks known keys in sorted key order and reports the first failure', () => {
    expect(errorOf({ pattern: 'x', definition: { 'message-ttl': -1, 'max-length': 'x' } })).toBe(failed('<<"x">> is not a valid maximum length'));
  });

  it('reports every failing field, sorted', () => {
    expect(errorOf({ pattern: '(', definition: { 'message-ttl': -1 }, priority: 'a' })).toBe(
      failed(
        '-1 is not a valid message TTL',
        'pattern should be regular expression but is invalid: {"missing )",1}',
        'priority should be a number, actually was <<"a">>',
      ),
    );
    expect(errorOf({ pattern: 5, definition: { 'message-ttl': 1 } })).toBe(failed('pattern should be a binary but was 5'));
    // An explicit null is not "absent" (RabbitMQ decodes it to the atom null).
    expect(errorOf({ pattern: 'x', definition: { 'message-ttl': 1 }, priority: null })).toBe(failed('priority should be a number, actually was null'));
    expect(errorOf({ pattern: 'x', definition: { 'message-ttl': 1 }, applyTo: null })).toMatch(/apply-to 'null' unrecognised/);
  });

  it.each([
    ['(', '{"missing )",1}'],
    ['ab(c', '{"missing )",4}'],
    ['*', '{"nothing to repeat",0}'],
    ['a**', '{"nothing to repeat",2}'],
    ['a|*', '{"nothing to repeat",2}'],
    [')', '{"unmatched parentheses",\n' + ' '.repeat(54) + '0}'],
    ['a)', '{"unmatched parentheses",\n' + ' '.repeat(54) + '1}'],
    ['[a', '{"missing terminating ] for character class",\n' + ' '.repeat(54) + '2}'],
  ])('invalid pattern %s is reported as Erlang re does: %s', (pattern, tuple) => {
    expect(errorOf({ pattern, definition: { 'message-ttl': 1 } })).toBe(failed(`pattern should be regular expression but is invalid: ${tuple}`));
  });

  it('accepts apply-to queues, exchanges, all and the 3.12+ queue types; rejects others', () => {
    for (const applyTo of ['queues', 'exchanges', 'all', 'classic_queues', 'quorum_queues', 'streams']) {
      expect(parsePolicy('/', 'p', { pattern: 'x', definition: { 'message-ttl': 1 }, applyTo }).applyTo).toBe(applyTo);
    }
    expect(errorOf({ pattern: 'x', definition: { 'message-ttl': 1 }, applyTo: 'foo' })).toBe(
      failed("apply-to 'foo' unrecognised; should be one of: 'queues', 'classic_queues',  'quorum_queues', 'streams', 'exchanges', or 'all'"),
    );
  });

  it('accepts consumer-timeout (RabbitMQ 3.12+) and validates it', () => {
    expect(parsePolicy('/', 'p', { pattern: 'x', definition: { 'consumer-timeout': 1000 } }).definition).toEqual({ 'consumer-timeout': 1000 });
    expect(errorOf({ pattern: 'x', definition: { 'consumer-timeout': -5 } })).toBe(failed('-5 is not a valid consumer timeout'));
  });
});

describe('policy matching', () => {
  const mk = (name: string, pattern: string, priority = 0, applyTo?: string): Policy =>
    parsePolicy('/', name, { pattern, definition: { 'message-ttl': 1 }, priority, applyTo });

  it('matches anywhere in the name (unanchored), like Erlang re:run', () => {
    expect(policyMatches(mk('p', 'ord'), 'queue', 'orders')).toBe(true);
    expect(policyMatches(mk('p', 'ers$'), 'queue', 'orders')).toBe(true);
    expect(policyMatches(mk('p', '^ers'), 'queue', 'orders')).toBe(false);
  });

  it('honours apply-to: quorum_queues and streams match no classic queue', () => {
    expect(policyMatches(mk('p', '.', 0, 'queues'), 'exchange', 'x')).toBe(false);
    expect(policyMatches(mk('p', '.', 0, 'exchanges'), 'queue', 'q')).toBe(false);
    expect(policyMatches(mk('p', '.', 0, 'classic_queues'), 'queue', 'q')).toBe(true);
    expect(policyMatches(mk('p', '.', 0, 'quorum_queues'), 'queue', 'q')).toBe(false);
    expect(policyMatches(mk('p', '.', 0, 'streams'), 'queue', 'q')).toBe(false);
    expect(policyMatches(mk('p', '.', 0, 'all'), 'exchange', 'x')).toBe(true);
  });

  it('the highest priority wins; ties go to the name that sorts first', () => {
    const ps = [mk('low', '.', 1), mk('high', '^q', 5), mk('other', '^x', 9)];
    expect(effectivePolicy(ps, 'queue', 'q1')?.name).toBe('high');
    expect(effectivePolicy(ps, 'queue', 'z')?.name).toBe('low');
    expect(effectivePolicy([mk('b', '.', 3), mk('a', '.', 3)], 'queue', 'q')?.name).toBe('a');
    expect(effectivePolicy(ps, 'queue', '')?.name).toBe(undefined);
  });
});

describe('vhost policies', () => {
  const def = { passive: false, durable: false, exclusive: false, autoDelete: false, arguments: {} };
  const xdef = { passive: false, durable: false, autoDelete: false, internal: false, arguments: {} };
  const policy = (name: string, pattern: string, definition: Record<string, unknown>, priority = 0): Policy =>
    parsePolicy('/', name, { pattern, definition, priority });

  it('applies to existing and new queues, re-chooses on change and un-applies on clear', () => {
    const v = new Vhost('/');
    const q1 = v.declareQueue('q1', def, {});
    expect(v.setPolicy(policy('ttl', '^q', { 'message-ttl': 100 }))).toBe(true);
    expect(q1.policyName).toBe('ttl');
    expect(q1.settings.messageTtl).toBe(100);
    const q2 = v.declareQueue('q2', { ...def, arguments: { 'x-message-ttl': 50 } }, {});
    expect(q2.policyName).toBe('ttl');
    expect(q2.settings.messageTtl).toBe(50); // the lower value wins
    expect(v.setPolicy(policy('len', 'q1', { 'max-length': 3 }, 1))).toBe(true);
    expect(q1.policyName).toBe('len');
    expect(q1.settings).toMatchObject({ maxLength: 3, messageTtl: -1 });
    expect(q2.policyName).toBe('ttl');
    expect(v.setPolicy(policy('ttl', '^q', { 'message-ttl': 200 }))).toBe(false);
    expect(q2.settings.messageTtl).toBe(50);
    expect(v.clearPolicy('len')).toBe(true);
    expect(q1.settings.messageTtl).toBe(200);
    expect(v.clearPolicy('ttl')).toBe(true);
    expect(v.clearPolicy('ttl')).toBe(false);
    expect(q1.policyName).toBeUndefined();
    expect(q1.settings.messageTtl).toBe(-1);
  });

  it('a policy alternate-exchange routes unroutable messages (argument wins), and clearing it restores the fast path', () => {
    const v = new Vhost('/');
    const x = v.declareExchange('x', 'direct', xdef);
    v.declareExchange('ae', 'fanout', xdef);
    v.declareExchange('ae2', 'fanout', xdef);
    const q = v.declareQueue('ae-q', def, {});
    const q2 = v.declareQueue('ae2-q', def, {});
    v.bindQueue('ae-q', 'ae', '', {}, {});
    v.bindQueue('ae2-q', 'ae2', '', {}, {});
    const msg = { routingKey: 'nowhere', headers: undefined } as unknown as Message;
    const enqueued: string[] = [];
    q.enqueue = () => (enqueued.push('ae-q'), true);
    q2.enqueue = () => (enqueued.push('ae2-q'), true);

    expect(v.publish(x, msg)).toBe(0);
    v.setPolicy(parsePolicy('/', 'ae', { pattern: '^x', definition: { 'alternate-exchange': 'ae' }, applyTo: 'exchanges' }));
    expect(x.alternateExchange).toBe('ae');
    expect(v.publish(x, msg)).toBe(1);
    const withArg = v.declareExchange('xa', 'direct', { ...xdef, arguments: { 'alternate-exchange': 'ae2' } });
    expect(withArg.alternateExchange).toBe('ae2');
    expect(v.publish(withArg, msg)).toBe(1);
    expect(enqueued).toEqual(['ae-q', 'ae2-q']);
    v.deleteExchange('xa', false);
    v.clearPolicy('ae');
    expect(x.alternateExchange).toBeUndefined();
    expect((v as unknown as { indirections: number }).indirections).toBe(0);
    expect(v.publish(x, msg)).toBe(0);
  });

  it('does not apply queue-only policies to exchanges or to the default exchange', () => {
    const v = new Vhost('/');
    v.setPolicy(parsePolicy('/', 'all', { pattern: '.*', definition: { 'alternate-exchange': 'ae' } }));
    expect(v.defaultExchange.policy).toBeUndefined();
    expect(v.exchanges.get('amq.direct')?.policy?.name).toBe('all');
    v.setPolicy(parsePolicy('/', 'qs', { pattern: '.*', definition: { 'alternate-exchange': 'ae2' }, priority: 5, applyTo: 'queues' }));
    expect(v.exchanges.get('amq.direct')?.alternateExchange).toBe('ae');
    v.clearPolicy('all');
    expect((v as unknown as { indirections: number }).indirections).toBe(0);
  });
});
