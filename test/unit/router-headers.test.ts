import { describe, expect, it } from 'vitest';
import { HeadersRouter, validateHeadersBinding } from '../../src/broker/exchange/headers-router.js';
import { erlangEquals } from '../../src/amqp/codec/erlang-equals.js';
import { FIELD_TYPES, type FieldTable, type FieldValue } from '../../src/amqp/codec/field-value.js';

type Dest = { name: string };
const dest = (name: string): Dest => ({ name });

/** A table as the codec decodes it: values plus their wire tags on FIELD_TYPES. */
function table(entries: Record<string, [string, unknown]>): FieldTable {
  const t: FieldTable = {};
  const tags: Record<string, string> = {};
  for (const [k, [tag, v]] of Object.entries(entries)) {
    t[k] = v as FieldValue;
    tags[k] = tag;
  }
  Object.defineProperty(t, FIELD_TYPES, { value: tags });
  return t;
}

/** An array as the codec decodes it. */
function array(entries: Array<[string, unknown]>): unknown[] {
  const a = entries.map(([, v]) => v);
  Object.defineProperty(a, FIELD_TYPES, { value: Object.fromEntries(entries.map(([tag], i) => [i, tag])) });
  return a;
}

const S = (v: string): [string, unknown] => ['S', v];
const b = (v: number): [string, unknown] => ['b', v];

function routed(r: HeadersRouter<Dest>, headers: FieldTable | undefined): string[] {
  const out = new Set<Dest>();
  r.route('', headers, out);
  return [...out].map((d) => d.name).sort();
}

