// http/list-query.ts on its own: RabbitMQ 3.10.8's sort (Erlang term order, the default sort as
// tie-breaker), sort_reverse, columns, pagination with its name / use_regex filter, and the 400s
// for bad values (texts as RabbitMQ's, seen on the reference broker). The same parameters against
// real lists are in exchanges.test.ts and queues.test.ts.
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AdminError } from '../../src/admin/errors.js';
import { compareTerms, disableStats, enableQueueTotals, listReply, objectReply, SortCache } from '../../src/http/list-query.js';

const req = (query: Record<string, string | string[]>): FastifyRequest => ({ query }) as unknown as FastifyRequest;

const items = (): Record<string, unknown>[] => [
  { name: 'b', vhost: '/', type: 'fanout', n: 2, stats: { x: 1, y: 'a' } },
  { name: 'A', vhost: '/', type: 'direct', n: 10, stats: { x: 3, y: 'b' } },
  { name: 'a', vhost: '/', type: 'direct' },
  { name: 'c', vhost: 'v2', type: 'topic', n: 1.5, stats: { x: 2, y: 'c' } },
];

function adminError(fn: () => unknown): AdminError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AdminError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

const names = (r: unknown): unknown[] => (r as Record<string, unknown>[]).map((i) => i.name);

describe('sort', () => {
  it('sorts by the default sort, strings by UTF-8 bytes (upper case first)', () => {
    expect(names(listReply(req({}), items(), ['vhost', 'name']))).toEqual(['A', 'a', 'b', 'c']);
  });

  it('sorts by the asked (dotted) key, a missing key counting as 0, the default sort breaking ties; sort_reverse reverses all', () => {
    expect(names(listReply(req({ sort: 'n' }), items(), ['vhost', 'name']))).toEqual(['a', 'c', 'b', 'A']);
    expect(names(listReply(req({ sort: 'stats.x' }), items(), ['vhost', 'name']))).toEqual(['a', 'b', 'c', 'A']);
    expect(names(listReply(req({ sort: 'type', sort_reverse: 'true' }), items(), ['vhost', 'name']))).toEqual(['c', 'b', 'a', 'A']);
    expect(names(listReply(req({ sort: 'type', sort_reverse: 'false' }), items(), ['vhost', 'name']))).toEqual(['A', 'a', 'b', 'c']);
  });

  it('does not sort at all for an empty sort= (RabbitMQ keeps its own order)', () => {
    expect(names(listReply(req({ sort: '' }), items(), ['vhost', 'name']))).toEqual(['b', 'A', 'a', 'c']);
  });

  it('refuses a sort_reverse that is neither true nor false (RabbitMQ 3.10.8 answers 500)', () => {
    const e = adminError(() => listReply(req({ sort_reverse: 'yes' }), items()));
    expect([e.status, e.error]).toEqual([400, 'bad_request']);
  });

  it('orders values of different types as Erlang does: numbers < atoms (false < true < null) < objects < lists < strings', () => {
    const vals = ['s', [1], { a: 1 }, null, true, false, 2, 1.5, -1];
    expect([...vals].sort(compareTerms)).toEqual([-1, 1.5, 2, false, true, null, { a: 1 }, [1], 's']);
    // Code points, not UTF-16 units: U+FFFF sorts before U+10000.
    expect(['\u{10000}', '\uffff'].sort(compareTerms)).toEqual(['\uffff', '\u{10000}']);
  });

  it('sorts string keys by code point whether or not they hold units above U+D800 (the fast path for plain strings agrees)', () => {
    const ns = ['b', '\u{10000}x', 'B', '\uffff', 'a\u{1F600}', 'a\ue000', 'ab', 'a', '\u00e9', 'Z'];
    const rows = ns.map((name) => ({ name, vhost: '/' }));
    const expected = [...ns].sort(compareTerms);
    expect(names(listReply(req({}), rows, ['vhost', 'name']))).toEqual(expected);
    // Plain rows only (every key below U+D800): the same order as compareTerms gives.
    const plain = ns.filter((n) => !/[\ud800-\uffff]/.test(n));
    expect(names(listReply(req({}), plain.map((name) => ({ name, vhost: '/' })), ['vhost', 'name']))).toEqual([...plain].sort(compareTerms));
  });
});

