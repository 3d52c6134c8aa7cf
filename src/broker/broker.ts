import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Definitions, Store, VhostLimits, VhostMetadata } from './persistence.js';
import { isExchange, type Destination } from './exchange/exchange.js';
import { parseOperatorPolicy, parsePolicy } from './policy.js';
import { DirectReplyTo } from './direct-reply-to.js';
import { NodeCounters } from '../stats/counters.js';
import { Vhost, type DefinitionListener } from './vhost.js';

/**
 * The broker domain: vhosts with their exchanges, queues, bindings and policies.
 * Knows nothing of sockets or frames; the server layer drives it. Durable
 * definitions go to the store it is handed (src/index.ts picks LevelDB or memory)
 * as they change, and come back from it at start.
 */
export class Broker {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly vhosts = new Map<string, Vhost>();
  /** The direct reply-to consumers of every vhost: RabbitMQ's reply addresses work across vhosts. */
  readonly directReplyTo = new DirectReplyTo();
  /** The node's churn counters (queue deletions are counted by the vhosts, the rest by the server); the statistics sampler reads them. */
  readonly nodeCounters = new NodeCounters();
  /**
   * Global runtime parameters by name (JSON values): internal_cluster_id (made on first start, as
   * RabbitMQ does), cluster_name once set, and whatever clients set. Change them with
   * setGlobalParameter / clearGlobalParameter, which store them.
   */
  readonly globalParameters = new Map<string, unknown>();
  /** True while start() rebuilds from the store: nothing is written back. */
  private recovering = false;
  private readonly vhostDeletedListeners: ((vhost: string) => void)[] = [];

  constructor(opts: { config: Config; logger: Logger; store: Store }) {
    this.config = opts.config;
    this.logger = opts.logger;
    this.store = opts.store;
  }

  /**
   * Opens the store, rebuilds durable definitions and then the durable queues'
   * messages, creates the default vhost on first start (a store without vhosts). Recovery
   * writes nothing back: the store listeners are attached only once it is done. Returns what
   * was loaded, so the composition root can recover users and permissions from it.
   */
  async start(): Promise<Definitions> {
    const started = performance.now();
    await this.store.open();
    const defs = await this.store.loadDefinitions();
    const c = this.config;
    this.recovering = true;
    try {
      for (const r of defs.vhostRecords) this.addVhost(r.name).metadata = { ...r.metadata, tags: [...r.metadata.tags] };
      // Policies first, so recovered queues and exchanges get theirs as they are declared.
      for (const p of defs.policies) {
        this.recoverOne({ vhost: p.vhost, policy: p.name }, () =>
          this.addVhost(p.vhost).setPolicy(
            parsePolicy(p.vhost, p.name, { pattern: p.pattern, definition: p.definition, priority: p.priority, applyTo: p.applyTo }),
          ),
        );
      }
      for (const p of defs.operatorPolicies) {
        this.recoverOne({ vhost: p.vhost, operatorPolicy: p.name }, () =>
          this.addVhost(p.vhost).setOperatorPolicy(
            parseOperatorPolicy(p.vhost, p.name, { pattern: p.pattern, definition: p.definition, priority: p.priority, applyTo: p.applyTo }),
          ),
        );
      }
      for (const p of defs.parameters) this.addVhost(p.vhost).setParameter(p.component, p.name, p.value);
      // Declare as they were; a definition that no longer fits (e.g. a binding whose queue record was unreadable) is logged and skipped.
      for (const x of defs.exchanges) {
        this.recoverOne({ vhost: x.vhost, exchange: x.name }, () =>
          this.addVhost(x.vhost).declareExchange(x.name, x.type, { passive: false, durable: true, autoDelete: x.autoDelete, internal: x.internal, arguments: x.arguments }),
        );
      }
      for (const q of defs.queues) {
        this.recoverOne({ vhost: q.vhost, queue: q.name }, () =>
          this.addVhost(q.vhost).declareQueue(q.name, { passive: false, durable: true, exclusive: false, autoDelete: q.autoDelete, arguments: q.arguments }, this),
        );
      }
      for (const b of defs.bindings) {
        this.recoverOne({ vhost: b.vhost, source: b.source, destination: b.destination, routingKey: b.routingKey }, () => {
          const v = this.addVhost(b.vhost);
          if (b.destinationType === 'queue') v.bindQueue(b.destination, b.source, b.routingKey, b.arguments, this);
          else v.bindExchange(b.destination, b.source, b.routingKey, b.arguments);
        });
      }
    } finally {
      this.recovering = false;
    }
    const messages = this.store.messages;
    let recoveredMessages = 0;
    if (messages !== undefined) {
      for (const v of this.vhosts.values()) for (const q of v.queues.values()) if (q.durable) messages.attach(q);
      await messages.recover((vhost, name) => this.vhosts.get(vhost)?.queues.get(name));
      for (const v of this.vhosts.values()) for (const q of v.queues.values()) recoveredMessages += q.messageCount;
    }
    for (const v of this.vhosts.values()) v.listener = storeListener(this.store, v.name);
    // Limits last: recovered queues are never refused by max-queues.
    for (const r of defs.vhostRecords) {
      const v = this.vhosts.get(r.name);
      if (v !== undefined) v.limits = { ...r.limits };
    }
    for (const g of defs.globalParameters) this.globalParameters.set(g.name, g.value);
    // RabbitMQ 3.10 seeds one on first start (rabbit_nodes:seed_internal_cluster_id): a 16-byte GUID in url-safe base64.
    if (!this.globalParameters.has('internal_cluster_id')) this.setGlobalParameter('internal_cluster_id', `rabbitmq-cluster-id-${randomBytes(16).toString('base64url')}`);
    // RabbitMQ creates default_vhost on first start only: a deleted `/` stays deleted.
    if (defs.vhosts.length === 0) this.addVhost(c.defaultVhost, { description: 'Default virtual host' });
    this.logger.info(
      { vhosts: this.vhosts.size, queues: defs.queues.length, messages: recoveredMessages, ms: Math.round(performance.now() - started) },
      'recovered definitions and messages',
    );
    return defs;
  }