describe('HeadersRouter', () => {
  // Bindings and messages as published with amqplib to RabbitMQ 3.10.8; the
  // expected lists are what arrived in each queue.
  const BINDINGS: Record<string, FieldTable> = {
    'all-empty': table({}),
    'any-empty': table({ 'x-match': S('any') }),
    'any-onlyx': table({ 'x-match': S('any'), 'x-foo': S('bar') }),
    'all-onlyx': table({ 'x-match': S('all'), 'x-foo': S('bar') }),
    'a=b1': table({ a: b(1) }),
    'a=I1': table({ a: ['I', 1] }),
    'a=d1': table({ a: ['d', 1] }),
    'a=f1.5': table({ a: ['f', 1.5] }),
    'a=S1': table({ a: S('1') }),
    'a=Sabc': table({ a: S('abc') }),
    'a=xabc': table({ a: ['x', Buffer.from('abc')] }),
    'a=T5': table({ a: ['T', new Date(5000)] }),
    'a=b5': table({ a: b(5) }),
    'a=true': table({ a: ['t', true] }),
    'a=void': table({ a: ['V', null] }),
    'a=arr[b1]': table({ a: ['A', array([b(1)])] }),
    'a=tbl{k:b1}': table({ a: ['F', table({ k: b(1) })] }),
    'a=tbl{k:b1,j:b2}': table({ a: ['F', table({ k: b(1), j: b(2) })] }),
    'a=l1': table({ a: ['l', 1] }),
    'a=D': table({ a: ['D', { scale: 1, value: 10 }] }),
    'any a=1,b=2': table({ 'x-match': S('any'), a: b(1), b: b(2) }),
    'all a=1,b=2': table({ 'x-match': S('all'), a: b(1), b: b(2) }),
    'allx x-foo=bar': table({ 'x-match': S('all-with-x'), 'x-foo': S('bar') }),
    'anyx x-foo=bar': table({ 'x-match': S('any-with-x'), 'x-foo': S('bar') }),
    'anyx a=1': table({ 'x-match': S('any-with-x'), a: b(1) }),
    'allx a=1': table({ 'x-match': S('all-with-x'), a: b(1) }),
  };
  const MESSAGES: Record<string, FieldTable | undefined> = {
    none: undefined,
    empty: table({}),
    'a:b1': table({ a: b(1) }),
    'a:I1': table({ a: ['I', 1] }),
    'a:d1': table({ a: ['d', 1] }),
    'a:d1.5': table({ a: ['d', 1.5] }),
    'a:S1': table({ a: S('1') }),
    'a:Sabc': table({ a: S('abc') }),
    'a:xabc': table({ a: ['x', Buffer.from('abc')] }),
    'a:I5': table({ a: ['I', 5] }),
    'a:T5': table({ a: ['T', new Date(5000)] }),
    'a:true': table({ a: ['t', true] }),
    'a:void': table({ a: ['V', null] }),
    'a:arr[I1]': table({ a: ['A', array([['I', 1]])] }),
    'a:arr[b1]': table({ a: ['A', array([b(1)])] }),
    'a:tbl{k:I1}': table({ a: ['F', table({ k: ['I', 1] })] }),
    'a:tbl{k:b1}': table({ a: ['F', table({ k: b(1) })] }),
    'a:tbl{j:b2,k:b1}': table({ a: ['F', table({ j: b(2), k: b(1) })] }),
    'a:tbl{k:b1,j:b2}': table({ a: ['F', table({ k: b(1), j: b(2) })] }),
    'a:D1/10': table({ a: ['D', { scale: 1, value: 10 }] }),
    'a:D2/100': table({ a: ['D', { scale: 2, value: 100 }] }),
    'a:1,b:3': table({ a: b(1), b: b(3) }),
    'a:1,b:2': table({ a: b(1), b: b(2) }),
    'x-foo:bar': table({ 'x-foo': S('bar') }),
    'x-foo:bar,x-match:all-with-x': table({ 'x-foo': S('bar'), 'x-match': S('all-with-x') }),
    'x-foo:bar,x-match:any-with-x': table({ 'x-foo': S('bar'), 'x-match': S('any-with-x') }),
    'a:1,x-match:all-with-x': table({ a: b(1), 'x-match': S('all-with-x') }),
  };
  const ALL = Object.keys(MESSAGES);
  const A_EQUALS_1 = ['a:b1', 'a:I1', 'a:d1', 'a:1,b:3', 'a:1,b:2', 'a:1,x-match:all-with-x'];
  const X_FOO = ['x-foo:bar', 'x-foo:bar,x-match:all-with-x', 'x-foo:bar,x-match:any-with-x'];
  const RABBITMQ: Record<string, string[]> = {
    'all-empty': ALL,
    'any-empty': [],
    'any-onlyx': [],
    'all-onlyx': ALL,
    'a=b1': A_EQUALS_1,
    'a=I1': A_EQUALS_1,
    'a=d1': A_EQUALS_1,
    'a=f1.5': ['a:d1.5'],
    'a=S1': ['a:S1'],
    'a=Sabc': ['a:Sabc', 'a:xabc'],
    'a=xabc': ['a:Sabc', 'a:xabc'],
    'a=T5': ['a:I5', 'a:T5'],
    'a=b5': ['a:I5', 'a:T5'],
    'a=true': ['a:true'],
    'a=void': ALL.filter((m) => m.startsWith('a:')),
    'a=arr[b1]': ['a:arr[b1]'],
    'a=tbl{k:b1}': ['a:tbl{k:b1}'],
    'a=tbl{k:b1,j:b2}': ['a:tbl{k:b1,j:b2}'],
    'a=l1': A_EQUALS_1,
    'a=D': ['a:D1/10'],
    'any a=1,b=2': A_EQUALS_1,
    'all a=1,b=2': ['a:1,b:2'],
    'allx x-foo=bar': X_FOO,
    'anyx x-foo=bar': X_FOO,
    'anyx a=1': A_EQUALS_1,
    'allx a=1': A_EQUALS_1,
  };

  it('matches bindings against headers exactly as RabbitMQ 3.10.8 does', () => {
    const r = new HeadersRouter<Dest>();
    for (const [name, args] of Object.entries(BINDINGS)) r.add(dest(name), '', args);
    for (const [msg, headers] of Object.entries(MESSAGES)) {
      const expected = Object.keys(RABBITMQ)
        .filter((q) => RABBITMQ[q].includes(msg))
        .sort();
      expect(routed(r, headers), `message ${msg}`).toEqual(expected);
    }
  });

  it('needs every key for all and one key for any; a void value asks only for presence', () => {
    const r = new HeadersRouter<Dest>();
    r.add(dest('any'), '', table({ 'x-match': S('any'), a: ['V', null], b: b(2) }));
    r.add(dest('all'), '', table({ a: ['V', null], b: b(2) }));
    expect(routed(r, table({ a: S('whatever') }))).toEqual(['any']);
    expect(routed(r, table({ b: b(2) }))).toEqual(['any']);
    expect(routed(r, table({ b: S('x'), a: ['V', null] }))).toEqual(['any']);
    expect(routed(r, table({ b: ['l', 2], a: b(0), c: b(3) }))).toEqual(['all', 'any']);
    expect(routed(r, table({ c: b(3) }))).toEqual([]);
  });

  it('matches keys case-sensitively and only skips keys starting with lowercase x-', () => {
    const r = new HeadersRouter<Dest>();
    r.add(dest('upper'), '', table({ 'X-foo': S('bar') }));
    r.add(dest('xish'), '', table({ 'x-matchy': S('q'), a: b(1) }));
    expect(routed(r, table({ 'X-foo': S('bar') }))).toEqual(['upper']);
    expect(routed(r, table({ 'x-foo': S('bar') }))).toEqual([]);
    expect(routed(r, table({ a: b(1) }))).toEqual(['xish']);
  });

  it('treats an unknown x-match value (a binding made before validation) as all', () => {
    const r = new HeadersRouter<Dest>();
    r.add(dest('q'), '', table({ 'x-match': S('foo'), a: b(1), b: b(2) }));
    expect(routed(r, table({ a: b(1) }))).toEqual([]);
    expect(routed(r, table({ a: b(1), b: b(2) }))).toEqual(['q']);
  });

  it('works on tables without recorded tags (from JSON or built in code)', () => {
    const r = new HeadersRouter<Dest>();
    r.add(dest('q'), '', { 'x-match': 'any', a: 1, b: null });
    expect(routed(r, { a: 1.0 })).toEqual(['q']);
    expect(routed(r, { b: 'x' })).toEqual(['q']);
    expect(routed(r, { a: '1' })).toEqual([]);
  });

  it('routes a destination matched by two bindings once', () => {
    const r = new HeadersRouter<Dest>();
    const q = dest('q');
    r.add(q, '', table({ a: b(1) }));
    r.add(q, 'other', table({}));
    const out = new Set<Dest>();
    r.route('', table({ a: b(1) }), out);
    expect([...out]).toEqual([q]);
  });

  it('removes the binding with the same destination, key and argument object', () => {
    const r = new HeadersRouter<Dest>();
    const q = dest('q');
    const args1 = table({ a: b(1) });
    const args2 = table({ b: b(2) });
    r.add(q, '', args1);
    r.add(q, '', args2);
    r.remove(q, 'different-key', args1);
    expect(routed(r, table({ a: b(1) }))).toEqual(['q']);
    r.remove(q, '', args1);
    expect(routed(r, table({ a: b(1) }))).toEqual([]);
    expect(routed(r, table({ b: b(2) }))).toEqual(['q']);
  });

  it('removeDestination drops all its bindings and keeps the others', () => {
    const r = new HeadersRouter<Dest>();
    const q1 = dest('q1');
    r.add(q1, '', undefined);
    r.add(q1, 'k', table({ a: b(1) }));
    r.add(dest('q2'), '', undefined);
    r.removeDestination(q1);
    expect(routed(r, table({ a: b(1) }))).toEqual(['q2']);
  });

  it('matches a binding without arguments to every message, with or without headers', () => {
    const r = new HeadersRouter<Dest>();
    r.add(dest('q'), '', undefined);
    expect(routed(r, undefined)).toEqual(['q']);
    expect(routed(r, table({ a: b(1) }))).toEqual(['q']);
  });
});

