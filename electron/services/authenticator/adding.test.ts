import { describe, expect, it } from 'vitest';
import { accountFromManual, accountsFromQr, accountsFromText } from './adding';
import { toCodeView } from './codes';

describe('adding Steam Guard and naming other schemes', () => {
  it('adds a typed Steam entry with Steam’s own algorithm, length and period, whatever was sent', () => {
    const { entries } = accountFromManual({
      type: 'steam',
      issuer: 'Steam',
      label: 'sophia',
      secret: 'JRZCL47CMXVOQMNPZR2F7J4RGI',
      algorithm: 'SHA512',
      digits: 8,
      period: 60,
    });
    expect(entries).toEqual([
      {
        type: 'steam',
        issuer: 'Steam',
        label: 'sophia',
        secret: 'JRZCL47CMXVOQMNPZR2F7J4RGI',
        algorithm: 'SHA1',
        digits: 5,
        period: 30,
      },
    ]);
    // The vector of other-apps.test.ts, computed outside this code base.
    expect(toCodeView({ ...entries[0]!, id: 's', order: 0 }, 1_893_456_000_000).code).toBe('BHYJD');
  });

  it('reads an otpauth://steam link as Aegis writes it', () => {
    const { entries } = accountsFromText(
      'otpauth://steam/Steam:sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam&digits=5&period=30',
    );
    expect(entries).toMatchObject([{ type: 'steam', issuer: 'Steam', label: 'sophia', digits: 5 }]);
  });

  it('names a pasted or scanned mOTP link as unsupported, not as "not a link"', () => {
    for (const read of [accountsFromText, accountsFromQr])
      expect(() => read('motp://Bank:jane?secret=abcdef0123456789')).toThrow(
        expect.objectContaining({
          code: 'invalid_otpauth',
          details: expect.objectContaining({ reasons: ['unsupported_type'] }),
        }),
      );
  });
});