  private recoverOne(what: Record<string, string>, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ ...what, err }, 'skipping a stored definition that cannot be restored');
    }
  }

  /** Adds a vhost (idempotent: an existing one is returned unchanged); metadata applies to a new one only. */
  addVhost(name: string, metadata?: Partial<VhostMetadata>): Vhost {
    let v = this.vhosts.get(name);
    if (v === undefined) {
      v = new Vhost(name, this.directReplyTo, this.nodeCounters);
      v.onError = (err) => this.logger.error({ err, vhost: name }, 'internal error in deferred delivery');
      if (metadata !== undefined) v.metadata = mergeMetadata(v.metadata, metadata);
      this.vhosts.set(name, v);
      if (!this.recovering) {
        this.persistVhost(v);
        v.listener = storeListener(this.store, name);
      }
    }
    return v;
  }

  /** Changes an existing vhost's metadata (fields left undefined keep their value); false when there is no such vhost. */
  updateVhost(name: string, metadata: Partial<VhostMetadata>): boolean {
    const v = this.vhosts.get(name);
    if (v === undefined) return false;
    v.metadata = mergeMetadata(v.metadata, metadata);
    this.persistVhost(v);
    return true;
  }

  /** Replaces a vhost's limits (applies at once: max-queues to the next declare); false when there is no such vhost. */
  setVhostLimits(name: string, limits: VhostLimits): boolean {
    const v = this.vhosts.get(name);
    if (v === undefined) return false;
    v.limits = { ...limits };
    this.persistVhost(v);
    return true;
  }

  /**
   * delete_vhost: deletes its queues (with their stored messages; consumers cancelled), exchanges,
   * bindings and policies, and the vhost record, then calls the onVhostDeleted listeners (the
   * server closes the vhost's connections with 320, the user store drops its permissions).
   * False when there is no such vhost.
   */
  deleteVhost(name: string): boolean {
    const v = this.vhosts.get(name);
    if (v === undefined) return false;
    v.destroy();
    this.vhosts.delete(name);
    v.listener = {};
    this.store.deleteVhost(name);
    for (const l of this.vhostDeletedListeners) {
      try {
        l(name);
      } catch (err) {
        this.logger.error({ err, vhost: name }, 'vhost deletion listener failed');
      }
    }
    return true;
  }

  /** Sets (and stores) a global runtime parameter; true when it is new. */
  setGlobalParameter(name: string, value: unknown): boolean {
    const created = !this.globalParameters.has(name);
    this.globalParameters.set(name, value);
    this.store.putGlobalParameter({ name, value });
    return created;
  }

  /** Removes a global runtime parameter; false when there was none. */
  clearGlobalParameter(name: string): boolean {
    if (!this.globalParameters.delete(name)) return false;
    this.store.deleteGlobalParameter(name);
    return true;
  }

  /** Registers a listener called (synchronously) after a vhost was deleted, with its name. */
  onVhostDeleted(cb: (vhost: string) => void): void {
    this.vhostDeletedListeners.push(cb);
  }

  private persistVhost(v: Vhost): void {
    this.store.putVhost(v.name, { metadata: { ...v.metadata, tags: [...v.metadata.tags] }, limits: { ...v.limits } });
  }

  /** Looks up a vhost. */
  getVhost(name: string): Vhost | undefined {
    return this.vhosts.get(name);
  }

  /** Closes the store. */
  async close(): Promise<void> {
    await this.store.close();
  }
}

