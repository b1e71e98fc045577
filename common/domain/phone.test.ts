import { describe, expect, it } from 'vitest';
import { maskPhone, normalisePhone, type CountryCode } from './phone';

describe('normalisePhone', () => {
  it.each<[string, CountryCode | undefined, string]>([
    ['+31 6 12345678', undefined, '+31612345678'],
    ['+31612345678', 'BE', '+31612345678'],
    ['0031612345678', 'NL', '+31612345678'],
    ['0031 6 1234 5678', undefined, '+31612345678'],
    ['06-12345678', 'NL', '+31612345678'],
    [' (06) 12 34 56 78 ', 'NL', '+31612345678'],
    ['+32 470 12 34 56', undefined, '+32470123456'],
    ['0470/12.34.56', 'BE', '+32470123456'],
    ['+49 151 23456789', undefined, '+4915123456789'],
    ['0151 23456789', 'DE', '+4915123456789'],
    ['07400 123456', 'GB', '+447400123456'],
    ['+44 7400 123456', undefined, '+447400123456'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['+1 212 555 0123', undefined, '+12125550123'],
  ])('reads %j (home country %s) as %s', (raw, country, e164) => {
    expect(normalisePhone(raw, country)).toEqual({ ok: true, e164 });
  });

  it('gives the same number however it was typed, so one phone cannot be enrolled twice as "different"', () => {
    const typed = ['+31 6 12345678', '0031612345678', '06-12345678', '+31 6 １２３４５６７８'];
    const results = typed.map((raw) => normalisePhone(raw, 'NL'));
    expect(new Set(results.map((r) => (r.ok ? r.e164 : r.reason)))).toEqual(new Set(['+31612345678']));
  });

  it.each<[string, CountryCode | undefined]>([
    ['020 123 4567', 'NL'],
    ['+31 20 123 4567', undefined],
    ['02 234 56 78', 'BE'],
    ['+49 30 12345678', undefined],
    ['+44 20 7946 0958', undefined],
  ])('refuses the landline %j as not a mobile number', (raw, country) => {
    expect(normalisePhone(raw, country)).toEqual({ ok: false, reason: 'not_mobile' });
  });

  it.each(['+31 900 1234567', '+1 800 555 0199', '+44 70 1234 5678'])(
    'refuses the premium-rate, toll-free or redirect number %j, which cannot take or should not get an SMS',
    (raw) => {
      expect(normalisePhone(raw)).toEqual({ ok: false, reason: 'not_mobile' });
    },
  );

  it.each<[string, CountryCode | undefined]>([
    ['', 'NL'],
    ['   ', 'NL'],
    ['hello', 'NL'],
    ['+31 6 1234', undefined],
    ['06-1234567', 'NL'],
    ['+31 6 123456789012', undefined],
    ['06-12345678', undefined],
    ['612345678', undefined],
    ['+999 612345678', undefined],
    ['Phone: 06-12345678', 'NL'],
    ['06-12345678 ext. 12', 'NL'],
    ['+31 6 1234 CALL', undefined],
    ['+31612345678; DROP TABLE', undefined],
  ])('refuses %j (home country %s) as not a phone number', (raw, country) => {
    expect(normalisePhone(raw, country)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses overlong input, even when a valid number is buried in it', () => {
    expect(normalisePhone(`+31 6 ${'-'.repeat(40)} 12345678`)).toEqual({ ok: false, reason: 'invalid' });
    expect(normalisePhone('+'.padEnd(1_000_000, '6'))).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('maskPhone', () => {
  it('shows only the last two digits, as the login screen does', () => {
    expect(maskPhone('+31612345678')).toBe('•••• 78');
    expect(maskPhone('+14155552671')).toBe('•••• 71');
  });

  it('reveals nothing of the number that is not in the last two digits', () => {
    const masked = maskPhone('+4915123456789');
    expect(masked).toBe('•••• 89');
    expect(masked).not.toMatch(/49|151|234/);
  });

  it('shows no digits of something that is not a number', () => {
    expect(maskPhone('')).toBe('••••');
    expect(maskPhone('+')).toBe('••••');
  });
});
