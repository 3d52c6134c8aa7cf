import type { Consumer } from '../consumer.js';

/**
 * A queue's consumers and which one gets the next message: round robin,
 * RabbitMQ consumer priorities (x-priority), or single active consumer
 * (x-single-active-consumer: only the earliest registered consumer receives;
 * the next one in registration order takes over when it goes).
 */
export class ConsumerList {
  /** Consumers, highest priority first, registration order within a priority (registration order only with SAC). */
  readonly all: Consumer[] = [];
  private readonly single: boolean;
  private rr = 0;
  private mixedPriorities = false;

  constructor(singleActive: boolean) {
    this.single = singleActive;
  }

  /** Registers c (single active: active only if it is the first). */
  add(c: Consumer): void {
    const cs = this.all;
    if (this.single) {
      c.active = cs.length === 0;
      cs.push(c);
      return;
    }
    let i = cs.length;
    while (i > 0 && cs[i - 1].priority < c.priority) i--;
    cs.splice(i, 0, c);
    if (cs.length > 1 && cs[0].priority !== cs[cs.length - 1].priority) this.mixedPriorities = true;
  }

  /** Unregisters c; returns false when it was not registered. A removed active consumer hands over at once. */
  remove(c: Consumer): boolean {
    const cs = this.all;
    const i = cs.indexOf(c);
    if (i < 0) return false;
    cs.splice(i, 1);
    if (this.rr > i) this.rr--;
    if (cs.length === 0) this.mixedPriorities = false;
    // RabbitMQ 3.10.8 only hands over when the old consumer's channel closes (a bug, fixed later): we do it at once.
    else if (this.single && i === 0) cs[0].active = true;
    return true;
  }

  /** The consumer to hand the next message to, or undefined when none has capacity. */
  pick(): Consumer | undefined {
    if (this.single) {
      const c = this.all[0];
      return c !== undefined && c.hasCapacity() ? c : undefined;
    }
    return this.mixedPriorities ? this.nextByPriority() : this.nextRoundRobin();
  }

  private nextRoundRobin(): Consumer | undefined {
    const cs = this.all;
    const n = cs.length;
    if (n === 0) return undefined;
    if (this.rr >= n) this.rr = 0;
    for (let k = 0; k < n; k++) {
      const i = this.rr + k < n ? this.rr + k : this.rr + k - n;
      const c = cs[i];
      if (c.hasCapacity()) {
        this.rr = i + 1;
        return c;
      }
    }
    return undefined;
  }

  /** RabbitMQ consumer priorities: lower-priority consumers only get messages when all higher ones are blocked. */
  private nextByPriority(): Consumer | undefined {
    const cs = this.all;
    let start = 0;
    while (start < cs.length) {
      const p = cs[start].priority;
      let end = start;
      while (end < cs.length && cs[end].priority === p) end++;
      for (let i = start; i < end; i++) {
        const c = cs[i];
        if (c.hasCapacity()) {
          // Round robin within the priority group: move the served consumer to the end of its group.
          if (i !== end - 1) {
            cs.splice(i, 1);
            cs.splice(end - 1, 0, c);
          }
          return c;
        }
      }
      start = end;
    }
    return undefined;
  }
}
