import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  DEFAULT_HASHING_ALGORITHM,
  hashPassword,
  HASHING_ALGORITHMS,
  importHashingAlgorithm,
  isHashingAlgorithm,
  isValidPasswordHash,
  type HashingAlgorithm,
} from '../../src/auth/password.js';

interface ExportedUser {
  name: string;
  password_hash: string;
  hashing_algorithm: string;
  tags: string[];
}

// Exported from the reference RabbitMQ 3.10.8 (GET /api/definitions) after rabbitmqctl add_user;
// dave was added with password_hashing_module set to sha512 and erin with md5 (application:set_env).
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/rabbitmq-3.10.8-definitions.json', import.meta.url), 'utf8'),
) as { users: ExportedUser[] };
const user = (name: string): ExportedUser => {
  const u = fixture.users.find((x) => x.name === name);
  if (u === undefined) throw new Error(`fixture has no user ${name}`);
  return u;
};

describe('hashes made by RabbitMQ 3.10.8 check with the original passwords', () => {
  it.each([
    ['alice', 'alice-secret', 'rabbit_password_hashing_sha256'],
    ['bob', 'pässwörd ünïcode', 'rabbit_password_hashing_sha256'],
    ['guest', 'guest', 'rabbit_password_hashing_sha256'],
    ['dave', 'dave-sha512', 'rabbit_password_hashing_sha512'],
    ['erin', 'erin-md5', 'rabbit_password_hashing_md5'],
  ])('%s (%s) accepts its password and refuses others', (name, password, algorithm) => {
    const u = user(name);
    expect(u.hashing_algorithm).toBe(algorithm);
    expect(isHashingAlgorithm(u.hashing_algorithm)).toBe(true);
    const alg = u.hashing_algorithm as HashingAlgorithm;
    expect(checkPassword(password, u.password_hash, alg)).toBe(true);
    expect(checkPassword(password + 'x', u.password_hash, alg)).toBe(false);
    expect(checkPassword(password.toUpperCase(), u.password_hash, alg)).toBe(false);
    expect(checkPassword('', u.password_hash, alg)).toBe(false);
    expect(isValidPasswordHash(u.password_hash, alg)).toBe(true);
  });

  it('a hash checked with the wrong algorithm fails (the lengths differ)', () => {
    expect(checkPassword('dave-sha512', user('dave').password_hash, 'rabbit_password_hashing_sha256')).toBe(false);
    expect(checkPassword('erin-md5', user('erin').password_hash, 'rabbit_password_hashing_sha512')).toBe(false);
  });

  it('a cleared password (hash "") never matches, not even the empty password', () => {
    const frank = user('frank');
    expect(frank.password_hash).toBe('');
    for (const alg of HASHING_ALGORITHMS) {
      expect(checkPassword('', '', alg)).toBe(false);
      expect(checkPassword('frank-pw', '', alg)).toBe(false);
    }
  });

  it('add_user with an empty password stores a real hash of "" (blank logins are refused before the hash)', () => {
    expect(checkPassword('', user('carol').password_hash)).toBe(true);
  });
});

describe('hashPassword', () => {
  it('is base64(salt ++ H(salt ++ utf8 password)) with a 4-byte salt', () => {
    const salt = Buffer.from('9ad4b4b0', 'hex');
    const h = hashPassword('guest', 'rabbit_password_hashing_sha256', salt);
    const raw = Buffer.from(h, 'base64');
    expect(raw.subarray(0, 4)).toEqual(salt);
    expect(raw.length).toBe(36);
    expect(checkPassword('guest', h)).toBe(true);
  });

  it.each([
    ['rabbit_password_hashing_sha256', 36],
    ['rabbit_password_hashing_sha512', 68],
    ['rabbit_password_hashing_md5', 20],
  ] as const)('%s gives %d bytes and checks back', (alg, bytes) => {
    const h = hashPassword('s3cret', alg);
    expect(Buffer.from(h, 'base64').length).toBe(bytes);
    expect(checkPassword('s3cret', h, alg)).toBe(true);
    expect(checkPassword('s3cres', h, alg)).toBe(false);
  });

  it('reproduces a RabbitMQ hash from its salt', () => {
    const u = user('alice');
    const salt = Buffer.from(u.password_hash, 'base64').subarray(0, 4);
    expect(hashPassword('alice-secret', 'rabbit_password_hashing_sha256', salt)).toBe(u.password_hash);
    const d = user('dave');
    const dsalt = Buffer.from(d.password_hash, 'base64').subarray(0, 4);
    expect(hashPassword('dave-sha512', 'rabbit_password_hashing_sha512', dsalt)).toBe(d.password_hash);
  });

  it('salts each hash randomly', () => {
    expect(hashPassword('same')).not.toBe(hashPassword('same'));
  });

  it('keeps the original hashPassword(password, salt) and checkPassword(password, stored) forms (SHA-256)', () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old form is what this test keeps working
    expect(hashPassword('pw', salt)).toBe(hashPassword('pw', DEFAULT_HASHING_ALGORITHM, salt));
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above
    expect(checkPassword('pw', hashPassword('pw', salt))).toBe(true);
  });

  it('refuses a salt that is not 4 bytes', () => {
    expect(() => hashPassword('pw', 'rabbit_password_hashing_sha256', Buffer.alloc(3))).toThrow(RangeError);
  });
});

describe('checkPassword on malformed input', () => {
  it('refuses truncated, padded and non-base64 hashes and unknown algorithms', () => {
    const h = hashPassword('pw');
    expect(checkPassword('pw', h.slice(0, -4))).toBe(false);
    expect(checkPassword('pw', h + 'AAAA')).toBe(false);
    expect(checkPassword('pw', '!!!!')).toBe(false);
    expect(checkPassword('pw', h, 'rabbit_password_hashing_sha1' as HashingAlgorithm)).toBe(false);
  });

  it('isValidPasswordHash wants strict base64 of the right length (or "")', () => {
    expect(isValidPasswordHash('', 'rabbit_password_hashing_sha256')).toBe(true);
    expect(isValidPasswordHash(hashPassword('x'), 'rabbit_password_hashing_sha256')).toBe(true);
    expect(isValidPasswordHash(hashPassword('x'), 'rabbit_password_hashing_md5')).toBe(false);
    expect(isValidPasswordHash('not base64!', 'rabbit_password_hashing_sha256')).toBe(false);
  });
});

describe('importHashingAlgorithm (rabbit_auth_backend_internal:hashing_algorithm/2)', () => {
  it('uses the file\'s hashing_algorithm when present', () => {
    expect(importHashingAlgorithm('rabbit_password_hashing_md5', '3.13.7')).toBe('rabbit_password_hashing_md5');
    expect(importHashingAlgorithm('rabbit_password_hashing_sha1', '3.13.7')).toBeUndefined();
  });

  it('without it: MD5 for 3.0-3.5 files, SHA-256 for 3.6.0, the node default otherwise', () => {
    expect(importHashingAlgorithm(undefined, '3.5.7')).toBe('rabbit_password_hashing_md5');
    expect(importHashingAlgorithm(undefined, '3.0.0')).toBe('rabbit_password_hashing_md5');
    expect(importHashingAlgorithm(undefined, '3.6.0')).toBe('rabbit_password_hashing_sha256');
    // Observed on 3.10.8: a file with no rabbit_version and no hashing_algorithm gets the default (sha256).
    expect(importHashingAlgorithm(undefined, undefined)).toBe('rabbit_password_hashing_sha256');
    expect(importHashingAlgorithm(undefined, '3.10.8', 'rabbit_password_hashing_sha512')).toBe('rabbit_password_hashing_sha512');
  });
});
