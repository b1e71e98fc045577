import { describe, expect, it } from 'vitest';
import { cooldownEnd, secondsLeft } from './countdown';

describe('the resend countdown', () => {
  const now = Date.parse('2030-01-01T12:00:00Z');

  it('counts whole seconds up and stops at zero', () => {
    expect(secondsLeft(now + 30_000, now)).toBe(30);
    expect(secondsLeft(now + 200, now)).toBe(1);
    expect(secondsLeft(now, now)).toBe(0);
    expect(secondsLeft(now - 5_000, now)).toBe(0);
  });

  it('waits until the server’s resendAfter', () => {
    expect(cooldownEnd(now, { resendAfter: '2030-01-01T12:00:45Z' }, 10)).toBe(now + 45_000);
  });

  it('waits the server’s retryAfterSeconds when there is no resendAfter', () => {
    expect(cooldownEnd(now, { retryAfterSeconds: 20 }, 10)).toBe(now + 20_000);
  });

  it('pauses briefly by itself when the server gave no hint', () => {
    expect(cooldownEnd(now, {}, 10)).toBe(now + 10_000);
    expect(cooldownEnd(now, { resendAfter: 'not a time' })).toBe(now);
  });
});
