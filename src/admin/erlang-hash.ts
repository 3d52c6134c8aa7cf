/**
 * Erlang's `erlang:phash2/2` over the few term shapes RabbitMQ hashes for the management API: a
 * binding's arguments, an AMQP field table as the Erlang term RabbitMQ keeps it (a list of
 * `{Key, Type, Value}` tuples), hashed into a binding's `properties_key`
 * (rabbit_mgmt_format:args_hash). phash2 is documented as portable across machines and ERTS
 * versions, so the value must equal RabbitMQ's bit for bit: this is the ERTS make_hash2 walk
 * (Bob Jenkins' mix over 32-bit words; binaries in 12-byte blocks; tuples, lists and atoms with
 * their own constants), written from its description and checked against `erl` in
 * test/unit/binding-props.test.ts.
 */

/** The Erlang terms a field table turns into. `list` is a proper list (`[]` when empty). */
export type ErlangTerm =
  | { readonly t: 'int'; readonly v: bigint }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'atom'; readonly v: string }
  | { readonly t: 'bin'; readonly v: Uint8Array }
  | { readonly t: 'tuple'; readonly v: readonly ErlangTerm[] }
  | { readonly t: 'list'; readonly v: readonly ErlangTerm[] };

/** Term constructors. */
export const erl = {
  int: (v: number | bigint): ErlangTerm => ({ t: 'int', v: BigInt(v) }),
  float: (v: number): ErlangTerm => ({ t: 'float', v }),
  atom: (v: string): ErlangTerm => ({ t: 'atom', v }),
  bin: (v: Uint8Array | string): ErlangTerm => ({ t: 'bin', v: typeof v === 'string' ? Buffer.from(v, 'utf8') : v }),
  tuple: (...v: ErlangTerm[]): ErlangTerm => ({ t: 'tuple', v }),
  list: (v: readonly ErlangTerm[]): ErlangTerm => ({ t: 'list', v }),
};

// The golden ratio and its multiples mod 2^32 (ERTS names them HCONST, HCONST_2 ... HCONST_16).
const HCONST = 0x9e3779b9;
const HCONST_2 = 0x3c6ef372;
const HCONST_3 = 0xdaa66d2b;
const HCONST_4 = 0x78dde6e4;
const HCONST_9 = 0x8ff34781;
const HCONST_10 = 0x2e2ac13a;
const HCONST_11 = 0xcc623af3;
const HCONST_12 = 0x6a99b4ac;
const HCONST_13 = 0x08d12e65;
/** ERTS's tag value of `[]`, hashed when nil is not the whole term. */
const NIL_DEF = 2;
/** phash2([]) itself. */
const NIL_HASH = 3468870702;

/** Bob Jenkins' 96-bit mix of (a, b, c); the caller mostly keeps only the new c. */
function mix(a: number, b: number, c: number): number {
  return mix3(a, b, c)[2];
}

/** Two 32-bit words mixed into hash with a type constant (ERTS UINT32_HASH_2). */
function hash2(hash: number, x: number, y: number, k: number): number {
  return mix((k + x) >>> 0, (k + y) >>> 0, hash);
}

function le32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** ERTS block_hash: 12-byte blocks mixed in, then the tail and the length. */
function blockHash(bytes: Uint8Array, initval: number): number {
  let a = HCONST;
  let b = HCONST;
  let c = initval >>> 0;
  let k = 0;
  const n = bytes.length;
  for (; n - k >= 12; k += 12) {
    a = (a + le32(bytes, k)) >>> 0;
    b = (b + le32(bytes, k + 4)) >>> 0;
    c = (c + le32(bytes, k + 8)) >>> 0;
    // a and b carry into the next block too.
    [a, b, c] = mix3(a, b, c);
  }
  c = (c + n) >>> 0;
  const rest = n - k;
  // The first byte of c is the length; the tail fills c's upper bytes, then b, then a.
  if (rest >= 11) c = (c + (bytes[k + 10] << 24)) >>> 0;
  if (rest >= 10) c = (c + (bytes[k + 9] << 16)) >>> 0;
  if (rest >= 9) c = (c + (bytes[k + 8] << 8)) >>> 0;
  if (rest >= 8) b = (b + (bytes[k + 7] << 24)) >>> 0;
  if (rest >= 7) b = (b + (bytes[k + 6] << 16)) >>> 0;
  if (rest >= 6) b = (b + (bytes[k + 5] << 8)) >>> 0;
  if (rest >= 5) b = (b + bytes[k + 4]) >>> 0;
  if (rest >= 4) a = (a + (bytes[k + 3] << 24)) >>> 0;
  if (rest >= 3) a = (a + (bytes[k + 2] << 16)) >>> 0;
  if (rest >= 2) a = (a + (bytes[k + 1] << 8)) >>> 0;
  if (rest >= 1) a = (a + bytes[k]) >>> 0;
  return mix(a, b, c);
}

