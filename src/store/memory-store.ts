import { fieldTableKey } from '../broker/field-table-key.js';
import type { Definitions, Store, StoredBinding, StoredExchange, StoredPolicy, StoredQueue } from '../broker/persistence.js';

/** Definitions kept in memory: lost at exit, like a broker without a data directory. */
export class MemoryStore implements Store {
  private readonly vhosts = new Set<string>();
  private readonly exchanges = new Map<string, StoredExchange>();
  private readonly queues = new Map<string, StoredQueue>();
  private readonly bindings = new Map<string, StoredBinding>();
  private readonly policies = new Map<string, StoredPolicy>();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async loadDefinitions(): Promise<Definitions> {
    return {
      vhosts: [...this.vhosts],
      exchanges: [...this.exchanges.values()],
      queues: [...this.queues.values()],
      bindings: [...this.bindings.values()],
      policies: [...this.policies.values()],
    };
  }

  putVhost(name: string): void {
    this.vhosts.add(name);
  }
  deleteVhost(name: string): void {
    this.vhosts.delete(name);
  }
  putExchange(x: StoredExchange): void {
    this.exchanges.set(x.vhost + '\u0000' + x.name, x);
  }
  deleteExchange(vhost: string, name: string): void {
    this.exchanges.delete(vhost + '\u0000' + name);
  }
  putQueue(q: StoredQueue): void {
    this.queues.set(q.vhost + '\u0000' + q.name, q);
  }
  deleteQueue(vhost: string, name: string): void {
    this.queues.delete(vhost + '\u0000' + name);
  }
  putBinding(b: StoredBinding): void {
    this.bindings.set(bindingKey(b), b);
  }
  deleteBinding(b: StoredBinding): void {
    this.bindings.delete(bindingKey(b));
  }
  putPolicy(p: StoredPolicy): void {
    this.policies.set(p.vhost + '\u0000' + p.name, p);
  }
  deletePolicy(vhost: string, name: string): void {
    this.policies.delete(vhost + '\u0000' + name);
  }
}

function bindingKey(b: StoredBinding): string {
  return [b.vhost, b.source, b.destinationType, b.destination, b.routingKey, fieldTableKey(b.arguments)].join('\u0000');
}
