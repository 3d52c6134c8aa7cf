/**
 * <PagedTable>: every list page's table with its controls, over a usePagedList: a name filter
 * (substring, or a regular expression; applied 250 ms after the last key), the counts, the pager
 * and page size, the API error of the last refresh beside the table, and the table itself with
 * headers that sort through the API. Only the page shown is fetched
 * (`?page=&page_size=&name=&use_regex=&sort=&sort_reverse=`).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PagedList } from '../state/use-paged-list';
import { ErrorBox } from './error-box';
import { Table, type Column } from './table';

/** The page sizes offered (RabbitMQ's UI offers the same, up to the API's maximum of 500). */
export const PAGE_SIZES = [20, 50, 100, 500];

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}`;
}

/** Filter, regex switch, counts, pager and page size of `list`; `what` names the items ("queues"). */
export function ListControls<T>({ list, what }: { list: PagedList<T>; what: string }) {
  const p = list.params;
  const result = list.result;
  const [text, setText] = useState(p.name);
  useEffect(() => {
    if (text === p.name) return;
    const id = setTimeout(() => list.set({ name: text, page: 1 }), 250);
    return () => clearTimeout(id);
  }, [text]);
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
        <input type="checkbox" checked={p.use_regex} onChange={(e) => list.set({ use_regex: e.currentTarget.checked, page: 1 })} /> Regex
      </label>
      <span class="counts" aria-live="polite">
        {result === undefined
          ? ''
          : result.filtered_count === result.total_count
            ? plural(result.total_count, what)
            : `${result.filtered_count.toLocaleString('en-US')} of ${plural(result.total_count, what)} match`}
      </span>
      <span class="pager">
        <button type="button" disabled={p.page <= 1} onClick={() => list.set({ page: p.page - 1 })} aria-label="Previous page">
          ‹
        </button>
        <label>
          Page{' '}
          <select value={String(Math.min(p.page, pageCount))} onChange={(e) => list.set({ page: Number(e.currentTarget.value) })} aria-label="Page">
            {Array.from({ length: Math.min(pageCount, 1000) }, (_, i) => (
              <option key={i} value={String(i + 1)}>
                {i + 1}
              </option>
            ))}
          </select>{' '}
          of {pageCount}
        </label>
        <button type="button" disabled={p.page >= pageCount} onClick={() => list.set({ page: p.page + 1 })} aria-label="Next page">
          ›
        </button>
        <label>
          {' '}
          Show{' '}
          <select value={String(p.page_size)} onChange={(e) => list.set({ page_size: Number(e.currentTarget.value), page: 1 })} aria-label="Page size">
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

/** Props of PagedTable. */
export interface PagedTableProps<T> {
  list: PagedList<T>;
  /** The table's accessible name, also the context of its error ("Queues"). */
  label: string;
  /** What the items are, in the counts and the filter's label ("queues"). */
  what: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** Shown when there are none at all (default "No <what>."). */
  empty?: ComponentChildren;
}

/** A list page's table: controls, the error of the last refresh, the rows. */
export function PagedTable<T>({ list, label, what, columns, rowKey, empty }: PagedTableProps<T>) {
  const none = list.result === undefined ? 'Loading…' : list.params.name !== '' ? `No ${what} match the filter.` : (empty ?? `No ${what}.`);
  return (
    <>
      <ListControls list={list} what={what} />
      <ErrorBox error={list.error} context={label} />
      <Table label={label} columns={columns} rows={list.rows} rowKey={rowKey} sort={list.sort} onSort={list.setSort} empty={none} />
    </>
  );
}

/** A whole list page: its heading (the table's label), the PagedTable, then `children` (the add form). */
export function ListPage<T>({ children, ...table }: PagedTableProps<T> & { children?: ComponentChildren }) {
  return (
    <section>
      <div class="page-head">
        <h1>{table.label}</h1>
      </div>
      <PagedTable {...table} />
      {children}
    </section>
  );
}
