import { AccessTable } from './access-table.js';
import { checkPassword, DEFAULT_HASHING_ALGORITHM, hashPassword, type HashingAlgorithm } from './password.js';
import type { PermissionPatterns, TopicPermissionPatterns } from './permissions.js';

/** configure/write/read regexes for one user in one vhost. */
export type Permission = PermissionPatterns;

/** A user's limits (RabbitMQ's user limits); absent = no limit. */
export interface UserLimits {
  'max-connections'?: number;
  'max-channels'?: number;
}

/** A broker user. */
export interface User {
  readonly name: string;
  /** RabbitMQ's stored form: base64(salt ++ hash(salt ++ password)); "" = password login disabled. */
  passwordHash: string;
  hashingAlgorithm: HashingAlgorithm;
  tags: string[];
  limits: UserLimits;
}

/** What UserStore tells about changes (persistence, closing a deleted user's connections). */
export interface UserStoreListener {
  userChanged?(user: User): void;
  userDeleted?(name: string): void;
  permissionsChanged?(user: string, vhost: string): void;
  /** A user's topic permissions in a vhost changed (set, cleared, or dropped with the user or vhost). */
  topicPermissionsChanged?(user: string, vhost: string): void;
}

/**
 * The node's users, their tags and limits, and (in `access`) their permissions and topic
 * permissions per vhost. Permission changes apply in place to the VhostAccess objects that open
 * connections hold, so a channel's PermissionCache sees them at its next check.
 */
export class UserStore {
  readonly users = new Map<string, User>();
  /** Permissions and topic permissions by user and vhost. */
  readonly access = new AccessTable();
  private readonly listeners: UserStoreListener[] = [];

  /** Registers a listener for changes. */
  onChange(l: UserStoreListener): void {
    this.listeners.push(l);
  }

  /** The user, if any. */
  get(name: string): User | undefined {
    return this.users.get(name);
  }

  /** Adds or replaces a user with a plain-text password (hashed with the default algorithm). */
  add(name: string, password: string, tags: string[] = []): User {
    return this.put({ name, passwordHash: hashPassword(password), hashingAlgorithm: DEFAULT_HASHING_ALGORITHM, tags, limits: {} });
  }

  /** Adds or replaces a user as given (definitions import, recovery, a pre-hashed password). */
  put(user: User): User {
    this.users.set(user.name, user);
    for (const l of this.listeners) l.userChanged?.(user);
    return user;
  }

  /** Deletes a user and every permission it has; false when there was none. */
  delete(name: string): boolean {
    if (!this.users.delete(name)) return false;
    this.access.deleteUser(name);
    for (const l of this.listeners) l.userDeleted?.(name);
    return true;
  }

  /**
   * Creates the configured default user unless it exists (RabbitMQ: default_user gets
   * default_user_tags, administrator unless configured, and default_permissions, `.*` each,
   * in default_vhost). The caller decides when: on first start only.
   */
  ensureDefaultUser(name: string, password: string, vhost: string, tags: string[] = ['administrator'], permissions: Permission = { configure: '.*', write: '.*', read: '.*' }): void {
    if (this.users.has(name)) return;
    this.add(name, password, tags);
    this.setPermissions(name, vhost, permissions);
  }

  /** Changes a user in place (live connections hold the same object) and tells the listeners; false when there is no such user. */
  update(name: string, change: Partial<Omit<User, 'name'>>): boolean {
    const u = this.users.get(name);
    if (u === undefined) return false;
    if (change.passwordHash !== undefined) u.passwordHash = change.passwordHash;
    if (change.hashingAlgorithm !== undefined) u.hashingAlgorithm = change.hashingAlgorithm;
    if (change.tags !== undefined) u.tags = [...change.tags];
    if (change.limits !== undefined) u.limits = { ...change.limits };
    for (const l of this.listeners) l.userChanged?.(u);
    return true;
  }

  /** Sets a topic permission (patterns compiled, and checked, here). */
  setTopicPermission(user: string, vhost: string, exchange: string, p: TopicPermissionPatterns): void {
    if (!this.users.has(user)) throw new Error(`no user '${user}'`);
    this.access.setTopicPermission(user, vhost, exchange, p);
    for (const l of this.listeners) l.topicPermissionsChanged?.(user, vhost);
  }

  /** Clears a user's topic permission on one exchange, or all in the vhost; false when there was none. */
  clearTopicPermission(user: string, vhost: string, exchange?: string): boolean {
    const had = this.access.clearTopicPermission(user, vhost, exchange);
    if (had) for (const l of this.listeners) l.topicPermissionsChanged?.(user, vhost);
    return had;
  }

  /** delete_vhost: every user's permissions and topic permissions there are revoked and dropped. */
  deleteVhost(vhost: string): void {
    const affected = this.access.permissions({ vhost }).map((r) => r.user);
    const topics = new Set(this.access.topicPermissions({ vhost }).map((r) => r.user));
    this.access.deleteVhost(vhost);
    for (const user of affected) for (const l of this.listeners) l.permissionsChanged?.(user, vhost);
    for (const user of topics) for (const l of this.listeners) l.topicPermissionsChanged?.(user, vhost);
  }

  /** Grants permissions in a vhost (patterns are compiled, and checked, here). */
  setPermissions(user: string, vhost: string, p: Permission): void {
    if (!this.users.has(user)) throw new Error(`no user '${user}'`);
    this.access.setPermissions(user, vhost, p);
    for (const l of this.listeners) l.permissionsChanged?.(user, vhost);
  }

  /** Removes a user's permissions in a vhost; false when it had none. */
  clearPermissions(user: string, vhost: string): boolean {
    const had = this.access.clearPermissions(user, vhost);
    if (had) for (const l of this.listeners) l.permissionsChanged?.(user, vhost);
    return had;
  }

  /**
   * The user when name and password match, else null. RabbitMQ refuses a blank password before
   * looking at the hash (a user made with an empty password cannot log in with one).
   */
  authenticate(name: string, password: string): User | null {
    if (password === '') return null;
    const u = this.users.get(name);
    if (u === undefined || !checkPassword(password, u.passwordHash, u.hashingAlgorithm)) return null;
    return u;
  }

  /** True when the user has a permission entry in the vhost (RabbitMQ: the connection.open check). */
  canAccessVhost(user: User, vhost: string): boolean {
    return this.access.canOpen(user.name, vhost);
  }
}
