import type { FieldTable } from '../../amqp/codec/field-value.js';
import { RefCountedSet, type Router } from './router.js';

/** How many distinct routing keys the route cache remembers before evicting the oldest. */
export const TOPIC_CACHE_SIZE = 4096;

const NO_WORDS: readonly string[] = [];

/**
 * Splits a routing or binding key into words the way RabbitMQ does
 * (`rabbit_db_topic_exchange:split_topic_key_binary`): on every '.', keeping
 * empty words (`a..b` is a, "", b; `a.` is a, ""), except that the empty key is
 * zero words, so it matches `#` and the empty binding key but not `*`.
 */
export function splitTopicKey(key: string): readonly string[] {
  return key === '' ? NO_WORDS : key.split('.');
}

/** One trie node: the binding-key words seen so far. Literal words, `*` and `#` have their own edges. */
class TopicNode<D> {
  children: Map<string, TopicNode<D>> | null = null;
  star: TopicNode<D> | null = null;
  hash: TopicNode<D> | null = null;
  /** Destinations whose binding key ends here. */
  dests: RefCountedSet<D> | null = null;
  /** Unique per router, for the `#` memo. */
  constructor(readonly id: number) {}

  isEmpty(): boolean {
    const noChildren = this.children === null || this.children.size === 0;
    return noChildren && this.star === null && this.hash === null && this.dests === null;
  }
}

/**
 * Topic matching with a trie over binding-key words (as RabbitMQ's
 * rabbit_exchange_type_topic), not a regex per binding: `*` matches exactly one
 * word, `#` zero or more. Consecutive `#` words are stored as one (`#.#` is
 * `#`), and the walk remembers which (`#` node, word position) pairs it has
 * tried, so patterns like `#.a.#.a.#` cost O(nodes × words), not exponential.
 * A bounded cache maps a routing key to its destinations, so a repeated key
 * costs one Map lookup; any binding change clears it.
 */
export class TopicRouter<D> implements Router<D> {
  private nextId = 0;
  private readonly root = new TopicNode<D>(this.nextId++);
  private readonly cache = new Map<string, readonly D[]>();
  /** Normalized binding keys of each destination, for removeDestination. */
  private readonly keysOf = new Map<D, Set<string>>();
  /** Scratch state of one cache miss (route is synchronous, never re-entered). */
  private readonly found = new Set<D>();
  private readonly triedHash = new Set<number>();

  /** Adds a binding of dest with a binding key (pattern). */
  add(dest: D, bindingKey: string, _args: FieldTable | undefined): void {
    const words = normalize(bindingKey);
    let node = this.root;
    for (const w of words) node = this.child(node, w);
    if (node.dests === null) node.dests = new RefCountedSet<D>();
    node.dests.add(dest);
    const key = words.join('.');
    let keys = this.keysOf.get(dest);
    if (keys === undefined) {
      keys = new Set<string>();
      this.keysOf.set(dest, keys);
    }
    keys.add(key);
    this.cache.clear();
  }

  /** Removes one binding of dest with bindingKey. */
  remove(dest: D, bindingKey: string, _args: FieldTable | undefined): void {
    const words = normalize(bindingKey);
    if (this.unbind(words, dest, false)) {
      const keys = this.keysOf.get(dest);
      keys?.delete(words.join('.'));
      if (keys?.size === 0) this.keysOf.delete(dest);
    }
    this.cache.clear();
  }

  /** Adds the destinations whose binding key matches routingKey to out. */
  route(routingKey: string, _headers: FieldTable | undefined, out: Set<D>): void {
    let dests = this.cache.get(routingKey);
    if (dests === undefined) {
      dests = this.match(routingKey);
      if (this.cache.size >= TOPIC_CACHE_SIZE) {
        // Map iterates in insertion order: the first key is the oldest entry.
        for (const oldest of this.cache.keys()) {
          this.cache.delete(oldest);
          break;
        }
      }
      this.cache.set(routingKey, dests);
    }
    for (let i = 0; i < dests.length; i++) out.add(dests[i]);
  }

  /** Drops every binding to dest. */
  removeDestination(dest: D): void {
    const keys = this.keysOf.get(dest);
    if (keys === undefined) return;
    this.keysOf.delete(dest);
    for (const key of keys) this.unbind(splitTopicKey(key), dest, true);
    this.cache.clear();
  }

  /** Number of routing keys currently cached (for tests and stats). */
  get cachedKeys(): number {
    return this.cache.size;
  }

  private child(node: TopicNode<D>, word: string): TopicNode<D> {
    if (word === '#') return (node.hash ??= new TopicNode<D>(this.nextId++));
    if (word === '*') return (node.star ??= new TopicNode<D>(this.nextId++));
    node.children ??= new Map();
    let c = node.children.get(word);
    if (c === undefined) {
      c = new TopicNode<D>(this.nextId++);
      node.children.set(word, c);
    }
    return c;
  }

  /**
   * Drops one reference (or all, when `all`) of dest at the node for words and
   * prunes nodes left empty. True when dest no longer ends at that node.
   */
  private unbind(words: readonly string[], dest: D, all: boolean): boolean {
    const path: TopicNode<D>[] = [this.root];
    let node: TopicNode<D> | null = this.root;
    for (const w of words) {
      node = w === '#' ? node.hash : w === '*' ? node.star : (node.children?.get(w) ?? null);
      if (node === null) return false;
      path.push(node);
    }
    const dests = node.dests;
    if (dests === null) return false;
    const gone = all ? dests.delete(dest) : dests.release(dest);
    if (!gone) return false;
    if (dests.size === 0) node.dests = null;
    for (let i = path.length - 1; i > 0 && path[i].isEmpty(); i--) {
      const parent = path[i - 1];
      const w = words[i - 1];
      if (w === '#') parent.hash = null;
      else if (w === '*') parent.star = null;
      else parent.children?.delete(w);
    }
    return true;
  }

  private match(routingKey: string): readonly D[] {
    const words = splitTopicKey(routingKey);
    this.found.clear();
    this.triedHash.clear();
    this.walk(this.root, words, 0);
    return Array.from(this.found);
  }

  /** Matches the rest of the pattern below node against words[pos..]. */
  private walk(node: TopicNode<D>, words: readonly string[], pos: number): void {
    if (pos === words.length) {
      if (node.dests !== null) for (const d of node.dests.items) this.found.add(d);
    } else {
      const c = node.children?.get(words[pos]);
      if (c !== undefined) this.walk(c, words, pos + 1);
      if (node.star !== null) this.walk(node.star, words, pos + 1);
    }
    if (node.hash !== null) this.walkHash(node.hash, words, pos);
  }

  /**
   * `#` at node h, entered with words[..pos) consumed: it swallows 0, 1, 2, …
   * more words, and the rest of the pattern continues after each. Once (h, p)
   * has been tried, every later position was tried with it.
   */
  private walkHash(h: TopicNode<D>, words: readonly string[], pos: number): void {
    const stride = words.length + 1;
    for (let p = pos; p <= words.length; p++) {
      const key = h.id * stride + p;
      if (this.triedHash.has(key)) return;
      this.triedHash.add(key);
      this.walk(h, words, p);
    }
  }
}

/** Binding-key words with runs of `#` collapsed: `#.#` matches exactly what `#` matches. */
function normalize(bindingKey: string): readonly string[] {
  const words = splitTopicKey(bindingKey);
  if (!bindingKey.includes('#.#')) return words;
  return words.filter((w, i) => !(w === '#' && words[i - 1] === '#'));
}
