import type { FieldTable } from '../../amqp/codec/field-value.js';
import { fieldTableKey } from '../field-table-key.js';
import { ExchangeCounters } from '../../stats/counters.js';
import type { Policy } from '../policy.js';
import type { Queue } from '../queue/queue.js';
import type { Router } from './router.js';

/** Where a binding leads: a queue, or another exchange (exchange-to-exchange binding). */
export type Destination = Queue | Exchange;

/** One binding from an exchange to a destination. */
export interface Binding {
  readonly source: Exchange;
  readonly destination: Destination;
  readonly routingKey: string;
  readonly arguments: FieldTable;
}

/** Declared properties of an exchange. */
export interface ExchangeOptions {
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/** An exchange: its declaration, its bindings, and the router that matches messages against them. */
export class Exchange {
  readonly name: string;
  readonly vhost: string;
  readonly type: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: FieldTable;
  /** Bindings with this exchange as source, keyed by destination + routing key + arguments. */
  readonly bindings = new Map<string, Binding>();
  readonly router: Router<Destination>;
  /** message_stats counters (vhost.publish increments them). */
  readonly stats = new ExchangeCounters();
  /** The policy that applies to this exchange; set by the vhost, which keeps its routing counters in step. */
  policy: Policy | undefined = undefined;

  constructor(name: string, vhost: string, type: string, router: Router<Destination>, opts: ExchangeOptions) {
    this.name = name;
    this.vhost = vhost;
    this.type = type;
    this.router = router;
    this.durable = opts.durable;
    this.autoDelete = opts.autoDelete;
    this.internal = opts.internal;
    this.arguments = opts.arguments;
  }

  /**
   * The alternate exchange: the `alternate-exchange` argument, else the policy's
   * `alternate-exchange` (RabbitMQ rabbit_policy:get_arg: the argument wins).
   */
  get alternateExchange(): string | undefined {
    const ae = this.arguments['alternate-exchange'];
    if (typeof ae === 'string') return ae;
    if (Buffer.isBuffer(ae)) return ae.toString('utf8');
    const fromPolicy = this.policy?.definition['alternate-exchange'];
    return typeof fromPolicy === 'string' ? fromPolicy : undefined;
  }

  /** Adds a binding; false when an identical one already exists (binding is idempotent). */
  bind(destination: Destination, routingKey: string, args: FieldTable): boolean {
    const key = bindingKey(destination, routingKey, args);
    if (this.bindings.has(key)) return false;
    this.bindings.set(key, { source: this, destination, routingKey, arguments: args });
    this.router.add(destination, routingKey, args);
    return true;
  }

  /** Removes a binding; false when there was none. */
  unbind(destination: Destination, routingKey: string, args: FieldTable): boolean {
    const key = bindingKey(destination, routingKey, args);
    const b = this.bindings.get(key);
    if (b === undefined) return false;
    this.bindings.delete(key);
    this.router.remove(b.destination, b.routingKey, b.arguments);
    return true;
  }

  /** Removes every binding to destination; returns how many. */
  removeDestination(destination: Destination): number {
    let n = 0;
    for (const [key, b] of this.bindings) {
      if (b.destination === destination) {
        this.bindings.delete(key);
        n++;
      }
    }
    if (n > 0) this.router.removeDestination(destination);
    return n;
  }
}

/** True when d is an exchange (not a queue). */
export function isExchange(d: Destination): d is Exchange {
  return d instanceof Exchange;
}

function bindingKey(destination: Destination, routingKey: string, args: FieldTable): string {
  const kind = destination instanceof Exchange ? 'e' : 'q';
  return kind + destination.name + '\u0000' + routingKey + '\u0000' + fieldTableKey(args);
}
