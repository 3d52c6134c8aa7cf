import type { FieldTable } from '../../amqp/codec/field-value.js';
import { RefCountedSet, type Router } from './router.js';

/**
 * Direct matching: a message goes to the destinations bound with exactly its
 * routing key (byte-for-byte, case-sensitive; AMQP 0-9-1 §3.1.3.1). Binding
 * arguments do not take part in matching, but a destination bound with the same
 * key and different arguments holds two bindings, so references are counted.
 */
export class DirectRouter<D> implements Router<D> {
  private readonly byKey = new Map<string, RefCountedSet<D>>();
  /** The keys each destination is bound with, so removeDestination doesn't scan every key. */
  private readonly keysOf = new Map<D, Set<string>>();

  /** Adds a binding of dest with routingKey. */
  add(dest: D, routingKey: string, _args: FieldTable | undefined): void {
    let set = this.byKey.get(routingKey);
    if (set === undefined) {
      set = new RefCountedSet<D>();
      this.byKey.set(routingKey, set);
    }
    set.add(dest);
    let keys = this.keysOf.get(dest);
    if (keys === undefined) {
      keys = new Set<string>();
      this.keysOf.set(dest, keys);
    }
    keys.add(routingKey);
  }

  /** Removes one binding of dest with routingKey. */
  remove(dest: D, routingKey: string, _args: FieldTable | undefined): void {
    const set = this.byKey.get(routingKey);
    if (set === undefined || !set.release(dest)) return;
    if (set.size === 0) this.byKey.delete(routingKey);
    this.forgetKey(dest, routingKey);
  }

  /** Adds the destinations bound with exactly routingKey to out. */
  route(routingKey: string, _headers: FieldTable | undefined, out: Set<D>): void {
    const set = this.byKey.get(routingKey);
    if (set !== undefined) set.addTo(out);
  }

  /** Drops every binding to dest. */
  removeDestination(dest: D): void {
    const keys = this.keysOf.get(dest);
    if (keys === undefined) return;
    this.keysOf.delete(dest);
    for (const key of keys) {
      const set = this.byKey.get(key);
      if (set === undefined) continue;
      set.delete(dest);
      if (set.size === 0) this.byKey.delete(key);
    }
  }

  private forgetKey(dest: D, routingKey: string): void {
    const keys = this.keysOf.get(dest);
    if (keys === undefined) return;
    keys.delete(routingKey);
    if (keys.size === 0) this.keysOf.delete(dest);
  }
}
