import { fieldTableKey } from '../broker/field-table-key.js';
import type {
  Definitions,
  Store,
  StoredBinding,
  StoredExchange,
  StoredGlobalParameter,
  StoredParameter,
  StoredPermission,
  StoredPolicy,
  StoredQueue,
  StoredTopicPermission,
  StoredUser,
  StoredVhost,
} from '../broker/persistence.js';

/** Definitions kept in memory: lost at exit, like a broker without a data directory. */
export class MemoryStore implements Store {
  private readonly vhosts = new Map<string, StoredVhost>();
  private readonly users = new Map<string, StoredUser>();
  private readonly permissions = new Map<string, StoredPermission>();
  private readonly topicPermissions = new Map<string, StoredTopicPermission>();
  private readonly exchanges = new Map<string, StoredExchange>();
  private readonly queues = new Map<string, StoredQueue>();
  private readonly bindings = new Map<string, StoredBinding>();
  private readonly policies = new Map<string, StoredPolicy>();
  private readonly operatorPolicies = new Map<string, StoredPolicy>();
  private readonly parameters = new Map<string, StoredParameter>();
  private readonly globalParameters = new Map<string, StoredGlobalParameter>();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async loadDefinitions(): Promise<Definitions> {
    return {
      vhosts: [...this.vhosts.keys()],
      vhostRecords: [...this.vhosts.values()],
      users: [...this.users.values()],
      permissions: [...this.permissions.values()],
      topicPermissions: [...this.topicPermissions.values()],
      exchanges: [...this.exchanges.values()],
      queues: [...this.queues.values()],
      bindings: [...this.bindings.values()],
      policies: [...this.policies.values()],
      operatorPolicies: [...this.operatorPolicies.values()],
      parameters: [...this.parameters.values()],
      globalParameters: [...this.globalParameters.values()],
    };
  }

  putVhost(name: string, settings?: Omit<StoredVhost, 'name'>): void {
    this.vhosts.set(name, { name, metadata: settings?.metadata ?? { description: '', tags: [] }, limits: settings?.limits ?? {} });
  }
  putUser(u: StoredUser): void {
    this.users.set(u.name, u);
  }
  deleteUser(name: string): void {
    this.users.delete(name);
  }
  putPermission(p: StoredPermission): void {
    this.permissions.set(p.vhost + '\u0000' + p.user, p);
  }
  deletePermission(user: string, vhost: string): void {
    this.permissions.delete(vhost + '\u0000' + user);
  }
  putTopicPermission(p: StoredTopicPermission): void {
    this.topicPermissions.set([p.vhost, p.user, p.exchange].join('\u0000'), p);
  }
  deleteTopicPermission(user: string, vhost: string, exchange: string): void {
    this.topicPermissions.delete([vhost, user, exchange].join('\u0000'));
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
  putOperatorPolicy(p: StoredPolicy): void {
    this.operatorPolicies.set(p.vhost + '\u0000' + p.name, p);
  }
  deleteOperatorPolicy(vhost: string, name: string): void {
    this.operatorPolicies.delete(vhost + '\u0000' + name);
  }
  putParameter(p: StoredParameter): void {
    this.parameters.set([p.vhost, p.component, p.name].join('\u0000'), p);
  }
  deleteParameter(vhost: string, component: string, name: string): void {
    this.parameters.delete([vhost, component, name].join('\u0000'));
  }
  putGlobalParameter(p: StoredGlobalParameter): void {
    this.globalParameters.set(p.name, p);
  }
  deleteGlobalParameter(name: string): void {
    this.globalParameters.delete(name);
  }
}

function bindingKey(b: StoredBinding): string {
  return [b.vhost, b.source, b.destinationType, b.destination, b.routingKey, fieldTableKey(b.arguments)].join('\u0000');
}