describe('columns', () => {
  it('keeps the named keys, nested ones by dotted path, in every item', () => {
    expect(listReply(req({ columns: 'name,stats.y' }), items(), ['name'])).toEqual([
      { name: 'A', stats: { y: 'b' } },
      { name: 'a' },
      { name: 'b', stats: { y: 'a' } },
      { name: 'c', stats: { y: 'c' } },
    ]);
  });

  it('gives [] for an item left with no key (as RabbitMQ writes an empty proplist)', () => {
    expect(listReply(req({ columns: 'nosuch' }), items().slice(0, 1))).toEqual([[]]);
    expect(listReply(req({ columns: '' }), items().slice(0, 1))).toEqual([[]]);
  });

  it('applies to a single object too', () => {
    expect(objectReply(req({ columns: 'name,n' }), items()[0])).toEqual({ name: 'b', n: 2 });
    expect(objectReply(req({}), items()[0])).toEqual(items()[0]);
  });

  it('in a list RabbitMQ does not page, columns apply before the sort', () => {
    // sort=n is not among the kept keys: every item ties on it (and on vhost), so only name orders them.
    expect(listReply(req({ columns: 'name', sort: 'n' }), items(), ['vhost', 'name'], { paginate: false })).toEqual([
      { name: 'A' },
      { name: 'a' },
      { name: 'b' },
      { name: 'c' },
    ]);
    // Paged lists sort first: by n, then vhost (c is in v2), then name.
    expect(listReply(req({ columns: 'name', sort: 'n' }), items(), ['vhost', 'name'])).toEqual([{ name: 'a' }, { name: 'c' }, { name: 'b' }, { name: 'A' }]);
    expect(listReply(req({ page: '1', page_size: '1' }), items(), ['name'], { paginate: false })).toHaveLength(4);
  });
});

describe('pagination', () => {
  it('answers the paged shape: counts before and after the name filter, the page and its size', () => {
    expect(listReply(req({ page: '1', page_size: '2', columns: 'name' }), items(), ['name'])).toEqual({
      filtered_count: 4,
      item_count: 2,
      items: [{ name: 'A' }, { name: 'a' }],
      page: 1,
      page_count: 2,
      page_size: 2,
      total_count: 4,
    });
    expect(listReply(req({ page: '2', page_size: '3', columns: 'name' }), items(), ['name'])).toMatchObject({ item_count: 1, items: [{ name: 'c' }], page_count: 2 });
    // The default page size is 100.
    expect(listReply(req({ page: '1' }), items(), ['name'])).toMatchObject({ page_size: 100, page_count: 1, item_count: 4 });
  });

  it('filters by name only when paging: a case-insensitive substring, or a case-insensitive regex with use_regex=true', () => {
    expect(names(listReply(req({ name: 'A' }), items(), ['name']))).toEqual(['A', 'a', 'b', 'c']);
    const r = listReply(req({ page: '1', name: 'A', columns: 'name' }), items(), ['name']) as Record<string, unknown>;
    expect(r).toMatchObject({ filtered_count: 2, total_count: 4, items: [{ name: 'A' }, { name: 'a' }] });
    const re = listReply(req({ page: '1', name: '^[ab]$', use_regex: 'true', columns: 'name' }), items(), ['name']) as Record<string, unknown>;
    expect(re).toMatchObject({ filtered_count: 3, items: [{ name: 'A' }, { name: 'a' }, { name: 'b' }] });
    // Without use_regex the pattern is a plain substring.
    expect(listReply(req({ page: '1', name: '^[ab]$' }), items(), ['name'])).toMatchObject({ filtered_count: 0, page_count: 0, items: [] });
  });

  it('answers an empty page just past the end, and RabbitMQ\'s 400s for pages beyond it and bad parameters', () => {
    expect(listReply(req({ page: '3', page_size: '2' }), items(), ['name'])).toMatchObject({ item_count: 0, items: [], page: 3, page_count: 2 });
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ page: '4', page_size: '2' }, 'page_out_of_range', 'Page out of range, page: 4 page size: 2, len: 4'],
      [{ page: '0' }, 'invalid_pagination_parameters', 'Invalid pagination parameters: page number 0, page size undefined'],
      [{ page: '-1' }, 'invalid_pagination_parameters', 'Invalid pagination parameters: page number -1, page size undefined'],
      [{ page: '1', page_size: '501' }, 'invalid_pagination_parameters', 'Invalid pagination parameters: page number 1, page size 501'],
      [{ page: '1', page_size: '0' }, 'invalid_pagination_parameters', 'Invalid pagination parameters: page number 1, page size 0'],
      [{ page: 'abc' }, 'bad_request', 'Pagination parameters are invalid'],
      [{ page: '1.5' }, 'bad_request', 'Pagination parameters are invalid'],
      [{ page_size: 'x' }, 'bad_request', 'Pagination parameters are invalid'],
      [{ page: '1', name: '(', use_regex: 'true' }, 'bad_request', 'Pagination parameters are invalid'],
    ];
    for (const [query, error, reason] of cases) {
      const e = adminError(() => listReply(req(query), items(), ['name']));
      expect({ query, status: e.status, error: e.error, reason: e.reason }).toEqual({ query, status: 400, error, reason });
    }
    // A page size alone (no page) is no pagination.
    expect(Array.isArray(listReply(req({ page_size: '2' }), items(), ['name']))).toBe(true);
    // The first value of a repeated parameter counts (cowboy's qs_val).
    expect(listReply(req({ page: ['1', 'x'], page_size: '1' }), items(), ['name'])).toMatchObject({ item_count: 1 });
  });
});

