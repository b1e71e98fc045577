import { describe, expect, it } from 'vitest';
import { cryptoRandom, newId, type Random } from './random';

describe('record ids', () => {
  it('never start with a dash or underscore, which a shell command would take for an option', () => {
    // 0xf8 encodes to '-' and 0xfc to '_' as the first base64url character.
    const draws = [Buffer.alloc(12, 0xf8), Buffer.alloc(12, 0xfc), Buffer.alloc(12, 0x30)];
    const pinned: Random = { bytes: () => draws.shift() ?? Buffer.alloc(12), int: () => 0 };
    expect(newId(pinned)).toBe(Buffer.alloc(12, 0x30).toString('base64url'));
    for (let i = 0; i < 2_000; i += 1) expect(newId(cryptoRandom)).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
  });
});
