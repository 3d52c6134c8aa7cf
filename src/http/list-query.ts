/**
 * RabbitMQ's list query parameters for every GET that answers a list (rabbit_mgmt_util in
 * 3.10.8): `sort` (a dotted path, e.g. `message_stats.publish`; ties broken by the list's
 * default sort), `sort_reverse=true`, `columns=a,b.c` (keeps those keys, nested ones by path),
 * and for the lists RabbitMQ pages (exchanges, queues, vhosts, connections, channels) `page`,
 * `page_size` (default 100, at most 500), `name` (a case-insensitive substring, or with
 * `use_regex=true` a case-insensitive regex, matched against each item's `name`), answered in
 * the paged shape `{filtered_count, item_count, items, page, page_count, page_size, total_count}`.
 * Bad values get RabbitMQ's 400s. `disable_stats` and `enable_queue_totals` are read by the
 * routes (disableStats / enableQueueTotals below).
 *
 * Sorting follows Erlang's term order, as RabbitMQ sorts the Erlang terms: numbers < booleans
 * and null (atoms) < objects < arrays < strings, strings by UTF-8 bytes, a missing key as 0.
 */
import type { FastifyRequest } from 'fastify';
import { AdminError } from '../admin/errors.js';

/** How a list is answered. */
export interface ListOptions {
  /**
   * Whether `page`, `page_size`, `name` and `use_regex` apply (RabbitMQ's augment_resources /
   * reply_list_or_paginate lists: exchanges, queues, vhosts, connections, channels). Lists
   * RabbitMQ does not page (bindings, consumers, users, permissions, policies ...) ignore them
   * and apply `columns` before sorting, as rabbit_mgmt_util:reply_list does. Default true.
   */
  paginate?: boolean;
}

/**
 * A list whose items are rendered only when answered (paginated lists): `items` are the sources,
 * which carry the default sort keys and `name` with the values their rendering has, and `render`
 * turns one into its JSON. With the default sort (or `sort=` one of its keys, or empty) only the
 * page is rendered; any other `sort` renders every item first.
 */
export interface LazyListOptions<T extends object> extends ListOptions {
  render: (item: T) => Record<string, unknown>;
  /**
   * Keeps the last default-sorted order of the sources (whose default sort keys never change,
   * as a queue's vhost and name): a request over the same sources in the same order reuses it.
   */
  sortCache?: SortCache;
}

/** The last sort of a lazy list (LazyListOptions.sortCache), owned by its route. */
export class SortCache {
  private key = '';
  private input: readonly object[] = [];
  private output: readonly object[] = [];

  /** The sorted sources: the cached order when `items` are the last ones, in their order, sorted by the same key. */
  sorted<T extends object>(items: T[], key: string, sort: () => T[]): T[] {
    if (key === this.key && items.length === this.input.length && items.every((x, i) => x === this.input[i])) return this.output.slice() as T[];
    const out = sort();
    this.key = key;
    this.input = items.slice();
    this.output = out.slice();
    return out;
  }
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;

type Item = Record<string, unknown>;

/** A query parameter's first value (cowboy's qs_val), undefined when absent. */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const q = req.query as Record<string, unknown> | undefined;
  const v = q?.[name];
  const first: unknown = Array.isArray(v) ? (v as unknown[])[0] : v;
  return typeof first === 'string' ? first : undefined;
}

/** `disable_stats=true`: the lists and objects leave out everything the statistics database adds. */
export function disableStats(req: FastifyRequest): boolean {
  return queryParam(req, 'disable_stats') === 'true';
}

/** `enable_queue_totals=true` (with disable_stats): queue lists still give messages, messages_ready, messages_unacknowledged. */
export function enableQueueTotals(req: FastifyRequest): boolean {
  return queryParam(req, 'enable_queue_totals') === 'true';
}

// ---- Erlang term order ---------------------------------------------------------------------

function rank(v: unknown): number {
  if (typeof v === 'number' || typeof v === 'bigint') return 0;
  if (typeof v === 'boolean' || v === null || v === undefined) return 1;
  if (typeof v === 'string') return 4;
  if (Array.isArray(v)) return 3;
  return 2;
}

// Atoms compare by name: false < true < undefined (JSON null is Erlang's undefined).
function atomName(v: unknown): string {
  return v === true ? 'true' : v === false ? 'false' : 'undefined';
}

/**
 * Strings by code point, which is UTF-8 byte order (JS's < compares UTF-16 units). At the first
 * differing UTF-16 unit, units are compared with surrogates moved above U+E000..U+FFFF, which is
 * code point order for well-formed strings (a supplementary code point is above every BMP one).
 */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800) x += x <= 0xdfff ? 0x2000 : -0x800;
      if (y >= 0xd800) y += y <= 0xdfff ? 0x2000 : -0x800;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Erlang's term order over JSON values (see the file comment). */
