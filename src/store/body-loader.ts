import type { Logger } from 'pino';
import type { Message } from '../broker/message.js';
import { STORE_WRITTEN } from '../broker/persistence.js';
import type { BodyRefs } from './body-refs.js';
import { bodyKey, describeKey } from './keys.js';
import { decodeStoredMessage } from './stored-message.js';

/** Reads body records by key (classic-level getMany): undefined for a missing one. */
export type BodyReader = (keys: Buffer[]) => Promise<(Buffer | undefined)[]>;

/**
 * Reads the bodies of paged entries back (one getMany per call, never one
 * promise per message) and rebuilds their Messages, counted in BodyRefs.
 */
export class BodyLoader {
  constructor(
    /** null for a store that pages nothing (unit tests of the group commit). */
    private readonly readBodies: BodyReader | null,
    private readonly refs: BodyRefs,
    private readonly logger: Logger,
  ) {}

  /** Reads the bodies (msgId, propsLength pairs); done(null) when the read failed. */
  load(msgIds: ArrayLike<number>, propsLengths: ArrayLike<number>, count: number, done: (messages: (Message | undefined)[] | null) => void): void {
    const keys = new Array<Buffer>(count);
    for (let i = 0; i < count; i++) keys[i] = bodyKey(msgIds[i], propsLengths[i]);
    const ids = Array.from({ length: count }, (_, i) => msgIds[i]);
    const props = Array.from({ length: count }, (_, i) => propsLengths[i]);
    (this.readBodies as BodyReader)(keys).then(
      (values) => done(this.decode(values, keys, ids, props)),
      (err: unknown) => {
        this.logger.error({ err }, 'reading paged message bodies failed; retrying');
        done(null);
      },
    );
  }

  private decode(values: (Buffer | undefined)[], keys: Buffer[], ids: number[], props: number[]): (Message | undefined)[] {
    const out = new Array<Message | undefined>(values.length);
    for (let i = 0; i < values.length; i++) {
      const raw = values[i];
      if (raw === undefined) {
        this.logger.error({ key: describeKey(keys[i]) }, 'dropping a paged message whose body record is missing');
        continue;
      }
      try {
        const m = decodeStoredMessage(raw, props[i]);
        const id = ids[i];
        m.storeId = id;
        m.storeState = STORE_WRITTEN;
        m.storeRefs = this.refs.loadedRefs(id);
        out[i] = m;
      } catch (e) {
        this.logger.error({ key: describeKey(keys[i]), reason: (e as Error).message }, 'skipping undecodable message body record');
      }
    }
    return out;
  }
}
