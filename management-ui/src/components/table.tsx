/**
 * <Table>: rows keyed by identity (a refresh updates cells in place: no flicker, selection and
 * scroll kept), headers that sort through the API when the list is sortable, numbers aligned
 * right. Wide tables scroll sideways inside their box on a narrow window.
 */
import type { ComponentChildren } from 'preact';

/** One column. */
export interface Column<T> {
  /** Unique per table. */
  key: string;
  label: ComponentChildren;
  /** Tooltip of the header (what the column means). */
  title?: string;
  /** The API's sort key (a dotted path); absent: not sortable. */
  sort?: string;
  render: (row: T) => ComponentChildren;
  /** Right-aligned numbers. */
  num?: boolean;
}

/** The current sort. */
export interface SortState {
  sort: string;
  reverse: boolean;
}

/** Props of Table. */
export interface TableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  sort?: SortState;
  onSort?: (s: SortState) => void;
  empty?: ComponentChildren;
  label: string;
}

/** A data table. */
export function Table<T>({ columns, rows, rowKey, sort, onSort, empty, label }: TableProps<T>) {
  return (
    <div class="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort !== undefined && c.sort !== undefined && sort.sort === c.sort;
              const ariaSort = active ? (sort.reverse ? 'descending' : 'ascending') : undefined;
              return (
                <th key={c.key} class={c.num ? 'num' : undefined} title={c.title} aria-sort={ariaSort} scope="col">
                  {c.sort !== undefined && onSort !== undefined ? (
                    <button
                      type="button"
                      class={`sort${active ? ' active' : ''}`}
                      onClick={() => onSort({ sort: c.sort ?? '', reverse: active ? !sort.reverse : false })}
                    >
                      {c.label}
                      <span class="sort-mark" aria-hidden="true">
                        {active ? (sort.reverse ? ' ▼' : ' ▲') : ''}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} class="empty">
                {empty ?? 'Nothing here.'}
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={rowKey(r)}>
                {columns.map((c) => (
                  <td key={c.key} class={c.num ? 'num' : undefined}>
                    {c.render(r)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A small key/value table (properties, arguments, node facts). */
export function KeyValues({ items, label }: { items: [string, ComponentChildren][]; label: string }) {
  return (
    <table class="kv" aria-label={label}>
      <tbody>
        {items.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
