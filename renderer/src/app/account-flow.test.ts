import { describe, expect, it } from 'vitest';
import { accountFlow, firstFlow, initialFlow, type AccountEvent, type AccountFlow } from './account-flow';

const factors = [{ id: 'f1', type: 'totp' as const, label: 'Phone' }];
const mfa: AccountFlow = { tab: 'account', screen: { name: 'mfa', factors } };

function after(...events: AccountEvent[]): AccountFlow {
  return events.reduce(accountFlow, initialFlow);
}

describe('the account flow', () => {
  it('starts at the sign-in form on the Account tab', () => {
    expect(initialFlow).toEqual({ tab: 'account', screen: { name: 'signIn' } });
  });

  it('goes from the password step to the step the server asked for', () => {
    const mfaRequired = {
      type: 'loginStarted' as const,
      result: { state: 'mfa_required' as const, expiresAt: '2030-01-01T12:15:00Z', factors },
    };
    expect(after(mfaRequired).screen).toEqual({ name: 'mfa', factors });
    expect(
      after({ type: 'loginStarted', result: { state: 'authenticated', trustedComputer: true } }).screen,
    ).toEqual({ name: 'myDetails' });
    expect(after({ type: 'loginStarted', result: { state: 'mfa_enrollment_required' } }).screen).toEqual({
      name: 'setupMfa',
    });
    expect(after(mfaRequired, { type: 'signedIn' }).screen).toEqual({ name: 'myDetails' });
  });

  it('skips the sign-in form for a session main already holds, and leaves any other step alone', () => {
    expect(after({ type: 'status', signedIn: true, scope: 'full' }).screen).toEqual({ name: 'myDetails' });
    expect(after({ type: 'status', signedIn: true, scope: 'enrollment' }).screen).toEqual({
      name: 'setupMfa',
    });
    expect(after({ type: 'status', signedIn: false, scope: null }).screen).toEqual({ name: 'signIn' });
    const signup = after({ type: 'open', screen: 'signup' });
    expect(accountFlow(signup, { type: 'status', signedIn: true, scope: 'full' })).toBe(signup);
  });

  it('has a way back to sign-in from every step before it', () => {
    for (const first of [
      { type: 'open', screen: 'signup' },
      { type: 'open', screen: 'activation' },
      { type: 'mailSent', email: 'jane@example.com' },
      { type: 'open', screen: 'mfaReset' },
    ] as const)
      expect(after(first, { type: 'open', screen: 'signIn' }).screen).toEqual({ name: 'signIn' });
    expect(accountFlow(mfa, { type: 'open', screen: 'signIn' }).screen).toEqual({ name: 'signIn' });
  });

  it('leaves a sign-in in progress when the Account tab is clicked while it shows', () => {
    expect(accountFlow(mfa, { type: 'tab', tab: 'account' })).toEqual(initialFlow);
    const reset = accountFlow(mfa, { type: 'open', screen: 'mfaReset' });
    expect(accountFlow(reset, { type: 'tab', tab: 'account' })).toEqual(initialFlow);
  });

  it('keeps the step while another tab is open, so a code can be looked up in the authenticator', () => {
    const away = accountFlow(mfa, { type: 'tab', tab: 'authenticator' });
    expect(away).toEqual({ tab: 'authenticator', screen: mfa.screen });
    expect(accountFlow(away, { type: 'tab', tab: 'account' })).toEqual(mfa);
  });

  it('opens a deep link and a session end on the Account tab, whatever was showing', () => {
    const settings = after({ type: 'tab', tab: 'settings' });
    expect(accountFlow(settings, { type: 'deepLink', kind: 'activate', token: 'abc.def' })).toEqual({
      tab: 'account',
      screen: { name: 'activation', token: 'abc.def' },
    });
    const signedIn = accountFlow(after({ type: 'status', signedIn: true, scope: 'full' }), {
      type: 'tab',
      tab: 'authenticator',
    });
    expect(accountFlow(signedIn, { type: 'sessionEnded' })).toEqual(initialFlow);
  });

  it('opens a reset-password link at the reset and a confirm-email link at the confirmation', () => {
    const settings = after({ type: 'tab', tab: 'settings' });
    expect(accountFlow(settings, { type: 'deepLink', kind: 'reset-password', token: 'a.b' })).toEqual({
      tab: 'account',
      screen: { name: 'resetLink', token: 'a.b' },
    });
    expect(accountFlow(settings, { type: 'deepLink', kind: 'confirm-email', token: 'a.b' })).toEqual({
      tab: 'account',
      screen: { name: 'confirmEmail', token: 'a.b' },
    });
  });

  it('walks forgot password: address, check your mail, link, factor, new password, back to sign-in', () => {
    const forgot = after({ type: 'open', screen: 'forgotPassword' });
    expect(forgot.screen).toEqual({ name: 'forgotPassword' });
    const sent = accountFlow(forgot, { type: 'resetSent', email: 'jane@example.com' });
    expect(sent.screen).toEqual({ name: 'resetLink', email: 'jane@example.com' });
    const factor = accountFlow(sent, { type: 'resetOpened', factors });
    expect(factor.screen).toEqual({ name: 'resetFactor', factors });
    const password = accountFlow(factor, { type: 'resetFactorProven' });
    expect(password.screen).toEqual({ name: 'resetPassword' });
    expect(accountFlow(password, { type: 'passwordReset' })).toEqual({
      tab: 'account',
      screen: { name: 'signIn', notice: 'passwordReset' },
    });
    // An account that never enrolled a factor goes from the link to the password.
    expect(accountFlow(sent, { type: 'resetOpened', factors: [] }).screen).toEqual({ name: 'resetPassword' });
    // Every step has a way back to sign-in, and the Account tab leaves a reset under way.
    for (const step of [forgot, sent, factor, password])
      expect(accountFlow(step, { type: 'open', screen: 'signIn' }).screen).toEqual({ name: 'signIn' });
    expect(accountFlow(factor, { type: 'tab', tab: 'account' })).toEqual(initialFlow);
    // A proven factor means nothing outside the reset's factor step.
    expect(accountFlow(sent, { type: 'resetFactorProven' })).toBe(sent);
  });

  it('reaches the password, address and delete screens from My details only', () => {
    const details = after({ type: 'status', signedIn: true, scope: 'full' });
    for (const screen of ['changePassword', 'changeEmail', 'deleteAccount'] as const) {
      expect(after({ type: 'open', screen }).screen).toEqual({ name: 'signIn' });
      const opened = accountFlow(details, { type: 'open', screen });
      expect(opened.screen).toEqual({ name: screen });
      expect(accountFlow(opened, { type: 'open', screen: 'myDetails' }).screen).toEqual({
        name: 'myDetails',
      });
    }
    const deleting = accountFlow(details, { type: 'open', screen: 'deleteAccount' });
    expect(accountFlow(deleting, { type: 'accountDeleted' })).toEqual({
      tab: 'account',
      screen: { name: 'signIn', notice: 'accountDeleted' },
    });
  });

  it('shows "Check your mail" with the address the mail went to', () => {
    expect(
      after({ type: 'open', screen: 'signup' }, { type: 'mailSent', email: 'jane@example.com' }).screen,
    ).toEqual({ name: 'checkMail', email: 'jane@example.com' });
  });

  it('reaches Manage MFA from My details only, and goes back there', () => {
    expect(after({ type: 'open', screen: 'manageMfa' }).screen).toEqual({ name: 'signIn' });
    const details = after({ type: 'status', signedIn: true, scope: 'full' });
    const manage = accountFlow(details, { type: 'open', screen: 'manageMfa' });
    expect(manage.screen).toEqual({ name: 'manageMfa' });
    expect(accountFlow(manage, { type: 'open', screen: 'myDetails' }).screen).toEqual({ name: 'myDetails' });
    expect(accountFlow(manage, { type: 'signedOut' }).screen).toEqual({ name: 'signIn' });
  });

  it('starts the portal where its address says: consent, activation, or the sign-in', () => {
    const none = { interaction: undefined, consent: false, activationToken: undefined };
    expect(firstFlow(none)).toEqual(initialFlow);
    expect(firstFlow({ ...none, interaction: 'uid1', consent: true }).screen).toEqual({
      name: 'consent',
      uid: 'uid1',
    });
    // Consent without an interaction to answer is no consent screen.
    expect(firstFlow({ ...none, consent: true })).toEqual(initialFlow);
    expect(firstFlow({ ...none, activationToken: 'abc.def' }).screen).toEqual({
      name: 'activation',
      token: 'abc.def',
    });
  });

  it('starts the portal at the reset or the address confirmation when its address carries such a link', () => {
    const none = { interaction: undefined, consent: false, activationToken: undefined };
    expect(firstFlow({ ...none, mailLink: { kind: 'reset-password', token: 'a.b' } }).screen).toEqual({
      name: 'resetLink',
      token: 'a.b',
    });
    expect(firstFlow({ ...none, mailLink: { kind: 'confirm-email', token: 'a.b' } }).screen).toEqual({
      name: 'confirmEmail',
      token: 'a.b',
    });
  });

  it('asks for the sign-in again when a relying party wants a fresh one, even with a session', () => {
    expect(after({ type: 'status', signedIn: true, scope: 'full', stayOnSignIn: true }).screen).toEqual({
      name: 'signIn',
    });
  });
});
