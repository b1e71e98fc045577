import { describe, expect, it } from 'vitest';
import { privilegedUntil } from './privilege';

const at = Date.parse('2030-01-01T12:00:00Z');
const session = (privileged: string | null) => ({
  session: { scope: 'full' as const, expiresAt: '2030-01-01T23:00:00Z', privilegedUntil: privileged },
});

describe('how long Manage MFA may change factors without asking again', () => {
  it('asks for a factor when the server grants no privilege and none was proven here', () => {
    expect(privilegedUntil(session(null), undefined)).toBeUndefined();
    expect(privilegedUntil(undefined, undefined)).toBeUndefined();
  });

  it('follows the server after a sign-in with a factor', () => {
    expect(privilegedUntil(session('2030-01-01T12:10:00Z'), undefined)).toBe(at + 600_000);
  });

  it('gives ten minutes from a step-up made here even when this computer’s clock runs ahead', () => {
    // The server's time is an hour behind ours: its privilegedUntil already looks past.
    expect(privilegedUntil(session('2030-01-01T11:10:00Z'), at)).toBe(at + 600_000);
  });

  it('ignores a privilegedUntil that is not a time', () => {
    expect(privilegedUntil(session('soon'), undefined)).toBeUndefined();
  });
});
