/**
 * Compiled permissions: RabbitMQ's configure/write/read regexes for one user
 * in one vhost, and its topic permissions (routing-key regexes per topic
 * exchange). Patterns are compiled once, when they are set, so a check is a
 * single RegExp.test (and the channel's PermissionCache avoids even that).
 *
 * Matching follows rabbit_auth_backend_internal: the pattern is unanchored
 * (re:run "matches anywhere": `foo` allows `xfoo-1`), and an empty pattern
 * is replaced by `^$`. Resource names are never empty (the default exchange
 * is checked as `amq.default`, a server-named queue by its generated name),
 * so for resources "" allows nothing; a routing key can be empty, and the
 * empty topic pattern allows exactly the empty key (observed on 3.10.8).
 *
 * Known dialect gap: RabbitMQ compiles PCRE over the UTF-8 bytes; here the
 * pattern is an ECMAScript RegExp over UTF-16 (no `u` flag, so PCRE's
 * literal escapes such as `\-` and `\_` keep working). The usual patterns
 * (`.*`, `^app-`, alternations, classes) behave the same. PCRE-only syntax
 * is refused when set rather than silently meaning something else: JS itself
 * rejects possessive quantifiers and inline `(?i)`, and PCRE escapes that JS
 * would read as a plain letter (`\A`, `\Z`, `\z`, `\G`, `\Q`...) are refused
 * here. Left as is: PCRE's `$` also matches before a final newline.
 */

/** The three permissions RabbitMQ checks on resources. */
export type PermissionKind = 'configure' | 'write' | 'read';

/** Topic permissions only have write (publish) and read (bind). */
export type TopicPermissionKind = 'write' | 'read';

/** The three patterns as they are stored, listed and exported. */
export interface PermissionPatterns {
  configure: string;
  write: string;
  read: string;
}

/** A topic permission's two routing-key patterns as stored and exported. */
export interface TopicPermissionPatterns {
  write: string;
  read: string;
}

/** The values `{username}` and `{vhost}` expand to in topic patterns. */
export interface TopicVariables {
  username: string;
  vhost: string;
}

/**
 * A pattern the regex engine refuses. RabbitMQ refuses it when it is set
 * (set_permissions / set_topic_permissions run re:compile first) with
 * `{invalid_regexp, Pattern, Reason}`; admin code turns this into that
 * reply, so nothing invalid is ever stored.
 */
export class InvalidPatternError extends Error {
  /** @param pattern the refused pattern, @param reason the engine's message */
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`regular expression '${pattern}' is invalid: ${reason}`);
    this.name = 'InvalidPatternError';
  }
}

/**
 * Compiles one permission pattern: "" becomes `^$` (RabbitMQ's rule), any
 * other string is an unanchored RegExp without flags. Throws
 * InvalidPatternError for a pattern the engine refuses.
 */
export function compilePattern(pattern: string): RegExp {
  const pcre = pcreOnlyEscape(pattern);
  if (pcre !== undefined) throw new InvalidPatternError(pattern, `PCRE escape \\${pcre} is not supported`);
  try {
    // No 'g'/'y' flag: test() must not carry lastIndex between calls.
    return new RegExp(pattern === '' ? '^$' : pattern);
  } catch (e) {
    throw new InvalidPatternError(pattern, (e as Error).message);
  }
}

// PCRE escapes with no ECMAScript meaning: without the `u` flag JS would match the bare letter.
const PCRE_ONLY_ESCAPES = new Set(['A', 'Z', 'z', 'G', 'Q', 'E', 'K', 'R', 'h', 'H', 'X', 'C', 'N', 'V']);

/** The letter of the first PCRE-only escape in the pattern (an escaped backslash is skipped), if any. */
function pcreOnlyEscape(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length - 1; i++) {
    if (pattern[i] !== '\\') continue;
    const c = pattern[i + 1];
    if (PCRE_ONLY_ESCAPES.has(c)) return c;
    i++; // the escaped character, so `\\A` is a backslash then a literal A
  }
  return undefined;
}

/** Throws InvalidPatternError for the first pattern of the set that does not compile. */
export function validatePatterns(patterns: Readonly<PermissionPatterns> | Readonly<TopicPermissionPatterns>): void {
  for (const p of Object.values(patterns)) compilePattern(p);
}

/** One user's configure/write/read permissions in one vhost, compiled. */
export class VhostPermissions {
  /** The patterns as given (for listing and export). */
  readonly patterns: Readonly<PermissionPatterns>;
  private readonly configure: RegExp;
  private readonly write: RegExp;
  private readonly read: RegExp;

