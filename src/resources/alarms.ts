/** The resources RabbitMQ raises alarms for (the reason text of connection.blocked names them). */
export type AlarmResource = 'disk' | 'memory';

/**
 * The node's resource alarms (RabbitMQ rabbit_alarm): named sources (the free
 * disk space check, a failing message store write) each raise an alarm on a
 * resource. While any is raised, connections that publish are blocked: the
 * server stops reading from them and tells clients with the connection.blocked
 * capability why; when the last one clears they are unblocked.
 */
export class ResourceAlarms {
  /** True while any alarm is raised. */
  active = false;
  /**
   * True while an alarm is raised or the message store is behind (storeBehind): the one field
   * read for each basic.publish (a plain field); only when it is set does flow control look
   * at which of the two holds the publisher back.
   */
  hold = false;
  /**
   * True while the message store's unwritten bytes are above its high mark: publishing
   * connections are paused (RabbitMQ's credit flow, connection state `flow`) until they fall
   * under its low mark. Not an alarm: nothing is shown in the health checks, clients are not told.
   */
  storeBehind = false;
  private readonly raised = new Map<string, AlarmResource>();
  private readonly listeners: Array<() => void> = [];
  private storeWaiters: Array<() => void> = [];

  /** The message store is behind (true) or caught up again (false); catching up resumes the paused publishers. */
  setStoreBehind(behind: boolean): void {
    if (behind === this.storeBehind) return;
    this.storeBehind = behind;
    this.hold = this.active || behind;
    if (behind || this.storeWaiters.length === 0) return;
    const ws = this.storeWaiters;
    this.storeWaiters = [];
    for (const w of ws) w();
  }

  /** Calls fn once when the store has caught up (at once if it is not behind). */
  onStoreRelief(fn: () => void): void {
    if (!this.storeBehind) fn();
    else this.storeWaiters.push(fn);
  }

  /** Raises source's alarm on resource; listeners are told when the set changes. */
  raise(source: string, resource: AlarmResource): void {
    if (this.raised.get(source) === resource) return;
    this.raised.set(source, resource);
    this.changed();
  }

  /** Clears source's alarm (nothing if it was not raised). */
  clear(source: string): void {
    if (!this.raised.delete(source)) return;
    this.changed();
  }

  /** True when source's alarm is raised. */
  has(source: string): boolean {
    return this.raised.has(source);
  }

  /** The resources in alarm, sorted ("disk", "memory"), each once. */
  get resources(): AlarmResource[] {
    return [...new Set(this.raised.values())].sort();
  }

  /** connection.blocked's reason, as RabbitMQ words it: "low on disk", "low on disk & memory". */
  get reason(): string {
    return `low on ${this.resources.join(' & ')}`;
  }

  /** Calls fn after every change of the set of raised alarms. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  private changed(): void {
    this.active = this.raised.size !== 0;
    this.hold = this.active || this.storeBehind;
    for (const fn of this.listeners) fn();
  }
}