export function compareTerms(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0: {
      const x = Number(a);
      const y = Number(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 1:
      return compareStrings(atomName(a), atomName(b));
    case 4:
      return compareStrings(a as string, b as string);
    case 3: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareTerms(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default: {
      // Maps: by size, then keys, then values (Erlang's map order).
      const x = a as Item;
      const y = b as Item;
      const kx = Object.keys(x).sort(compareStrings);
      const ky = Object.keys(y).sort(compareStrings);
      if (kx.length !== ky.length) return kx.length - ky.length;
      for (let i = 0; i < kx.length; i++) {
        const c = compareStrings(kx[i], ky[i]);
        if (c !== 0) return c;
      }
      for (const k of kx) {
        const c = compareTerms(x[k], y[k]);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

/** A dotted sort path as its keys ("a.b" -> ["a", "b"]). */
function splitPath(path: string): string[] {
  return path.split('.').filter((k) => k !== '');
}

/**
 * rabbit_mgmt_util:get_dotted_value: the value at a dotted path (given as its keys). A missing key,
 * at any depth, is 0 (a missing middle key gives [], in which the last key is missing).
 */
function dottedValue(item: unknown, keys: readonly string[]): unknown {
  let v: unknown = item;
  for (const key of keys) {
    const container = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Item) : undefined;
    if (container === undefined || !Object.prototype.hasOwnProperty.call(container, key)) return 0;
    v = container[key];
  }
  return keys.length === 0 ? 0 : v;
}

// A UTF-16 unit at or above U+D800: where JS's < and code point order can differ.
const HIGH_UNIT = /[\ud800-\uffff]/;

function sortItems<T extends object>(items: T[], paths: readonly string[], reverse: boolean): T[] {
  const split = paths.map(splitPath);
  const keyed = items.map((item) => {
    const key = split.map((keys) => dottedValue(item, keys));
    // Strings free of high units compare by JS's < (native, as code point order for them).
    const plain = key.every((k) => typeof k === 'string' && !HIGH_UNIT.test(k));
    return { item, key, plain };
  });
  keyed.sort((a, b) => {
    if (a.plain && b.plain) {
      for (let i = 0; i < split.length; i++) {
        const x = a.key[i] as string;
        const y = b.key[i] as string;
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    }
    for (let i = 0; i < split.length; i++) {
      const c = compareTerms(a.key[i], b.key[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  const out = keyed.map((k) => k.item);
  return reverse ? out.reverse() : out;
}

// ---- columns -------------------------------------------------------------------------------

/** `columns=a,b.c` as paths; undefined when absent (every key). */
function parseColumns(raw: string | undefined): string[][] | undefined {
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .filter((c) => c !== '')
    .map((c) => c.split('.').filter((k) => k !== ''))
    .filter((c) => c.length > 0);
}

/**
 * rabbit_mgmt_util:extract_column_items: an object keeps the keys some column starts with,
 * descending into the rest of those paths; a list applies them to each element; anything else
 * stays. An object left without keys is Erlang's empty proplist, which RabbitMQ's JSON writes as [].
 */
function extractColumns(v: unknown, cols: string[][] | 'all'): unknown {
  if (cols === 'all') return v;
  if (Array.isArray(v)) return v.map((el) => extractColumns(el, cols));
  if (v === null || typeof v !== 'object') return v;
  const out: Item = {};
  for (const [k, val] of Object.entries(v as Item)) {
    const matching = cols.filter((c) => c[0] === k);
    if (matching.length === 0) continue;
    const rest: string[][] | 'all' = matching.some((c) => c.length === 1) ? 'all' : matching.map((c) => c.slice(1));
    out[k] = extractColumns(val, rest);
  }
  return Object.keys(out).length === 0 ? [] : out;
}

// ---- pagination ----------------------------------------------------------------------------

interface Pagination {
  page: number;
  pageSize: number;
  name: string | undefined;
  useRegex: boolean;
}

const invalidParameters = (): AdminError => new AdminError(400, 'bad_request', 'Pagination parameters are invalid', false);

/** An integer parameter as list_to_integer reads it; a malformed one is RabbitMQ's "Pagination parameters are invalid". */
function intParam(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(raw)) throw invalidParameters();
  return Number(raw);
}

/** rabbit_mgmt_util:pagination_params: undefined when no page is asked for. */
function paginationParams(req: FastifyRequest): Pagination | undefined {
  const page = intParam(queryParam(req, 'page'));
  const pageSize = intParam(queryParam(req, 'page_size'));
  if (page === undefined) return undefined;
  const size = pageSize ?? DEFAULT_PAGE_SIZE;
  if (page <= 0 || size <= 0 || size > MAX_PAGE_SIZE) {
    throw new AdminError(
      400,
      'invalid_pagination_parameters',
      `Invalid pagination parameters: page number ${page}, page size ${pageSize === undefined ? 'undefined' : pageSize}`,
      false,
    );
  }
  return { page, pageSize: size, name: queryParam(req, 'name'), useRegex: queryParam(req, 'use_regex') === 'true' };
}

function nameFilter(p: Pagination): ((item: object) => boolean) | undefined {
  const name = p.name;
  if (name === undefined || name === '') return undefined;
  if (p.useRegex) {
    let re: RegExp;
    try {
      re = new RegExp(name, 'i');
    } catch {
      throw invalidParameters();
    }
    return (item) => {
      const n = (item as Item).name;
      return typeof n === 'string' && re.test(n);
    };
  }
  const needle = name.toLowerCase();
  return (item) => {
    const n = (item as Item).name;
    return typeof n === 'string' && n.toLowerCase().includes(needle);
  };
}

function sortReverse(req: FastifyRequest): boolean {
  const v = queryParam(req, 'sort_reverse');
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  // RabbitMQ 3.10.8 crashes (500) on other values; Warren says what is wrong.
  throw new AdminError(400, 'bad_request', `sort_reverse must be true or false, not ${v}`);
}

/** The sort RabbitMQ applies: none for `sort=` (empty), else the asked path before the default ones. */
function applySort<T extends object>(req: FastifyRequest, items: T[], defaultSort: readonly string[], cache?: SortCache): T[] {
  const sort = queryParam(req, 'sort');
  const reverse = sortReverse(req);
  if (sort === '') return items;
  const paths = sort === undefined ? defaultSort : [sort, ...defaultSort];
  if (cache === undefined) return sortItems(items, paths, reverse);
  return cache.sorted(items, `${paths.join('\0')}\0${reverse}`, () => sortItems(items, paths, reverse));
}

/** The answer to a GET of one object: reduced to `columns` when given (rabbit_mgmt_util:reply). */
export function objectReply(req: FastifyRequest, item: Record<string, unknown>): unknown {
  const columns = parseColumns(queryParam(req, 'columns'));
  return columns === undefined ? item : extractColumns(item, columns);
}

/**
 * The answer to a list request: the items (sorted, filtered, paged, reduced to `columns`) or
 * the paged object when `page` is given. `defaultSort` is RabbitMQ's default sort of that list
 * (dotted paths, e.g. ['vhost', 'name']). Throws an AdminError (400) for bad parameters. With
 * `opts.render` the items are sources rendered as late as possible (LazyListOptions).
 */
export function listReply(req: FastifyRequest, items: Record<string, unknown>[], defaultSort?: readonly string[], opts?: ListOptions): unknown;
export function listReply<T extends object>(req: FastifyRequest, items: T[], defaultSort: readonly string[], opts: LazyListOptions<T>): unknown;
export function listReply<T extends object>(
  req: FastifyRequest,
  sources: T[],
  defaultSort: readonly string[] = ['name'],
  opts: ListOptions | LazyListOptions<T> = {},
): unknown {
  const columns = parseColumns(queryParam(req, 'columns'));
  const cols = columns ?? 'all';
  let render = 'render' in opts ? opts.render : (i: T) => i as unknown as Item;
  let items: object[] = sources;
  const sort = queryParam(req, 'sort');
  if (opts.paginate === false || (sort !== undefined && sort !== '' && !defaultSort.includes(sort))) {
    // The sort (or columns-before-sort) needs the rendered items.
    if ('render' in opts) items = sources.map(opts.render);
    render = (i) => i as unknown as Item;
  }
  const out = (i: object): unknown => extractColumns(render(i as T), cols);
  if (opts.paginate === false) {
    // reply_list: columns first, then the sort (which sees only the kept keys).
    const reduced = items.map((i) => extractColumns(i, cols)) as Item[];
    return applySort(req, reduced, defaultSort);
  }
  const pagination = paginationParams(req);
  // The cache holds sources only: not when the items were rendered for a sort by another key.
  const sorted = applySort(req, items, defaultSort, items === sources && 'sortCache' in opts ? opts.sortCache : undefined);
  if (pagination === undefined) return sorted.map(out);
  const filter = nameFilter(pagination);
  const filtered = filter === undefined ? sorted : sorted.filter(filter);
  const { page, pageSize } = pagination;
  const offset = (page - 1) * pageSize;
  // lists:sublist/3 accepts a start just past the end (an empty page), not beyond.
  if (offset > filtered.length) {
    throw new AdminError(400, 'page_out_of_range', `Page out of range, page: ${page} page size: ${pageSize}, len: ${filtered.length}`, false);
  }
  const pageItems = filtered.slice(offset, offset + pageSize);
  return {
    filtered_count: filtered.length,
    item_count: pageItems.length,
    items: pageItems.map(out),
    page,
    page_count: Math.ceil(filtered.length / pageSize),
    page_size: pageSize,
    total_count: sources.length,
  };
}

/**
 * A list RabbitMQ answers through rabbit_mgmt_util:reply_list (users, permissions, topic
 * permissions, policies, limits): `sort`, `sort_reverse` and `columns` apply, paging does not.
 * The items are plain JSON rows (interfaces without an index signature).
 */
export function rowsReply(req: FastifyRequest, items: readonly object[], defaultSort: readonly string[] = ['vhost', 'name']): unknown {
  return listReply(req, items as unknown as Record<string, unknown>[], defaultSort, { paginate: false });
}