  /** Compiles the three patterns; throws InvalidPatternError (before keeping anything) if one is bad. */
  constructor(patterns: Readonly<PermissionPatterns>) {
    this.configure = compilePattern(patterns.configure);
    this.write = compilePattern(patterns.write);
    this.read = compilePattern(patterns.read);
    this.patterns = Object.freeze({ configure: patterns.configure, write: patterns.write, read: patterns.read });
  }

  /** True when `kind` access to the resource named `resource` is allowed. */
  check(kind: PermissionKind, resource: string): boolean {
    const re = kind === 'write' ? this.write : kind === 'read' ? this.read : this.configure;
    return re.test(resource);
  }
}

/**
 * Expands `{username}` and `{vhost}` the way RabbitMQ does
 * (expand_topic_permission/2: binary:replace of each placeholder, global):
 * the values go in verbatim, NOT regex-escaped, so a user `t.u` with
 * `^{username}$` also matches the routing key `tXu` (observed on 3.10.8).
 * `{username}` is replaced before `{vhost}` (maps:fold order).
 */
export function expandTopicPattern(pattern: string, vars: Readonly<TopicVariables>): string {
  return pattern.replaceAll('{username}', vars.username).replaceAll('{vhost}', vars.vhost);
}

interface CompiledTopic {
  patterns: Readonly<TopicPermissionPatterns>;
  /** null: the expansion is not a valid regex (see TopicPermissions.set). */
  write: RegExp | null;
  read: RegExp | null;
}

function compileExpanded(pattern: string, vars: TopicVariables): RegExp | null {
  try {
    return compilePattern(expandTopicPattern(pattern, vars));
  } catch {
    return null;
  }
}

/**
 * One user's topic permissions in one vhost, by exchange name. Only topic
 * exchanges are checked, and the caller decides that: RabbitMQ ignores a
 * topic permission set on an exchange of any other type. An exchange with
 * no entry allows every routing key. Because the user and vhost are fixed,
 * the `{username}`/`{vhost}` expansion is done once, when an entry is set.
 */
export class TopicPermissions {
  private readonly byExchange = new Map<string, CompiledTopic>();

  /** @param vars the user and vhost these permissions belong to (for the expansion) */
  constructor(readonly vars: Readonly<TopicVariables>) {}

  /**
   * Sets the patterns for one exchange. The raw patterns are validated as
   * RabbitMQ validates them (InvalidPatternError). If the expansion makes a
   * pattern invalid (a user named `p(x`), RabbitMQ fails at check time with
   * 541 INTERNAL_ERROR and closes the connection; here that pattern matches
   * nothing, so the check gives the ordinary 403 on that channel.
   */
  set(exchange: string, patterns: Readonly<TopicPermissionPatterns>): void {
    validatePatterns(patterns);
    const frozen = Object.freeze({ write: patterns.write, read: patterns.read });
    this.byExchange.set(exchange, {
      patterns: frozen,
      write: compileExpanded(patterns.write, this.vars),
      read: compileExpanded(patterns.read, this.vars),
    });
  }

  /** Removes one exchange's entry, or all of them; true when something was removed. */
  clear(exchange?: string): boolean {
    if (exchange !== undefined) return this.byExchange.delete(exchange);
    const had = this.byExchange.size > 0;
    this.byExchange.clear();
    return had;
  }

  /** True when the exchange has an entry (without one, every routing key is allowed). */
  has(exchange: string): boolean {
    return this.byExchange.has(exchange);
  }

  /** The stored patterns of one exchange, as given. */
  get(exchange: string): Readonly<TopicPermissionPatterns> | undefined {
    return this.byExchange.get(exchange)?.patterns;
  }

  /** Every entry as [exchange, patterns], for listing and export. */
  entries(): Array<[string, Readonly<TopicPermissionPatterns>]> {
    return [...this.byExchange].map(([x, t]) => [x, t.patterns]);
  }

  /** Number of exchanges with an entry. */
  get size(): number {
    return this.byExchange.size;
  }

  /** True when `kind` on `routingKey` through the topic exchange `exchange` is allowed. */
  check(kind: TopicPermissionKind, exchange: string, routingKey: string): boolean {
    const t = this.byExchange.get(exchange);
    if (t === undefined) return true;
    const re = kind === 'write' ? t.write : t.read;
    return re !== null && re.test(routingKey);
  }
}
