/**
 * Users, permissions and topic permissions through the Store: recovered from the loaded
 * definitions before the AMQP listener opens, then written as UserStore reports changes.
 * Lives at the composition root because it joins auth/ (the user store) and broker/'s Store
 * interface, which neither layer may do for the other.
 */
import { isHashingAlgorithm } from './auth/password.js';
import type { User, UserStore } from './auth/users.js';
import type { Definitions, Store } from './broker/persistence.js';

/** What recovery logs: a record that cannot be restored is skipped, never fatal. */
export type RecoveryWarn = (what: Record<string, string>, err: unknown) => void;

/**
 * Restores users, permissions and topic permissions into `users` (no listener is told: call
 * before persistUsers). Returns true when the store had at least one user (not a first start).
 */
export function recoverUsers(users: UserStore, defs: Definitions, warn: RecoveryWarn): boolean {
  for (const u of defs.users) {
    const alg = u.hashingAlgorithm;
    if (!isHashingAlgorithm(alg)) {
      warn({ user: u.name }, new Error(`unknown hashing algorithm ${alg}`));
      continue;
    }
    users.users.set(u.name, { name: u.name, passwordHash: u.passwordHash, hashingAlgorithm: alg, tags: [...u.tags], limits: { ...u.limits } });
  }
  for (const p of defs.permissions) {
    try {
      users.access.setPermissions(p.user, p.vhost, p);
    } catch (err) {
      warn({ user: p.user, vhost: p.vhost }, err);
    }
  }
  for (const p of defs.topicPermissions) {
    try {
      users.access.setTopicPermission(p.user, p.vhost, p.exchange, p);
    } catch (err) {
      warn({ user: p.user, vhost: p.vhost, exchange: p.exchange }, err);
    }
  }
  return defs.users.length > 0;
}

/**
 * Writes every later change of `users` to the store. It remembers which permission and
 * topic permission records exist so that deleting a user (or a vhost) deletes them too.
 */
export function persistUsers(users: UserStore, store: Store): void {
  // user -> vhost -> exchanges with a stored topic permission
  const topics = new Map<string, Map<string, Set<string>>>();
  const perms = new Map<string, Set<string>>();
  const key = (m: Map<string, Set<string>>, user: string): Set<string> => {
    let s = m.get(user);
    if (s === undefined) m.set(user, (s = new Set()));
    return s;
  };
  for (const r of users.access.permissions()) key(perms, r.user).add(r.vhost);
  for (const r of users.access.topicPermissions()) {
    let byVhost = topics.get(r.user);
    if (byVhost === undefined) topics.set(r.user, (byVhost = new Map<string, Set<string>>()));
    let xs = byVhost.get(r.vhost);
    if (xs === undefined) byVhost.set(r.vhost, (xs = new Set()));
    xs.add(r.exchange);
  }
  const writeTopics = (user: string, vhost: string): void => {
    let byVhost = topics.get(user);
    const stored = byVhost?.get(vhost) ?? new Set<string>();
    const now = users.access.topicPermissions({ user, vhost });
    const keep = new Set(now.map((r) => r.exchange));
    for (const x of stored) if (!keep.has(x)) store.deleteTopicPermission(user, vhost, x);
    for (const r of now) store.putTopicPermission({ user, vhost, exchange: r.exchange, write: r.write, read: r.read });
    if (keep.size === 0) byVhost?.delete(vhost);
    else {
      if (byVhost === undefined) topics.set(user, (byVhost = new Map<string, Set<string>>()));
      byVhost.set(vhost, keep);
    }
  };
  users.onChange({
    userChanged: (u: User) => store.putUser({ name: u.name, passwordHash: u.passwordHash, hashingAlgorithm: u.hashingAlgorithm, tags: [...u.tags], limits: { ...u.limits } }),
    userDeleted: (name) => {
      store.deleteUser(name);
      for (const vhost of perms.get(name) ?? []) store.deletePermission(name, vhost);
      perms.delete(name);
      for (const [vhost, xs] of topics.get(name) ?? []) for (const x of xs) store.deleteTopicPermission(name, vhost, x);
      topics.delete(name);
    },
    permissionsChanged: (user, vhost) => {
      const p = users.access.find(user, vhost)?.patterns ?? null;
      if (p === null) {
        store.deletePermission(user, vhost);
        perms.get(user)?.delete(vhost);
      } else {
        store.putPermission({ user, vhost, configure: p.configure, write: p.write, read: p.read });
        key(perms, user).add(vhost);
      }
    },
    topicPermissionsChanged: writeTopics,
  });
}
