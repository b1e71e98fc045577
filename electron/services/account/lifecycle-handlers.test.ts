import { describe, expect, it } from 'vitest';
import { desktopRig, stringsIn } from '../../../test/helpers/desktop';
import { uniqueEmail } from '../../../test/helpers/harness';
import { totpCode } from '../../../test/helpers/mfa';
import { linkIn } from '../../../test/helpers/smtp-peer';
import type { DesktopServices } from '../desktop-services';
import { trustedDeviceService } from '../trusted-device-store';
import { linkTokenFrom } from './account-handlers';
import { pendingResetLifetimeMs } from './pending-reset';

const password = 'violet-harbour-lantern-42';
const newPassword = 'copper-lagoon-whistle-88';

describe('account lifecycle through the desktop services, against a real account API', () => {
  const rig = desktopRig();
  const { launch, send, value } = rig;

  async function refused(services: DesktopServices, channel: string, payload: unknown = {}) {
    const reply = await send(services, channel, payload);
    if (reply.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(reply.value)}`);
    return reply.error;
  }

  async function newestLink(address: string, action: string): Promise<string> {
    const mail = (await rig.api.mailsTo(address)).filter((m) => m.text.includes(`/${action}?token=`)).at(-1);
    if (!mail) throw new Error(`no ${action} mail to ${address}`);
    return linkIn(mail, new RegExp(`https?://\\S+/${action}\\?token=\\S+`));
  }

  /** Signed up, activated, enrolled with an authenticator app, signed in on this computer and trusted. */
  async function trustedAccount(services: DesktopServices) {
    const email = uniqueEmail('life');
    await value(services, 'signup.create', {
      firstName: 'Jane',
      lastName: 'Doe',
      email,
      password,
      acceptTerms: true,
    });
    const [mail] = await rig.api.mailsTo(email);
    if (!mail) throw new Error('no activation mail');
    await value(services, 'activation.activate', { input: linkIn(mail) });
    await value(services, 'login.start', { email, password });
    const added = await value(services, 'factors.add', { type: 'totp' });
    const secret = added.secret as string;
    const factorId = added.factor.id as string;
    await value(services, 'factors.verify', { factorId, code: await totpCode(secret, rig.api) });
    await value(services, 'session.logout');
    rig.api.clock.advance(30_000);
    await value(services, 'login.start', { email, password });
    await value(services, 'login.verify', {
      factorId,
      code: await totpCode(secret, rig.api),
      trustDevice: true,
    });
    expect(rig.secrets.entries.size).toBe(1);
    return { email, secret, factorId };
  }

  /** A fresh sign-in with a code: a privileged session (step-up is fresh after the factor). */
  async function privileged(
    services: DesktopServices,
    account: { email: string; secret: string; factorId: string },
  ) {
    const status = await value(services, 'app.status');
    expect(status).toMatchObject({ signedIn: true, scope: 'full' });
    const me = await value(services, 'me.get');
    if (me.session.privilegedUntil === null) {
      rig.api.clock.advance(30_000);
      await value(services, 'stepUp.verify', {
        factorId: account.factorId,
        code: await totpCode(account.secret, rig.api),
      });
    }
  }

  function expectNoSecretInReplies(allowed: string[] = []) {
    expect(rig.proxy.secretsSeen.size).toBeGreaterThan(0);
    for (const { reply } of rig.replies)
      for (const text of stringsIn(reply))
        for (const secret of rig.proxy.secretsSeen)
          if (!allowed.includes(secret)) expect(text).not.toContain(secret);
  }

  it('resets a forgotten password only with the mailed link and a factor, and signs out everywhere', async () => {
    const services = launch();
    const account = await trustedAccount(services);
    const unknown = uniqueEmail('nobody');
    // The same answer for an address with an account and one without.
    expect(await value(services, 'password.forgot', { email: account.email })).toEqual({
      status: 'reset_sent',
    });
    expect(await value(services, 'password.forgot', { email: unknown })).toEqual({ status: 'reset_sent' });
    expect(await rig.api.mailsTo(unknown)).toEqual([]);
    const link = await newestLink(account.email, 'reset-password');

    // The pasted link answers only which factors to choose from: no resetId reaches the page.
    const opened = await value(services, 'password.openReset', { input: link });
    expect(opened).toEqual({
      expiresAt: expect.any(String),
      factors: [expect.objectContaining({ id: account.factorId, type: 'totp' })],
    });

    // The second factor is not optional (docs/security.md 59).
    expect(await refused(services, 'password.completeReset', { password: newPassword })).toMatchObject({
      code: 'factor_required',
    });
    expect(
      await refused(services, 'password.verify', { factorId: account.factorId, code: '000000' }),
    ).toMatchObject({
      code: 'invalid_code',
    });
    rig.api.clock.advance(30_000);
    expect(
      await value(services, 'password.verify', {
        factorId: account.factorId,
        code: await totpCode(account.secret, rig.api),
      }),
    ).toEqual({ verified: true });
    expect(await refused(services, 'password.completeReset', { password: 'short' })).toMatchObject({
      code: 'weak_password',
    });
    expect(await value(services, 'password.completeReset', { password: newPassword })).toEqual({});

    // Signed out here and everywhere; the old password is dead, and this computer is no longer trusted.
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: false });
    expect(await refused(services, 'password.completeReset', { password: newPassword })).toMatchObject({
      code: 'no_reset_in_progress',
    });
    expect(await refused(services, 'login.start', { email: account.email, password })).toMatchObject({
      code: 'invalid_credentials',
    });
    expect(
      await value(services, 'login.start', { email: account.email, password: newPassword }),
    ).toMatchObject({
      state: 'mfa_required',
    });
    // The used link stays used.
    expect(await refused(services, 'password.openReset', { input: link })).toMatchObject({
      code: 'reset_used',
    });
    // Only the enrollment secret factors.add showed once for the authenticator app.
    expectNoSecretInReplies([account.secret]);
  });

  it('resets an account that never enrolled a factor with the link alone, and asks it to enroll next', async () => {
    const services = launch();
    const email = uniqueEmail('unenrolled');
    await value(services, 'signup.create', {
      firstName: 'Jan',
      lastName: 'Smit',
      email,
      password,
      acceptTerms: true,
    });
    const [mail] = await rig.api.mailsTo(email);
    if (!mail) throw new Error('no activation mail');
    await value(services, 'activation.activate', { input: linkIn(mail) });
    await value(services, 'password.forgot', { email });
    const link = await newestLink(email, 'reset-password');
    expect(await value(services, 'password.openReset', { input: link })).toMatchObject({ factors: [] });
    expect(await value(services, 'password.completeReset', { password: newPassword })).toEqual({});
    expect(await value(services, 'login.start', { email, password: newPassword })).toEqual({
      state: 'mfa_enrollment_required',
    });
  });

  it('takes the link as a deep link, a pasted http link or the bare token, and refuses other links locally', async () => {
    const services = launch();
    const account = await trustedAccount(services);
    await value(services, 'password.forgot', { email: account.email });
    const link = await newestLink(account.email, 'reset-password');
    const token = new URL(link).searchParams.get('token') ?? '';
    expect(
      linkTokenFrom(`wem-account://reset-password?token=${token}`, 'reset-password', 'reset_invalid'),
    ).toBe(token);
    expect(linkTokenFrom(token, 'reset-password', 'reset_invalid')).toBe(token);
    rig.proxy.requests.length = 0;
    for (const input of [
      link.replace('/reset-password', '/activate'),
      'wem-account://confirm-email?token=x',
      'https://',
    ]) {
      expect(await refused(services, 'password.openReset', { input })).toMatchObject({
        code: 'reset_invalid',
      });
    }
    expect(rig.proxy.requests).toEqual([]);
    expect(
      await value(services, 'password.openReset', { input: `wem-account://reset-password?token=${token}` }),
    ).toMatchObject({
      factors: [{ type: 'totp' }],
    });
  });

  it('forgets a reset under way when it runs out, when the user goes back, at sign-out and when the server changes', async () => {
    const services = launch();
    const account = await trustedAccount(services);
    await value(services, 'password.forgot', { email: account.email });
    const link = await newestLink(account.email, 'reset-password');

    await value(services, 'password.openReset', { input: link });
    expect(await value(services, 'password.cancelReset')).toEqual({});
    expect(await refused(services, 'password.challenge', { factorId: account.factorId })).toMatchObject({
      code: 'no_reset_in_progress',
    });

    await value(services, 'password.openReset', { input: link });
    rig.api.clock.advance(pendingResetLifetimeMs - 1000);
    expect(
      await refused(services, 'password.verify', { factorId: account.factorId, code: '000000' }),
    ).toMatchObject({
      code: 'invalid_code',
    });
    rig.api.clock.advance(1000);
    expect(
      await refused(services, 'password.verify', { factorId: account.factorId, code: '000000' }),
    ).toMatchObject({
      code: 'reset_expired',
    });
    expect(
      await refused(services, 'password.verify', { factorId: account.factorId, code: '000000' }),
    ).toMatchObject({
      code: 'no_reset_in_progress',
    });

    await value(services, 'password.openReset', { input: link });
    await value(services, 'session.logout');
    expect(await refused(services, 'password.challenge', { factorId: account.factorId })).toMatchObject({
      code: 'no_reset_in_progress',
    });

    // One link starts at most 3 factor steps (docs/rig.api.md): a new link for the last case.
    await value(services, 'password.forgot', { email: account.email });
    await value(services, 'password.openReset', { input: await newestLink(account.email, 'reset-password') });
    await value(services, 'settings.update', { serverUrl: rig.api.url });
    expect(await refused(services, 'password.completeReset', { password: newPassword })).toMatchObject({
      code: 'no_reset_in_progress',
    });
  });

  it('changes name, company and language, then the password: this session stays, this computer is forgotten', async () => {
    const services = launch();
    const account = await trustedAccount(services);
    expect(
      await value(services, 'me.update', { firstName: 'Janet', company: 'Acme', locale: 'nl' }),
    ).toMatchObject({
      firstName: 'Janet',
      lastName: 'Doe',
      company: 'Acme',
      locale: 'nl',
    });
    expect(await value(services, 'me.cached')).toMatchObject({ me: { firstName: 'Janet' } });
    expect(await refused(services, 'me.update', { firstName: '' })).toMatchObject({
      code: 'validation_failed',
    });

    await privileged(services, account);
    expect(
      await refused(services, 'me.changePassword', { currentPassword: 'not-my-password-1', newPassword }),
    ).toMatchObject({ code: 'invalid_credentials' });
    expect(await value(services, 'me.changePassword', { currentPassword: password, newPassword })).toEqual(
      {},
    );
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: true });
    expect(await value(services, 'me.get')).toMatchObject({ email: account.email });
    expect(rig.secrets.entries.size).toBe(0);
    const devices = await rig.api.db.selectFrom('trusted_devices').select(['revoked_at']).execute();
    expect(devices.every((device) => device.revoked_at !== null)).toBe(true);

    await value(services, 'session.logout');
    expect(
      await value(services, 'login.start', { email: account.email, password: newPassword }),
    ).toMatchObject({
      state: 'mfa_required',
    });
  });

  it('changes the address with the link mailed to the new one; the session and the trust follow it', async () => {
    const services = launch();
    const account = await trustedAccount(services);
    await privileged(services, account);
    const newEmail = uniqueEmail('moved');
    expect(
      await refused(services, 'me.changeEmail', { newEmail, password: 'wrong-password-11' }),
    ).toMatchObject({
      code: 'invalid_credentials',
    });
    expect(await value(services, 'me.changeEmail', { newEmail, password })).toEqual({
      status: 'verification_sent',
    });
    const link = await newestLink(newEmail, 'confirm-email');
    expect(
      await refused(services, 'me.confirmEmail', { input: link.replace('confirm-email', 'activate') }),
    ).toMatchObject({
      code: 'email_change_invalid',
    });
    const token = new URL(link).searchParams.get('token') ?? '';
    expect(
      await value(services, 'me.confirmEmail', { input: `wem-account://confirm-email?token=${token}` }),
    ).toEqual({
      email: newEmail,
    });
    expect(await refused(services, 'me.confirmEmail', { input: link })).toMatchObject({
      code: 'email_change_used',
    });
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: true, email: newEmail });
    expect(await value(services, 'settings.get')).toMatchObject({ lastEmail: newEmail });
    expect([...rig.secrets.entries.keys()]).toEqual([
      `${trustedDeviceService}\n${rig.proxy.url}|${newEmail}`,
    ]);

    // The old address signs in no more.
    await value(services, 'session.logout');
    expect(await refused(services, 'login.start', { email: account.email, password })).toMatchObject({
      code: 'invalid_credentials',
    });
  });

  it('deletes the account with the password: signed out, forgotten here, and the address free again', async () => {
    const services = launch();
    const account = await trustedAccount(services);
    await privileged(services, account);
    expect(await refused(services, 'me.delete', { password: 'wrong-password-11' })).toMatchObject({
      code: 'invalid_credentials',
    });
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: true });
    expect(await value(services, 'me.delete', { password })).toEqual({});
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: false });
    expect(await value(services, 'settings.get')).toMatchObject({ lastEmail: null });
    expect(rig.secrets.entries.size).toBe(0);
    expect(await refused(services, 'me.get')).toMatchObject({ code: 'unauthenticated' });
    expect(await refused(services, 'login.start', { email: account.email, password })).toMatchObject({
      code: 'invalid_credentials',
    });
    expect(
      await value(services, 'signup.create', {
        firstName: 'Jane',
        lastName: 'Doe',
        email: account.email,
        password,
        acceptTerms: true,
      }),
    ).toEqual({ status: 'activation_sent' });
  });

  it('asks for a fresh step-up before a password or address change and before deleting', async () => {
    const services = launch();
    await trustedAccount(services);
    // Past the privileged window (10 minutes after the factor, docs/rig.api.md) the step-up is asked again.
    rig.api.clock.advance(11 * 60_000);
    for (const [channel, payload] of [
      ['me.changePassword', { currentPassword: password, newPassword }],
      ['me.changeEmail', { newEmail: uniqueEmail('x'), password }],
      ['me.delete', { password }],
    ] as const) {
      expect(await refused(services, channel, payload)).toMatchObject({ code: 'step_up_required' });
    }
    expect(await value(services, 'app.status')).toMatchObject({ signedIn: true });
  });
});
