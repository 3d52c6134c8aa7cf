import { Level } from 'level';
import type { Logger } from 'pino';
import type {
  DurabilityWaiter,
  Definitions,
  MessageStore,
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
import type { Queue } from '../broker/queue/queue.js';
import { MemoryMonitor } from '../resources/memory-monitor.js';
import type { NodeResources } from '../resources/node-resources.js';
import {
  bindingKey,
  bindingRecord,
  exchangeKey,
  exchangeRecord,
  globalParameterRecord,
  operatorPolicyKey,
  operatorPolicyRecord,
  parameterKey,
  parameterRecord,
  readGlobalParameter,
  readParameter,
  policyKey,
  policyRecord,
  queueKey,
  queueRecord,
  readBinding,
  readExchange,
  readPolicy,
  readQueue,
  permissionKey,
  permissionRecord,
  readPermission,
  readTopicPermission,
  readUser,
  readVhostRecord,
  topicPermissionKey,
  topicPermissionRecord,
  userRecord,
  vhostRecord,
  type QueueRecord,
} from './definition-records.js';
import { GroupCommit } from './group-commit.js';
import {
  BINDING,
  EXCHANGE,
  GLOBAL_PARAMETER,
  OPERATOR_POLICY,
  PARAMETER,
  PERMISSION,
  POLICY,
  QUEUE,
  TOPIC_PERMISSION,
  USER,
  VHOST,
  describeKey,
  globalParameterKey,
  tagRange,
  userKey,
  vhostKey,
  watermarkKey,
} from './keys.js';
import { recoverMessages, type JournaledQueue } from './message-recovery.js';
import { DEFAULT_PAGING, type PagingOptions } from './paging-options.js';
import { LevelQueueJournal } from './queue-journal.js';
import { TransientQueueJournal } from './transient-queue-journal.js';

/*
 * LevelDB options sized for RSS (a backlog of 1M queued 1 KiB messages must stay under 300 MiB), measured
 * with the backlog-persistent-1m bench (docs/benchmarks.md). LevelDB 1.20 mmaps every table file it has open
 * (up to 1000), and the pages a read or a compaction touches count in RSS until the file is closed:
 * draining 1 GiB of bodies through 2 MiB tables with up to 1000 open files put ~300 MiB of file pages
 * in RSS. So: at most 64 open tables (LevelDB's floor for max_open_files is 74, 10 of which are not
 * tables) of 1 MiB each. The memtable is 8 MiB (two exist while one is flushed): 32 MiB cost ~60 MiB
 * of RSS in fill and drain for no measurable fill rate.
 */
const WRITE_BUFFER_SIZE = 8 * 1024 * 1024;
const MAX_OPEN_FILES = 64;
const MAX_FILE_SIZE = 1024 * 1024;

/** The store's paging settings: the head window, and the RSS above which transient messages are paged too (0: always; Infinity: never). */
export interface LevelStoreOptions extends PagingOptions {
  pagingThresholdBytes: number;
}

/** The LevelDB handle as this store uses it: Buffer keys and values. */
export type Db = Level<Buffer, Buffer>;

/** Thrown by open() when another process holds the database's lock. */
export class DataDirLockedError extends Error {
  readonly code = 'EDATADIRLOCKED';
  constructor(readonly location: string) {
    super(`data directory ${location} is in use by another Warren (LevelDB lock held); refusing to start`);
  }
}

/**
 * The LevelDB store (`level`, i.e. classic-level): definitions and persistent
 * messages, written by group commit (see GroupCommit), key layout in keys.ts.
 * Undecodable records are logged with their key and skipped; they never stop a start.
 */
export class LevelStore implements Store, MessageStore {
  readonly messages: MessageStore = this;
  private readonly db: Db;
  private readonly gc: GroupCommit;
  /** qid of each stored queue, by vhost NUL name. */
  private readonly qids = new Map<string, number>();
  private nextQid = 1;
  /** Memory use as the node samples it (the store's own sampler when it is given none). */
  private readonly memory: MemoryMonitor;
  /** Stops watching the paging threshold (null when not watched). */
  private unwatchMemory: (() => void) | null = null;
  /** Paging state: threshold 0, the last sample above the threshold, the memory alarm raised. */
  private pageAlways = false;
  private overPagingThreshold = false;
  private memoryAlarm = false;
  /** A qid for a non-durable queue's journal: from the same counter, so no stored queue ever gets it. */
  private readonly newQid = (): number => this.nextQid++;

  constructor(
    readonly location: string,
    private readonly logger: Logger,
    private readonly options: LevelStoreOptions = { ...DEFAULT_PAGING, pagingThresholdBytes: Infinity },
    /** The node's alarms (a failed write raises one) and memory sampler (the paging threshold); absent in unit tests. */
    resources?: Pick<NodeResources, 'alarms' | 'memory'>,
  ) {
    this.memory = resources?.memory ?? new MemoryMonitor();
    this.db = new Level<Buffer, Buffer>(location, {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
      writeBufferSize: WRITE_BUFFER_SIZE,
      maxOpenFiles: MAX_OPEN_FILES,
      maxFileSize: MAX_FILE_SIZE,
    });
    this.gc = new GroupCommit(
      () => this.db.batch(),
      logger,
      // A paged body is read once: caching its blocks would only evict others.
      (keys) => this.db.getMany(keys, { fillCache: false }),
      resources?.alarms,
    );
    this.gc.paging = { headMessages: options.headMessages, headBytes: options.headBytes };
    // While the memory alarm is raised, transient messages are paged whatever the threshold says.
    const alarms = resources?.alarms;
    alarms?.onChange(() => {
      const raised = alarms.resources.includes('memory');
      if (raised === this.memoryAlarm) return;
      this.memoryAlarm = raised;
      if (this.db.status === 'open') this.updatePaging();
    });
  }

  /** Memory use crossed the paging threshold; crossing it upwards starts paging transient messages. */
  private memoryPressure(over: boolean): void {
    this.overPagingThreshold = over;
    this.logger.info({ thresholdBytes: this.options.pagingThresholdBytes }, over ? 'memory use above the paging threshold: paging transient messages' : 'memory use below the paging threshold');
    this.updatePaging();
  }

  /** Transient messages are paged above the paging threshold, always while the memory alarm is raised, or always (threshold 0). */
  private updatePaging(): void {
    const page = this.pageAlways || this.overPagingThreshold || this.memoryAlarm;
    if (page === this.gc.pageTransient) return;
    this.gc.pageTransient = page;
    if (page) this.gc.kick();
  }

  /** The LevelDB handle (recovery and tests). */
  get database(): Db {
    return this.db;
  }

  async open(): Promise<void> {
    try {
      await this.db.open();
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { code?: string } };
      if (err.code === 'LEVEL_LOCKED' || err.cause?.code === 'LEVEL_LOCKED') throw new DataDirLockedError(this.location);
      throw e;
    }
    const t = this.options.pagingThresholdBytes;
    if (t <= 0) this.pageAlways = true;
    else if (Number.isFinite(t)) this.unwatchMemory = this.memory.watch(t, (over) => this.memoryPressure(over));
    this.updatePaging();
  }

  async close(): Promise<void> {
    this.unwatchMemory?.();
    this.unwatchMemory = null;
    if (this.db.status !== 'open') return;
    await this.gc.flush();
    this.gc.stop();
    await this.db.close();
  }

  // ---- definitions -------------------------------------------------------------------------

  async loadDefinitions(): Promise<Definitions> {
    const defs: Definitions = {
      vhosts: [],
      vhostRecords: [],
      users: [],
      permissions: [],
      topicPermissions: [],
      exchanges: [],
      queues: [],
      bindings: [],
      policies: [],
      operatorPolicies: [],
      parameters: [],
      globalParameters: [],
    };
    await this.scan(VHOST, (v) => {
      const r = readVhostRecord(v);
      defs.vhosts.push(r.name);
      defs.vhostRecords.push(r);
    });
    await this.scan(USER, (v) => defs.users.push(readUser(v)));
    await this.scan(PERMISSION, (v) => defs.permissions.push(readPermission(v)));
    await this.scan(TOPIC_PERMISSION, (v) => defs.topicPermissions.push(readTopicPermission(v)));
    await this.scan(EXCHANGE, (v) => defs.exchanges.push(readExchange(v)));
    await this.scan(QUEUE, (v) => {
      const q = readQueue(v);
      this.qids.set(q.vhost + '\u0000' + q.name, q.qid);
      if (q.qid >= this.nextQid) this.nextQid = q.qid + 1;
      const { qid: _qid, ...stored } = q;
      defs.queues.push(stored);
    });
    await this.scan(BINDING, (v) => defs.bindings.push(readBinding(v)));
    await this.scan(POLICY, (v) => defs.policies.push(readPolicy(v)));
    await this.scan(OPERATOR_POLICY, (v) => defs.operatorPolicies.push(readPolicy(v)));
    await this.scan(PARAMETER, (v) => defs.parameters.push(readParameter(v)));
    await this.scan(GLOBAL_PARAMETER, (v) => defs.globalParameters.push(readGlobalParameter(v)));
    return defs;
  }

  /** Calls fn with each value of a tag's range; a value fn cannot decode is logged with its key and skipped. */
  private async scan(tag: number, fn: (value: Buffer) => void): Promise<void> {
    for await (const [key, value] of this.db.iterator(tagRange(tag))) {
      try {
        fn(value);
      } catch (e) {
        this.logger.error({ key: describeKey(key), reason: (e as Error).message }, 'skipping undecodable definition record');
      }
    }
  }

  putVhost(name: string, settings?: Omit<StoredVhost, 'name'>): void {
    const [k, v] = vhostRecord(name, settings);
    this.gc.put(k, v);
  }
  putUser(u: StoredUser): void {
    const [k, v] = userRecord(u);
    this.gc.put(k, v);
  }
  deleteUser(name: string): void {
    this.gc.del(userKey(name));
  }
  putPermission(p: StoredPermission): void {
    const [k, v] = permissionRecord(p);
    this.gc.put(k, v);
  }
  deletePermission(user: string, vhost: string): void {
    this.gc.del(permissionKey(user, vhost));
  }
  putTopicPermission(p: StoredTopicPermission): void {
    const [k, v] = topicPermissionRecord(p);
    this.gc.put(k, v);
  }
  deleteTopicPermission(user: string, vhost: string, exchange: string): void {
    this.gc.del(topicPermissionKey(user, vhost, exchange));
  }
  deleteVhost(name: string): void {
    this.gc.del(vhostKey(name));
  }
  putExchange(x: StoredExchange): void {
    const [k, v] = exchangeRecord(x);
    this.gc.put(k, v);
  }
  deleteExchange(vhost: string, name: string): void {
    this.gc.del(exchangeKey(vhost, name));
  }
  putQueue(q: StoredQueue): void {
    // A new incarnation gets a new qid: records of a deleted queue of the same name can never leak into it.
    const rec: QueueRecord = { ...q, qid: this.nextQid++ };
    this.qids.set(q.vhost + '\u0000' + q.name, rec.qid);
    const [k, v] = queueRecord(rec);
    this.gc.put(k, v);
  }
  deleteQueue(vhost: string, name: string): void {
    const key = vhost + '\u0000' + name;
    const qid = this.qids.get(key);
    this.qids.delete(key);
    this.gc.del(queueKey(vhost, name));
    if (qid !== undefined) this.gc.del(watermarkKey(qid));
  }
  putBinding(b: StoredBinding): void {
    const [k, v] = bindingRecord(b);
    this.gc.put(k, v);
  }
  deleteBinding(b: StoredBinding): void {
    this.gc.del(bindingKey(b));
  }
  putPolicy(p: StoredPolicy): void {
    const [k, v] = policyRecord(p);
    this.gc.put(k, v);
  }
  deletePolicy(vhost: string, name: string): void {
    this.gc.del(policyKey(vhost, name));
  }
  putOperatorPolicy(p: StoredPolicy): void {
    const [k, v] = operatorPolicyRecord(p);
    this.gc.put(k, v);
  }
  deleteOperatorPolicy(vhost: string, name: string): void {
    this.gc.del(operatorPolicyKey(vhost, name));
  }
  putParameter(p: StoredParameter): void {
    const [k, v] = parameterRecord(p);
    this.gc.put(k, v);
  }
  deleteParameter(vhost: string, component: string, name: string): void {
    this.gc.del(parameterKey(vhost, component, name));
  }
  putGlobalParameter(p: StoredGlobalParameter): void {
    const [k, v] = globalParameterRecord(p);
    this.gc.put(k, v);
  }
  deleteGlobalParameter(name: string): void {
    this.gc.del(globalParameterKey(name));
  }

  // ---- messages ----------------------------------------------------------------------------

  attach(queue: Queue): void {
    if (!queue.durable) {
      queue.attachJournal(new TransientQueueJournal(this.gc, this.newQid));
      return;
    }
    const qid = this.qids.get(queue.vhost + '\u0000' + queue.name);
    if (qid === undefined) {
      this.logger.error({ vhost: queue.vhost, queue: queue.name }, 'durable queue has no stored record: its messages will not be persisted');
      return;
    }
    queue.attachJournal(new LevelQueueJournal(qid, this.gc));
  }

  async recover(lookup: (vhost: string, name: string) => Queue | undefined): Promise<void> {
    const byQid = new Map<number, JournaledQueue>();
    for (const [key, qid] of this.qids) {
      const i = key.indexOf('\u0000');
      const q = lookup(key.slice(0, i), key.slice(i + 1));
      if (q !== undefined && q.journal instanceof LevelQueueJournal) byQid.set(qid, q as JournaledQueue);
    }
    const r = await recoverMessages(this.db, byQid, this.gc.refs, this.logger);
    if (r.maxMsgId >= this.gc.nextMsgId) this.gc.nextMsgId = r.maxMsgId + 1;
    if (r.maxQid >= this.nextQid) this.nextQid = r.maxQid + 1;
  }

  waitDurable(waiter: DurabilityWaiter, token: number): void {
    this.gc.waitDurable(waiter, token);
  }

  get hasPendingWrites(): boolean {
    return this.gc.hasPendingWrites;
  }

  get alarm(): boolean {
    return this.gc.alarm;
  }
}