/** The mix itself, all three words out (block_hash carries a and b from block to block). */
function mix3(a: number, b: number, c: number): [number, number, number] {
  a = (a - b - c) >>> 0;
  a = (a ^ (c >>> 13)) >>> 0;
  b = (b - c - a) >>> 0;
  b = (b ^ (a << 8)) >>> 0;
  c = (c - a - b) >>> 0;
  c = (c ^ (b >>> 13)) >>> 0;
  a = (a - b - c) >>> 0;
  a = (a ^ (c >>> 12)) >>> 0;
  b = (b - c - a) >>> 0;
  b = (b ^ (a << 16)) >>> 0;
  c = (c - a - b) >>> 0;
  c = (c ^ (b >>> 5)) >>> 0;
  a = (a - b - c) >>> 0;
  a = (a ^ (c >>> 3)) >>> 0;
  b = (b - c - a) >>> 0;
  b = (b ^ (a << 10)) >>> 0;
  c = (c - a - b) >>> 0;
  c = (c ^ (b >>> 15)) >>> 0;
  return [a, b, c];
}

/** An atom's hash as ERTS keeps it in the atom table (hashpjw over its name, Latin-1 characters folded to one byte). */
export function atomHash(name: string): number {
  const bytes = Buffer.from(name, 'utf8');
  let h = 0;
  for (let i = 0; i < bytes.length; i++) {
    let v = bytes[i];
    // A two-byte UTF-8 sequence of a Latin-1 character counts as that character's code.
    if (i + 1 < bytes.length && (v & 0xfe) === 0xc2 && (bytes[i + 1] & 0xc0) === 0x80) {
      v = ((v & 0x03) << 6) | (bytes[i + 1] & 0x3f);
      i++;
    }
    h = ((h << 4) + v) >>> 0;
    const g = (h & 0xf0000000) >>> 0;
    if (g !== 0) h = (h ^ (g >>> 24) ^ g) >>> 0;
  }
  return h;
}

const TWO_27 = 1n << 27n;
const MASK32 = 0xffffffffn;

function hashInt(hash: number, v: bigint): number {
  // Integers that fit in 28 signed bits: the value as an int32 (a negative one is mixed twice).
  if (v >= -TWO_27 && v < TWO_27) {
    const y = Number(v);
    if (y < 0) hash = hash2(hash, -y >>> 0, 0, HCONST);
    return hash2(hash, y >>> 0, 0, HCONST);
  }
  // Larger ones (and bignums): the magnitude in 64-bit digits, low word first, with the sign's constant.
  const k = v < 0n ? HCONST_10 : HCONST_11;
  let m = v < 0n ? -v : v;
  do {
    hash = hash2(hash, Number(m & MASK32), Number((m >> 32n) & MASK32), k);
    m >>= 64n;
  } while (m > 0n);
  return hash;
}

function hashFloat(hash: number, v: number): number {
  const b = Buffer.alloc(8);
  // -0.0 hashes as 0.0.
  b.writeDoubleLE(v === 0 ? 0 : v);
  return hash2(hash, b.readUInt32LE(4), b.readUInt32LE(0), HCONST_12);
}

function isByte(t: ErlangTerm): boolean {
  return t.t === 'int' && t.v >= 0n && t.v <= 255n;
}

/** A pending piece of the walk: a term, or the rest of a list from index `from`. */
type Work = ErlangTerm | { readonly t: 'tail'; readonly list: readonly ErlangTerm[]; readonly from: number };

/** erlang:phash2(Term, 1 bsl 32): the full 32-bit hash. */
export function phash2(term: ErlangTerm): number {
  let hash = 0;
  const stack: Work[] = [];
  let w: Work | undefined = term;
  while (w !== undefined) {
    if (w.t === 'list' || w.t === 'tail') {
      const items = w.t === 'list' ? w.v : w.list;
      let i = w.t === 'list' ? 0 : w.from;
      if (i >= items.length) {
        hash = hash === 0 ? NIL_HASH : hash2(hash, NIL_DEF, 0, HCONST_2);
        w = stack.pop();
        continue;
      }
      // Runs of byte-sized integers (strings) go in four at a time.
      let sh = 0;
      let c = 0;
      while (i < items.length && isByte(items[i])) {
        sh = ((sh << 8) + Number((items[i] as { v: bigint }).v)) >>> 0;
        if (c === 3) {
          hash = hash2(hash, sh, 0, HCONST_4);
          c = 0;
          sh = 0;
        } else c++;
        i++;
      }
      if (c > 0) hash = hash2(hash, sh, 0, HCONST_4);
      if (i < items.length) {
        stack.push({ t: 'tail', list: items, from: i + 1 });
        w = items[i];
      } else {
        // The run reached the end: the list's [] is hashed next.
        w = { t: 'tail', list: items, from: items.length };
      }
      continue;
    }
    switch (w.t) {
      case 'tuple': {
        hash = hash2(hash, w.v.length, 0, HCONST_9);
        for (let i = w.v.length - 1; i >= 1; i--) stack.push(w.v[i]);
        if (w.v.length > 0) {
          w = w.v[0];
          continue;
        }
        break;
      }
      case 'atom': {
        const h = atomHash(w.v);
        hash = hash === 0 ? h : hash2(hash, h, 0, HCONST_3);
        break;
      }
      case 'bin': {
        const k = (HCONST_13 + hash) >>> 0;
        hash = w.v.length === 0 ? k : blockHash(w.v, k);
        break;
      }
      case 'int':
        hash = hashInt(hash, w.v);
        break;
      case 'float':
        hash = hashFloat(hash, w.v);
        break;
    }
    w = stack.pop();
  }
  return hash;
}
