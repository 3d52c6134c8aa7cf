import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { UserStore } from '../auth/users.js';
import type { Store } from '../store/store.js';
import { MemoryStore } from '../store/memory-store.js';
import { isExchange, type Destination } from './exchange/exchange.js';
import { parsePolicy } from './policy.js';
import { Vhost, type DefinitionListener } from './vhost.js';

/**
 * The broker domain: vhosts (with their exchanges, queues and bindings) and
 * users. Knows nothing of sockets or frames; the server layer drives it.
 * Durable definitions go to the store as they change and come back from it at start.
 */
export class Broker {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly vhosts = new Map<string, Vhost>();
  readonly users = new UserStore();

  constructor(opts: { config: Config; logger: Logger; store?: Store }) {
    this.config = opts.config;
    this.logger = opts.logger;
    this.store = opts.store ?? new MemoryStore();
  }

  /** Opens the store, rebuilds durable definitions, creates the default vhost and user. */
  async start(): Promise<void> {
    await this.store.open();
    const defs = await this.store.loadDefinitions();
    for (const name of defs.vhosts) this.addVhost(name);
    const c = this.config;
    this.addVhost(c.defaultVhost);
    // Recovery: declare as they were, without writing them back.
    // Policies first, so recovered queues and exchanges get theirs as they are declared.
    for (const p of defs.policies) {
      const v = this.addVhost(p.vhost);
      try {
        v.setPolicy(parsePolicy(p.vhost, p.name, { pattern: p.pattern, definition: p.definition, priority: p.priority, applyTo: p.applyTo }));
      } catch (err) {
        this.logger.error({ err, vhost: p.vhost, policy: p.name }, 'stored policy is invalid; skipped');
      }
    }
    for (const x of defs.exchanges) {
      const v = this.addVhost(x.vhost);
      v.declareExchange(x.name, x.type, { passive: false, durable: true, autoDelete: x.autoDelete, internal: x.internal, arguments: x.arguments });
    }
    for (const q of defs.queues) {
      const v = this.addVhost(q.vhost);
      v.declareQueue(q.name, { passive: false, durable: true, exclusive: false, autoDelete: q.autoDelete, arguments: q.arguments }, this);
    }
    for (const b of defs.bindings) {
      const v = this.addVhost(b.vhost);
      if (b.destinationType === 'queue') v.bindQueue(b.destination, b.source, b.routingKey, b.arguments, this);
      else v.bindExchange(b.destination, b.source, b.routingKey, b.arguments);
    }
    for (const v of this.vhosts.values()) v.listener = storeListener(this.store, v.name);
    if (!this.users.users.has(c.defaultUser)) {
      this.users.add(c.defaultUser, c.defaultPass, ['administrator']);
      this.users.setPermissions(c.defaultUser, c.defaultVhost, { configure: '.*', write: '.*', read: '.*' });
    }
  }

  /** Adds a vhost (idempotent). */
  addVhost(name: string): Vhost {
    let v = this.vhosts.get(name);
    if (v === undefined) {
      v = new Vhost(name);
      v.onError = (err) => this.logger.error({ err, vhost: name }, 'internal error in deferred delivery');
      this.vhosts.set(name, v);
      this.store.putVhost(name);
      v.listener = storeListener(this.store, name);
    }
    return v;
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

/** Writes durable definition changes of one vhost to the store. */
function storeListener(store: Store, vhost: string): DefinitionListener {
  const kind = (d: Destination): 'queue' | 'exchange' => (isExchange(d) ? 'exchange' : 'queue');
  return {
    exchangeAdded: (x) =>
      store.putExchange({ vhost, name: x.name, type: x.type, durable: true, autoDelete: x.autoDelete, internal: x.internal, arguments: x.arguments }),
    exchangeDeleted: (x) => store.deleteExchange(vhost, x.name),
    queueAdded: (q) => store.putQueue({ vhost, name: q.name, durable: true, autoDelete: q.autoDelete, arguments: q.arguments }),
    queueDeleted: (q) => store.deleteQueue(vhost, q.name),
    bindingAdded: (s, d, routingKey, args) =>
      store.putBinding({ vhost, source: s.name, destination: d.name, destinationType: kind(d), routingKey, arguments: args }),
    bindingDeleted: (s, d, routingKey, args) =>
      store.deleteBinding({ vhost, source: s.name, destination: d.name, destinationType: kind(d), routingKey, arguments: args }),
    policySet: (p) =>
      store.putPolicy({ vhost, name: p.name, pattern: p.pattern, applyTo: p.applyTo, priority: p.priority, definition: { ...p.definition } }),
    policyCleared: (name) => store.deletePolicy(vhost, name),
  };
}
