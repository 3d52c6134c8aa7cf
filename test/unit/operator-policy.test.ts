import { describe, expect, it } from 'vitest';
import { mergeOperatorDefinition, parseOperatorPolicy, parseOperatorPolicyValue, PolicyValidationError } from '../../src/broker/policy.js';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

const failed = (...lines: string[]): string => `Validation failed\n\n${lines.join('\n')}\n`;

describe('operator policies (RabbitMQ 3.10.8 rabbit_policy / rabbit_policies)', () => {
  it('accept only the numeric limits', () => {
    const keys = ['delivery-limit', 'expires', 'max-in-memory-bytes', 'max-in-memory-length', 'max-length', 'max-length-bytes', 'message-ttl'];
    const p = parseOperatorPolicy('/', 'op', { pattern: 'x', definition: Object.fromEntries(keys.map((k) => [k, 5])) });
    expect(Object.keys(p.definition)).toEqual(keys);
    for (const k of ['dead-letter-exchange', 'alternate-exchange', 'overflow', 'queue-mode', 'consumer-timeout']) {
      expect(errorOf(() => parseOperatorPolicy('/', 'op', { pattern: 'x', definition: { [k]: 'v' } }))).toBe(failed(`[{<<"${k}">>,<<"v">>}] are not recognised policy settings`));
    }
  });

  it('as a parameter value: priority, pattern and definition mandatory, other keys unrecognised, errors in RabbitMQ\'s order', () => {
    expect(errorOf(() => parseOperatorPolicyValue('/', 'op3', { pattern: 'x', definition: { 'max-length': 3 } }))).toBe(failed('Key "priority" not found in op3'));
    expect(errorOf(() => parseOperatorPolicyValue('/', 'op3', {}))).toBe(
      failed('Key "definition" not found in op3', 'Key "pattern" not found in op3', 'Key "priority" not found in op3'),
    );
    expect(errorOf(() => parseOperatorPolicyValue('/', 'op5', { pattern: '(', definition: { 'max-length': 'x' }, priority: 'p', extra: 1 }))).toBe(
      failed(
        'Unrecognised terms [{<<"extra">>,1}] in op5',
        '<<"x">> is not a valid maximum length',
        'pattern should be regular expression but is invalid: {"missing )",1}',
        'priority should be a number, actually was <<"p">>',
      ),
    );
    expect(errorOf(() => parseOperatorPolicyValue('/', 'op', 5))).toBe(failed('op not a list 5'));
    expect(parseOperatorPolicyValue('/', 'op', { pattern: 'x', definition: { 'max-length': 1 }, priority: 2 })).toMatchObject({ applyTo: 'all', priority: 2 });
  });

  it('merge with the policy: keys of both, the lower of two numbers (rabbit_policy:merge_operator_definitions)', () => {
    expect(mergeOperatorDefinition(undefined, undefined)).toBeUndefined();
    expect(mergeOperatorDefinition({ 'max-length': 5 }, undefined)).toEqual({ 'max-length': 5 });
    expect(mergeOperatorDefinition(undefined, { 'max-length': 2 })).toEqual({ 'max-length': 2 });
    const merged = mergeOperatorDefinition({ 'max-length': 5, 'message-ttl': 100, 'dead-letter-exchange': 'dlx' }, { 'max-length': 2, 'message-ttl': 1000, expires: 9 });
    expect(merged).toEqual({ 'dead-letter-exchange': 'dlx', expires: 9, 'max-length': 2, 'message-ttl': 100 });
    expect(Object.keys(merged!)).toEqual(['dead-letter-exchange', 'expires', 'max-length', 'message-ttl']);
  });
});
