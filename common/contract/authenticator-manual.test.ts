import { describe, expect, it } from 'vitest';
import { parseManualNumbers } from './authenticator-manual';

const typed = { digits: '6', period: '30', counter: '0' };

describe('the numbers of an account typed by hand', () => {
  it('sends what the chosen type uses, as numbers', () => {
    expect(parseManualNumbers('totp', { ...typed, period: ' 60 ' })).toEqual({
      ok: true,
      value: { digits: 6, period: 60 },
    });
    expect(parseManualNumbers('hotp', { ...typed, counter: '12' })).toEqual({
      ok: true,
      value: { digits: 6, counter: 12 },
    });
    // Steam's length and period are its own: whatever the hidden fields hold is not sent.
    expect(parseManualNumbers('steam', { digits: '', period: 'x', counter: '-1' })).toEqual({
      ok: true,
      value: {},
    });
  });

  it('names a blank, fractional or out-of-range field by its problem instead of sending a stand-in', () => {
    expect(parseManualNumbers('totp', { ...typed, period: '' })).toEqual({
      ok: false,
      fields: { period: 'invalid_period' },
    });
    expect(parseManualNumbers('totp', { ...typed, digits: '9', period: '3601' })).toEqual({
      ok: false,
      fields: { digits: 'invalid_digits', period: 'invalid_period' },
    });
    expect(parseManualNumbers('hotp', { ...typed, counter: '' })).toEqual({
      ok: false,
      fields: { counter: 'invalid_counter' },
    });
    for (const counter of ['-1', '1.5', '1e3', '99999999999999999999'])
      expect(parseManualNumbers('hotp', { ...typed, counter })).toMatchObject({ ok: false });
  });
});
