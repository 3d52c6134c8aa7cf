/**
 * The output of rabbitmqctl 3.10.8's streamed list commands (list_queues, list_exchanges,
 * list_bindings): a TAB table with a header row (nothing at all for no rows), or with
 * --formatter json one object a line, and arguments as rabbitmqctl prints the Erlang table.
 */
import { formatCtlTerm } from '../../amqp/codec/erlang-term.js';
import type { Context } from '../context.js';

/** A cell's value as the management API gives it; `Pid` values print as rabbitmqctl prints a pid. */
export type ListValue = string | number | boolean | null | undefined | Record<string, unknown> | unknown[] | Pid;

/** A process id stand-in: Warren has no Erlang processes, rabbitmqctl prints `<node...>` (table) or `#PID<...>` (JSON). */
export class Pid {
  constructor(readonly text: string) {}
}

/** An `arguments` object: rabbitmqctl's JSON gives the Erlang table, [[key, type, value], ...], typed as RabbitMQ types JSON. */
export class Arguments {
  constructor(readonly table: Record<string, unknown>) {}
}

function typeOf(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'longstr';
  if (Array.isArray(v)) return 'array';
  if (v === null || v === undefined) return 'void';
  return 'table';
}

function erlangValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((el) => [typeOf(el), erlangValue(el)]);
  if (v !== null && typeof v === 'object') return erlangTable(v as Record<string, unknown>);
  return v ?? 'undefined';
}

function erlangTable(t: Record<string, unknown>): unknown[] {
  return Object.entries(t).map(([k, v]) => [k, typeOf(v), erlangValue(v)]);
}

function tableCell(v: ListValue | Arguments): string {
  if (v instanceof Pid) return `<${v.text}>`;
  if (v instanceof Arguments) return formatCtlTerm(v.table);
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return formatCtlTerm(v);
  return String(v);
}

function jsonCell(v: ListValue | Arguments): unknown {
  if (v instanceof Pid) return `#PID<${v.text}>`;
  if (v instanceof Arguments) return erlangTable(v.table);
  return v ?? '';
}

/** Prints rows (already cut to `columns`, in that order). */
export function printList(c: Context, columns: readonly string[], rows: ReadonlyArray<Record<string, ListValue | Arguments>>): void {
  if (c.json) {
    const items = rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((k) => [k, jsonCell(r[k])]))));
    c.io.out(`[\n${items.map((i) => i + '\n').join(',')}]\n`);
    return;
  }
  if (rows.length === 0) return;
  const lines = rows.map((r) => columns.map((k) => tableCell(r[k])).join('\t'));
  if (c.headers) lines.unshift(columns.join('\t'));
  c.io.out(lines.join('\n') + '\n');
}

/** The columns asked for (separate or comma-separated arguments), each once, in the order asked; the defaults when none. */
export function uniqueColumns(asked: readonly string[]): string[] {
  return [...new Set(asked)];
}
