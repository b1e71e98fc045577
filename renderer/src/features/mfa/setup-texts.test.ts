import { describe, expect, it } from 'vitest';
import { groupedKey, recoveryCodesFile } from './setup-texts';

describe('the authenticator key as shown for typing', () => {
  it('groups the key in fours without changing a character', () => {
    const key = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const shown = groupedKey(key);
    expect(shown).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(shown.replace(/ /g, '')).toBe(key);
    expect(groupedKey('ABCDEF')).toBe('ABCD EF');
  });
});

describe('the recovery codes file', () => {
  it('names the account and the day, and holds every code on a line of its own', () => {
    const codes = Array.from({ length: 10 }, (_, i) => `abcd-efg${i}`);
    const text = recoveryCodesFile(codes, 'jane@example.net', new Date('2030-05-04T10:00:00Z'));
    const lines = text.split('\n');
    expect(lines).toContain('Account: jane@example.net');
    expect(lines).toContain('Made: 2030-05-04');
    for (const code of codes) expect(lines).toContain(code);
    expect(lines.filter((line) => codes.includes(line))).toHaveLength(10);
  });
});