describe('erlangEquals', () => {
  it('compares numbers by value across integer, float, timestamp and bigint', () => {
    expect(erlangEquals(1, 1n)).toBe(true);
    expect(erlangEquals(2 ** 53, 2n ** 53n)).toBe(true);
    expect(erlangEquals(2n ** 53n + 2n, 2 ** 53)).toBe(false);
    expect(erlangEquals(new Date(5000), 5)).toBe(true);
    expect(erlangEquals(1.5, 1n)).toBe(false);
    expect(erlangEquals(true, 1)).toBe(false);
    expect(erlangEquals(1, true)).toBe(false);
  });

  it('compares strings and binaries by bytes', () => {
    expect(erlangEquals('é', Buffer.from('é'))).toBe(true);
    expect(erlangEquals(Buffer.from('a'), Buffer.from('b'))).toBe(false);
    expect(erlangEquals('a', 'b')).toBe(false);
  });

  it('compares nested values with their types, and tables in key order', () => {
    expect(erlangEquals(array([b(1), S('a')]), array([b(1), S('a')]))).toBe(true);
    expect(erlangEquals(array([b(1)]), array([['I', 1]]))).toBe(false);
    expect(erlangEquals(array([b(1)]), array([b(1), b(1)]))).toBe(false);
    expect(erlangEquals(table({ k: b(1) }), table({ k: ['s', 1] }))).toBe(false);
    expect(erlangEquals(table({ k: b(1), j: b(2) }), table({ j: b(2), k: b(1) }))).toBe(false);
    expect(erlangEquals(table({ k: b(1) }), array([b(1)]))).toBe(false);
    expect(erlangEquals({ scale: 1, value: 10 }, { scale: 1, value: 10 })).toBe(true);
    expect(erlangEquals({ scale: 1, value: 10 }, { scale: 2, value: 100 })).toBe(false);
  });
});

