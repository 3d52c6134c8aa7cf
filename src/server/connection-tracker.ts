/** What the tracker needs to know of a connection. */
export interface TrackedConnection {
  /** The number of channels open on it. */
  readonly channelCount: number;
}

/**
 * The node's open connections (those past connection.open) by vhost and by
 * user, for the connection limits checked at connection.open and the user's
 * channel limit checked at channel.open (RabbitMQ's tracked connections and
 * channels). Counting is O(1) for connections; channels are summed over the
 * user's connections, which only channel.open of a user with a limit asks.
 */
export class ConnectionTracker<C extends TrackedConnection = TrackedConnection> {
  private readonly byVhost = new Map<string, Set<C>>();
  private readonly byUser = new Map<string, Set<C>>();
  private readonly all = new Set<C>();

  /** Open connections on the node (connection_max). */
  get size(): number {
    return this.all.size;
  }

  /** Records an opened connection. */
  add(conn: C, vhost: string, user: string): void {
    this.all.add(conn);
    addTo(this.byVhost, vhost, conn);
    addTo(this.byUser, user, conn);
  }

  /** Forgets a connection (idempotent). */
  remove(conn: C, vhost: string, user: string): void {
    this.all.delete(conn);
    removeFrom(this.byVhost, vhost, conn);
    removeFrom(this.byUser, user, conn);
  }

  /** True when no connection is tracked (every vhost's and user's set is dropped once it empties). */
  get isEmpty(): boolean {
    return this.all.size === 0 && this.byVhost.size === 0 && this.byUser.size === 0;
  }

  /** Open connections to the vhost. */
  vhostConnections(vhost: string): number {
    return this.byVhost.get(vhost)?.size ?? 0;
  }

  /** Open connections of the user. */
  userConnections(user: string): number {
    return this.byUser.get(user)?.size ?? 0;
  }

  /** Open channels of the user, over all its connections. */
  userChannels(user: string): number {
    let n = 0;
    for (const c of this.byUser.get(user) ?? []) n += c.channelCount;
    return n;
  }

  /** The connections of the vhost (a copy: closing them changes the sets). */
  ofVhost(vhost: string): C[] {
    return [...(this.byVhost.get(vhost) ?? [])];
  }

  /** The connections of the user (a copy). */
  ofUser(user: string): C[] {
    return [...(this.byUser.get(user) ?? [])];
  }
}

function addTo<C>(m: Map<string, Set<C>>, key: string, conn: C): void {
  let s = m.get(key);
  if (s === undefined) m.set(key, (s = new Set<C>()));
  s.add(conn);
}

function removeFrom<C>(m: Map<string, Set<C>>, key: string, conn: C): void {
  const s = m.get(key);
  if (s === undefined) return;
  s.delete(conn);
  if (s.size === 0) m.delete(key);
}