function mergeMetadata(current: VhostMetadata, m: Partial<VhostMetadata>): VhostMetadata {
  const out: VhostMetadata = { description: m.description ?? current.description, tags: [...(m.tags ?? current.tags)] };
  const dqt = 'defaultQueueType' in m ? m.defaultQueueType : current.defaultQueueType;
  if (dqt !== undefined) out.defaultQueueType = dqt;
  return out;
}

/** Writes durable definition changes of one vhost to the store. */
function storeListener(store: Store, vhost: string): DefinitionListener {
  const kind = (d: Destination): 'queue' | 'exchange' => (isExchange(d) ? 'exchange' : 'queue');
  return {
    exchangeAdded: (x) =>
      store.putExchange({ vhost, name: x.name, type: x.type, durable: true, autoDelete: x.autoDelete, internal: x.internal, arguments: x.arguments }),
    exchangeDeleted: (x) => store.deleteExchange(vhost, x.name),
    queueAdded: (q) => {
      store.putQueue({ vhost, name: q.name, durable: true, autoDelete: q.autoDelete, arguments: q.arguments });
      store.messages?.attach(q);
    },
    transientQueueAdded: (q) => store.messages?.attach(q),
    queueDeleted: (q) => store.deleteQueue(vhost, q.name),
    bindingAdded: (s, d, routingKey, args) =>
      store.putBinding({ vhost, source: s.name, destination: d.name, destinationType: kind(d), routingKey, arguments: args }),
    bindingDeleted: (s, d, routingKey, args) =>
      store.deleteBinding({ vhost, source: s.name, destination: d.name, destinationType: kind(d), routingKey, arguments: args }),
    policySet: (p) =>
      store.putPolicy({ vhost, name: p.name, pattern: p.pattern, applyTo: p.applyTo, priority: p.priority, definition: { ...p.definition } }),
    policyCleared: (name) => store.deletePolicy(vhost, name),
    operatorPolicySet: (p) =>
      store.putOperatorPolicy({ vhost, name: p.name, pattern: p.pattern, applyTo: p.applyTo, priority: p.priority, definition: { ...p.definition } }),
    operatorPolicyCleared: (name) => store.deleteOperatorPolicy(vhost, name),
    parameterSet: (p) => store.putParameter({ vhost, component: p.component, name: p.name, value: p.value }),
    parameterCleared: (component, name) => store.deleteParameter(vhost, component, name),
  };
}
