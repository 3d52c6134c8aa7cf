/**
 * User tags and the management access rules built on them
 * (rabbit_mgmt_util:is_admin/is_monitor/is_policymaker/is_mgmt_user).
 * Tags are free strings: the five below mean something to the broker, any
 * other is kept exactly as given and listed and exported back unchanged.
 * Parsing follows what RabbitMQ 3.10.8 does with each input form (observed),
 * including keeping duplicates, so a definitions round trip is lossless.
 */

/** The tags RabbitMQ gives a meaning to. */
export const KNOWN_TAGS = ['administrator', 'monitoring', 'policymaker', 'management', 'impersonator'] as const;

/** One of the tags with a built-in meaning. */
export type KnownTag = (typeof KNOWN_TAGS)[number];

/** True when the tag is one of the five with a built-in meaning. */
export function isKnownTag(tag: string): tag is KnownTag {
  return (KNOWN_TAGS as readonly string[]).includes(tag);
}

/**
 * `rabbitmqctl set_user_tags <user> [<tag> ...]`: each argument is one tag,
 * verbatim (3.10.8: `'a,b' ' c ' a a` gives `[a,b,  c , a, a]`: no
 * splitting, trimming or de-duplication); no arguments clears the tags.
 */
export function parseTagArgs(args: readonly string[]): string[] {
  return [...args];
}

/** The body field was neither a string nor an array of strings. */
export class InvalidTagsError extends Error {
  /** @param value the rejected `tags` value */
  constructor(readonly value: unknown) {
    super('tags must be a comma-separated string or an array of strings');
    this.name = 'InvalidTagsError';
  }
}

/**
 * The `tags` field of PUT /api/users/{name} and of a definitions file's
 * users (rabbit_auth_backend_internal:tag_list_from/1):
 * - a string is split on commas, each part trimmed of spaces, empty parts
 *   dropped (`" a, b ,,a"` -> `["a","b","a"]`);
 * - an array (3.10+ exports, 3.13 accepts both) has each item trimmed and
 *   kept, even "" (`[" x ","y",""]` -> `["x","y",""]`).
 * A missing field is the caller's 400 `tags_not_present` (RabbitMQ's text);
 * anything else throws InvalidTagsError.
 */
export function parseTagsField(value: unknown): string[] {
  if (typeof value === 'string') return value.split(',').map(trimSpaces).filter((t) => t !== '');
  if (Array.isArray(value) && value.every((t) => typeof t === 'string')) return value.map(trimSpaces);
  throw new InvalidTagsError(value);
}

// Erlang's string:strip/1 removes spaces only (not tabs or newlines), on both sides.
function trimSpaces(s: string): string {
  return s.replace(/^ +| +$/g, '');
}

/** `list_users` prints tags as an Erlang-ish list: `[administrator, monitoring]`, `[]` when none. */
export function formatTagList(tags: readonly string[]): string {
  return `[${tags.join(', ')}]`;
}

/** Tags as the HTTP API and 3.13 definitions carry them when a string is wanted: `"a,b"`. */
export function formatTagString(tags: readonly string[]): string {
  return tags.join(',');
}

/** Full management rights: every vhost, user and definition (rabbit_mgmt_util:is_admin). */
export function isAdministrator(tags: readonly string[]): boolean {
  return tags.includes('administrator');
}

/** Sees every vhost, connection and channel, and node stats (is_monitor: administrator or monitoring). */
export function isMonitor(tags: readonly string[]): boolean {
  return tags.includes('administrator') || tags.includes('monitoring');
}

/** May manage policies and parameters in the vhosts it can reach (is_policymaker: administrator or policymaker). */
export function isPolicymaker(tags: readonly string[]): boolean {
  return tags.includes('administrator') || tags.includes('policymaker');
}

/**
 * May log into the management API at all (is_mgmt_user: any of
 * administrator, monitoring, policymaker, management). `impersonator` and
 * unknown tags do not count; a user with none of the four gets 401.
 */
export function canAccessManagement(tags: readonly string[]): boolean {
  return isMonitor(tags) || tags.includes('policymaker') || tags.includes('management');
}

/**
 * May publish with a `user-id` property other than its own name.
 * Only the `impersonator` tag grants this: administrator is not enough
 * (observed on 3.10.8: 406 for an administrator).
 */
export function isImpersonator(tags: readonly string[]): boolean {
  return tags.includes('impersonator');
}

/** The strongest management level the tags give, for display and for admin/authz decisions. */
export type ManagementLevel = 'administrator' | 'monitoring' | 'policymaker' | 'management' | 'none';

/**
 * The strongest management level of a tag set. monitoring and policymaker
 * are not ordered against each other in RabbitMQ (each adds its own
 * rights); a user with both is reported as monitoring, and callers that
 * need policymaker rights must ask isPolicymaker, not compare levels.
 */
export function managementLevel(tags: readonly string[]): ManagementLevel {
  if (isAdministrator(tags)) return 'administrator';
  if (tags.includes('monitoring')) return 'monitoring';
  if (tags.includes('policymaker')) return 'policymaker';
  if (tags.includes('management')) return 'management';
  return 'none';
}
