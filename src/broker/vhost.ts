import { randomBytes } from 'node:crypto';
import { ChannelError, ConnectionError } from '../amqp/errors.js';
import type { FieldTable } from './field-table-types.js';
import { checkExchangeEquivalence, checkQueueEquivalence, validateExchangeArguments, validateQueueArguments } from './arguments.js';
import { Exchange, isExchange, type Destination } from './exchange/exchange.js';
import { createRouter, isKnownExchangeType } from './exchange/exchange-types.js';
import { validateHeadersBinding } from './exchange/headers-router.js';
import type { Message } from './message.js';
import { effectivePolicy, type Policy } from './policy.js';
import { Queue } from './queue/queue.js';
import type { Consumer } from './consumer.js';
import { DeadLetterPublisher, type MessageRewriter } from './dead-letter.js';

/** exchange.declare arguments as the domain sees them. */
export interface ExchangeDeclare {
  passive: boolean;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/** queue.declare arguments as the domain sees them. */
export interface QueueDeclare {
  passive: boolean;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
}

/** Hooks a vhost calls when durable definitions change (the store listens). */
export interface DefinitionListener {
  exchangeAdded?(x: Exchange): void;
  exchangeDeleted?(x: Exchange): void;
  queueAdded?(q: Queue): void;
  /** A non-durable (or exclusive) queue was declared: the message store may page its backlog under memory pressure. */
  transientQueueAdded?(q: Queue): void;
  queueDeleted?(q: Queue): void;
  bindingAdded?(source: Exchange, destination: Destination, routingKey: string, args: FieldTable): void;
  bindingDeleted?(source: Exchange, destination: Destination, routingKey: string, args: FieldTable): void;
  policySet?(p: Policy): void;
  policyCleared?(name: string): void;
}

const STANDARD_EXCHANGES: [string, string][] = [
  ['amq.direct', 'direct'],
  ['amq.fanout', 'fanout'],
  ['amq.topic', 'topic'],
  ['amq.headers', 'headers'],
  ['amq.match', 'headers'],
];

/**
 * A virtual host: its exchanges, queues and bindings, and the routing of
 * published messages. Throws typed AMQP errors with RabbitMQ's texts.
 */
export class Vhost {
  readonly name: string;
  readonly exchanges = new Map<string, Exchange>();
  readonly queues = new Map<string, Queue>();
  /** Policies by name. */
  readonly policies = new Map<string, Policy>();
  /** The default exchange (""): routes by queue name. */
  readonly defaultExchange: Exchange;
  /** Receives unexpected errors from deferred work (the broker logs them). */
  onError: (err: unknown) => void = () => {};
  /** Receives durable definition changes (the broker points it at the store). */
  listener: DefinitionListener = {};

  /** Republishes dead-lettered messages of this vhost's queues. */
  readonly deadLetters: DeadLetterPublisher;
  /** Direct reply-to (set by the AMQP server): delivers a default-exchange message addressed to a reply consumer. */
  directReply: ((message: Message) => boolean) | null = null;
  /** Set by publish() when a queue it enqueued to is congested; the server pauses that publisher. */
  congestedQueue: Queue | null = null;
  /** Set by publish() when a queue refused the message (x-overflow reject-publish): the publisher gets a nack. The caller resets it. */
  publishRefused = false;
  /** Number of exchange-to-exchange bindings and alternate exchanges: when 0, routing takes the fast path. */
  private indirections = 0;
  private readonly scratch = new Set<Destination>();
  private readonly scratchQueues = new Set<Queue>();
  private readonly visited = new Set<Exchange>();
  /** The policy object last applied to each queue, so re-application only touches queues whose policy changed. */
  private readonly queuePolicies = new WeakMap<Queue, Policy>();

