import {
  TopicPermissions,
  VhostPermissions,
  type PermissionKind,
  type PermissionPatterns,
  type TopicPermissionKind,
  type TopicPermissionPatterns,
} from './permissions.js';

/**
 * What one user may do in one vhost, as a connection sees it. A connection
 * takes this object at connection.open and keeps it: admin changes are made
 * in place on the same object and bump `generation`, so every channel's
 * PermissionCache notices on its next check without being told, and a
 * change applies to running connections at once.
 *
 * (RabbitMQ 3.10.8 is laxer: a channel keeps allowing what its cache holds
 * after the permission is revoked, and only new channels see the change.
 * The issue asks for the stricter behaviour.)
 */
export class VhostAccess {
  /** Bumped on every change to this user's permissions or topic permissions in this vhost, and on revocation. */
  generation = 0;
  private perms: VhostPermissions | null = null;
  /** Topic permissions by exchange (empty: no topic restrictions). */
  readonly topics: TopicPermissions;

  /** @param username the user, @param vhost the vhost (both also feed `{username}`/`{vhost}`) */
  constructor(
    readonly username: string,
    readonly vhost: string,
  ) {
    this.topics = new TopicPermissions({ username, vhost });
  }

  /**
   * True when the user has a permission entry here: what connection.open
   * asks (rabbit_auth_backend_internal:check_vhost_access). An entry with
   * three empty patterns still counts (observed on 3.10.8).
   */
  get hasEntry(): boolean {
    return this.perms !== null;
  }

  /** The stored patterns, or null without an entry. */
  get patterns(): Readonly<PermissionPatterns> | null {
    return this.perms?.patterns ?? null;
  }

  /** Sets (or, with null, clears) the entry; throws InvalidPatternError and keeps the old one on a bad pattern. */
  setPermissions(patterns: Readonly<PermissionPatterns> | null): void {
    this.perms = patterns === null ? null : new VhostPermissions(patterns);
    this.generation++;
  }

  /** Sets one topic exchange's patterns; throws InvalidPatternError on a bad pattern. */
  setTopicPermission(exchange: string, patterns: Readonly<TopicPermissionPatterns>): void {
    this.topics.set(exchange, patterns);
    this.generation++;
  }

  /** Clears one exchange's topic permission, or all of them; true when one existed. */
  clearTopicPermission(exchange?: string): boolean {
    const removed = this.topics.clear(exchange);
    if (removed) this.generation++;
    return removed;
  }

  /** Everything refused from now on (user or vhost deleted): live channels see it on their next check. */
  revoke(): void {
    this.perms = null;
    this.topics.clear();
    this.generation++;
  }

  /** True when `kind` on the resource is allowed; no entry allows nothing. */
  check(kind: PermissionKind, resource: string): boolean {
    return this.perms !== null && this.perms.check(kind, resource);
  }

  /** True when `kind` on the routing key via the topic exchange is allowed (call for topic exchanges only). */
  checkTopic(kind: TopicPermissionKind, exchange: string, routingKey: string): boolean {
    return this.topics.check(kind, exchange, routingKey);
  }

  /** True when neither an entry nor a topic permission is left (the table may drop it). */
  get isEmpty(): boolean {
    return this.perms === null && this.topics.size === 0;
  }
}

/** One permission row as rabbitmqctl list_permissions and the definitions file show it. */
export interface PermissionRow extends PermissionPatterns {
  user: string;
  vhost: string;
}

/** One topic permission row as list_topic_permissions and the definitions file show it. */
export interface TopicPermissionRow extends TopicPermissionPatterns {
  user: string;
  vhost: string;
  exchange: string;
}

/**
 * Every user's access in every vhost (user x vhost -> VhostAccess). Pure
 * bookkeeping: whether the user and the vhost exist is the admin service's
 * business (it has RabbitMQ's texts for those refusals). Objects handed out
 * by `access()` stay valid for the connection's lifetime: removal revokes
 * them instead of leaving a connection with stale rights.
 */
