import { DirectRouter } from './direct-router.js';
import { FanoutRouter } from './fanout-router.js';
import { HeadersRouter } from './headers-router.js';
import type { Router } from './router.js';
import { TopicRouter } from './topic-router.js';

/** The exchange types Warren implements. */
export const EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers'] as const;

/** True when type names an implemented exchange type. */
export function isKnownExchangeType(type: string): boolean {
  return (EXCHANGE_TYPES as readonly string[]).includes(type);
}

/** A fresh matching engine for an exchange of the given type. */
export function createRouter<D>(type: string): Router<D> {
  switch (type) {
    case 'direct':
      return new DirectRouter<D>();
    case 'fanout':
      return new FanoutRouter<D>();
    case 'topic':
      return new TopicRouter<D>();
    case 'headers':
      return new HeadersRouter<D>();
    default:
      throw new Error(`unknown exchange type '${type}'`);
  }
}