  /** rewriter: the property codec dead-lettering re-encodes with (null: dead-lettered messages are dropped). */
  constructor(name: string, rewriter: MessageRewriter | null = null) {
    this.name = name;
    this.deadLetters = new DeadLetterPublisher(this, rewriter);
    const opts = { durable: true, autoDelete: false, internal: false, arguments: {} };
    this.defaultExchange = new Exchange('', name, 'direct', createRouter('direct'), opts);
    this.exchanges.set('', this.defaultExchange);
    for (const [n, t] of STANDARD_EXCHANGES) this.exchanges.set(n, new Exchange(n, name, t, createRouter(t), opts));
  }

  // ---- exchanges ---------------------------------------------------------------------------

  /** exchange.declare. */
  declareExchange(name: string, type: string, d: ExchangeDeclare): Exchange {
    if (!d.passive && !isKnownExchangeType(type)) {
      // RabbitMQ 3.x checks the type first (rabbit_exchange:check_type), even for an existing exchange.
      // RabbitMQ 3.10: plugin-style names (x-...) are "unknown", anything else "invalid".
      throw new ConnectionError(503, `${type.startsWith('x-') ? 'unknown' : 'invalid'} exchange type '${type}'`);
    }
    if (name === '') throw new ChannelError(403, 'operation not permitted on the default exchange');
    const existing = this.exchanges.get(name);
    if (d.passive) {
      if (existing === undefined) throw this.noExchange(name);
      return existing;
    }
    if (existing !== undefined) {
      checkExchangeEquivalence(existing, { name, vhost: this.name, type, ...d });
      return existing;
    }
    if (name.startsWith('amq.')) {
      throw new ChannelError(403, `exchange name '${name}' contains reserved prefix 'amq.*'`);
    }
    validateExchangeArguments(name, this.name, d.arguments);
    const x = new Exchange(name, this.name, type, createRouter(type), d);
    x.policy = effectivePolicy(this.policies.values(), 'exchange', name);
    this.exchanges.set(name, x);
    if (x.alternateExchange !== undefined) this.indirections++;
    if (x.durable) this.listener.exchangeAdded?.(x);
    return x;
  }

  /** Looks up an exchange or throws 404. */
  getExchange(name: string): Exchange {
    const x = this.exchanges.get(name);
    if (x === undefined) throw this.noExchange(name);
    return x;
  }

  /** exchange.delete; deleting a missing exchange succeeds (RabbitMQ: idempotent). */
  deleteExchange(name: string, ifUnused: boolean): void {
    if (name === '') throw new ChannelError(403, 'operation not permitted on the default exchange');
    if (name.startsWith('amq.') && STANDARD_EXCHANGES.some(([n]) => n === name)) {
      throw new ChannelError(403, `deletion of system exchange '${name}' in vhost '${this.name}' not allowed`);
    }
    const x = this.exchanges.get(name);
    if (x === undefined) return;
    // RabbitMQ: if-unused looks at bindings with this exchange as source only.
    if (ifUnused && x.bindings.size > 0) {
      throw new ChannelError(406, `exchange '${name}' in vhost '${this.name}' in use`);
    }
    this.removeExchange(x);
  }

  /** exchange.bind: destination <- source. */
  bindExchange(destination: string, source: string, routingKey: string, args: FieldTable): void {
    this.checkNotDefault(destination);
    this.checkNotDefault(source);
    const dst = this.getExchange(destination);
    const src = this.getExchange(source);
    if (src.type === 'headers') validateHeadersBinding(args);
    if (src.bind(dst, routingKey, args)) {
      this.indirections++;
      if (src.durable && dst.durable) this.listener.bindingAdded?.(src, dst, routingKey, args);
    }
  }

  /** exchange.unbind. */
  unbindExchange(destination: string, source: string, routingKey: string, args: FieldTable): void {
    this.checkNotDefault(destination);
    this.checkNotDefault(source);
    const dst = this.getExchange(destination);
    const src = this.getExchange(source);
    if (src.unbind(dst, routingKey, args)) {
      this.indirections--;
      if (src.durable && dst.durable) this.listener.bindingDeleted?.(src, dst, routingKey, args);
      this.maybeAutoDeleteExchange(src);
    }
  }

