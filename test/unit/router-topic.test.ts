import { describe, expect, it } from 'vitest';
import { splitTopicKey, TOPIC_CACHE_SIZE, TopicRouter } from '../../src/broker/exchange/topic-router.js';
import { prng } from '../helpers/prng.js';

type Dest = { name: string };
const dest = (name: string): Dest => ({ name });

function routed(r: TopicRouter<Dest>, key: string): string[] {
  const out = new Set<Dest>();
  r.route(key, undefined, out);
  return [...out].map((d) => d.name).sort();
}

/** Reference semantics, straight from the definition: `*` one word, `#` zero or more. */
function referenceMatch(pattern: readonly string[], words: readonly string[]): boolean {
  if (pattern.length === 0) return words.length === 0;
  const [head, ...rest] = pattern;
  if (head === '#') {
    for (let i = 0; i <= words.length; i++) if (referenceMatch(rest, words.slice(i))) return true;
    return false;
  }
  if (words.length === 0) return false;
  return (head === '*' || head === words[0]) && referenceMatch(rest, words.slice(1));
}


function randomKey(rand: () => number, alphabet: readonly string[], maxWords: number): string {
  const n = Math.floor(rand() * (maxWords + 1));
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(alphabet[Math.floor(rand() * alphabet.length)]);
  return words.join('.');
}

describe('splitTopicKey', () => {
  it('splits on every dot and keeps empty words, but the empty key is zero words', () => {
    expect(splitTopicKey('')).toEqual([]);
    expect(splitTopicKey('a')).toEqual(['a']);
    expect(splitTopicKey('a..b')).toEqual(['a', '', 'b']);
    expect(splitTopicKey('.')).toEqual(['', '']);
    expect(splitTopicKey('a.')).toEqual(['a', '']);
  });
});

