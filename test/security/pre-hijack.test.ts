import { describe, expect, it } from 'vitest';
import { sweepPendingAccounts } from '../../server/accounts/pending-accounts';
import { latestActivationToken, postForm, signupBody } from '../helpers/accounts';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { activationTokenIn } from '../helpers/smtp-peer';

/**
 * docs/security.md 31, the outside review's first finding: an attacker signs up with the victim's
 * address and a password of their own before the victim does. Whatever the victim then clicks in
 * their mailbox, the attacker's password must never open the account.
 */

const attackerPassword = 'mallory-quartz-ferry-31';
const victimPassword = 'violet-harbour-lantern-42';

function login(t: TestApi, email: string, password: string) {
  return t.request('POST', '/v1/login', { email, password });
}

function activate(t: TestApi, token: string, password?: string) {
  return t.request('POST', '/v1/activation', password === undefined ? { token } : { token, password });
}

/** The one link of the mailbox that is still live (mails may arrive in any order). */
async function liveToken(t: TestApi, email: string): Promise<string> {
  const live = await t.db
    .selectFrom('activation_links')
    .select('id')
    .where('superseded_at', 'is', null)
    .where('used_at', 'is', null)
    .execute();
  const tokens = (await everyTokenIn(t, email)).filter((token) =>
    live.some((row) => token.startsWith(`${row.id}.`)),
  );
  expect(tokens).toHaveLength(1);
  return tokens[0]!;
}

async function everyTokenIn(t: TestApi, email: string): Promise<string[]> {
  return (await t.mailsTo(email)).flatMap((mail) => {
    try {
      return [activationTokenIn(mail)];
    } catch {
      return [];
    }
  });
}

forEachDialect('31. pre-hijack of an unactivated account', (t) => {
  it("never activates with the attacker's password, whichever link in the mailbox the victim opens", async () => {
    const victim = signupBody({ password: victimPassword });
    await t().signup({ ...victim, firstName: 'Eve', password: attackerPassword });
    await t().signup(victim);
    const tokens = await everyTokenIn(t(), victim.email);
    expect(tokens.length).toBe(2);

    for (const token of tokens) {
      const plain = await activate(t(), token);
      // Without a password the link either is no longer valid or asks the mailbox owner to choose one.
      expect([400, 409]).toContain(plain.status);
      expect(['activation_invalid', 'activation_password_required']).toContain(plain.body.error.code);
    }
    expect((await login(t(), victim.email, attackerPassword)).status).not.toBe(200);

    const newest = await liveToken(t(), victim.email);
    const chosen = await activate(t(), newest, victimPassword);
    expect(chosen.status).toBe(200);
    expect((await login(t(), victim.email, attackerPassword)).status).toBe(401);
    expect((await login(t(), victim.email, victimPassword)).body.state).toBe('mfa_enrollment_required');
  });

  it('holds when the attacker signs up again after the victim, and mails nothing the attacker typed', async () => {
    const victim = signupBody({ password: victimPassword });
    await t().signup(victim);
    await t().signup({
      ...victim,
      firstName: 'Claim your prize at https://evil.example',
      password: attackerPassword,
    });
    const mails = await t().mailsTo(victim.email);
    for (const mail of mails) {
      expect(mail.text).not.toContain('evil.example');
      expect(mail.text).not.toContain('Claim your prize');
    }
    const newest = await liveToken(t(), victim.email);
    expect((await activate(t(), newest)).body.error.code).toBe('activation_password_required');
    expect((await activate(t(), newest, victimPassword)).status).toBe(200);
    expect((await login(t(), victim.email, attackerPassword)).status).toBe(401);
  });

  it('activates an uncontested signup with its own password and the token alone, as before', async () => {
    const fields = await t().signup();
    expect((await activate(t(), await latestActivationToken(t(), fields.email))).status).toBe(200);
    expect((await login(t(), fields.email, fields.password)).status).toBe(200);
  });

  it('lets the activation page ask for the password of a contested account', async () => {
    const victim = signupBody({ password: victimPassword });
    await t().signup({ ...victim, password: attackerPassword });
    await t().signup(victim);
    const token = await liveToken(t(), victim.email);
    const asked = await postForm(t(), '/activate', { token });
    expect(asked.status).toBe(409);
    expect(asked.body).toContain('name="password"');
    const weak = await postForm(t(), '/activate', { token, password: 'password1' });
    expect(weak.status).toBe(400);
    const done = await postForm(t(), '/activate', { token, password: victimPassword });
    expect(done.status).toBe(200);
    expect((await login(t(), victim.email, victimPassword)).status).toBe(200);
    expect((await login(t(), victim.email, attackerPassword)).status).toBe(401);
  });

  it('refuses a weak password at activation and leaves the link usable', async () => {
    const fields = await t().signup();
    const token = await latestActivationToken(t(), fields.email);
    const weak = await activate(t(), token, 'password');
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('weak_password');
    expect((await activate(t(), token)).status).toBe(200);
  });
});

forEachDialect('31. pending accounts expire', (t) => {
  it('removes a pending account PENDING_ACCOUNT_TTL after its last link, and its address can sign up anew', async () => {
    const first = await t().signup({ password: attackerPassword });
    const stale = await latestActivationToken(t(), first.email);
    t().clock.advance(t().config.pendingAccountTtlMs - 1);
    expect(await sweepPendingAccounts(t().api.context)).toBe(0);
    t().clock.advance(1);
    expect(await sweepPendingAccounts(t().api.context)).toBe(1);
    expect(await t().db.selectFrom('accounts').select('id').execute()).toEqual([]);
    expect((await activate(t(), stale)).body.error.code).toBe('activation_invalid');

    // The address is free: a new signup is a fresh, uncontested account.
    await t().signup({ email: first.email, password: victimPassword });
    expect((await activate(t(), await liveToken(t(), first.email))).status).toBe(200);
    expect((await login(t(), first.email, victimPassword)).status).toBe(200);
  });

  it('treats a signup after the expiry as new even before the sweep ran', async () => {
    const first = await t().signup({ password: attackerPassword });
    t().clock.advance(t().config.pendingAccountTtlMs);
    await t().signup({ email: first.email, password: victimPassword });
    const token = await liveToken(t(), first.email);
    expect((await activate(t(), token)).status).toBe(200);
    expect((await login(t(), first.email, attackerPassword)).status).toBe(401);
  });

  it('keeps activated accounts however old', async () => {
    await t().activeAccount();
    t().clock.advance(t().config.pendingAccountTtlMs * 10);
    expect(await sweepPendingAccounts(t().api.context)).toBe(0);
  });
});

describe('PENDING_ACCOUNT_TTL', () => {
  it('must not be shorter than the activation link lifetime', async () => {
    const { loadConfig } = await import('../../server/config');
    expect(() => loadConfig({ PENDING_ACCOUNT_TTL: '1h', ACTIVATION_LINK_TTL: '48h' })).toThrow(
      /PENDING_ACCOUNT_TTL/,
    );
    expect(loadConfig({}).pendingAccountTtlMs).toBe(7 * 24 * 3_600_000);
  });
});