  // ---- queues ------------------------------------------------------------------------------

  /** queue.declare; name "" makes a server-named queue. owner is the declaring connection. */
  declareQueue(name: string, d: QueueDeclare, owner: object): Queue {
    if (name === '') {
      if (d.passive) throw this.noQueue(name);
      name = generateQueueName();
    } else if (!d.passive && name.startsWith('amq.')) {
      // RabbitMQ checks the name before the lookup, so even an existing amq.gen-* queue can't be redeclared actively.
      throw new ChannelError(403, `queue name '${name}' contains reserved prefix 'amq.*'`);
    }
    // RabbitMQ: an exclusive queue is never durable.
    const durable = d.durable && !d.exclusive;
    const existing = this.queues.get(name);
    if (existing !== undefined) {
      // errata: exclusivity is checked before equivalence.
      const ownerMatches = existing.exclusiveOwner === owner;
      if (d.passive) {
        if (existing.isExclusive && !ownerMatches) throw this.locked(name);
        // Observed on RabbitMQ 3.10.8: a passive declare renews x-expires too.
        existing.touch();
        return existing;
      }
      if (existing.isExclusive ? !ownerMatches || !d.exclusive : d.exclusive) throw this.locked(name);
      checkQueueEquivalence(existing, { durable, exclusive: d.exclusive, autoDelete: d.autoDelete, arguments: d.arguments });
      existing.touch();
      return existing;
    }
    if (d.passive) throw this.noQueue(name);
    validateQueueArguments(name, this.name, d.arguments);
    const q = new Queue(name, this.name, {
      durable,
      autoDelete: d.autoDelete,
      exclusiveOwner: d.exclusive ? owner : null,
      arguments: d.arguments,
    });
    q.onError = (e) => this.onError(e);
    // x-expires deletes the queue (not dead-lettered).
    q.onExpire = (expired) => this.removeQueue(expired);
    q.deadLetterer = this.deadLetters;
    this.applyQueuePolicy(q);
    this.queues.set(name, q);
    // Every queue is bound to the default exchange by its name (routing looks it up directly).
    if (q.durable && !q.isExclusive) this.listener.queueAdded?.(q);
    else this.listener.transientQueueAdded?.(q);
    return q;
  }

  /**
   * Looks up a queue for an operation by owner's connection: 404 when missing,
   * 405 when another connection holds it exclusively (errata §7).
   */
  getQueue(name: string, owner: object | null): Queue {
    const q = this.queues.get(name);
    if (q === undefined) throw this.noQueue(name);
    if (q.isExclusive && owner !== null && q.exclusiveOwner !== owner) throw this.locked(name);
    return q;
  }

  /** queue.bind. */
  bindQueue(queue: string, exchange: string, routingKey: string, args: FieldTable, owner: object): void {
    this.checkNotDefault(exchange);
    // RabbitMQ reports the missing exchange first when both are missing.
    const x = this.getExchange(exchange);
    const q = this.getQueue(queue, owner);
    if (x.type === 'headers') validateHeadersBinding(args);
    if (x.bind(q, routingKey, args) && x.durable && q.durable && !q.isExclusive) {
      this.listener.bindingAdded?.(x, q, routingKey, args);
    }
  }

  /** queue.unbind; RabbitMQ 3.10 lets a missing queue, exchange or binding (and another connection's exclusive queue) pass. */
  unbindQueue(queue: string, exchange: string, routingKey: string, args: FieldTable): void {
    this.checkNotDefault(exchange);
    const q = this.queues.get(queue);
    const x = this.exchanges.get(exchange);
    if (q === undefined || x === undefined) return;
    if (x.unbind(q, routingKey, args)) {
      if (x.durable && q.durable && !q.isExclusive) this.listener.bindingDeleted?.(x, q, routingKey, args);
      this.maybeAutoDeleteExchange(x);
    }
  }

  /** queue.purge; returns the number of messages removed. */
  purgeQueue(name: string, owner: object): number {
    return this.getQueue(name, owner).purge();
  }

