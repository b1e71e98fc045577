import type { AppStatus, IpcEventPayload, LoginStart } from '../../../common/contract/ipc';
import type { FactorType } from '../../../common/contract/http';

/**
 * Which place of the window shows, and which step of the account flow: every navigation rule of the
 * app in one pure reducer (tested in Node, account-flow.test.ts). Screens only report what happened.
 */
export type AccountScreen =
  /** `notice`: why the user is back here (a password reset, a deleted account). */
  | { name: 'signIn'; notice?: SignInNotice }
  | { name: 'signup' }
  | { name: 'checkMail'; email: string }
  | { name: 'activation'; token?: string }
  | { name: 'mfa'; factors: { id: string; type: FactorType; label: string }[] }
  | { name: 'mfaReset' }
  | { name: 'setupMfa' }
  | { name: 'myDetails' }
  | { name: 'manageMfa' }
  /** Forgot password: the address, then the mailed link (pasted or a deep link), a factor, the password. */
  | { name: 'forgotPassword' }
  | { name: 'resetLink'; email?: string; token?: string }
  | { name: 'resetFactor'; factors: { id: string; type: FactorType; label: string }[] }
  | { name: 'resetPassword' }
  /** My details' changes behind the step-up, and the confirm link of an address change. */
  | { name: 'changePassword' }
  | { name: 'changeEmail' }
  | { name: 'confirmEmail'; token?: string }
  | { name: 'deleteAccount' }
  /** The portal asks a signed-in user whether a third-party app may have the scopes it wants. */
  | { name: 'consent'; uid: string };

export type SignInNotice = 'passwordReset' | 'accountDeleted';

/** The window's three places; the account flow keeps its step while another tab is open. */
export type Tab = 'account' | 'authenticator' | 'settings';
export const tabs: Tab[] = ['account', 'authenticator', 'settings'];

export interface AccountFlow {
  tab: Tab;
  screen: AccountScreen;
}

export type AccountEvent =
  /** main's app.status answered: a session that exists already skips the sign-in form. */
  | { type: 'status'; signedIn: boolean; scope: AppStatus['scope']; stayOnSignIn?: boolean }
  /** The password step answered. */
  | { type: 'loginStarted'; result: LoginStart }
  /** A factor proved the sign-in, or set-up finished with a full session. */
  | { type: 'signedIn' }
  /** Signed out here, the session ended in main, or the server address changed. */
  | { type: 'signedOut' }
  | { type: 'sessionEnded' }
  | ({ type: 'deepLink' } & IpcEventPayload<'deepLink'>)
  | { type: 'mailSent'; email: string }
  /** Forgot password: the same answer for every address was given. */
  | { type: 'resetSent'; email: string }
  /** The reset link was accepted: a factor to prove, or none (an account that never enrolled). */
  | { type: 'resetOpened'; factors: { id: string; type: FactorType; label: string }[] }
  | { type: 'resetFactorProven' }
  /** The new password is set: signed out everywhere, back to sign-in with that said. */
  | { type: 'passwordReset' }
  | { type: 'accountDeleted' }
  | {
      type: 'open';
      screen:
        | 'signIn'
        | 'signup'
        | 'activation'
        | 'mfaReset'
        | 'myDetails'
        | 'manageMfa'
        | 'forgotPassword'
        | 'resetLink'
        | 'changePassword'
        | 'changeEmail'
        | 'confirmEmail'
        | 'deleteAccount';
    }
  | { type: 'tab'; tab: Tab };

export const initialFlow: AccountFlow = { tab: 'account', screen: { name: 'signIn' } };

/** Where the window starts: the sign-in, or what the portal page's address asks for (app/portal.ts). */
export function firstFlow(start: {
  interaction: string | undefined;
  consent: boolean;
  activationToken: string | undefined;
  mailLink?: { kind: 'reset-password' | 'confirm-email'; token: string } | undefined;
}): AccountFlow {
  if (start.consent && start.interaction)
    return { tab: 'account', screen: { name: 'consent', uid: start.interaction } };
  if (start.activationToken)
    return { tab: 'account', screen: { name: 'activation', token: start.activationToken } };
  if (start.mailLink) return { tab: 'account', screen: screenFor(start.mailLink) };
  return initialFlow;
}

/** Steps that belong to a login whose password was accepted and whose factor is still owed. */
export function isLoginInProgress(screen: AccountScreen): boolean {
  return screen.name === 'mfa' || screen.name === 'mfaReset';
}

/** Steps that hold a reset's resetId in main: leaving them forgets it there (password.cancelReset). */
export function isResetInProgress(screen: AccountScreen): boolean {
  return screen.name === 'resetFactor' || screen.name === 'resetPassword';
}

/** Screens reached from My details only: they need a full session. */
const fromMyDetails = new Set<AccountScreen['name']>([
  'manageMfa',
  'changePassword',
  'changeEmail',
  'deleteAccount',
]);

function screenFor(link: IpcEventPayload<'deepLink'>): AccountScreen {
  switch (link.kind) {
    case 'activate':
      return { name: 'activation', token: link.token };
    case 'reset-password':
      return { name: 'resetLink', token: link.token };
    case 'confirm-email':
      return { name: 'confirmEmail', token: link.token };
  }
}

function screenAfterLogin(result: LoginStart): AccountScreen {
  switch (result.state) {
    case 'mfa_required':
      return { name: 'mfa', factors: result.factors };
    case 'authenticated':
      return { name: 'myDetails' };
    case 'mfa_enrollment_required':
      return { name: 'setupMfa' };
  }
}

export function accountFlow(state: AccountFlow, event: AccountEvent): AccountFlow {
  const show = (screen: AccountScreen): AccountFlow => ({ ...state, screen });
  switch (event.type) {
    case 'status':
      if (!event.signedIn || state.screen.name !== 'signIn' || event.stayOnSignIn) return state;
      return show(event.scope === 'enrollment' ? { name: 'setupMfa' } : { name: 'myDetails' });
    case 'loginStarted':
      return show(screenAfterLogin(event.result));
    case 'signedIn':
      return show({ name: 'myDetails' });
    case 'signedOut':
      return show({ name: 'signIn' });
    case 'sessionEnded':
      return { tab: 'account', screen: { name: 'signIn' } };
    case 'deepLink':
      return { tab: 'account', screen: screenFor(event) };
    case 'mailSent':
      return show({ name: 'checkMail', email: event.email });
    case 'resetSent':
      return show({ name: 'resetLink', email: event.email });
    case 'resetOpened':
      return show(
        event.factors.length > 0
          ? { name: 'resetFactor', factors: event.factors }
          : { name: 'resetPassword' },
      );
    case 'resetFactorProven':
      return state.screen.name === 'resetFactor' ? show({ name: 'resetPassword' }) : state;
    case 'passwordReset':
      return { tab: 'account', screen: { name: 'signIn', notice: 'passwordReset' } };
    case 'accountDeleted':
      return { tab: 'account', screen: { name: 'signIn', notice: 'accountDeleted' } };
    case 'open':
      // Manage MFA and the account's changes are reached from My details only: they need a full session.
      if (fromMyDetails.has(event.screen) && state.screen.name !== 'myDetails') return state;
      return show({ name: event.screen });
    case 'tab':
      // The Account tab clicked while showing leaves a sign-in in progress for the sign-in form;
      // another tab keeps the step (the authenticator's code may be needed there).
      if (
        event.tab === 'account' &&
        state.tab === 'account' &&
        (isLoginInProgress(state.screen) || isResetInProgress(state.screen))
      )
        return { tab: 'account', screen: { name: 'signIn' } };
      return { ...state, tab: event.tab };
  }
}
