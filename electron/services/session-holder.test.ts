import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DesktopError } from './desktop-error';
import { SessionHolder, type SessionEndReason } from './session-holder';

const token = 'sessionid0000001.secretpart-that-must-never-leak';
const now = Date.UTC(2026, 10, 29, 9, 0, 0);
const session = { token, scope: 'full' as const, expiresAt: new Date(now + 3_600_000).toISOString() };

function holderAt(time: () => number) {
  const holder = new SessionHolder(time);
  const ended: SessionEndReason[] = [];
  holder.onSessionEnded((reason) => ended.push(reason));
  return { holder, ended };
}

describe('session holder', () => {
  it('refuses authenticated work when nobody is signed in', async () => {
    const { holder } = holderAt(() => now);
    expect(() => holder.require()).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    await expect(holder.use(async () => 'called')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('hands the token only to the call it runs and forgets it on clear', async () => {
    const { holder } = holderAt(() => now);
    holder.keep(session, 'jane@example.net');
    expect(holder.require()).toEqual({
      email: 'jane@example.net',
      scope: 'full',
      expiresAt: session.expiresAt,
    });
    expect(await holder.use(async (given) => given)).toBe(token);
    holder.clear();
    expect(holder.current).toBeUndefined();
    await expect(holder.use(async (given) => given)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('never shows the token when logged or serialised', () => {
    const { holder } = holderAt(() => now);
    holder.keep(session, 'jane@example.net');
    expect(JSON.stringify(holder)).not.toContain('secretpart');
    expect(inspect(holder, { showHidden: true, depth: 5 })).not.toContain('secretpart');
    expect(JSON.stringify(holder.current)).not.toContain('secretpart');
  });

  it('ends the session and says it was revoked when the server no longer knows it', async () => {
    const { holder, ended } = holderAt(() => now);
    holder.keep(session, 'jane@example.net');
    await expect(holder.use(() => Promise.reject(new DesktopError('unauthenticated')))).rejects.toMatchObject(
      {
        code: 'unauthenticated',
      },
    );
    expect(holder.current).toBeUndefined();
    expect(ended).toEqual(['revoked']);
  });

  it('says the session expired when it is past its expiry', async () => {
    const { holder, ended } = holderAt(() => now + 2 * 3_600_000);
    holder.keep(session, 'jane@example.net');
    await expect(holder.use(() => Promise.reject(new DesktopError('unauthenticated')))).rejects.toThrow();
    expect(ended).toEqual(['expired']);
  });

  it('keeps the session through other refusals and through a quiet sign-out', async () => {
    const { holder, ended } = holderAt(() => now);
    holder.keep(session, 'jane@example.net');
    await expect(holder.use(() => Promise.reject(new DesktopError('step_up_required')))).rejects.toThrow();
    await expect(holder.use(() => Promise.reject(new DesktopError('offline')))).rejects.toThrow();
    expect(holder.current?.email).toBe('jane@example.net');
    await expect(
      holder.use(() => Promise.reject(new DesktopError('unauthenticated')), { quiet: true }),
    ).rejects.toThrow();
    expect(holder.current).toBeUndefined();
    expect(ended).toEqual([]);
  });

  it('swaps an enrollment session for the full one and keeps the account', () => {
    const { holder } = holderAt(() => now);
    holder.keep({ ...session, scope: 'enrollment' }, 'jane@example.net');
    holder.replace({ ...session, token: 'other.token', scope: 'full' });
    expect(holder.current).toMatchObject({ email: 'jane@example.net', scope: 'full' });
  });

  it('keeps what this session read for offline use, and nothing of another session', () => {
    const { holder } = holderAt(() => now);
    const devices = [
      {
        id: 'd1',
        name: 'Laptop',
        createdAt: session.expiresAt,
        lastUsedAt: null,
        expiresAt: session.expiresAt,
        current: true,
      },
    ];
    holder.keep(session, 'jane@example.net');
    holder.remember(token, { devices });
    expect(holder.snapshot).toEqual({ devices, savedAt: new Date(now).toISOString() });
    // An answer that arrives after the user signed in again belongs to the old session.
    holder.keep({ ...session, token: 'sessionid0000002.another-secret-part' }, 'jane@example.net');
    expect(holder.snapshot).toBeUndefined();
    holder.remember(token, { devices });
    expect(holder.snapshot).toBeUndefined();
    holder.remember('sessionid0000002.another-secret-part', { devices });
    holder.clear();
    expect(holder.snapshot).toBeUndefined();
  });
});
