import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * RabbitMQ-compatible password hashing (rabbit_password.erl,
 * rabbit_password_hashing_sha256): 4 random salt bytes,
 * hash = SHA-256(salt ++ utf8(password)), stored as base64(salt ++ hash).
 */
export function hashPassword(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** Checks a password against a stored base64(salt ++ sha256) hash; an empty hash never matches. */
export function checkPassword(password: string, stored: string): boolean {
  if (stored === '') return false;
  const raw = Buffer.from(stored, 'base64');
  if (raw.length !== 36) return false;
  const expected = Buffer.from(hashPassword(password, raw.subarray(0, 4)), 'base64');
  return timingSafeEqual(raw, expected);
}
