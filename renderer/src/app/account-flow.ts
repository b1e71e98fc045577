import type { AppStatus, LoginStart } from '../../../common/contract/ipc';
import type { FactorType } from '../../../common/contract/http';

/**
 * Which place of the window shows, and which step of the account flow: every navigation rule of the
 * app in one pure reducer (tested in Node, account-flow.test.ts). Screens only report what happened.
 */
export type AccountScreen =
  | { name: 'signIn' }
  | { name: 'signup' }
  | { name: 'checkMail'; email: string }
  | { name: 'activation'; token?: string }
  | { name: 'mfa'; factors: { id: string; type: FactorType; label: string }[] }
  | { name: 'mfaReset' }
  | { name: 'setupMfa' }
  | { name: 'myDetails' }
  | { name: 'manageMfa' }
  /** The portal asks a signed-in user whether a third-party app may have the scopes it wants. */
  | { name: 'consent'; uid: string };

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
  | { type: 'deepLink'; token: string }
  | { type: 'mailSent'; email: string }
  | { type: 'open'; screen: 'signIn' | 'signup' | 'activation' | 'mfaReset' | 'myDetails' | 'manageMfa' }
  | { type: 'tab'; tab: Tab };

export const initialFlow: AccountFlow = { tab: 'account', screen: { name: 'signIn' } };

/** Where the window starts: the sign-in, or what the portal page's address asks for (app/portal.ts). */
export function firstFlow(start: {
  interaction: string | undefined;
  consent: boolean;
  activationToken: string | undefined;
}): AccountFlow {
  if (start.consent && start.interaction)
    return { tab: 'account', screen: { name: 'consent', uid: start.interaction } };
  if (start.activationToken)
    return { tab: 'account', screen: { name: 'activation', token: start.activationToken } };
  return initialFlow;
}

/** Steps that belong to a login whose password was accepted and whose factor is still owed. */
export function isLoginInProgress(screen: AccountScreen): boolean {
  return screen.name === 'mfa' || screen.name === 'mfaReset';
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
      return { tab: 'account', screen: { name: 'activation', token: event.token } };
    case 'mailSent':
      return show({ name: 'checkMail', email: event.email });
    case 'open':
      // Manage MFA is reached from My details only: it needs a full session.
      if (event.screen === 'manageMfa' && state.screen.name !== 'myDetails') return state;
      return show({ name: event.screen });
    case 'tab':
      // The Account tab clicked while showing leaves a sign-in in progress for the sign-in form;
      // another tab keeps the step (the authenticator's code may be needed there).
      if (event.tab === 'account' && state.tab === 'account' && isLoginInProgress(state.screen))
        return { tab: 'account', screen: { name: 'signIn' } };
      return { ...state, tab: event.tab };
  }
}
