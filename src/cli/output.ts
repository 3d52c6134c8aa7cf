/** rabbitmqctl's output shapes: TAB-separated tables with a header row, JSON lists one object a line. */
import type { Context } from './context.js';

/** A cell: strings printed raw (tabs and newlines included, as rabbitmqctl does), lists as [a, b]. */
export type Cell = string | number | boolean | readonly string[] | null | undefined;

/** How rabbitmqctl's table formatter prints a value. */
export function formatCell(v: Cell): string {
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (v === null || v === undefined) return '';
  return String(v);
}

/** rabbitmqctl's JSON list: "[", then one object a line with leading commas, then "]". */
export function formatJsonList(items: readonly Record<string, unknown>[]): string {
  if (items.length === 0) return '[]\n';
  return `[\n${items.map((i) => JSON.stringify(i)).join('\n,')}\n]\n`;
}

/** Prints rows as the command's table (or JSON list with --formatter json); an empty line for no rows. */
export function printRows(c: Context, columns: readonly string[], objects: readonly object[]): void {
  const rows = objects as readonly Record<string, Cell>[];
  if (c.json) {
    c.io.out(formatJsonList(rows.map((r) => Object.fromEntries(columns.map((k) => [k, r[k] ?? ''])))));
    return;
  }
  // rabbitmqctl 3.10.8 prints one empty line for an empty table (no header row).
  if (rows.length === 0) {
    c.io.out('\n');
    return;
  }
  const lines = rows.map((r) => columns.map((k) => formatCell(r[k])).join('\t'));
  if (c.headers) lines.unshift(columns.join('\t'));
  c.io.out(lines.join('\n') + '\n');
}
