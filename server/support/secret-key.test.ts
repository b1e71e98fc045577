import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptoRandom } from './random';
import { KeyedDigest, SecretBox, sealedKeyId } from './secret-key';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const keyC = randomBytes(32);

describe('sealing with the server key during a rotation', () => {
  it('opens what the previous key sealed, and seals only with the current one', () => {
    const before = new SecretBox(keyA, 'totp', cryptoRandom).seal('JBSWY3DPEHPK3PXP');
    const during = new SecretBox(keyB, 'totp', cryptoRandom, keyA);
    expect(during.open(before)).toBe('JBSWY3DPEHPK3PXP');
    const sealed = during.seal('JBSWY3DPEHPK3PXP');
    expect(sealedKeyId(sealed)).toBe(during.keyId);
    expect(new SecretBox(keyB, 'totp', cryptoRandom).open(sealed)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a value sealed with neither key, or for another purpose', () => {
    const during = new SecretBox(keyB, 'totp', cryptoRandom, keyA);
    expect(() => during.open(new SecretBox(keyC, 'totp', cryptoRandom).seal('x'))).toThrow(
      /another server key/,
    );
    expect(() => during.open(new SecretBox(keyA, 'outbox', cryptoRandom).seal('x'))).toThrow();
  });
});

describe('keyed digests during a rotation', () => {
  it('accepts the previous key’s digest of a code, and makes new digests with the current key only', () => {
    const old = new KeyedDigest(keyA).digest('123456');
    const during = new KeyedDigest(keyB, keyA);
    expect(during.matches('123456', old)).toBe(true);
    expect(during.matches('123457', old)).toBe(false);
    expect(during.digest('123456')).toBe(new KeyedDigest(keyB).digest('123456'));
    expect(during.candidates('123456')).toEqual([during.digest('123456'), old]);
    // Without the previous key, the old digest no longer matches: what PREVIOUS_SECRET_KEY is for.
    expect(new KeyedDigest(keyB).matches('123456', old)).toBe(false);
  });
});
