import { createHash, timingSafeEqual } from 'node:crypto';
import { newId, type Random } from './random';

/**
 * Bearer secrets (sessions, trusted devices, activation links) follow the split-token pattern: the token
 * is `<id>.<secret>`, the row is found by id and only SHA-256(secret) is stored, compared in constant
 * time. A database leak yields no usable token and lookups leak no timing about the secret.
 */

const secretBytes = 32; // 256 bits, well above the 128 the standards ask for

export interface IssuedToken {
  id: string;
  /** Give this to the client once; it is not stored anywhere. */
  token: string;
  secretHash: string;
}

export function issueToken(random: Random): IssuedToken {
  const id = newId(random);
  const secret = random.bytes(secretBytes).toString('base64url');
  return { id, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): { id: string; secret: string } | undefined {
  const match = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return undefined;
  return { id: match[1]!, secret: match[2]! };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'base64url');
  const expected = Buffer.from(storedHash, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