export class AccessTable {
  private readonly byUser = new Map<string, Map<string, VhostAccess>>();

  /** The user's access object in the vhost, created empty if needed (connection.open keeps it). */
  access(username: string, vhost: string): VhostAccess {
    let vhosts = this.byUser.get(username);
    if (vhosts === undefined) this.byUser.set(username, (vhosts = new Map<string, VhostAccess>()));
    let a = vhosts.get(vhost);
    if (a === undefined) vhosts.set(vhost, (a = new VhostAccess(username, vhost)));
    return a;
  }

  /** The access object if the user has anything in that vhost. */
  find(username: string, vhost: string): VhostAccess | undefined {
    return this.byUser.get(username)?.get(vhost);
  }

  /** True when connection.open to `vhost` is allowed for `username` (a permission entry exists). */
  canOpen(username: string, vhost: string): boolean {
    return this.find(username, vhost)?.hasEntry ?? false;
  }

  /** set_permissions; throws InvalidPatternError before changing anything. */
  setPermissions(username: string, vhost: string, patterns: Readonly<PermissionPatterns>): void {
    this.access(username, vhost).setPermissions(patterns);
  }

  /** clear_permissions; true when there was an entry. Topic permissions stay (as in RabbitMQ). */
  clearPermissions(username: string, vhost: string): boolean {
    const a = this.find(username, vhost);
    if (a === undefined || !a.hasEntry) return false;
    a.setPermissions(null);
    return true;
  }

  /** set_topic_permissions; throws InvalidPatternError before changing anything. */
  setTopicPermission(username: string, vhost: string, exchange: string, patterns: Readonly<TopicPermissionPatterns>): void {
    this.access(username, vhost).setTopicPermission(exchange, patterns);
  }

  /** clear_topic_permissions, for one exchange or all; true when something was removed. */
  clearTopicPermission(username: string, vhost: string, exchange?: string): boolean {
    return this.find(username, vhost)?.clearTopicPermission(exchange) ?? false;
  }

  /** delete_user: revokes the user's access everywhere (live connections lose it at once). */
  deleteUser(username: string): void {
    const vhosts = this.byUser.get(username);
    if (vhosts === undefined) return;
    for (const a of vhosts.values()) a.revoke();
    this.byUser.delete(username);
  }

  /** delete_vhost: revokes every user's access to it. */
  deleteVhost(vhost: string): void {
    for (const [user, vhosts] of this.byUser) {
      const a = vhosts.get(vhost);
      if (a === undefined) continue;
      a.revoke();
      vhosts.delete(vhost);
      if (vhosts.size === 0) this.byUser.delete(user);
    }
  }

  /** Permission rows, optionally for one user and/or one vhost, in insertion order. */
  permissions(filter: { user?: string; vhost?: string } = {}): PermissionRow[] {
    const rows: PermissionRow[] = [];
    for (const a of this.select(filter)) {
      const p = a.patterns;
      if (p !== null) rows.push({ user: a.username, vhost: a.vhost, ...p });
    }
    return rows;
  }

  /** Topic permission rows, optionally for one user and/or one vhost. */
  topicPermissions(filter: { user?: string; vhost?: string } = {}): TopicPermissionRow[] {
    const rows: TopicPermissionRow[] = [];
    for (const a of this.select(filter)) {
      for (const [exchange, p] of a.topics.entries()) rows.push({ user: a.username, vhost: a.vhost, exchange, ...p });
    }
    return rows;
  }

  private *select(filter: { user?: string; vhost?: string }): Generator<VhostAccess> {
    for (const [user, vhosts] of this.byUser) {
      if (filter.user !== undefined && filter.user !== user) continue;
      for (const [vhost, a] of vhosts) if (filter.vhost === undefined || filter.vhost === vhost) yield a;
    }
  }
}
