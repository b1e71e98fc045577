import { createHmac } from 'node:crypto';
import { decimalCode, truncatedHmac } from '../../common/domain/otp';
import { randomBytes } from 'node:crypto';
import { generate, ScureBase32Plugin } from 'otplib';
import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpIssuer, totpParameters, totpUri, verifyTotp } from './totp';

const base32 = new ScureBase32Plugin();
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'ascii'));

// RFC 6238 Appendix B: the seed of each mode is "1234567890" repeated to the hash's natural length.
const seeds = {
  sha1: ascii('12345678901234567890'),
  sha256: ascii('12345678901234567890123456789012'),
  sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
} as const;

type Mode = keyof typeof seeds;

const rfc6238Vectors: { time: number; mode: Mode; totp: string }[] = [
  { time: 59, mode: 'sha1', totp: '94287082' },
  { time: 59, mode: 'sha256', totp: '46119246' },
  { time: 59, mode: 'sha512', totp: '90693936' },
  { time: 1111111109, mode: 'sha1', totp: '07081804' },
  { time: 1111111109, mode: 'sha256', totp: '68084774' },
  { time: 1111111109, mode: 'sha512', totp: '25091201' },
  { time: 1111111111, mode: 'sha1', totp: '14050471' },
  { time: 1111111111, mode: 'sha256', totp: '67062674' },
  { time: 1111111111, mode: 'sha512', totp: '99943326' },
  { time: 1234567890, mode: 'sha1', totp: '89005924' },
  { time: 1234567890, mode: 'sha256', totp: '91819424' },
  { time: 1234567890, mode: 'sha512', totp: '93441116' },
  { time: 2000000000, mode: 'sha1', totp: '69279037' },
  { time: 2000000000, mode: 'sha256', totp: '90698825' },
  { time: 2000000000, mode: 'sha512', totp: '38618901' },
  { time: 20000000000, mode: 'sha1', totp: '65353130' },
  { time: 20000000000, mode: 'sha256', totp: '77737706' },
  { time: 20000000000, mode: 'sha512', totp: '47863826' },
];

