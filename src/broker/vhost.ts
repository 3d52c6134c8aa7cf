import { randomBytes } from 'node:crypto';
import {
  defaultExchangeForbidden,
  exchangeInUse,
  internalExchangePublish,
  noExchange,
  noQueue,
  queueInUse,
  queueLocked,
  queueNotEmpty,
  reservedExchangeName,
  reservedQueueName,
  systemExchangeDeletion,
  unknownExchangeType,
} from './errors.js';
import type { FieldTable } from '../amqp/codec/field-value.js';
import { queueLimitReached } from './limit-errors.js';
import type { VhostLimits, VhostMetadata } from './persistence.js';
import { checkExchangeEquivalence, checkQueueEquivalence, validateExchangeArguments, validateQueueArguments } from './arguments.js';
import { Exchange, isExchange, type Destination } from './exchange/exchange.js';
import { createRouter, isKnownExchangeType } from './exchange/exchange-types.js';
import { validateHeadersBinding } from './exchange/headers-router.js';
import type { Message } from './message.js';
import { effectivePolicy, mergeOperatorDefinition, type Policy } from './policy.js';
import { Queue } from './queue/queue.js';
import type { Consumer } from './consumer.js';
import { DeadLetterPublisher } from './dead-letter.js';
import { DirectReplyTo, REPLY_TO_PREFIX } from './direct-reply-to.js';
import { NodeCounters, type ChannelExchangeCell, type ChannelQueueExchangeCell } from '../stats/counters.js';

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
  operatorPolicySet?(p: Policy): void;
  operatorPolicyCleared?(name: string): void;
  parameterSet?(p: RuntimeParameter): void;
  parameterCleared?(component: string, name: string): void;
}

/** A runtime parameter of a vhost that Warren keeps without acting on it (its value is JSON). */
export interface RuntimeParameter {
  readonly component: string;
  readonly name: string;
  readonly value: unknown;
}

/** The policies that apply to one queue (the management API shows both names). */
interface AppliedPolicies {
  policy: Policy | undefined;
  operatorPolicy: Policy | undefined;
}

/**
 * Bits of the number Vhost.publish returns: a bit set rather than an object, so a publish allocates
 * nothing to report its outcome. ROUTED: at least one queue (or a direct reply-to consumer) was
 * reached; REFUSED: a queue refused it (x-overflow reject-publish: the publisher gets a nack);
 * CONGESTED: a queue it was enqueued on is congested (the server pauses that publisher).
 */
export const PublishOutcome = {
  ROUTED: 1,
  REFUSED: 2,
  CONGESTED: 4,
} as const;

/**
 * Where Vhost.publish names the queue behind a CONGESTED outcome: the publisher owns one and passes it
 * to every publish, so the queue reaches flow control without an allocation or a field left on the vhost.
 * Only meaningful right after a publish that returned CONGESTED.
 */
export interface CongestionSlot {
  congestedQueue: Queue | null;
  /** The publishing channel's cell for this exchange: enqueueOn counts the channel×queue×exchange publish in it. */
  source: ChannelExchangeCell | null;
}

const { ROUTED, REFUSED, CONGESTED } = PublishOutcome;

const STANDARD_EXCHANGES: [string, string][] = [
  ['amq.direct', 'direct'],
  ['amq.fanout', 'fanout'],
  ['amq.topic', 'topic'],
  ['amq.headers', 'headers'],
  ['amq.match', 'headers'],
];
const STANDARD_EXCHANGE_NAMES: ReadonlySet<string> = new Set(STANDARD_EXCHANGES.map(([n]) => n));