describe('validateHeadersBinding', () => {
  // Texts from RabbitMQ 3.10.8 (queue.bind to a headers exchange).
  const cases: Array<[string, FieldTable, string]> = [
    ['an unknown mode', table({ 'x-match': S('foo') }), 'Invalid x-match field value <<"foo">>; expected all, any, all-with-x, or any-with-x'],
    ['a mode in capitals', table({ 'x-match': S('ALL') }), 'Invalid x-match field value <<"ALL">>; expected all, any, all-with-x, or any-with-x'],
    ['an empty mode', table({ 'x-match': S('') }), 'Invalid x-match field value <<>>; expected all, any, all-with-x, or any-with-x'],
    ['escaped characters', table({ 'x-match': S('a"b\\c') }), 'Invalid x-match field value <<"a\\"b\\\\c">>; expected all, any, all-with-x, or any-with-x'],
    ['a newline and a tab', table({ 'x-match': S('a\nb\tc') }), 'Invalid x-match field value <<"a\\nb\\tc">>; expected all, any, all-with-x, or any-with-x'],
    ['latin-1-printable UTF-8', table({ 'x-match': S('fóo') }), 'Invalid x-match field value <<"fóo">>; expected all, any, all-with-x, or any-with-x'],
    ['other UTF-8', table({ 'x-match': S('f€') }), 'Invalid x-match field value <<102,226,130,172>>; expected all, any, all-with-x, or any-with-x'],
    ['a control character', table({ 'x-match': S('a\x01b') }), 'Invalid x-match field value <<97,1,98>>; expected all, any, all-with-x, or any-with-x'],
    ['a byte', table({ 'x-match': b(1) }), 'Invalid x-match field type byte (value 1); expected longstr'],
    ['a binary', table({ 'x-match': ['x', Buffer.from('all')] }), 'Invalid x-match field type binary (value <<"all">>); expected longstr'],
    ['a void', table({ 'x-match': ['V', null] }), 'Invalid x-match field type void (value undefined); expected longstr'],
    ['a double', table({ 'x-match': ['d', 1.5] }), 'Invalid x-match field type double (value 1.5); expected longstr'],
    ['a bool', table({ 'x-match': ['t', true] }), 'Invalid x-match field type bool (value true); expected longstr'],
    ['a table', table({ 'x-match': ['F', table({ a: b(1) })] }), 'Invalid x-match field type table (value [{<<"a">>,byte,1}]); expected longstr'],
    ['an array', table({ 'x-match': ['A', array([S('all')])] }), 'Invalid x-match field type array (value [{longstr,<<"all">>}]); expected longstr'],
  ];
  for (const [what, args, text] of cases) {
    it(`refuses ${what} with RabbitMQ's 406 text`, () => {
      expect(() => validateHeadersBinding(args)).toThrow(expect.objectContaining({ replyCode: 406, detail: text }));
    });
  }

  it('accepts the four modes, no x-match and no arguments', () => {
    for (const mode of ['all', 'any', 'all-with-x', 'any-with-x']) validateHeadersBinding(table({ 'x-match': S(mode) }));
    validateHeadersBinding(table({ a: b(1) }));
    validateHeadersBinding(undefined);
  });
});
