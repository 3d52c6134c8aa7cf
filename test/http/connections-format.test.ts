// The pure pieces behind the connection and channel JSON and warrenctl's output: TLS suites in
// Erlang's terms, a transaction's counts, IP addresses as Erlang tuples, typed client properties.
import { describe, expect, it } from 'vitest';
import { tlsDetails } from '../../src/admin/connections.js';
import { ipTuple, typedTable } from '../../src/cli/commands/connections.js';
import { ipText } from '../../src/http/routes/connections.js';
import { txCounts } from '../../src/server/snapshots.js';
import type { TxAction } from '../../src/server/channel/transaction.js';

describe('tlsDetails', () => {
  it('reads IANA suite names as Erlang ssl reports them', () => {
    expect(tlsDetails({ protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' })).toEqual({ protocol: 'tlsv1.3', keyExchange: 'any', cipher: 'aes_256_gcm', hash: 'aead' });
    expect(tlsDetails({ protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' })).toEqual({ protocol: 'tlsv1.2', keyExchange: 'ecdhe_rsa', cipher: 'aes_256_gcm', hash: 'aead' });
    expect(tlsDetails({ protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256' })).toMatchObject({ keyExchange: 'ecdhe_ecdsa', cipher: 'chacha20_poly1305', hash: 'aead' });
    expect(tlsDetails({ protocol: 'TLSv1.2', cipher: 'TLS_RSA_WITH_AES_128_CBC_SHA256' })).toMatchObject({ keyExchange: 'rsa', cipher: 'aes_128_cbc', hash: 'sha256' });
    expect(tlsDetails({ protocol: null, cipher: null })).toEqual({ protocol: '', keyExchange: 'any', cipher: '', hash: '' });
  });
});

describe('txCounts', () => {
  const unacked = (...tags: number[]) => ({ tags: () => tags.values() });
  const pub = { kind: 'publish' } as unknown as TxAction;
  it('counts publishes, and the deliveries acks (acks_uncommitted) and acks plus rejects settle, each once', () => {
    const actions: TxAction[] = [
      { kind: 'ack', tag: 2, multiple: true },
      { kind: 'reject', tag: 3, multiple: false, requeue: false },
      { kind: 'ack', tag: 4, multiple: false },
      { kind: 'ack', tag: 4, multiple: true },
      pub,
      pub,
    ];
    expect(txCounts(actions, unacked(1, 2, 3, 4, 5))).toEqual({ published: 2, acked: 3, settled: 4 });
  });
  it('tag 0 with multiple names every delivery; an unknown tag none', () => {
    expect(txCounts([{ kind: 'ack', tag: 0, multiple: true }], unacked(3, 7, 9))).toEqual({ published: 0, acked: 3, settled: 3 });
    expect(txCounts([{ kind: 'reject', tag: 0, multiple: true, requeue: true }], unacked(3, 7))).toEqual({ published: 0, acked: 0, settled: 2 });
    expect(txCounts([{ kind: 'ack', tag: 5, multiple: false }], unacked(3, 7))).toEqual({ published: 0, acked: 0, settled: 0 });
  });
});

describe('addresses', () => {
  it('prints IPv4-mapped IPv6 addresses as IPv4 (rabbit_misc:ntoa)', () => {
    expect(ipText('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(ipText('::1')).toBe('::1');
    expect(ipText('10.0.0.1')).toBe('10.0.0.1');
  });
  it('gives rabbitmqctl JSON\'s Erlang address tuples as lists', () => {
    expect(ipTuple('127.0.0.1')).toEqual([127, 0, 0, 1]);
    expect(ipTuple('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipTuple('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 65535, 32512, 1]);
    expect(ipTuple('fe80::1:2')).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
    expect(ipTuple('2001:db8:0:0:0:0:0:1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  });
});

describe('typedTable', () => {
  it('gives the API\'s client properties rabbitmqctl JSON\'s [name, type, value] triples', () => {
    expect(typedTable({ a: 's', b: true, c: 5, d: 1000, e: 100000, f: 2 ** 40, g: 1.5, h: { x: 'y' }, i: [1, 'z'] })).toEqual([
      ['a', 'longstr', 's'],
      ['b', 'bool', true],
      ['c', 'byte', 5],
      ['d', 'short', 1000],
      ['e', 'signedint', 100000],
      ['f', 'long', 2 ** 40],
      ['g', 'double', 1.5],
      ['h', 'table', [['x', 'longstr', 'y']]],
      ['i', 'array', [['byte', 1], ['longstr', 'z']]],
    ]);
  });
});
