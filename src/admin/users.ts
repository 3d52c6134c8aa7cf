/**
 * Users as the management API, warrenctl and definitions import see them (rabbit_mgmt_wm_user,
 * rabbit_mgmt_wm_users, rabbit_mgmt_wm_whoami): administrator-only, RabbitMQ 3.10.8's
 * validation and error bodies. Passwords are hashed here and never logged or returned.
 */
import { DEFAULT_HASHING_ALGORITHM, hashPassword, isHashingAlgorithm, type HashingAlgorithm } from '../auth/password.js';
import { InvalidTagsError, parseTagsField } from '../auth/tags.js';
import type { AdminContext } from './admin-context.js';
import { requireAdministrator, type User } from './authorization.js';
import { badRequest, notFound } from './errors.js';

/** The body of PUT /api/users/{name} (JSON as received). */
export interface UserInput {
  password?: unknown;
  password_hash?: unknown;
  hashing_algorithm?: unknown;
  tags?: unknown;
}

/** Every user, by name (administrators only). */
export function listUsers(ctx: AdminContext, actor: User): User[] {
  requireAdministrator(actor);
  return [...ctx.users.users.values()].sort((a, b) => cmp(a.name, b.name));
}

/** One user (administrators only); 404 when missing. */
export function getUser(ctx: AdminContext, actor: User, name: string): User {
  requireAdministrator(actor);
  const u = ctx.users.get(name);
  if (u === undefined) throw notFound();
  return u;
}

/**
 * Creates or updates a user; true when it was created. As RabbitMQ 3.10.8: `tags` is mandatory
 * (400 `tags_not_present`); `password` is hashed with the default algorithm; `password_hash`
 * (strict base64, else 400 `["not_base64", hash]`) is stored with `hashing_algorithm` (default
 * sha256; Warren refuses a name it cannot check instead of storing it); with neither, a new user
 * gets the hash of "" (no login: blank passwords are refused) and an existing one loses its
 * password (`password_hash: ""`). An existing user is changed in place, so its connections see it.
 */
export function putUser(ctx: AdminContext, actor: User, name: string, input: UserInput): boolean {
  requireAdministrator(actor);
  if (input.tags === undefined) throw badRequest('tags_not_present');
  let tags: string[];
  try {
    tags = parseTagsField(input.tags);
  } catch (e) {
    if (e instanceof InvalidTagsError) throw badRequest('tags must be a comma-separated string or an array of strings');
    throw e;
  }
  const existing = ctx.users.get(name);
  let passwordHash: string;
  let hashingAlgorithm: HashingAlgorithm = DEFAULT_HASHING_ALGORITHM;
  if (input.password !== undefined) {
    if (typeof input.password !== 'string') throw badRequest('password must be a string');
    passwordHash = hashPassword(input.password);
  } else if (input.password_hash !== undefined) {
    if (typeof input.password_hash !== 'string') throw badRequest('password_hash must be a string');
    if (!isStrictBase64(input.password_hash)) throw badRequest(['not_base64', input.password_hash]);
    if (input.hashing_algorithm !== undefined) {
      if (!isHashingAlgorithm(input.hashing_algorithm)) throw badRequest(['unknown_hashing_algorithm', JSON.stringify(input.hashing_algorithm)]);
      hashingAlgorithm = input.hashing_algorithm;
    }
    passwordHash = input.password_hash;
  } else {
    passwordHash = existing === undefined ? hashPassword('') : '';
  }
  if (existing !== undefined) {
    ctx.users.update(name, { passwordHash, hashingAlgorithm, tags });
    return false;
  }
  ctx.users.put({ name, passwordHash, hashingAlgorithm, tags, limits: {} });
  return true;
}

/** Deletes a user with its permissions (administrators only); 404 when missing. */
export function deleteUser(ctx: AdminContext, actor: User, name: string): void {
  requireAdministrator(actor);
  if (!ctx.users.delete(name)) throw notFound();
}

/** Users without a permission entry in any vhost (GET /api/users/without-permissions; administrators only). */
export function listUsersWithoutPermissions(ctx: AdminContext, actor: User): User[] {
  const withPermissions = new Set(ctx.users.access.permissions().map((p) => p.user));
  return listUsers(ctx, actor).filter((u) => !withPermissions.has(u.name));
}

/** POST /api/users/bulk-delete: deletes the named users that exist (administrators only); 400 without a `users` list. */
export function bulkDeleteUsers(ctx: AdminContext, actor: User, body: Record<string, unknown>): void {
  requireAdministrator(actor);
  const names = body.users;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw badRequest('[{key_missing,users}]');
  for (const n of names) ctx.users.delete(n);
}

/** GET /api/auth/hash_password/{password} (RabbitMQ 3.11+): a hash of the password with the default algorithm, for `password_hash`. */
export function hashPasswordFor(password: string): { ok: string } {
  return { ok: hashPassword(password) };
}

/** GET /api/whoami: the acting user's name and tags (any management user). */
export function whoami(actor: User): { name: string; tags: string[] } {
  return { name: actor.name, tags: [...actor.tags] };
}

// rabbit_misc:b64decode_or_throw: Node's decoder skips bad characters, RabbitMQ refuses them.
function isStrictBase64(s: string): boolean {
  return s === '' || (s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