  /** queue.delete; returns the message count; a missing queue succeeds with 0. */
  deleteQueue(name: string, ifUnused: boolean, ifEmpty: boolean, owner: object): number {
    const q = this.queues.get(name);
    if (q === undefined) return 0;
    if (q.isExclusive && q.exclusiveOwner !== owner) throw this.locked(name);
    if (ifUnused && q.consumerCount > 0) throw new ChannelError(406, `queue '${name}' in vhost '${this.name}' in use`);
    if (ifEmpty && q.messageCount > 0) throw new ChannelError(406, `queue '${name}' in vhost '${this.name}' not empty`);
    const n = q.messageCount;
    this.removeQueue(q);
    return n;
  }

  /** Deletes a queue and its bindings, cancelling its consumers (basic.cancel to clients that support it). */
  removeQueue(q: Queue): void {
    if (q.deleted || this.queues.get(q.name) !== q) return;
    this.queues.delete(q.name);
    const consumers = q.markDeleted();
    for (const x of this.exchanges.values()) {
      if (x.removeDestination(q) > 0) this.maybeAutoDeleteExchange(x);
    }
    if (q.durable && !q.isExclusive) this.listener.queueDeleted?.(q);
    for (const c of consumers) c.owner.cancelledByBroker(c);
  }

  /** A consumer went away (cancel, channel or connection close): auto-delete queues go with their last consumer. */
  consumerRemoved(c: Consumer): void {
    if (c.queue.removeConsumer(c)) this.removeQueue(c.queue);
  }

  // ---- policies ----------------------------------------------------------------------------

  /** Adds or replaces a (validated) policy and applies it at once; true when it is new. */
  setPolicy(p: Policy): boolean {
    const created = !this.policies.has(p.name);
    this.policies.set(p.name, p);
    this.applyPolicies();
    this.listener.policySet?.(p);
    return created;
  }

  /** Removes a policy, un-applying it at once (another matching policy may take its place); false when there was none. */
  clearPolicy(name: string): boolean {
    if (!this.policies.delete(name)) return false;
    this.applyPolicies();
    this.listener.policyCleared?.(name);
    return true;
  }

  /** Re-chooses the policy of every queue and exchange (RabbitMQ update_matched_objects). */
  private applyPolicies(): void {
    for (const q of this.queues.values()) this.applyQueuePolicy(q);
    for (const x of this.exchanges.values()) {
      // RabbitMQ routes the default exchange directly: no policy reaches it.
      if (x === this.defaultExchange) continue;
      const p = effectivePolicy(this.policies.values(), 'exchange', x.name);
      if (p === x.policy) continue;
      const hadAe = x.alternateExchange !== undefined;
      x.policy = p;
      const hasAe = x.alternateExchange !== undefined;
      if (hadAe !== hasAe) this.indirections += hasAe ? 1 : -1;
    }
  }

  private applyQueuePolicy(q: Queue): void {
    const p = effectivePolicy(this.policies.values(), 'queue', q.name);
    if (p === this.queuePolicies.get(q)) return;
    if (p === undefined) this.queuePolicies.delete(q);
    else this.queuePolicies.set(q, p);
    q.applyPolicy(p?.name, p?.definition);
  }

  // ---- publishing --------------------------------------------------------------------------

  /** The exchange to publish to: 404 when missing, 403 when internal. */
  exchangeForPublish(name: string): Exchange {
    const x = this.exchanges.get(name);
    if (x === undefined) throw this.noExchange(name);
    if (x.internal) throw new ChannelError(403, `cannot publish to internal exchange '${name}' in vhost '${this.name}'`);
    return x;
  }

