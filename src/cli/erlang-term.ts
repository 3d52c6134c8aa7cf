/**
 * JSON values printed the way rabbitmqctl prints AMQP tables in its TAB-separated
 * output (Erlang `~tp` of the prettified table, checked on 3.10.8): a table is
 * `[{"key",value},...]`, an array `[v,...]`, strings double-quoted with `"` and
 * `\` escaped, booleans `true`/`false`, an empty table `[]`.
 */
export function formatErlangTerm(v: unknown): string {
  if (typeof v === 'string') return erlangString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(formatErlangTerm).join(',')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return `[${entries.map(([k, x]) => `{${erlangString(k)},${formatErlangTerm(x)}}`).join(',')}]`;
  }
  return String(v);
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

function erlangString(s: string): string {
  return `"${s.replace(/["\\\n\t\r]/g, (c) => ESCAPES[c]!)}"`;
}