/** True for the exchanges every vhost is created with (amq.direct ...): RabbitMQ refuses to delete them. */
export function isStandardExchange(name: string): boolean {
  return STANDARD_EXCHANGE_NAMES.has(name);
}

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
  /** Operator policies by name: applied on top of the policies (rabbit_policy's operator_policy). */
  readonly operatorPolicies = new Map<string, Policy>();
  /**
   * Runtime parameters stored as they are (components that do nothing in Warren, e.g.
   * exchange-delete-in-progress), keyed by parameterKey(component, name). Vhost limits and
   * operator policies are not here: they have their own fields.
   */
  readonly parameters = new Map<string, RuntimeParameter>();
  /** The default exchange (""): routes by queue name. */
  readonly defaultExchange: Exchange;
  /** Receives unexpected errors from deferred work (the broker logs them). */
  onError: (err: unknown) => void = () => {};
  /** Receives durable definition changes (the broker points it at the store). */
  listener: DefinitionListener = {};
  /** Description, tags and default queue type (Broker.updateVhost changes and stores them). */
  metadata: VhostMetadata = { description: '', tags: [] };
  /**
   * max-connections (the server checks it at connection.open) and max-queues (checked by
   * declareQueue); Broker.setVhostLimits replaces the object and stores it.
   */
  limits: VhostLimits = {};

  /** Republishes dead-lettered messages of this vhost's queues. */
  readonly deadLetters: DeadLetterPublisher;
  /** Direct reply-to: the reply consumers that default-exchange messages to amq.rabbitmq.reply-to.* reach. */
  readonly directReplyTo: DirectReplyTo;
  /** The node's churn counters (the broker's): this vhost counts its deleted queues there. */
  readonly nodeCounters: NodeCounters;
  /** Number of exchange-to-exchange bindings and alternate exchanges: when 0, routing takes the fast path. */
  private indirections = 0;
  private readonly scratch = new Set<Destination>();
  private readonly scratchQueues = new Set<Queue>();
  private readonly visited = new Set<Exchange>();
  /** The policies last applied to each queue, so re-application only touches queues whose policies changed. */
  private readonly queuePolicies = new WeakMap<Queue, AppliedPolicies>();

  /**
   * directReplyTo: the reply consumers this vhost's replies reach; a broker passes every vhost the same
   * one so that addresses work across vhosts, as RabbitMQ's do. nodeCounters: the broker's churn counters.
   */
  constructor(name: string, directReplyTo = new DirectReplyTo(), nodeCounters = new NodeCounters()) {
    this.name = name;
    this.directReplyTo = directReplyTo;
    this.nodeCounters = nodeCounters;
    this.deadLetters = new DeadLetterPublisher(this);
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
      throw unknownExchangeType(type);
    }
    if (name === '') throw defaultExchangeForbidden();
    const existing = this.exchanges.get(name);
    if (d.passive) {
      if (existing === undefined) throw noExchange(name, this.name);
      return existing;
    }
    if (existing !== undefined) {
      checkExchangeEquivalence(existing, { name, vhost: this.name, type, ...d });
      return existing;
    }
    if (name.startsWith('amq.')) {
      throw reservedExchangeName(name);
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
    if (x === undefined) throw noExchange(name, this.name);
    return x;
  }

  /** exchange.delete; deleting a missing exchange succeeds (RabbitMQ: idempotent). */
  deleteExchange(name: string, ifUnused: boolean): void {
    if (name === '') throw defaultExchangeForbidden();
    if (isStandardExchange(name)) throw systemExchangeDeletion(name, this.name);
    const x = this.exchanges.get(name);
    if (x === undefined) return;
    // RabbitMQ: if-unused looks at bindings with this exchange as source only.
    if (ifUnused && x.bindings.size > 0) throw exchangeInUse(name, this.name);
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
  declareQueue(name: string, d: QueueDeclare, owner: object, serverName?: string): Queue {
    if (name === '') {
      if (d.passive) throw noQueue(name, this.name);
      // The caller may have generated it already, to check permissions under the name it creates.
      name = serverName ?? generateQueueName();
    } else if (!d.passive && name.startsWith('amq.')) {
      // RabbitMQ checks the name before the lookup, so even an existing amq.gen-* queue can't be redeclared actively.
      throw reservedQueueName(name);
    }
    // RabbitMQ: an exclusive queue is never durable.
    const durable = d.durable && !d.exclusive;
    const existing = this.queues.get(name);
    if (existing !== undefined) {
      // errata: exclusivity is checked before equivalence.
      const ownerMatches = existing.exclusiveOwner === owner;
      if (d.passive) {
        if (existing.isExclusive && !ownerMatches) throw queueLocked(name, this.name);
        // Observed on RabbitMQ 3.10.8: a passive declare renews x-expires too.
        existing.touch();
        return existing;
      }
      if (existing.isExclusive ? !ownerMatches || !d.exclusive : d.exclusive) throw queueLocked(name, this.name);
      checkQueueEquivalence(existing, { durable, exclusive: d.exclusive, autoDelete: d.autoDelete, arguments: d.arguments });
      existing.touch();
      return existing;
    }
    if (d.passive) throw noQueue(name, this.name);
    validateQueueArguments(name, this.name, d.arguments);
    const maxQueues = this.limits['max-queues'];
    if (maxQueues !== undefined && maxQueues >= 0 && this.queues.size >= maxQueues) throw queueLimitReached(name, this.name, maxQueues);
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
    if (q === undefined) throw noQueue(name, this.name);
    if (q.isExclusive && owner !== null && q.exclusiveOwner !== owner) throw queueLocked(name, this.name);
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
    if (q.isExclusive && q.exclusiveOwner !== owner) throw queueLocked(name, this.name);
    if (ifUnused && q.consumerCount > 0) throw queueInUse(name, this.name);
    if (ifEmpty && q.messageCount > 0) throw queueNotEmpty(name, this.name);
    const n = q.messageCount;
    this.removeQueue(q);
    return n;
  }

  /** Deletes a queue and its bindings, cancelling its consumers (basic.cancel to clients that support it). */
  removeQueue(q: Queue): void {
    if (q.deleted || this.queues.get(q.name) !== q) return;
    this.queues.delete(q.name);
    this.nodeCounters.queueDeleted++;
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

  /**
   * Deletes everything in the vhost (delete_vhost): its queues with their messages (consumers are
   * cancelled), its exchanges with their bindings, its policies, operator policies and runtime
   * parameters; durable ones through the listener.
   */
  destroy(): void {
    for (const q of [...this.queues.values()]) this.removeQueue(q);
    for (const x of [...this.exchanges.values()]) {
      if (x === this.defaultExchange || isStandardExchange(x.name)) continue;
      if (this.exchanges.get(x.name) === x) this.removeExchange(x);
    }
    // The default and standard exchanges go with the vhost: keep what they routed in the node's total.
    for (const x of this.exchanges.values()) this.nodeCounters.routedOfDeleted += x.stats.publishOut;
    for (const name of [...this.policies.keys()]) {
      this.policies.delete(name);
      this.listener.policyCleared?.(name);
    }
    for (const name of [...this.operatorPolicies.keys()]) {
      this.operatorPolicies.delete(name);
      this.listener.operatorPolicyCleared?.(name);
    }
    for (const p of [...this.parameters.values()]) this.clearParameter(p.component, p.name);
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

  /** Adds or replaces a (validated) operator policy and applies it at once; true when it is new. */
  setOperatorPolicy(p: Policy): boolean {
    const created = !this.operatorPolicies.has(p.name);
    this.operatorPolicies.set(p.name, p);
    this.applyPolicies();
    this.listener.operatorPolicySet?.(p);
    return created;
  }

  /** Removes an operator policy, un-applying it at once; false when there was none. */
  clearOperatorPolicy(name: string): boolean {
    if (!this.operatorPolicies.delete(name)) return false;
    this.applyPolicies();
    this.listener.operatorPolicyCleared?.(name);
    return true;
  }

  // ---- runtime parameters ------------------------------------------------------------------

  /** Sets a stored-only runtime parameter (validated by the caller); true when it is new. */
  setParameter(component: string, name: string, value: unknown): boolean {
    const key = parameterKey(component, name);
    const created = !this.parameters.has(key);
    const p: RuntimeParameter = { component, name, value };
    this.parameters.set(key, p);
    this.listener.parameterSet?.(p);
    return created;
  }

  /** Removes a stored-only runtime parameter; false when there was none. */
  clearParameter(component: string, name: string): boolean {
    if (!this.parameters.delete(parameterKey(component, name))) return false;
    this.listener.parameterCleared?.(component, name);
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
    const policy = effectivePolicy(this.policies.values(), 'queue', q.name);
    const operatorPolicy = effectivePolicy(this.operatorPolicies.values(), 'queue', q.name);
    const applied = this.queuePolicies.get(q);
    if (policy === applied?.policy && operatorPolicy === applied?.operatorPolicy) return;
    if (policy === undefined && operatorPolicy === undefined) this.queuePolicies.delete(q);
    else this.queuePolicies.set(q, { policy, operatorPolicy });
    // RabbitMQ 3.10: the queue reads the merged definition (rabbit_policy:get: the lower of the two numeric values).
    q.applyPolicy(policy?.name, mergeOperatorDefinition(policy?.definition, operatorPolicy?.definition), operatorPolicy?.name);
  }

  // ---- publishing --------------------------------------------------------------------------

  /** The exchange to publish to: 404 when missing, 403 when internal. */
  exchangeForPublish(name: string): Exchange {
    const x = this.exchanges.get(name);
    if (x === undefined) throw noExchange(name, this.name);
    if (x.internal) throw internalExchangePublish(name, this.name);
    return x;
  }

  /**
   * Routes message through exchange (bindings, exchange-to-exchange bindings,
   * alternate exchanges) and enqueues it on every matched queue, once each.
   * Returns PublishOutcome bits (0: unroutable); when CONGESTED is among them,
   * congestion (if given) names the last congested queue. A channel's publish:
   * counted in the statistics (RabbitMQ 3.10: publish_in on the exchange published
   * to, publish_out on it once per queue reached, publish on each queue).
   */
  publish(exchange: Exchange, message: Message, congestion: CongestionSlot | null = null): number {
    const xs = exchange.stats;
    xs.publishIn++;
    if (exchange === this.defaultExchange) {
      const q = this.queues.get(message.routingKey);
      if (q !== undefined) {
        xs.publishOut++;
        return enqueueOn(q, message, congestion);
      }
      return message.routingKey.startsWith(REPLY_TO_PREFIX) && this.directReplyTo.deliver(message) ? ROUTED : 0;
    }
    let outcome = 0;
    if (this.indirections === 0) {
      const out = this.scratch;
      exchange.router.route(message.routingKey, message.headers, out);
      if (out.size !== 0) {
        xs.publishOut += out.size;
        for (const d of out) outcome |= enqueueOn(d as Queue, message, congestion);
        out.clear();
      }
      return outcome;
    }
    const queues = this.scratchQueues;
    this.routeIndirect(exchange, message, queues);
    this.visited.clear();
    // RabbitMQ counts every queue reached (through exchange-to-exchange bindings or an alternate exchange) on the exchange published to.
    xs.publishOut += queues.size;
    for (const q of queues) outcome |= enqueueOn(q, message, congestion);
    queues.clear();
    return outcome;
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
    for (const d of out) {
      if (isExchange(d)) this.routeIndirect(d, message, queues);
      else queues.add(d);
    }
  }

  private removeExchange(x: Exchange): void {
    this.exchanges.delete(x.name);
    this.nodeCounters.routedOfDeleted += x.stats.publishOut;
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
    if (name === '') throw defaultExchangeForbidden();
  }
}

/** Enqueues a channel's message on q (counted in q's publish) and reports the outcome bits; names q in congestion when it is congested. */
function enqueueOn(q: Queue, message: Message, congestion: CongestionSlot | null): number {
  // RabbitMQ counts the publish on every queue it was routed to, a refused one (reject-publish) included.
  const qs = q.stats;
  qs.publish++;
  // channel_queue_exchange_metrics: the queue's last source is cached (a compare per routed queue).
  const src = congestion === null ? null : congestion.source;
  if (src !== null) {
    if (qs.lastSource !== src) {
      qs.lastSource = src;
      qs.lastSourceCell = src.queueCell(q);
    }
    (qs.lastSourceCell as ChannelQueueExchangeCell).publish++;
  }
  let outcome = q.enqueue(message) ? ROUTED : ROUTED | REFUSED;
  if (q.congested) {
    outcome |= CONGESTED;
    if (congestion !== null) congestion.congestedQueue = q;
  }
  return outcome;
}

/** The key of a runtime parameter in Vhost.parameters. */
export function parameterKey(component: string, name: string): string {
  return `${component}\u0000${name}`;
}

/** RabbitMQ's server-named queue: amq.gen- + 22 chars of url-safe base64. */
export function generateQueueName(): string {
  return 'amq.gen-' + randomBytes(16).toString('base64url');
}
