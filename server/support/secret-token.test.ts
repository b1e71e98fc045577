import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptoRandom } from './random';
import { hashSecret, issueToken, parseToken, secretMatches } from './secret-token';

function flip(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

describe('issued tokens', () => {
  it('have the shape <id>.<secret> and parse back to the same parts', () => {
    const issued = issueToken(cryptoRandom);
    const parsed = parseToken(issued.token);
    expect(parsed).toBeDefined();
    expect(parsed?.id).toBe(issued.id);
    expect(issued.token).toBe(`${parsed?.id}.${parsed?.secret}`);
  });

  it('carry at least 128 bits of secret', () => {
    const parsed = parseToken(issueToken(cryptoRandom).token);
    const secretBytes = Buffer.from(parsed?.secret ?? '', 'base64url');
    expect(secretBytes.length * 8).toBeGreaterThanOrEqual(128);
  });

  it('never repeat a secret or an id', () => {
    const tokens = Array.from({ length: 2000 }, () => issueToken(cryptoRandom));
    expect(new Set(tokens.map((t) => parseToken(t.token)?.secret)).size).toBe(tokens.length);
    expect(new Set(tokens.map((t) => t.id)).size).toBe(tokens.length);
  });

  it('draw their secret from the injected randomness, not from the id', () => {
    const pinned = { bytes: (count: number) => Buffer.alloc(count, 7), int: () => 0 };
    const a = issueToken(pinned);
    const b = issueToken(pinned);
    expect(a.token).toBe(b.token);
    expect(issueToken(cryptoRandom).token).not.toBe(a.token);
  });

  it('keep only the SHA-256 of the secret, never the secret or the token', () => {
    const issued = issueToken(cryptoRandom);
    const secret = parseToken(issued.token)?.secret ?? '';
    expect(issued.secretHash).toBe(createHash('sha256').update(secret).digest('base64url'));
    expect(issued.secretHash).not.toContain(secret);
    expect(issued.token).not.toContain(issued.secretHash);
  });
});

describe('parseToken', () => {
  const good = issueToken(cryptoRandom).token;
  const [id = '', secret = ''] = good.split('.');

  it.each([
    ['an empty string', ''],
    ['the id alone', id],
    ['the secret alone', secret],
    ['the id with an empty secret', `${id}.`],
    ['an empty id', `.${secret}`],
    ['a truncated secret', good.slice(0, -1)],
    ['a secret one character too long', `${good}A`],
    ['a truncated id', `${id.slice(1)}.${secret}`],
    ['an id one character too long', `A${good}`],
    ['a third part', `${good}.${secret}`],
    ['another separator', `${id}:${secret}`],
    ['standard base64 characters', `${id}.${secret.slice(0, -2)}+/`],
    ['base64 padding', `${id}.${secret.slice(0, -1)}=`],
    ['leading whitespace', ` ${good}`],
    ['trailing whitespace', `${good} `],
    ['a trailing newline', `${good}\n`],
    ['a Bearer prefix', `Bearer ${good}`],
    ['a look-alike Unicode letter', `${id}.${secret.slice(0, -1)}а`],
    ['a NUL byte', `${id}.${secret.slice(0, -1)}\u0000`],
  ])('refuses %s', (_label, text) => {
    expect(parseToken(text)).toBeUndefined();
  });
});

describe('secretMatches', () => {
  const issued = issueToken(cryptoRandom);
  const secret = parseToken(issued.token)?.secret ?? '';

  it('accepts the exact secret', () => {
    expect(secretMatches(secret, issued.secretHash)).toBe(true);
  });

  it('refuses the secret with any one character changed', () => {
    for (let index = 0; index < secret.length; index += 1) {
      expect(secretMatches(flip(secret, index), issued.secretHash)).toBe(false);
    }
  });

  it.each([
    ['a truncated secret', (s: string) => s.slice(0, -1)],
    ['a longer secret', (s: string) => `${s}A`],
    ['an empty secret', () => ''],
    ['the secret in upper case', (s: string) => s.toUpperCase()],
    ['the whole token', () => issued.token],
    ['the stored hash itself', () => issued.secretHash],
  ])('refuses %s', (_label, change) => {
    expect(secretMatches(change(secret), issued.secretHash)).toBe(false);
  });

  it('refuses against a hash of another secret and against a malformed hash', () => {
    const other = issueToken(cryptoRandom);
    expect(secretMatches(secret, other.secretHash)).toBe(false);
    expect(secretMatches(secret, '')).toBe(false);
    expect(secretMatches(secret, issued.secretHash.slice(0, -4))).toBe(false);
    expect(secretMatches(secret, hashSecret(secret).toUpperCase())).toBe(false);
  });
});
