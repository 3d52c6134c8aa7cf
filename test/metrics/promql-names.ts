/**
 * The metric names a Grafana dashboard's PromQL uses: every panel target's `expr` and every
 * templating variable's `query`/`definition`, with label matchers, string literals, range
 * selectors, `by`/`on`/`group_left` label lists, function names and `$variables` taken out.
 */

// PromQL's keywords and aggregation modifiers that look like identifiers.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan']);

/** The metric names one PromQL expression (or Grafana's label_values(...) query) refers to. */
export function metricNamesOf(expr: string): string[] {
  let e = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  // Grafana's label_values(metric, label): the last argument is a label name.
  e = e.replace(/\blabel_values\s*\(([^,()]*),[^)]*\)/g, ' $1 ');
  const names = new Set<string>();
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g;
  for (let m = re.exec(e); m !== null; m = re.exec(e)) {
    const [, name, call] = m;
    if (call !== undefined || KEYWORDS.has(name.toLowerCase())) continue;
    // Numbers like 60s or 1e3 start with a digit and are not matched; durations inside [] are gone.
    names.add(name);
  }
  return [...names];
}

/** The queries of a Grafana dashboard JSON: panel targets' expr, templating query/definition strings. */
export function dashboardQueries(dashboard: unknown): string[] {
  const out: string[] = [];
  const walk = (o: unknown, key?: string): void => {
    if (typeof o === 'string') {
      if (key === 'expr' || key === 'definition' || (key === 'query' && o.includes('('))) out.push(o);
    } else if (Array.isArray(o)) {
      for (const x of o) walk(x);
    } else if (o !== null && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) walk(v, k);
    }
  };
  walk(dashboard);
  return out;
}

/** Every metric name a dashboard's queries use, sorted. */
export function dashboardMetricNames(dashboard: unknown): string[] {
  return [...new Set(dashboardQueries(dashboard).flatMap(metricNamesOf))].sort();
}