// RFC 4226 Appendix D: HOTP of the 20-byte seed for counters 0..9, 6 digits.
const rfc4226Vectors = [
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

describe('RFC 6238 Appendix B test vectors', () => {
  it.each(rfc6238Vectors)(
    'gives $totp at T=$time with $mode from the seed as Base32 and as bytes',
    async ({ time, mode, totp }) => {
      const options = { ...totpParameters, algorithm: mode, digits: 8, epoch: time } as const;
      const fromBase32 = await generate({
        ...options,
        secret: base32.encode(seeds[mode], { padding: false }),
      });
      const fromBytes = await generate({ ...options, secret: seeds[mode] });
      expect(fromBase32).toBe(totp);
      expect(fromBytes).toBe(totp);
    },
  );

  // The SHA-1 rows at 6 digits are the last six digits of the 8-digit codes (the code is a remainder).
  it.each(rfc6238Vectors.filter((row) => row.mode === 'sha1'))(
    'accepts the 6-digit form of the SHA-1 code at T=$time in the server’s own verification',
    async ({ time, totp }) => {
      const secret = base32.encode(seeds.sha1, { padding: false });
      const step = verifyTotp(secret, totp.slice(-6), time * 1000, null);
      expect(step).toBe(Math.floor(time / 30));
    },
  );
});

describe('RFC 4226 Appendix D test vectors', () => {
  // The truncation verifyTotp and the desktop authenticator share (common/domain/otp.ts).
  it.each(rfc4226Vectors.map((hotp, counter) => ({ hotp, counter })))(
    'gives $hotp for counter $counter',
    ({ hotp, counter }) => {
      const sha1 = (message: Uint8Array) => createHmac('sha1', seeds.sha1).update(message).digest();
      expect(decimalCode(truncatedHmac(sha1, counter), totpParameters.digits)).toBe(hotp);
    },
  );
});

describe('verifyTotp', () => {
  const stepMs = totpParameters.period * 1000;
  // A step boundary of the product's fixed test clock, then positions at its start, middle and end.
  const stepStart = Date.UTC(2026, 10, 29, 9, 0, 0);
  const positions = [0, 15_000, stepMs - 1];
  const fixedSecret = base32.encode(seeds.sha1, { padding: false });

  function codeAt(secret: string, nowMs: number, steps: number): Promise<string> {
    return generate({ secret, epoch: Math.floor(nowMs / 1000) + steps * totpParameters.period });
  }

  it.each(positions)(
    'accepts the codes of the step before, the step and the step after (+%i ms)',
    async (offset) => {
      const secret = newTotpSecret(randomBytes);
      const now = stepStart + offset;
      const current = Math.floor(now / stepMs);
      for (const steps of [-1, 0, 1]) {
        expect(verifyTotp(secret, await codeAt(secret, now, steps), now, null)).toBe(current + steps);
      }
    },
  );

  it.each(positions)('refuses codes two steps early or late (+%i ms)', async (offset) => {
    // A fixed secret: with a random one, a far step's code could by chance equal one in the window.
    const now = stepStart + offset;
    const inWindow = await Promise.all([-1, 0, 1].map((s) => codeAt(fixedSecret, now, s)));
    for (const steps of [-2, 2]) {
      const code = await codeAt(fixedSecret, now, steps);
      expect(inWindow).not.toContain(code);
      expect(verifyTotp(fixedSecret, code, now, null)).toBeUndefined();
    }
  });

  it('refuses a code whose step is not later than the last accepted step', async () => {
    const secret = newTotpSecret(randomBytes);
    const now = stepStart + 10_000;
    const current = Math.floor(now / stepMs);
    const code = await codeAt(secret, now, 0);
    expect(verifyTotp(secret, code, now, current)).toBeUndefined();
    expect(verifyTotp(secret, code, now, current + 1)).toBeUndefined();
    expect(verifyTotp(secret, await codeAt(secret, now, -1), now, current)).toBeUndefined();
    expect(verifyTotp(secret, code, now, current - 1)).toBe(current);
    expect(verifyTotp(secret, await codeAt(secret, now, 1), now, current)).toBe(current + 1);
  });

  it('refuses anything that is not six digits', async () => {
    const secret = newTotpSecret(randomBytes);
    const now = stepStart;
    const code = await codeAt(secret, now, 0);
    for (const wrong of ['', `${code}0`, code.slice(1), ` ${code}`, `${code.slice(0, 5)}a`, '１２３４５６']) {
      expect(verifyTotp(secret, wrong, now, null)).toBeUndefined();
    }
    const eightDigits = await generate({ secret, epoch: Math.floor(now / 1000), digits: 8 });
    expect(verifyTotp(secret, eightDigits, now, null)).toBeUndefined();
  });

  it('refuses the code of another secret', async () => {
    const other = base32.encode(seeds.sha256.subarray(0, 20).reverse(), { padding: false });
    const now = stepStart;
    const code = await codeAt(other, now, 0);
    const own = await Promise.all([-1, 0, 1].map((s) => codeAt(fixedSecret, now, s)));
    expect(own).not.toContain(code);
    expect(verifyTotp(fixedSecret, code, now, null)).toBeUndefined();
  });
});

describe('authenticator secrets and the QR code URI', () => {
  it('makes a 160-bit secret from the injected randomness, Base32 without padding', () => {
    const asked: number[] = [];
    const bytes = randomBytes(20);
    const secret = newTotpSecret((count) => {
      asked.push(count);
      return bytes;
    });
    expect(asked).toEqual([20]);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(Buffer.from(base32.decode(secret))).toEqual(bytes);
  });

  it('makes a different secret every time with real randomness', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => newTotpSecret(randomBytes)));
    expect(secrets.size).toBe(20);
  });

  it('names the issuer WEM and labels the code with the account email', () => {
    const secret = newTotpSecret(randomBytes);
    const uri = new URL(totpUri('jane.doe+work@example.net', secret));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname.slice(1))).toBe(`${totpIssuer}:jane.doe+work@example.net`);
    expect(totpIssuer).toBe('WEM');
    expect(uri.searchParams.get('issuer')).toBe('WEM');
    expect(uri.searchParams.get('secret')).toBe(secret);
    // Google's Key Uri Format: an absent parameter means SHA1, 6 digits, 30 seconds — what we use.
    expect(uri.searchParams.get('algorithm') ?? 'SHA1').toBe('SHA1');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
  });

  it('gives a URI whose codes the server accepts', async () => {
    const secret = newTotpSecret(randomBytes);
    const fromUri = new URL(totpUri('jane@example.net', secret)).searchParams.get('secret') ?? '';
    const now = Date.UTC(2026, 10, 29, 9, 0, 0);
    const code = await generate({ secret: fromUri, epoch: now / 1000 });
    expect(verifyTotp(secret, code, now, null)).toBe(now / 30_000);
  });
});
