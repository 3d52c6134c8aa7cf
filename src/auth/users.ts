import { checkPassword, hashPassword } from './password.js';

/** configure/write/read regexes for one user in one vhost. */
export interface Permission {
  configure: string;
  write: string;
  read: string;
}

/** A broker user. */
export interface User {
  name: string;
  /** base64(salt ++ sha256(salt ++ password)); "" = password login disabled. */
  passwordHash: string;
  tags: string[];
  /** Permissions by vhost name. */
  permissions: Map<string, Permission>;
}

/** The users of the broker and their vhost permissions. */
export class UserStore {
  readonly users = new Map<string, User>();

  /** Adds or replaces a user with a plain-text password. */
  add(name: string, password: string, tags: string[] = []): User {
    const u: User = { name, passwordHash: hashPassword(password), tags, permissions: new Map() };
    this.users.set(name, u);
    return u;
  }

  /**
   * Creates the configured default user unless it exists (RabbitMQ: default_user gets the
   * administrator tag and full permissions in default_vhost).
   */
  ensureDefaultUser(name: string, password: string, vhost: string): void {
    if (this.users.has(name)) return;
    this.add(name, password, ['administrator']);
    this.setPermissions(name, vhost, { configure: '.*', write: '.*', read: '.*' });
  }

  /** Grants permissions in a vhost. */
  setPermissions(user: string, vhost: string, p: Permission): void {
    const u = this.users.get(user);
    if (u === undefined) throw new Error(`no user '${user}'`);
    u.permissions.set(vhost, p);
  }

  /** The user when name and password match, else null. */
  authenticate(name: string, password: string): User | null {
    const u = this.users.get(name);
    if (u === undefined || !checkPassword(password, u.passwordHash)) return null;
    return u;
  }

  /** True when the user has any permission entry in the vhost (RabbitMQ: connection.open check). */
  canAccessVhost(user: User, vhost: string): boolean {
    return user.permissions.has(vhost);
  }
}
