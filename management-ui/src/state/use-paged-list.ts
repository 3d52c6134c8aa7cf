/**
 * usePagedList: one list page's data and controls. The list's parameters (page, page size, name
 * filter, regex switch, sort) live in a signal per list name, so going to an object's page and
 * back finds the list as it was left; only the page shown is fetched (the API filters, sorts and
 * pages; a list the API answers whole is filtered and paged by `paged()` in api/endpoints.ts, so
 * every list behaves the same). It refreshes with the clock through usePoll: the last answer stays
 * on screen until the next one arrives. When the list shrinks under the page shown (objects
 * deleted), it goes back to the first page.
 */
import { signal, type Signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { ListParams } from '../api/endpoints';
import type { Paged } from '../api/types';
import type { SortState } from '../components/table';
import { usePoll } from './use-poll';

const lists = new Map<string, Signal<ListParams>>();

/** The parameters of the list named `name` (created with `sort` as its first sort key). */
export function listState(name: string, sort = 'name'): Signal<ListParams> {
  let s = lists.get(name);
  if (s === undefined) {
    s = signal<ListParams>({ page: 1, page_size: 100, name: '', use_regex: false, sort, sort_reverse: false });
    lists.set(name, s);
  }
  return s;
}

/** What usePagedList gives a page (and PagedTable). */
export interface PagedList<T> {
  /** The parameters of the page shown. */
  params: ListParams;
  /** Changes some parameters (a new filter, page size or sort goes back to page 1 by the caller's choice). */
  set: (change: Partial<ListParams>) => void;
  /** The last answer; undefined until the first. */
  result: Paged<T> | undefined;
  /** The rows of the page shown ([] until the first answer). */
  rows: T[];
  error: Error | undefined;
  sort: SortState;
  /** Sorts by another column (from page 1). */
  setSort: (s: SortState) => void;
  reload: () => void;
}

/** Options of usePagedList. */
export interface PagedListOptions {
  /** The list's first sort key (default `name`). */
  defaultSort?: string;
  /** Other inputs that make a new request (the selected vhost, the scope's name...). */
  deps?: readonly unknown[];
}

/** The list named `name`, fetched with `load` for the current parameters. */
export function usePagedList<T>(name: string, load: (p: ListParams) => Promise<Paged<T>>, opts: PagedListOptions = {}): PagedList<T> {
  const state = listState(name, opts.defaultSort);
  const p = state.value;
  const { data, error, reload } = usePoll(() => load(p), [...(opts.deps ?? []), p]);
  useEffect(() => {
    if (error instanceof ApiError && error.error === 'page_out_of_range' && p.page > 1) state.value = { ...p, page: 1 };
  }, [error]);
  const set = (change: Partial<ListParams>) => {
    state.value = { ...state.value, ...change };
  };
  return {
    params: p,
    set,
    result: data,
    rows: data?.items ?? [],
    error,
    sort: { sort: p.sort, reverse: p.sort_reverse },
    setSort: (s) => set({ sort: s.sort, sort_reverse: s.reverse, page: 1 }),
    reload,
  };
}