describe('flags', () => {
  it('reads disable_stats and enable_queue_totals as RabbitMQ does: only "true" is true', () => {
    expect(disableStats(req({ disable_stats: 'true' }))).toBe(true);
    expect(disableStats(req({ disable_stats: '1' }))).toBe(false);
    expect(enableQueueTotals(req({ enable_queue_totals: 'true' }))).toBe(true);
    expect(enableQueueTotals(req({}))).toBe(false);
  });
});

describe('lazy rendering (opts.render)', () => {
  const sources = (): { name: string; vhost: string; n: number }[] =>
    Array.from({ length: 250 }, (_, i) => ({ name: `q${String(249 - i).padStart(3, '0')}`, vhost: '/', n: i }));
  const counting = () => {
    let calls = 0;
    const render = (s: { name: string; vhost: string; n: number }): Record<string, unknown> => {
      calls++;
      return { name: s.name, vhost: s.vhost, n: s.n, rendered: true };
    };
    return { render, calls: () => calls };
  };

  it('with the default sort renders only the page, sorted and filtered as the rendered list would be', () => {
    const c = counting();
    const r = listReply(req({ page: '2', page_size: '10', name: 'q0' }), sources(), ['vhost', 'name'], { render: c.render }) as Record<string, any>;
    expect(c.calls()).toBe(10);
    expect(r).toMatchObject({ filtered_count: 100, item_count: 10, page: 2, page_count: 10, page_size: 10, total_count: 250 });
    expect(r.items.map((i: any) => i.name)).toEqual(Array.from({ length: 10 }, (_, i) => `q0${String(10 + i)}`));
    expect(r.items[0]).toEqual({ name: 'q010', vhost: '/', n: 239, rendered: true });
    const eager = listReply(req({ page: '2', page_size: '10', name: 'q0' }), sources().map(c.render), ['vhost', 'name']);
    expect(r).toEqual(eager);
  });

  it('another sort key renders every item first; columns apply to the rendered items', () => {
    const c = counting();
    const r = listReply(req({ sort: 'rendered', sort_reverse: 'true', columns: 'name,rendered' }), sources(), ['vhost', 'name'], { render: c.render }) as any[];
    expect(c.calls()).toBe(250);
    expect(r[0]).toEqual({ name: 'q249', rendered: true });
    const c2 = counting();
    const all = listReply(req({ sort: 'name' }), sources(), ['vhost', 'name'], { render: c2.render }) as any[];
    expect(c2.calls()).toBe(250);
    expect(all.map((i) => i.name).slice(0, 2)).toEqual(['q000', 'q001']);
  });

  it('a sort cache reuses the order for the same sources, and sorts again when they, their order or the sort change', () => {
    const c = counting();
    const cache = new SortCache();
    const src = sources();
    const page = (q: Record<string, string>, items = src): string[] =>
      (listReply(req({ page: '1', page_size: '3', ...q }), items, ['vhost', 'name'], { render: c.render, sortCache: cache }) as any).items.map((i: any) => i.name);
    expect(page({})).toEqual(['q000', 'q001', 'q002']);
    // The cached order is not the caller's to change: a second answer is the same.
    expect(page({})).toEqual(['q000', 'q001', 'q002']);
    expect(page({ sort_reverse: 'true' })).toEqual(['q249', 'q248', 'q247']);
    expect(page({ sort: 'name' })).toEqual(['q000', 'q001', 'q002']);
    const added = [...src, { name: 'a-first', vhost: '/', n: 0 }];
    expect(page({}, added)).toEqual(['a-first', 'q000', 'q001']);
    const removed = src.filter((s) => s.name !== 'q000');
    expect(page({}, removed)).toEqual(['q001', 'q002', 'q003']);
    // A sort by another key renders every item and leaves the cache alone.
    expect(page({ sort: 'n' })).toEqual(['q249', 'q248', 'q247']);
    expect(page({}, removed)).toEqual(['q001', 'q002', 'q003']);
  });
});