  /**
   * Routes message through exchange (bindings, exchange-to-exchange bindings,
   * alternate exchanges) and enqueues it on every matched queue, once each.
   * Returns the number of queues it reached (counting queues that refused
   * it: see publishRefused).
   */
  publish(exchange: Exchange, message: Message): number {
    exchange.stats.publishIn++;
    if (exchange === this.defaultExchange) {
      const q = this.queues.get(message.routingKey);
      if (q === undefined) {
        if (this.directReply !== null && message.routingKey.startsWith('amq.rabbitmq.reply-to.')) return this.directReply(message) ? 1 : 0;
        return 0;
      }
      if (!q.enqueue(message)) this.publishRefused = true;
      if (q.congested) this.congestedQueue = q;
      return 1;
    }
    if (this.indirections === 0) {
      const out = this.scratch;
      exchange.router.route(message.routingKey, message.headers, out);
      const n = out.size;
      if (n !== 0) {
        exchange.stats.publishOut++;
        for (const d of out) {
          const q = d as Queue;
          if (!q.enqueue(message)) this.publishRefused = true;
          if (q.congested) this.congestedQueue = q;
        }
        out.clear();
      }
      return n;
    }
    const queues = this.scratchQueues;
    this.routeIndirect(exchange, message, queues);
    this.visited.clear();
    const n = queues.size;
    for (const q of queues) {
      if (!q.enqueue(message)) this.publishRefused = true;
      if (q.congested) this.congestedQueue = q;
    }
    queues.clear();
    return n;
  }

  /** Adds to queues every queue message reaches through exchange (all routing rules), without enqueueing. */
  routeTo(exchange: Exchange, message: Message, queues: Set<Queue>): void {
    this.routeIndirect(exchange, message, queues);
    this.visited.clear();
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Slow path with exchange-to-exchange bindings and alternate exchanges (RabbitMQ rabbit_exchange:route). */
  private routeIndirect(x: Exchange, message: Message, queues: Set<Queue>): void {
    if (this.visited.has(x)) return;
    this.visited.add(x);
    if (x === this.defaultExchange) {
      const q = this.queues.get(message.routingKey);
      if (q !== undefined) queues.add(q);
      return;
    }
    const out = new Set<Destination>();
    x.router.route(message.routingKey, message.headers, out);
    if (out.size === 0) {
      const ae = x.alternateExchange;
      const aex = ae === undefined ? undefined : this.exchanges.get(ae);
      if (aex !== undefined) this.routeIndirect(aex, message, queues);
      return;
    }
    x.stats.publishOut++;
    for (const d of out) {
      if (isExchange(d)) this.routeIndirect(d, message, queues);
      else queues.add(d);
    }
  }

  private removeExchange(x: Exchange): void {
    this.exchanges.delete(x.name);
    if (x.alternateExchange !== undefined) this.indirections--;
    for (const b of x.bindings.values()) if (isExchange(b.destination)) this.indirections--;
    x.bindings.clear();
    for (const other of this.exchanges.values()) {
      const n = other.removeDestination(x);
      if (n > 0) {
        this.indirections -= n;
        this.maybeAutoDeleteExchange(other);
      }
    }
    if (x.durable) this.listener.exchangeDeleted?.(x);
  }

  private maybeAutoDeleteExchange(x: Exchange): void {
    if (x.autoDelete && x.bindings.size === 0 && this.exchanges.get(x.name) === x) this.removeExchange(x);
  }

  private checkNotDefault(name: string): void {
    if (name === '') throw new ChannelError(403, 'operation not permitted on the default exchange');
  }

  private noExchange(name: string): ChannelError {
    return new ChannelError(404, `no exchange '${name}' in vhost '${this.name}'`);
  }

  private noQueue(name: string): ChannelError {
    return new ChannelError(404, `no queue '${name}' in vhost '${this.name}'`);
  }

  private locked(name: string): ChannelError {
    return new ChannelError(
      405,
      `cannot obtain exclusive access to locked queue '${name}' in vhost '${this.name}'. ` +
        'It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.',
    );
  }
}

/** RabbitMQ's server-named queue: amq.gen- + 22 chars of url-safe base64. */
export function generateQueueName(): string {
  return 'amq.gen-' + randomBytes(16).toString('base64url');
}
