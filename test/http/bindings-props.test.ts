// admin/erlang-hash.ts and admin/binding-props.ts on their own: erlang:phash2/2 bit for bit (the
// expected values were printed by erl, OTP 25, `erlang:phash2(T, 1 bsl 32)`), and the properties_key
// RabbitMQ 3.10.8 gives bindings (the keys below were read from the reference's /api/bindings).
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES } from '../../src/amqp/codec/field-value.js';
import { decodeTable, encodeTable } from '../../src/amqp/codec/field-table.js';
import { argsHash, packBindingProps, quotePlus, unpackBindingProps, unquote } from '../../src/admin/binding-props.js';
import { atomHash, erl, phash2, type ErlangTerm } from '../../src/admin/erlang-hash.js';
import { jsonTable } from '../../src/admin/json-arguments.js';

const L = (...v: ErlangTerm[]): ErlangTerm => erl.list(v);
const { int: i, atom: a, bin: b, tuple: t } = erl;

describe('phash2', () => {
  it('hashes every term shape a field table holds as ERTS does', () => {
    const cases: Array<[string, ErlangTerm, number]> = [
      ['[]', L(), 3468870702],
      ['0', i(0), 3175731469],
      ['1', i(1), 539485162],
      ['-1', i(-1), 1117813597],
      ['300000000 (past 28 bits)', i(300000000), 2061434444],
      ['-300000000', i(-300000000), 999989672],
      ['1 bsl 40', i(1n << 40n), 282329375],
      ['-(1 bsl 40)', i(-(1n << 40n)), 2464100025],
      ['1 bsl 62 (a bignum)', i(1n << 62n), 834544497],
      ['1 bsl 64 (two digits)', i(1n << 64n), 2519041713],
      ['1.5', erl.float(1.5), 2023646235],
      ['-0.0 (as 0.0)', erl.float(-0), 423528920],
      ['abc', a('abc'), 26499],
      ['true', a('true'), 506293],
      ['false', a('false'), 7111573],
      ['undefined', a('undefined'), 180132084],
      ["''", a(''), 0],
      ['<<>>', b(''), 147926629],
      ['<<"abc">>', b('abc'), 1306188027],
      ['a 16-byte binary (one 12-byte block)', b('0123456789abcdef'), 3208154133],
      ['{}', t(), 221703996],
      ['{a}', t(a('a')), 2853905094],
      ['{a,b}', t(a('a'), a('b')), 1980325998],
      ['[1,2,3] (a byte run)', L(i(1), i(2), i(3)), 4186538188],
      ['[1,2,3,4,5] (a full run of four)', L(i(1), i(2), i(3), i(4), i(5)), 3824152778],
      ['[300,1] (not a byte first)', L(i(300), i(1)), 3636192855],
      ['"ab" ++ [a]', L(i(97), i(98), a('a')), 2174506507],
      ['[<<"é">>]', L(b('é')), 1806282267],
      ['a field table', L(t(b('s'), a('longstr'), b('a')), t(b('x'), a('long'), i(1))), 3269599746],
    ];
    for (const [what, term, expected] of cases) expect({ what, hash: phash2(term) }).toEqual({ what, hash: expected });
    // A Latin-1 atom is hashed by its character, not its UTF-8 bytes ('é' -> 233).
    expect(atomHash('é')).toBe(233);
  });
});

describe('properties_key', () => {
  it('is "~", the quoted routing key, or the key, "~" and the hash of the sorted arguments', () => {
    expect(packBindingProps('', {})).toBe('~');
    expect(packBindingProps('k1', {})).toBe('k1');
    expect(packBindingProps('a~b', {})).toBe('a%7Eb');
    expect(packBindingProps('a b/é', {})).toBe('a+b%2F%C3%A9');
    // JSON from the API: integers are long (RabbitMQ's to_amqp_table).
    expect(packBindingProps('k1', jsonTable({ x: 1 }))).toBe('k1~9nmLZQ');
    expect(packBindingProps('kk', jsonTable({ a: 1 }))).toBe('kk~Ajat_Q');
    expect(packBindingProps('', jsonTable({ a: 1 }))).toBe('~Ajat_Q');
    // Key order does not matter (RabbitMQ sorts a binding's arguments); types do.
    expect(argsHash(jsonTable({ z: 1, a: 2, m: 3 }))).toBe(argsHash(jsonTable({ a: 2, m: 3, z: 1 })));
    // Untagged tables (from definitions files) count as JSON does.
    expect(argsHash({ x: 1 })).toBe('9nmLZQ');
  });

  it('hashes AMQP-declared arguments with the types they arrived with (keys as RabbitMQ gave them for amqplib\'s bindings)', () => {
    // amqplib encodes 1 as a signed byte ('b'): not the same binding key as the API's long 1.
    const byte = Object.defineProperty({ a: 1 }, FIELD_TYPES, { value: { a: 'b' } });
    expect(argsHash(byte)).toBe('Sv-IRA');
    // A table decoded from the wire keeps its tags, and so its hash, across an encode/decode (the store).
    const wire = decodeTable(encodeTable(byte), 0).value;
    expect(argsHash(wire)).toBe('Sv-IRA');
  });

  it('unpacks as rabbit_mgmt_wm_binding does', () => {
    expect(unpackBindingProps('~')).toEqual({ routingKey: '' });
    expect(unpackBindingProps('k1')).toEqual({ routingKey: 'k1' });
    expect(unpackBindingProps('k1~9nmLZQ')).toEqual({ routingKey: 'k1', argsHash: '9nmLZQ' });
    expect(unpackBindingProps('~pQsIhg')).toEqual({ routingKey: '', argsHash: 'pQsIhg' });
    expect(unpackBindingProps('a%7Eb')).toEqual({ routingKey: 'a~b' });
    expect(unpackBindingProps('a+b%2F%C3%A9~x')).toEqual({ routingKey: 'a b/é', argsHash: 'x' });
    expect(unpackBindingProps('a~b~c')).toBeUndefined();
    expect(quotePlus('Az09.-_~ +/é')).toBe('Az09.-_~+%2B%2F%C3%A9');
    expect(unquote('a+b%2f%zz')).toBe('a b/%zz');
  });
});
