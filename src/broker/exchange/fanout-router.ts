import type { FieldTable } from '../../amqp/codec/field-value.js';
import { RefCountedSet, type Router } from './router.js';

/**
 * Fanout matching: every bound destination gets every message; routing key and
 * arguments are ignored (AMQP 0-9-1 §3.1.3.2). A destination bound twice (say
 * with two routing keys) stays until both bindings are gone.
 */
export class FanoutRouter<D> implements Router<D> {
  private readonly dests = new RefCountedSet<D>();

  /** Adds a binding; its key and arguments do not matter for fanout. */
  add(dest: D, _routingKey: string, _args: FieldTable | undefined): void {
    this.dests.add(dest);
  }

  /** Removes one binding to dest. */
  remove(dest: D, _routingKey: string, _args: FieldTable | undefined): void {
    this.dests.release(dest);
  }

  /** Adds every bound destination to out. */
  route(_routingKey: string, _headers: FieldTable | undefined, out: Set<D>): void {
    this.dests.addTo(out);
  }

  /** Drops every binding to dest. */
  removeDestination(dest: D): void {
    this.dests.delete(dest);
  }
}
