/**
 * LevelDB key layout (all keys are Buffers, compared bytewise, so numbers are big-endian):
 *
 *   0x00 "probe"                             -> empty (alarm probe)
 *   0x01 vhost                               -> definition JSON (a vhost)
 *   0x02 u16 len vhost, name                 -> exchange JSON
 *   0x03 u16 len vhost, name                 -> queue JSON (with its numeric id, qid)
 *   0x04 u16 len vhost, u32 n, n bytes id    -> binding JSON (id = source, destination, key, arguments)
 *   0x05 u16 len vhost, name                 -> policy JSON
 *   0x06 user                                -> user JSON (hash, algorithm, tags, limits)
 *   0x07 u16 len vhost, user                 -> permission JSON
 *   0x08 u16 len vhost, JSON [user, exchange] -> topic permission JSON
 *   0x09 u16 len vhost, name                 -> operator policy JSON
 *   0x0a u16 len vhost, JSON [component, name] -> runtime parameter JSON
 *   0x0b name                                -> global runtime parameter JSON
 *   0x10 u64 msgId, u32 propsLength          -> message body: the wire form Message.raw, as published
 *   0x11 u32 qid, u64 seq                    -> index record: u64 msgId, u32 propsLength, u32 body size,
 *                                               u64 absolute expiry (ms since the epoch, 0: none), u8 flags (1 = transient)
 *   0x12 u32 qid                             -> u64 delivery watermark: highest seq delivered (see LevelQueueJournal)
 *
 * One body per message however many durable queues it was routed to; each queue holds
 * small index records in publication order (seq), so a queue's backlog is a key range
 * that recovery and paging read in order without touching the bodies. The index
 * value carries what a paged entry needs in RAM (the body key is computable from
 * msgId and propsLength; size for x-max-length-bytes; the expiry is the
 * deadline the queue computed at enqueue, as RabbitMQ stores it, so a message
 * whose deadline passed while the broker was down expires right after
 * recovery and the others keep theirs), so recovery reads no body beyond each
 * queue's head. Index values of another length are logged and skipped.
 * A queue's records are keyed by qid, not by name, so a queue deleted and
 * declared again never sees records of its former self.
 */
/** Key tag (first byte) of vhost records. */
export const VHOST = 0x01;
/** Key tag of exchange records. */
export const EXCHANGE = 0x02;
/** Key tag of queue records. */
export const QUEUE = 0x03;
/** Key tag of binding records. */
export const BINDING = 0x04;
/** Key tag of policy records. */
export const POLICY = 0x05;
/** Key tag of user records. */
export const USER = 0x06;
/** Key tag of permission records. */
export const PERMISSION = 0x07;
/** Key tag of topic permission records. */
export const TOPIC_PERMISSION = 0x08;
/** Key tag of operator policy records. */
export const OPERATOR_POLICY = 0x09;
/** Key tag of runtime parameter records. */
export const PARAMETER = 0x0a;
/** Key tag of global runtime parameter records. */
export const GLOBAL_PARAMETER = 0x0b;
/** Key tag of message body records. */
export const BODY = 0x10;
/** Key tag of queue index records. */
export const INDEX = 0x11;
/** Key tag of delivery watermark records. */
export const WATERMARK = 0x12;

/** Written (empty) while the store's alarm is raised, to learn when the disk takes writes again. */
export const PROBE_KEY = Buffer.from('\u0000probe', 'latin1');

/** [tag][u16 len][vhost utf8][rest utf8]. */
export function nameKey(tag: number, vhost: string, rest: string): Buffer {
  const v = Buffer.from(vhost, 'utf8');
  const r = Buffer.from(rest, 'utf8');
  const k = Buffer.allocUnsafe(3 + v.length + r.length);
  k[0] = tag;
  k.writeUInt16BE(v.length, 1);
  v.copy(k, 3);
  r.copy(k, 3 + v.length);
  return k;
}

/** [VHOST][vhost utf8]. */
export function vhostKey(vhost: string): Buffer {
  return Buffer.concat([Buffer.of(VHOST), Buffer.from(vhost, 'utf8')]);
}

/** [USER][user utf8]. */
export function userKey(user: string): Buffer {
  return Buffer.concat([Buffer.of(USER), Buffer.from(user, 'utf8')]);
}

/** [GLOBAL_PARAMETER][name utf8]. */
export function globalParameterKey(name: string): Buffer {
  return Buffer.concat([Buffer.of(GLOBAL_PARAMETER), Buffer.from(name, 'utf8')]);
}

/** The smallest key of a tag's range and the first key after it. */
export function tagRange(tag: number): { gte: Buffer; lt: Buffer } {
  return { gte: Buffer.of(tag), lt: Buffer.of(tag + 1) };
}

/** Writes a non-negative integer below 2^53 as u64 big-endian. */
function writeU64(buf: Buffer, n: number, at: number): void {
  buf.writeUInt32BE(Math.floor(n / 0x100000000), at);
  buf.writeUInt32BE(n >>> 0, at + 4);
}

/** Reads a u64 big-endian (below 2^53). */
export function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * 0x100000000 + buf.readUInt32BE(at + 4);
}

/** Body record key. */
export function bodyKey(msgId: number, propsLength: number): Buffer {
  const k = Buffer.allocUnsafe(13);
  k[0] = BODY;
  writeU64(k, msgId, 1);
  k.writeUInt32BE(propsLength, 9);
  return k;
}

/** Index record key. */
export function indexKey(qid: number, seq: number): Buffer {
  const k = Buffer.allocUnsafe(13);
  k[0] = INDEX;
  k.writeUInt32BE(qid, 1);
  writeU64(k, seq, 5);
  return k;
}

/** Length of an index record value. */
export const INDEX_VALUE_LENGTH = 25;
/** Index flag: a transient message written only to be paged out; recovery deletes it. */
export const INDEX_TRANSIENT = 1;

/** Index record value (see the layout above); expiresAt 0 = never. */
export function indexValue(msgId: number, propsLength: number, size: number, expiresAt: number, flags: number): Buffer {
  const v = Buffer.allocUnsafe(INDEX_VALUE_LENGTH);
  writeU64(v, msgId, 0);
  v.writeUInt32BE(propsLength, 8);
  v.writeUInt32BE(size, 12);
  writeU64(v, expiresAt, 16);
  v[24] = flags;
  return v;
}

/** The absolute expiry of an index value (ms since the epoch, 0: never). */
export function indexExpiresAt(v: Buffer): number {
  return readU64(v, 16);
}

/** The flags of an index value. */
export function indexFlags(v: Buffer): number {
  return v[24];
}

/** Delivery watermark key of a queue. */
export function watermarkKey(qid: number): Buffer {
  const k = Buffer.allocUnsafe(5);
  k[0] = WATERMARK;
  k.writeUInt32BE(qid, 1);
  return k;
}

/** Delivery watermark value. */
export function watermarkValue(seq: number): Buffer {
  const v = Buffer.allocUnsafe(8);
  writeU64(v, seq, 0);
  return v;
}

/** The key range of one queue's index records. */
export function queueRange(qid: number): { gte: Buffer; lt: Buffer } {
  const gte = Buffer.alloc(5);
  gte[0] = INDEX;
  gte.writeUInt32BE(qid, 1);
  const lt = Buffer.alloc(5);
  if (qid === 0xffffffff) lt[0] = INDEX + 1;
  else {
    lt[0] = INDEX;
    lt.writeUInt32BE(qid + 1, 1);
  }
  return { gte, lt };
}

/** A key as hex, for log lines about records that cannot be decoded. */
export function describeKey(key: Buffer): string {
  return key.toString('hex');
}
