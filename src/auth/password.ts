import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * RabbitMQ-compatible password hashing (rabbit_password.erl and the three
 * rabbit_password_hashing_* modules): 4 random salt bytes,
 * hash = H(salt ++ utf8(password)), stored as base64(salt ++ hash).
 * The names are the `hashing_algorithm` values of a definitions file.
 */
export const HASHING_ALGORITHMS = [
  'rabbit_password_hashing_sha256',
  'rabbit_password_hashing_sha512',
  'rabbit_password_hashing_md5',
] as const;

/** A `hashing_algorithm` value RabbitMQ writes into definitions files. */
export type HashingAlgorithm = (typeof HASHING_ALGORITHMS)[number];

/** RabbitMQ's default `password_hashing_module` since 3.6.0. */
export const DEFAULT_HASHING_ALGORITHM: HashingAlgorithm = 'rabbit_password_hashing_sha256';

const SALT_BYTES = 4;

/** Node's digest name and digest length for each RabbitMQ module. */
const DIGESTS: Record<HashingAlgorithm, { name: string; bytes: number }> = {
  rabbit_password_hashing_sha256: { name: 'sha256', bytes: 32 },
  rabbit_password_hashing_sha512: { name: 'sha512', bytes: 64 },
  rabbit_password_hashing_md5: { name: 'md5', bytes: 16 },
};

/** True when `name` is one of RabbitMQ's three hashing module names. */
export function isHashingAlgorithm(name: unknown): name is HashingAlgorithm {
  return typeof name === 'string' && Object.hasOwn(DIGESTS, name);
}

/**
 * The algorithm of a user in an imported definitions file. RabbitMQ
 * (rabbit_auth_backend_internal:hashing_algorithm/2) uses the user's
 * `hashing_algorithm` when present; when absent it goes by the file's
 * `rabbit_version`: 3.0-3.5 hashed with MD5, 3.6.0 with SHA-256, and any
 * later (or unknown) version is assumed to have used the node's default.
 * Returns undefined for a name RabbitMQ has no module for, so the caller
 * can refuse the file instead of storing a hash nobody can check.
 */
export function importHashingAlgorithm(
  hashingAlgorithm: string | undefined,
  rabbitVersion: string | undefined,
  nodeDefault: HashingAlgorithm = DEFAULT_HASHING_ALGORITHM,
): HashingAlgorithm | undefined {
  if (hashingAlgorithm !== undefined) return isHashingAlgorithm(hashingAlgorithm) ? hashingAlgorithm : undefined;
  if (rabbitVersion === '3.6.0') return 'rabbit_password_hashing_sha256';
  if (rabbitVersion !== undefined && /^3\.[0-5]\./.test(rabbitVersion)) return 'rabbit_password_hashing_md5';
  return nodeDefault;
}

function salted(algorithm: HashingAlgorithm, salt: Buffer, password: string): Buffer {
  return createHash(DIGESTS[algorithm].name).update(salt).update(password, 'utf8').digest();
}

/**
 * Hashes a password as RabbitMQ stores it: base64(salt ++ H(salt ++ utf8(password))).
 * The second argument may also be a 4-byte salt (the original signature,
 * kept for existing callers and for golden tests).
 */
export function hashPassword(password: string, algorithm?: HashingAlgorithm, salt?: Buffer): string;
/** @deprecated form: hashPassword(password, salt) hashes with SHA-256. */
export function hashPassword(password: string, salt: Buffer): string;
export function hashPassword(
  password: string,
  algorithmOrSalt: HashingAlgorithm | Buffer = DEFAULT_HASHING_ALGORITHM,
  salt: Buffer = randomBytes(SALT_BYTES),
): string {
  const algorithm = Buffer.isBuffer(algorithmOrSalt) ? DEFAULT_HASHING_ALGORITHM : algorithmOrSalt;
  const s = Buffer.isBuffer(algorithmOrSalt) ? algorithmOrSalt : salt;
  if (s.length !== SALT_BYTES) throw new RangeError(`salt must be ${SALT_BYTES} bytes, got ${s.length}`);
  return Buffer.concat([s, salted(algorithm, s, password)]).toString('base64');
}

/**
 * Checks a password against a stored hash in RabbitMQ's format. An empty
 * hash (cleared password, `password_hash: ""`) never matches; neither does a
 * hash whose length is not salt + digest of the algorithm (RabbitMQ compares
 * the binaries, so a truncated or foreign hash simply fails). An empty
 * password is not refused here: RabbitMQ refuses blank passwords before it
 * looks at the hash (rabbit_auth_backend_internal), and so must the caller,
 * with its own log text. The comparison is constant-time.
 */
export function checkPassword(
  password: string,
  stored: string,
  algorithm: HashingAlgorithm = DEFAULT_HASHING_ALGORITHM,
): boolean {
  if (stored === '' || !isHashingAlgorithm(algorithm)) return false;
  const raw = Buffer.from(stored, 'base64');
  if (raw.length !== SALT_BYTES + DIGESTS[algorithm].bytes) return false;
  const expected = salted(algorithm, raw.subarray(0, SALT_BYTES), password);
  return timingSafeEqual(raw.subarray(SALT_BYTES), expected);
}

/**
 * True when `hash` is what an import may store for `algorithm`: empty (no
 * password login) or strict base64 of salt + digest. RabbitMQ refuses a
 * hash that does not decode (rabbit_misc:b64decode_or_throw); Node's decoder
 * skips bad characters, so the strictness is checked here.
 */
export function isValidPasswordHash(hash: string, algorithm: HashingAlgorithm): boolean {
  if (hash === '') return true;
  if (!isHashingAlgorithm(algorithm) || !/^[A-Za-z0-9+/]*={0,2}$/.test(hash) || hash.length % 4 !== 0) return false;
  return Buffer.from(hash, 'base64').length === SALT_BYTES + DIGESTS[algorithm].bytes;
}
