/**
 * The controls of a paged list: a name filter (substring, or a regular expression), the page
 * size and the pager. The state lives in a signal per list, so going to an object's page and
 * back finds the list as it was left. Only the page shown is fetched: the API filters, sorts and
 * pages (`?page=&page_size=&name=&use_regex=&sort=&sort_reverse=`).
 */
import { signal, type Signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import type { ListParams } from '../api/endpoints';
import type { Paged } from '../api/types';

const lists = new Map<string, Signal<ListParams>>();

/** The list state of the list named `name` (created with `sort` as its first sort key). */
export function listState(name: string, sort = 'name'): Signal<ListParams> {
  let s = lists.get(name);
  if (s === undefined) {
    s = signal<ListParams>({ page: 1, page_size: 100, name: '', use_regex: false, sort, sort_reverse: false });
    lists.set(name, s);
  }
  return s;
}

/** The page sizes offered (RabbitMQ's UI offers the same, up to the API's maximum of 500). */
export const PAGE_SIZES = [20, 50, 100, 500];

/** Filter, regex switch, page size and pager for `state`, counts from the last answer. */
export function ListControls({ state, result, what }: { state: Signal<ListParams>; result: Paged<unknown> | undefined; what: string }) {
  const p = state.value;
  const [text, setText] = useState(p.name);
  // The filter is applied 250 ms after the last key press, not on every key.
  useEffect(() => {
    if (text === state.value.name) return;
    const id = setTimeout(() => {
      state.value = { ...state.value, name: text, page: 1 };
    }, 250);
    return () => clearTimeout(id);
  }, [text]);
  const set = (change: Partial<ListParams>) => {
    state.value = { ...state.value, ...change };
  };
  const pageCount = Math.max(1, result?.page_count ?? 1);
  const id = `filter-${what.replace(/\W/g, '')}`;
  return (
    <div class="list-controls">
      <label for={id}>Filter</label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder={p.use_regex ? 'regular expression' : 'part of the name'}
        onInput={(e) => setText(e.currentTarget.value)}
        aria-label={`Filter ${what} by name`}
      />
      <label class="check">
        <input type="checkbox" checked={p.use_regex} onChange={(e) => set({ use_regex: e.currentTarget.checked, page: 1 })} /> Regex
      </label>
      <span class="counts" aria-live="polite">
        {result === undefined
          ? ''
          : result.filtered_count === result.total_count
            ? `${result.total_count.toLocaleString('en-US')} ${what}`
            : `${result.filtered_count.toLocaleString('en-US')} of ${result.total_count.toLocaleString('en-US')} ${what} match`}
      </span>
      <span class="pager">
        <button type="button" disabled={p.page <= 1} onClick={() => set({ page: p.page - 1 })} aria-label="Previous page">
          ‹
        </button>
        <label>
          Page{' '}
          <select value={String(Math.min(p.page, pageCount))} onChange={(e) => set({ page: Number(e.currentTarget.value) })} aria-label="Page">
            {Array.from({ length: Math.min(pageCount, 1000) }, (_, i) => (
              <option key={i} value={String(i + 1)}>
                {i + 1}
              </option>
            ))}
          </select>{' '}
          of {pageCount}
        </label>
        <button type="button" disabled={p.page >= pageCount} onClick={() => set({ page: p.page + 1 })} aria-label="Next page">
          ›
        </button>
        <label>
          {' '}
          Show{' '}
          <select value={String(p.page_size)} onChange={(e) => set({ page_size: Number(e.currentTarget.value), page: 1 })} aria-label="Page size">
            {PAGE_SIZES.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </span>
    </div>
  );
}
