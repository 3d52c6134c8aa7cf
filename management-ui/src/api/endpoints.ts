/**
 * The management API's endpoints the dashboard calls, one typed function each. Everything the
 * dashboard can do goes through here, so `curl` can do it too.
 */
import { call, get, getText, path, query } from './client';
import type {
  Binding,
  Channel,
  Connection,
  Exchange,
  GotMessage,
  JsonObject,
  NodeInfo,
  Overview,
  Paged,
  Permission,
  Policy,
  PublishRequest,
  PublishResult,
  Queue,
  TopicPermission,
  User,
  UserLimits,
  Vhost,
  VhostLimits,
  Whoami,
} from './types';

/** The list parameters RabbitMQ's paged lists take. */
export interface ListParams {
  page: number;
  page_size: number;
  name: string;
  use_regex: boolean;
  sort: string;
  sort_reverse: boolean;
}

/** A range for the samples of rates and lengths (`?lengths_age=60&lengths_incr=5...`). */
export interface Range {
  /** Seconds of history. */
  age: number;
  /** Seconds between samples. */
  incr: number;
}

function rangeQuery(r: Range | undefined): Record<string, number | undefined> {
  if (r === undefined) return {};
  return { lengths_age: r.age, lengths_incr: r.incr, msg_rates_age: r.age, msg_rates_incr: r.incr, data_rates_age: r.age, data_rates_incr: r.incr };
}

/** `/api/x` or `/api/x/{vhost}` (all vhosts when vhost is ''). */
function scoped(base: string, vhost: string): string {
  return vhost === '' ? `/api/${base}` : `/api/${base}/${encodeURIComponent(vhost)}`;
}

