import { generate } from 'otplib';
import { expect, it } from 'vitest';
import { activationTokenIn, linkIn } from '../helpers/smtp-peer';
import { nextTotpCode } from '../helpers/trust';
import { forEachDialect, uniqueEmail } from '../helpers/harness';
import { accountWithTotp, lastCodeMailedTo } from '../helpers/mfa';
import { PortalBrowser } from '../helpers/portal-browser';

// The portal's bridge (docs/api.md, "The portal's bridge"): the renderer's IPC channels over
// POST /portal/api/<channel>, answered like the web host answers them, with the browser's cookies.

forEachDialect('the portal bridge', (t) => {
  it('takes a new user from signup through activation, first factor, step-up and trusted browsers', async () => {
    const browser = new PortalBrowser(t().api, t().config.publicUrl);
    const email = uniqueEmail('portal');
    const password = 'violet-harbour-lantern-42';
    const notTicked = await browser.call('signup.create', {
      firstName: 'Jane',
      lastName: 'Doe',
      email,
      password,
      acceptTerms: false,
    });
    expect(notTicked.error).toMatchObject({
      code: 'validation_failed',
      fields: { acceptTerms: 'must_accept' },
    });
    const signup = await browser.call('signup.create', {
      firstName: 'Jane',
      lastName: 'Doe',
      email,
      password,
      acceptTerms: true,
    });
    expect(signup.value).toEqual({ status: 'activation_sent' });
    const [mail] = await t().mailsTo(email);
    const link = `${t().config.publicUrl}/activate?token=${activationTokenIn(mail!)}`;
    expect((await browser.call('activation.activate', { input: link })).value).toEqual({
      status: 'activated',
    });

    // The first sign-in has no factor yet: an enrollment session, which may enroll and nothing else.
    const start = await browser.call('login.start', { email, password });
    expect(start.value).toEqual({ state: 'mfa_enrollment_required' });
    expect((await browser.call('devices.list')).error.code).toBe('enrollment_required');
    const added = await browser.call('factors.add', { type: 'totp' });
    const secret: string = added.value.secret;
    const code = await generate({ secret, epoch: Math.floor(t().clock.now() / 1000) });
    const verified = await browser.call('factors.verify', { factorId: added.value.factor.id, code });
    expect(verified.value).toMatchObject({ enrollmentComplete: true, factor: { type: 'totp' } });
    const status = await browser.call('app.status');
    expect(status.value).toMatchObject({ signedIn: true, scope: 'full', email, online: true });
    const me = await browser.call('me.get');
    expect(me.value).toMatchObject({ email, factors: [{ type: 'totp' }] });
    expect((await browser.call('me.cached')).value).toBeNull();

    // A second factor after a step-up (the enrollment's privilege still holds for a while).
    t().clock.advance(11 * 60_000);
    const emailFactor = await browser.call('factors.add', { type: 'email', email });
    expect(emailFactor.error.code).toBe('step_up_required');
    const totpId: string = added.value.factor.id;
    expect((await browser.call('stepUp.challenge', { factorId: totpId })).ok).toBe(true);
    const stepUp = await browser.call('stepUp.verify', {
      factorId: totpId,
      code: await generate({ secret, epoch: Math.floor(t().clock.now() / 1000) }),
    });
    expect(stepUp.value.privilegedUntil).toBeDefined();
    const pending = await browser.call('factors.add', { type: 'email', email });
    expect(pending.value.factor).toMatchObject({ type: 'email' });
    const confirmed = await browser.call('factors.verify', {
      factorId: pending.value.factor.id,
      code: await lastCodeMailedTo(t(), email),
    });
    expect(confirmed.value).toMatchObject({ enrollmentComplete: false });

    // Trusted browsers are listed and revoked like the desktop's computers.
    const trusting = new PortalBrowser(t().api, t().config.publicUrl);
    const second = await trusting.call('login.start', { email, password });
    const mailFactor = second.value.factors.find((f: { type: string }) => f.type === 'email');
    expect((await trusting.call('login.challenge', { factorId: mailFactor.id })).ok).toBe(true);
    const trusted = await trusting.call('login.verify', {
      factorId: mailFactor.id,
      code: await lastCodeMailedTo(t(), email),
      trustDevice: true,
    });
    expect(trusted.value).toEqual({ state: 'authenticated', trustedComputer: true });
    const devices = await browser.call('devices.list');
    expect(devices.value).toHaveLength(1);
    expect(devices.value[0].name).toContain('WEM Login Portal');
    expect((await browser.call('devices.revoke', { deviceId: devices.value[0].id })).value).toEqual({});
    // The revoked browser's session, opened with a factor, lives on; its trust does not.
    expect((await trusting.call('session.logout')).ok).toBe(true);
    expect((await trusting.call('login.start', { email, password })).value.state).toBe('mfa_required');
  });

  it('keeps the language in a cookie, refuses a server address and the authenticator', async () => {
    const browser = new PortalBrowser(t().api, t().config.publicUrl);
    expect((await browser.call('settings.get')).value).toMatchObject({ language: 'system' });
    expect((await browser.call('settings.update', { language: 'nl' })).value).toMatchObject({
      language: 'nl',
    });
    expect(browser.cookie('wem_lang')).toBe('nl');
    expect((await browser.call('settings.get')).value.language).toBe('nl');
    expect(
      (await browser.call('settings.update', { serverUrl: 'https://elsewhere.example' })).error.code,
    ).toBe('not_available');
    expect((await browser.call('authenticator.list')).error.code).toBe('not_available');
    expect((await browser.call('no.such.channel')).error.code).toBe('not_available');
    expect((await browser.call('login.challenge', { factorId: 'abc' })).error.code).toBe(
      'no_login_in_progress',
    );
    expect((await browser.call('login.start', { email: 'x@example.net' })).error.code).toBe(
      'validation_failed',
    );
  });

  it('tells the page the activation link lifetime and support address, and forgets a login on "Back to sign in"', async () => {
    const browser = new PortalBrowser(t().api, t().config.publicUrl);
    expect((await browser.call('server.info')).value).toEqual({
      activationLinkValidSeconds: t().config.activationLinkTtlMs / 1000,
      supportEmail: t().config.supportEmail,
    });
    const account = await t().activeAccount();
    const enrolled = await browser.call('login.start', { email: account.email, password: account.password });
    expect(enrolled.value.state).toBe('mfa_enrollment_required');
    // A login that owes a factor keeps its id in a cookie; cancelling drops it.
    const owing = await accountWithTotp(t());
    const other = new PortalBrowser(t().api, t().config.publicUrl);
    expect(
      (await other.call('login.start', { email: owing.email, password: owing.password })).value.state,
    ).toBe('mfa_required');
    expect(other.cookie('wem_login')).toBeDefined();
    expect((await other.call('login.cancel')).ok).toBe(true);
    expect(other.cookie('wem_login')).toBeUndefined();
    expect((await other.call('login.challenge', { factorId: owing.totpFactorId })).error.code).toBe(
      'no_login_in_progress',
    );
  });

  it('resets a forgotten password from the pasted link and a factor, and ends this browser’s cookies', async () => {
    t().clock.set(Date.now());
    const account = await accountWithTotp(t());
    const browser = new PortalBrowser(t().api, t().config.publicUrl);
    expect((await browser.call('password.forgot', { email: account.email })).value).toEqual({
      status: 'reset_sent',
    });
    const mail = (await t().mailsTo(account.email))
      .filter((m) => m.text.includes('/reset-password?token='))
      .at(-1);
    const pasted = linkIn(mail!, /https?:\/\/\S+\/reset-password\?token=\S+/);
    // A link of another kind is refused without reaching the reset.
    expect(
      (await browser.call('password.openReset', { input: pasted.replace('reset-password', 'activate') }))
        .error.code,
    ).toBe('reset_invalid');
    const opened = await browser.call('password.openReset', { input: pasted });
    expect(opened.value.factors.map((f: { type: string }) => f.type)).toContain('totp');
    // The resetId is the browser's HttpOnly cookie, never in an answer.
    expect(JSON.stringify(opened.value)).not.toContain(browser.cookie('wem_reset')!);
    expect(
      (await browser.call('password.completeReset', { password: 'a new harbour lantern 7' })).error.code,
    ).toBe('factor_required');
    expect((await browser.call('password.challenge', { factorId: account.totpFactorId })).ok).toBe(true);
    const proven = await browser.call('password.verify', {
      factorId: account.totpFactorId,
      code: await nextTotpCode(t(), account.totpSecret),
    });
    expect(proven.value).toEqual({ verified: true });
    expect((await browser.call('password.completeReset', { password: 'a new harbour lantern 7' })).ok).toBe(
      true,
    );
    expect(browser.cookie('wem_reset')).toBeUndefined();
    const login = await t().request('POST', '/v1/login', {
      email: account.email,
      password: 'a new harbour lantern 7',
    });
    expect(login.status).toBe(200);
    expect((await browser.call('password.challenge', { factorId: account.totpFactorId })).error.code).toBe(
      'no_reset_in_progress',
    );
  });

  it('changes the profile, the password (forgetting this trusted browser) and deletes the account', async () => {
    t().clock.set(Date.now());
    const account = await accountWithTotp(t());
    const browser = new PortalBrowser(t().api, t().config.publicUrl);
    const start = await browser.call('login.start', { email: account.email, password: account.password });
    expect(start.value.state).toBe('mfa_required');
    expect((await browser.call('login.challenge', { factorId: account.totpFactorId })).ok).toBe(true);
    const verified = await browser.call('login.verify', {
      factorId: account.totpFactorId,
      code: await nextTotpCode(t(), account.totpSecret),
      trustDevice: true,
    });
    expect(verified.value.state).toBe('authenticated');
    expect(browser.cookie('wem_trusted')).toBeDefined();
    const updated = await browser.call('me.update', { firstName: 'Janneke', locale: 'nl' });
    expect(updated.value).toMatchObject({ firstName: 'Janneke', locale: 'nl' });
    const changed = await browser.call('me.changePassword', {
      currentPassword: account.password,
      newPassword: 'violet harbour lantern quay 9',
    });
    expect(changed.ok).toBe(true);
    expect(browser.cookie('wem_trusted')).toBeUndefined();
    expect((await browser.call('me.get')).ok).toBe(true);
    expect((await browser.call('me.delete', { password: 'violet harbour lantern quay 9' })).ok).toBe(true);
    expect(browser.cookie('wem_portal')).toBeUndefined();
    expect((await browser.call('me.get')).error.code).toBe('unauthenticated');
    expect(
      await t().db.selectFrom('accounts').select('id').where('email', '=', account.email).execute(),
    ).toEqual([]);
  });
});
