import type { FieldTable } from '../../amqp/codec/field-value.js';

/** A matching engine for one exchange. D is the destination (a queue or exchange object), compared by identity. */
export interface Router<D> {
  /** Adds a binding. The caller guarantees (dest, routingKey, args) is not already bound. */
  add(dest: D, routingKey: string, args: FieldTable | undefined): void;
  /** Removes a binding previously added with the same values (args compared by the caller; pass the same object). */
  remove(dest: D, routingKey: string, args: FieldTable | undefined): void;
  /**
   * Adds every destination matching the message to out (a Set, so a dest matched by several bindings appears once).
   * headers = the message's headers property (may be undefined). Must not allocate per call on the common path.
   */
  route(routingKey: string, headers: FieldTable | undefined, out: Set<D>): void;
  /** Drops every binding to dest (queue deleted). */
  removeDestination(dest: D): void;
}

/**
 * A set that counts how many bindings put each member in it: one destination
 * may be bound several times with the same key (different arguments) and must
 * stay routable until the last of those bindings goes. Members are also kept
 * in an array so routing iterates without allocating an iterator.
 */
export class RefCountedSet<D> {
  private readonly counts = new Map<D, number>();
  /** The distinct members, in insertion order. Read-only for callers. */
  readonly items: D[] = [];

  /** Number of distinct members. */
  get size(): number {
    return this.items.length;
  }

  /** Adds one reference to d. */
  add(d: D): void {
    const n = this.counts.get(d);
    if (n === undefined) {
      this.counts.set(d, 1);
      this.items.push(d);
    } else {
      this.counts.set(d, n + 1);
    }
  }

  /** Drops one reference to d; true when that was its last one (d left the set). */
  release(d: D): boolean {
    const n = this.counts.get(d);
    if (n === undefined) return false;
    if (n > 1) {
      this.counts.set(d, n - 1);
      return false;
    }
    this.delete(d);
    return true;
  }

  /** Drops every reference to d; true when it was a member. */
  delete(d: D): boolean {
    if (!this.counts.delete(d)) return false;
    this.items.splice(this.items.indexOf(d), 1);
    return true;
  }

  /** Adds every member to out. */
  addTo(out: Set<D>): void {
    const items = this.items;
    for (let i = 0; i < items.length; i++) out.add(items[i]);
  }
}
