import { describe, expect, it } from 'vitest';
import type { CodeViewPayload } from '../../../../common/contract/ipc-authenticator';
import { describeAuthError } from './auth-errors';
import { entryName, groupDigits, matching, moved, shownCode } from './format';

const totp: CodeViewPayload = {
  id: 'a',
  issuer: 'GitHub',
  label: 'jane@example.com',
  type: 'totp',
  digits: 6,
  period: 30,
  code: '123456',
  nextCode: '654321',
  secondsLeft: 12,
};
const hotp: CodeViewPayload = {
  ...totp,
  id: 'b',
  issuer: 'Bank',
  label: 'savings',
  type: 'hotp',
  period: null,
  nextCode: null,
  secondsLeft: null,
};
/** Echoes the key and its options, so assertions see which text the screen asked for. */
const t = (key: string, options?: Record<string, unknown>) =>
  options && Object.keys(options).some((name) => name !== 'defaultValue')
    ? `${key}${JSON.stringify(Object.fromEntries(Object.entries(options).filter(([name]) => name !== 'defaultValue')))}`
    : key;

describe('how the authenticator screen shows codes', () => {
  it('splits codes into two groups for reading', () => {
    expect(groupDigits('123456')).toBe('123 456');
    expect(groupDigits('1234567')).toBe('123 4567');
    expect(groupDigits('12345678')).toBe('1234 5678');
    expect(groupDigits('12345')).toBe('12345');
  });

  it('counts down between pushes and shows the next code once the period ran out', () => {
    expect(shownCode(totp, 0)).toEqual({ code: '123456', nextCode: '654321', secondsLeft: 12 });
    expect(shownCode(totp, 11_999)).toEqual({ code: '123456', nextCode: '654321', secondsLeft: 1 });
    expect(shownCode(totp, 12_000)).toEqual({ code: '654321', nextCode: null, secondsLeft: 30 });
    expect(shownCode(hotp, 60_000)).toMatchObject({ code: '123456', secondsLeft: null });
  });

  it('finds accounts by any words of their service or account name, in any case', () => {
    expect(matching([totp, hotp], 'git').map((entry) => entry.id)).toEqual(['a']);
    expect(matching([totp, hotp], 'SAVINGS bank').map((entry) => entry.id)).toEqual(['b']);
    expect(matching([totp, hotp], '  ')).toHaveLength(2);
    expect(matching([totp, hotp], 'git savings')).toEqual([]);
  });

  it('moves an account one place, and not past either end', () => {
    expect(moved(['a', 'b', 'c'], 'b', -1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 'b', 1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 'a', -1)).toEqual(['a', 'b', 'c']);
    expect(moved(['a', 'b', 'c'], 'c', 1)).toEqual(['a', 'b', 'c']);
  });

  it('names an account by service and account, or whichever it has', () => {
    expect(entryName(totp)).toBe('GitHub (jane@example.com)');
    expect(entryName({ issuer: '', label: 'solo' })).toBe('solo');
    expect(entryName({ issuer: 'Only', label: '' })).toBe('Only');
  });
});

describe('how the authenticator screen words errors', () => {
  it('puts each bad typed field next to its input', () => {
    const described = describeAuthError(
      {
        code: 'invalid_otpauth',
        message: '',
        fields: { secret: 'invalid_secret', digits: 'invalid_digits' },
        reasons: ['invalid_secret', 'invalid_digits'],
      },
      t,
      ['secret', 'digits', 'label'],
    );
    expect(described).toEqual({
      message: undefined,
      fields: {
        secret: 'authenticator.problem.invalid_secret',
        digits: 'authenticator.problem.invalid_digits',
      },
    });
  });

  it('says what is wrong with a pasted link next to the link', () => {
    const described = describeAuthError(
      {
        code: 'invalid_otpauth',
        message: '',
        fields: { secret: 'The secret is not valid Base32.' },
        reasons: ['invalid_secret'],
      },
      t,
      ['uri'],
    );
    expect(described).toEqual({
      message: undefined,
      fields: { uri: 'authenticator.problem.invalid_secret' },
    });
  });

  it('puts a wrong app password next to the password with the attempts or the wait', () => {
    expect(
      describeAuthError({ code: 'wrong_lock_password', message: '', attemptsLeft: 2 }, t, ['password']),
    ).toEqual({
      message: undefined,
      fields: { password: 'errors.wrong_lock_password authenticator.attemptsLeft{"count":2}' },
    });
    expect(
      describeAuthError({ code: 'rate_limited', message: '', retryAfterSeconds: 30 }, t, ['password']),
    ).toEqual({
      message: 'errors.rate_limited errors.retryAfter{"seconds":30}',
      fields: {},
    });
  });

  it('shows anything else in one banner in the user’s words', () => {
    expect(describeAuthError({ code: 'no_qr_code', message: 'English' }, t, [])).toEqual({
      message: 'errors.no_qr_code',
      fields: {},
    });
  });
});