describe('TopicRouter', () => {
  // Observed on RabbitMQ 3.10.8: one queue per binding key, one message per routing key.
  const KEYS = ['', 'a', 'a.b', 'a..b', 'a.x.b', 'a.x.y.b', 'x.a', '.', 'a.', '.a', 'a.b.c', 'b', '..', 'a.a', '*', '#'];
  const ALL = KEYS;
  const ALL_BUT_EMPTY = KEYS.filter((k) => k !== '');
  const RABBITMQ: Record<string, string[]> = {
    '#': ALL,
    '': [''],
    '*': ['a', 'b', '*', '#'],
    '#.#': ALL,
    '*.#': ALL_BUT_EMPTY,
    '#.*': ALL_BUT_EMPTY,
    'a.#.b': ['a.b', 'a..b', 'a.x.b', 'a.x.y.b'],
    '#.a': ['a', 'x.a', '.a', 'a.a'],
    '*.#.*': ['a.b', 'a..b', 'a.x.b', 'a.x.y.b', 'x.a', '.', 'a.', '.a', 'a.b.c', '..', 'a.a'],
    'a..b': ['a..b'],
    'a.*.b': ['a..b', 'a.x.b'],
    'a.': ['a.'],
    '.': ['.'],
    '*.*': ['a.b', 'x.a', '.', 'a.', '.a', 'a.a'],
    a: ['a'],
    'a.#': ['a', 'a.b', 'a..b', 'a.x.b', 'a.x.y.b', 'a.', 'a.b.c', 'a.a'],
    '#.#.#': ALL,
    'a.*': ['a.b', 'a.', 'a.a'],
    '*.a': ['x.a', '.a', 'a.a'],
    '.a': ['.a'],
    '#.': ['.', 'a.', '..'],
    '.#': ['.', '.a', '..'],
    '*.': ['.', 'a.'],
    '#.*.#': ALL_BUT_EMPTY,
  };

  it('matches binding keys exactly as RabbitMQ 3.10.8 does', () => {
    const r = new TopicRouter<Dest>();
    for (const pattern of Object.keys(RABBITMQ)) r.add(dest(pattern), pattern, undefined);
    for (const key of KEYS) {
      const expected = Object.keys(RABBITMQ)
        .filter((p) => RABBITMQ[p].includes(key))
        .sort();
      expect(routed(r, key), `routing key ${JSON.stringify(key)}`).toEqual(expected);
    }
  });

  it('agrees with the reference matcher on thousands of random patterns and keys', () => {
    const rand = prng(0x5eed);
    const patternWords = ['a', 'b', 'c', '', '*', '#'];
    const keyWords = ['a', 'b', 'c', '', '*', '#'];
    for (let round = 0; round < 40; round++) {
      const r = new TopicRouter<Dest>();
      const bindings: Array<[Dest, string]> = [];
      const dests = Array.from({ length: 8 }, (_, i) => dest(`q${i}`));
      for (let i = 0; i < 30; i++) {
        const pattern = randomKey(rand, patternWords, 6);
        const d = dests[Math.floor(rand() * dests.length)];
        if (bindings.some(([bd, bp]) => bd === d && bp === pattern)) continue;
        bindings.push([d, pattern]);
        r.add(d, pattern, undefined);
      }
      // Drop some bindings so pruning and cache invalidation are exercised too.
      for (let i = 0; i < 5; i++) {
        const [d, p] = bindings.splice(Math.floor(rand() * bindings.length), 1)[0];
        r.remove(d, p, undefined);
      }
      for (let i = 0; i < 150; i++) {
        const key = randomKey(rand, keyWords, 7);
        const words = splitTopicKey(key);
        const expected = [...new Set(bindings.filter(([, p]) => referenceMatch(splitTopicKey(p), words)).map(([d]) => d.name))].sort();
        expect(routed(r, key), `key ${JSON.stringify(key)} against ${JSON.stringify(bindings.map(([d, p]) => `${d.name}:${p}`))}`).toEqual(expected);
        // Second time through the cache gives the same answer.
        expect(routed(r, key)).toEqual(expected);
      }
    }
  });

  it('handles many # against a long key without exponential work', () => {
    const r = new TopicRouter<Dest>();
    r.add(dest('deep'), '#.a.#.a.#.a.#.a.#.a.#.b', undefined);
    r.add(dest('any'), '#.#.#.#.#.#', undefined);
    const key = Array.from({ length: 200 }, () => 'a').join('.');
    const started = performance.now();
    expect(routed(r, key)).toEqual(['any']);
    expect(routed(r, key + '.b')).toEqual(['any', 'deep']);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('keeps a destination bound by two patterns until both are removed, and adds it once', () => {
    const r = new TopicRouter<Dest>();
    const q = dest('q');
    r.add(q, 'a.*', undefined);
    r.add(q, 'a.#', undefined);
    const out = new Set<Dest>();
    r.route('a.b', undefined, out);
    expect([...out]).toEqual([q]);
    r.remove(q, 'a.*', undefined);
    expect(routed(r, 'a.b')).toEqual(['q']);
    r.remove(q, 'a.#', undefined);
    expect(routed(r, 'a.b')).toEqual([]);
  });

  it('counts # and #.# as the same pattern but as two bindings', () => {
    const r = new TopicRouter<Dest>();
    const q = dest('q');
    r.add(q, '#', undefined);
    r.add(q, '#.#', undefined);
    r.remove(q, '#.#', undefined);
    expect(routed(r, 'x')).toEqual(['q']);
    r.remove(q, '#', undefined);
    expect(routed(r, 'x')).toEqual([]);
  });

  it('refcounts the same key bound twice to one destination (different arguments)', () => {
    const r = new TopicRouter<Dest>();
    const q = dest('q');
    r.add(q, 'k', { a: 1 });
    r.add(q, 'k', { a: 2 });
    r.remove(q, 'k', { a: 1 });
    expect(routed(r, 'k')).toEqual(['q']);
    r.remove(q, 'k', { a: 2 });
    expect(routed(r, 'k')).toEqual([]);
  });

  it('removeDestination drops every binding of that destination only', () => {
    const r = new TopicRouter<Dest>();
    const q1 = dest('q1');
    const q2 = dest('q2');
    r.add(q1, 'a.*', undefined);
    r.add(q1, '#', undefined);
    r.add(q1, '#', undefined);
    r.add(q2, 'a.b', undefined);
    expect(routed(r, 'a.b')).toEqual(['q1', 'q2']);
    r.removeDestination(q1);
    expect(routed(r, 'a.b')).toEqual(['q2']);
    expect(routed(r, 'z')).toEqual([]);
    r.add(q1, 'a.*', undefined);
    expect(routed(r, 'a.b')).toEqual(['q1', 'q2']);
  });

  it('ignores removal of a binding it never had', () => {
    const r = new TopicRouter<Dest>();
    const q = dest('q');
    r.add(q, 'a.b', undefined);
    r.remove(q, 'a.c', undefined);
    r.remove(dest('other'), 'a.b', undefined);
    r.removeDestination(dest('other'));
    expect(routed(r, 'a.b')).toEqual(['q']);
  });

  it('serves repeated keys from a bounded cache that every binding change clears', () => {
    const r = new TopicRouter<Dest>();
    r.add(dest('q1'), 'a.*', undefined);
    expect(routed(r, 'a.b')).toEqual(['q1']);
    expect(r.cachedKeys).toBe(1);
    r.add(dest('q2'), '#', undefined);
    expect(r.cachedKeys).toBe(0);
    expect(routed(r, 'a.b')).toEqual(['q1', 'q2']);
    for (let i = 0; i < TOPIC_CACHE_SIZE + 10; i++) routed(r, `k${i}`);
    expect(r.cachedKeys).toBe(TOPIC_CACHE_SIZE);
    expect(routed(r, 'a.b')).toEqual(['q1', 'q2']);
  });

  it('adds to the caller set without clearing it', () => {
    const r = new TopicRouter<Dest>();
    const q = dest('q');
    const already = dest('already');
    r.add(q, '#', undefined);
    const out = new Set<Dest>([already]);
    r.route('x', undefined, out);
    expect([...out]).toEqual([already, q]);
  });
});
