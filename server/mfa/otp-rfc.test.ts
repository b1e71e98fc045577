import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { decimalCode, truncatedHmac } from '../../common/domain/otp';

// RFC 4226 appendix D: the HOTP values of the secret "12345678901234567890" for counters 0 to 9.
const rfc4226 = [
  '755224',
  '287082',
  '359152',
  '969429',
  '338314',
  '254676',
  '287922',
  '162583',
  '399871',
  '520489',
];

it('makes the RFC 4226 test values', () => {
  const key = Buffer.from('12345678901234567890');
  const sha1 = (message: Uint8Array) => createHmac('sha1', key).update(message).digest();
  expect(rfc4226.map((_, counter) => decimalCode(truncatedHmac(sha1, counter), 6))).toEqual(rfc4226);
});

it('makes the RFC 6238 SHA-1 value for a time step beyond 32 bits of seconds', () => {
  // RFC 6238 appendix B: T = 20000000000 s, step 30 → 666666666, 8 digits 65353130.
  const key = Buffer.from('12345678901234567890');
  const sha1 = (message: Uint8Array) => createHmac('sha1', key).update(message).digest();
  expect(decimalCode(truncatedHmac(sha1, Math.floor(20_000_000_000 / 30)), 8)).toBe('65353130');
});
