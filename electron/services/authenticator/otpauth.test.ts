import { describe, expect, it } from 'vitest';
import { DesktopError } from '../desktop-error';
import { buildOtpauth, parseOtpauth } from './otpauth';

function problemOf(uri: string): string | undefined {
  try {
    parseOtpauth(uri);
    return undefined;
  } catch (error) {
    return error instanceof DesktopError ? error.details.reasons?.[0] : 'not a DesktopError';
  }
}

describe('otpauth URIs', () => {
  it('reads issuer, label and every parameter of a TOTP link', () => {
    expect(
      parseOtpauth(
        'otpauth://totp/ACME%20Co:jane@example.com?secret=jbsw y3dp ehpk 3pxp&algorithm=SHA256&digits=8&period=60',
      ),
    ).toEqual({
      type: 'totp',
      issuer: 'ACME Co',
      label: 'jane@example.com',
      secret: 'JBSWY3DPEHPK3PXP',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
    });
  });

  it('prefers the issuer parameter to the label prefix and defaults SHA1, 6 digits, 30 s, counter 0', () => {
    expect(parseOtpauth('otpauth://totp/Old:jane?secret=JBSWY3DPEHPK3PXP====&issuer=New')).toMatchObject({
      issuer: 'New',
      label: 'jane',
      secret: 'JBSWY3DPEHPK3PXP',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(parseOtpauth('otpauth://hotp/jane?secret=JBSWY3DPEHPK3PXP')).toMatchObject({
      issuer: '',
      counter: 0,
    });
  });

  it('names the bad part of a refused link', () => {
    const base = 'otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP';
    expect(problemOf('https://example.com/totp/A:b?secret=JBSWY3DPEHPK3PXP')).toBe('not_otpauth');
    expect(problemOf('otpauth://yandex/A:b?secret=JBSWY3DPEHPK3PXP')).toBe('unsupported_type');
    expect(problemOf('otpauth://totp/?secret=JBSWY3DPEHPK3PXP')).toBe('missing_label');
    expect(problemOf('otpauth://totp/A:b')).toBe('missing_secret');
    expect(problemOf('otpauth://totp/A:b?secret=JBSW1Y3DP')).toBe('invalid_secret');
    expect(problemOf('otpauth://totp/A:b?secret=A')).toBe('invalid_secret');
    expect(problemOf(`${base}&algorithm=MD5`)).toBe('invalid_algorithm');
    expect(problemOf(`${base}&digits=5`)).toBe('invalid_digits');
    expect(problemOf(`${base}&digits=9`)).toBe('invalid_digits');
    expect(problemOf(`${base}&period=0`)).toBe('invalid_period');
    expect(problemOf(`${base}&period=abc`)).toBe('invalid_period');
    expect(problemOf('otpauth://hotp/A:b?secret=JBSWY3DPEHPK3PXP&counter=-1')).toBe('invalid_counter');
    expect(problemOf(base)).toBeUndefined();
  });

  it('builds links that read back to the same account, spaces and colons included', () => {
    const accounts = [
      parseOtpauth(
        'otpauth://totp/Air%20Canada:Ben%20Jones?secret=KUVJJOM753IHTNDSZVCNKL7GII&algorithm=SHA512&digits=7&period=45',
      ),
      parseOtpauth('otpauth://hotp/WWE:Mason?secret=5VAML3X35THCEBVRLV24CGBKOY&counter=10300&digits=8'),
      parseOtpauth('otpauth://totp/just-a-label?secret=JBSWY3DPEHPK3PXP'),
    ];
    for (const account of accounts) expect(parseOtpauth(buildOtpauth(account))).toEqual(account);
  });
});