/** The items whose name matches the list's filter (a case-insensitive substring or regex, as the API matches). */
function byName<T>(items: T[], p: ListParams): T[] {
  if (p.name === '') return items;
  let re: RegExp;
  try {
    re = p.use_regex ? new RegExp(p.name, 'i') : new RegExp(p.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  } catch {
    return [];
  }
  return items.filter((i) => {
    const n = (i as { name?: unknown }).name;
    return typeof n === 'string' && re.test(n);
  });
}

/** A dotted path's value in an item (`message_stats.publish_details.rate`). */
function at(item: unknown, dotted: string): unknown {
  let v: unknown = item;
  for (const k of dotted.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** The items sorted by the list's sort key (as the API sorts: numbers before text, a missing value as 0). */
function bySort<T>(items: T[], p: ListParams): T[] {
  if (p.sort === '') return items;
  const key = (i: T): number | string => {
    const v = at(i, p.sort);
    return typeof v === 'number' ? v : v === undefined || v === null ? 0 : typeof v === 'string' ? v : JSON.stringify(v);
  };
  const sorted = [...items].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return p.sort_reverse ? sorted.reverse() : sorted;
}

/**
 * A paged list. A list the API answers whole, as an array (users, policies: RabbitMQ pages only
 * exchanges, queues, vhosts, connections and channels), is filtered, sorted and paged here, so
 * every list looks and behaves the same.
 */
async function paged<T>(url: string, p: ListParams): Promise<Paged<T>> {
  const q = query({
    page: p.page,
    page_size: p.page_size,
    name: p.name,
    use_regex: p.name === '' ? undefined : p.use_regex,
    sort: p.sort,
    sort_reverse: p.sort === '' ? undefined : p.sort_reverse,
    pagination: true,
  });
  const r = await get<Paged<T> | T[]>(url + q);
  if (!Array.isArray(r)) return r;
  const matching = bySort(byName(r, p), p);
  const start = (p.page - 1) * p.page_size;
  return {
    items: matching.slice(start, start + p.page_size),
    page: p.page,
    page_count: Math.max(1, Math.ceil(matching.length / p.page_size)),
    page_size: p.page_size,
    filtered_count: matching.length,
    item_count: Math.min(p.page_size, Math.max(0, matching.length - start)),
    total_count: r.length,
  };
}

/** The default exchange's name in URLs (`amq.default`, as RabbitMQ's API and UI spell it). */
export function exchangeSegment(name: string): string {
  return name === '' ? 'amq.default' : name;
}

export const api = {
  whoami: (authorization?: string) => call<Whoami>('GET', '/api/whoami', authorization === undefined ? {} : { authorization }),
  overview: (range?: Range) => get<Overview>('/api/overview' + query(rangeQuery(range))),
  nodes: () => get<NodeInfo[]>('/api/nodes'),

  vhosts: () => get<Vhost[]>('/api/vhosts'),
  vhostsPage: (p: ListParams) => paged<Vhost>('/api/vhosts', p),
  vhost: (name: string, range?: Range) => get<Vhost>(path`/api/vhosts/${name}` + query(rangeQuery(range))),
  putVhost: (name: string, body: { description?: string; tags?: string; default_queue_type?: string }) => call<undefined>('PUT', path`/api/vhosts/${name}`, { body }),
  deleteVhost: (name: string) => call<undefined>('DELETE', path`/api/vhosts/${name}`),

  queues: (vhost: string, p: ListParams) => paged<Queue>(scoped('queues', vhost), p),
  queue: (vhost: string, name: string, range?: Range) => get<Queue>(path`/api/queues/${vhost}/${name}` + query(rangeQuery(range))),
  putQueue: (vhost: string, name: string, body: { durable: boolean; auto_delete: boolean; arguments: JsonObject }) =>
    call<undefined>('PUT', path`/api/queues/${vhost}/${name}`, { body }),
  deleteQueue: (vhost: string, name: string, opts: { ifEmpty?: boolean; ifUnused?: boolean } = {}) =>
    call<undefined>('DELETE', path`/api/queues/${vhost}/${name}` + query({ 'if-empty': opts.ifEmpty || undefined, 'if-unused': opts.ifUnused || undefined })),
  purgeQueue: (vhost: string, name: string) => call<undefined>('DELETE', path`/api/queues/${vhost}/${name}/contents`),
  queueBindings: (vhost: string, name: string) => get<Binding[]>(path`/api/queues/${vhost}/${name}/bindings`),
  getMessages: (vhost: string, name: string, body: { count: number; ackmode: string; encoding: string; truncate?: number }) =>
    call<GotMessage[]>('POST', path`/api/queues/${vhost}/${name}/get`, { body }),

  exchanges: (vhost: string, p: ListParams) => paged<Exchange>(scoped('exchanges', vhost), p),
  exchange: (vhost: string, name: string, range?: Range) => get<Exchange>(path`/api/exchanges/${vhost}/${exchangeSegment(name)}` + query(rangeQuery(range))),
  putExchange: (vhost: string, name: string, body: { type: string; durable: boolean; auto_delete: boolean; internal: boolean; arguments: JsonObject }) =>
    call<undefined>('PUT', path`/api/exchanges/${vhost}/${name}`, { body }),
  deleteExchange: (vhost: string, name: string, ifUnused = false) =>
    call<undefined>('DELETE', path`/api/exchanges/${vhost}/${name}` + query({ 'if-unused': ifUnused || undefined })),
  exchangeBindings: (vhost: string, name: string, side: 'source' | 'destination') =>
    get<Binding[]>(path`/api/exchanges/${vhost}/${exchangeSegment(name)}/bindings/` + side),
  publish: (vhost: string, exchange: string, body: PublishRequest) =>
    call<PublishResult>('POST', path`/api/exchanges/${vhost}/${exchangeSegment(exchange)}/publish`, { body }),

  addBinding: (vhost: string, source: string, destType: 'q' | 'e', destination: string, body: { routing_key: string; arguments: JsonObject }) =>
    call<undefined>('POST', path`/api/bindings/${vhost}/e/${source}/${destType}/${destination}`, { body }),
  deleteBinding: (b: Binding) =>
    call<undefined>('DELETE', path`/api/bindings/${b.vhost}/e/${b.source}/${b.destination_type === 'queue' ? 'q' : 'e'}/${b.destination}/${b.properties_key}`),

  connections: (vhost: string, p: ListParams) => paged<Connection>(vhost === '' ? '/api/connections' : path`/api/vhosts/${vhost}/connections`, p),
  connection: (name: string) => get<Connection>(path`/api/connections/${name}`),
  connectionChannels: (name: string) => get<Channel[]>(path`/api/connections/${name}/channels`),
  closeConnection: (name: string, reason: string) => call<undefined>('DELETE', path`/api/connections/${name}`, { headers: { 'x-reason': reason } }),
  channels: (vhost: string, p: ListParams) => paged<Channel>(vhost === '' ? '/api/channels' : path`/api/vhosts/${vhost}/channels`, p),

  /** The consumers (of a vhost), only their tags (`columns`): for counting. */
  consumers: (vhost: string) => get<{ consumer_tag: string }[]>(scoped('consumers', vhost) + '?columns=consumer_tag'),

  users: () => get<User[]>('/api/users'),
  usersPage: (p: ListParams) => paged<User>('/api/users', p),
  user: (name: string) => get<User>(path`/api/users/${name}`),
  putUser: (name: string, body: { password?: string; password_hash?: string; hashing_algorithm?: string; tags: string }) =>
    call<undefined>('PUT', path`/api/users/${name}`, { body }),
  deleteUser: (name: string) => call<undefined>('DELETE', path`/api/users/${name}`),

  permissions: () => get<Permission[]>('/api/permissions'),
  userPermissions: (user: string) => get<Permission[]>(path`/api/users/${user}/permissions`),
  vhostPermissions: (vhost: string) => get<Permission[]>(path`/api/vhosts/${vhost}/permissions`),
  putPermission: (vhost: string, user: string, body: { configure: string; write: string; read: string }) =>
    call<undefined>('PUT', path`/api/permissions/${vhost}/${user}`, { body }),
  deletePermission: (vhost: string, user: string) => call<undefined>('DELETE', path`/api/permissions/${vhost}/${user}`),
  userTopicPermissions: (user: string) => get<TopicPermission[]>(path`/api/users/${user}/topic-permissions`),
  vhostTopicPermissions: (vhost: string) => get<TopicPermission[]>(path`/api/vhosts/${vhost}/topic-permissions`),
  putTopicPermission: (vhost: string, user: string, body: { exchange: string; write: string; read: string }) =>
    call<undefined>('PUT', path`/api/topic-permissions/${vhost}/${user}`, { body }),
  /** Clears all the user's topic permissions in the vhost (3.10.8 has no per-exchange delete). */
  deleteTopicPermissions: (vhost: string, user: string) => call<undefined>('DELETE', path`/api/topic-permissions/${vhost}/${user}`),

  policies: (kind: PolicyKind, vhost: string, p: ListParams) => paged<Policy>(scoped(kind, vhost), p),
  putPolicy: (kind: PolicyKind, vhost: string, name: string, body: { pattern: string; definition: JsonObject; priority: number; 'apply-to': string }) =>
    call<undefined>('PUT', `/api/${kind}` + path`/${vhost}/${name}`, { body }),
  deletePolicy: (kind: PolicyKind, vhost: string, name: string) => call<undefined>('DELETE', `/api/${kind}` + path`/${vhost}/${name}`),

  vhostLimits: () => get<VhostLimits[]>('/api/vhost-limits'),
  putVhostLimit: (vhost: string, name: string, value: number) => call<undefined>('PUT', path`/api/vhost-limits/${vhost}/${name}`, { body: { value } }),
  deleteVhostLimit: (vhost: string, name: string) => call<undefined>('DELETE', path`/api/vhost-limits/${vhost}/${name}`),
  userLimits: () => get<UserLimits[]>('/api/user-limits'),
  putUserLimit: (user: string, name: string, value: number) => call<undefined>('PUT', path`/api/user-limits/${user}/${name}`, { body: { value } }),
  deleteUserLimit: (user: string, name: string) => call<undefined>('DELETE', path`/api/user-limits/${user}/${name}`),

  exportDefinitions: (vhost: string) => getText(scoped('definitions', vhost)),
  importDefinitions: (vhost: string, definitions: unknown) => call<undefined>('POST', scoped('definitions', vhost), { body: definitions }),
};

/** Policies or operator policies (the same shape and calls). */
export type PolicyKind = 'policies' | 'operator-policies';
