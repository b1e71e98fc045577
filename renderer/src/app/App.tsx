import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useLayoutEffect,
  useReducer,
  useRef,
  useState,
  type ComponentType,
  type LazyExoticComponent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { AppStatus, LoginStart, SettingsView } from '../../../common/contract/ipc';
import { Alert } from '../components/alert';
import { Logo } from '../components/logo';
import { SignInScreen } from '../features/login/sign-in-screen';
import { applyLanguage } from '../i18n';
import { languageFor } from '../i18n/language';
import { invoke, on } from '../lib/bridge';
import { ConnectivityContext } from '../lib/connectivity';
import {
  accountFlow,
  firstFlow,
  isLoginInProgress,
  isResetInProgress,
  tabs as allTabs,
  type Tab,
} from './account-flow';
import { continueInteraction, inPortal, portalStart } from './portal';
import { StatusPanel } from './status-panel';

// Start-up loads the shell and the sign-in screen only; every other screen is its own chunk, fetched
// from the app's files when first shown (the signup's password list alone is ~370 kB).
function named<K extends string, P extends object>(
  load: () => Promise<Record<K, ComponentType<P>>>,
  name: K,
): LazyExoticComponent<ComponentType<P>> {
  return lazy(async () => ({ default: (await load())[name] }));
}
const MyDetailsScreen = named(() => import('../features/account/my-details-screen'), 'MyDetailsScreen');
const ActivationScreen = named(() => import('../features/activation/activation-screen'), 'ActivationScreen');
const AuthenticatorScreen = named(
  () => import('../features/authenticator/authenticator-screen'),
  'AuthenticatorScreen',
);
const MfaResetScreen = named(() => import('../features/login/mfa-reset-screen'), 'MfaResetScreen');
const MfaScreen = named(() => import('../features/login/mfa-screen'), 'MfaScreen');
const ManageMfaScreen = named(() => import('../features/mfa/manage-mfa-screen'), 'ManageMfaScreen');
const SetupMfaScreen = named(() => import('../features/mfa/setup-mfa-screen'), 'SetupMfaScreen');
const SettingsScreen = named(() => import('../features/settings/settings-screen'), 'SettingsScreen');
const CheckMailScreen = named(() => import('../features/signup/check-mail-screen'), 'CheckMailScreen');
const SignupScreen = named(() => import('../features/signup/signup-screen'), 'SignupScreen');
const ForgotPasswordScreen = named(
  () => import('../features/password-reset/forgot-password-screen'),
  'ForgotPasswordScreen',
);
const ResetLinkScreen = named(
  () => import('../features/password-reset/reset-link-screen'),
  'ResetLinkScreen',
);
const ResetFactorScreen = named(
  () => import('../features/password-reset/reset-factor-screen'),
  'ResetFactorScreen',
);
const ResetPasswordScreen = named(
  () => import('../features/password-reset/reset-password-screen'),
  'ResetPasswordScreen',
);
const ChangePasswordScreen = named(
  () => import('../features/account/change-password-screen'),
  'ChangePasswordScreen',
);
const ChangeEmailScreen = named(() => import('../features/account/change-email-screen'), 'ChangeEmailScreen');
const ConfirmEmailScreen = named(
  () => import('../features/account/confirm-email-screen'),
  'ConfirmEmailScreen',
);
const DeleteAccountScreen = named(
  () => import('../features/account/delete-account-screen'),
  'DeleteAccountScreen',
);
const ConsentScreen = named(() => import('../features/consent/consent-screen'), 'ConsentScreen');

// The portal is a web page: the local authenticator lives in the desktop app only.
const tabs: Tab[] = inPortal ? allTabs.filter((name) => name !== 'authenticator') : allTabs;

/** Settings' theme -> html[data-theme]; "system" leaves it to prefers-color-scheme. */
function applyTheme(theme: SettingsView['theme']): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

function applySettings(settings: SettingsView): void {
  void applyLanguage(languageFor(settings.language, navigator.languages));
  applyTheme(settings.theme);
}

/** The container: app status, settings and events from main, and which step of which flow is showing. */
export function App() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<AppStatus | undefined>();
  const [statusError, setStatusError] = useState<string | undefined>();
  const [{ tab, screen }, dispatch] = useReducer(accountFlow, portalStart, firstFlow);
  const [email, setEmail] = useState('');

  // Leaving a login that still owes a factor (back to sign in, the Account tab, a deep link) ends it
  // in main too, so no loginId lingers there (docs/security.md 22).
  const loginInProgress = isLoginInProgress(screen);
  const wasInProgress = useRef(false);
  useEffect(() => {
    if (wasInProgress.current && !loginInProgress) void invoke('login.cancel', {});
    wasInProgress.current = loginInProgress;
  }, [loginInProgress]);
  // Likewise a password reset's resetId (docs/security.md 73). A layout effect: it runs before the
  // effects of the screen that follows, so a new link opened at once (a deep link arriving during a
  // reset) reaches main after this cancel, never before it.
  const resetInProgress = isResetInProgress(screen);
  const wasResetting = useRef(false);
  useLayoutEffect(() => {
    if (wasResetting.current && !resetInProgress) void invoke('password.cancelReset', {});
    wasResetting.current = resetInProgress;
  }, [resetInProgress]);

  const refresh = useCallback(async () => {
    const result = await invoke('app.status', {});
    if (!result.ok) return setStatusError(t(`errors.${result.error.code}`));
    setStatus(result.value);
    setStatusError(undefined);
    if (result.value.email) setEmail(result.value.email);
    dispatch({
      type: 'status',
      signedIn: result.value.signedIn,
      scope: result.value.scope,
      // A relying party sent the browser here because this session is not enough for it (prompt=login,
      // max_age): the sign-in is asked again.
      stayOnSignIn: portalStart.interaction !== undefined,
    });
  }, [t]);

  useEffect(() => {
    void refresh();
    void invoke('settings.get', {}).then((result) => {
      if (!result.ok) return;
      applySettings(result.value);
      if (result.value.lastEmail) setEmail((current) => current || (result.value.lastEmail ?? ''));
    });
    const stops = [
      on('connectivity', ({ online }) => setStatus((current) => current && { ...current, online })),
      on('sessionEnded', () => {
        dispatch({ type: 'sessionEnded' });
        void refresh();
      }),
      on('deepLink', (link) => dispatch({ type: 'deepLink', ...link })),
    ];
    return () => stops.forEach((stop) => stop());
  }, [refresh]);

  const online = status?.online ?? true;
  const signIn = () => dispatch({ type: 'open', screen: 'signIn' });
  const signedOut = () => {
    dispatch({ type: 'signedOut' });
    void refresh();
  };
  const signedIn = () => {
    // In the portal, a relying party's sign-in waits for this one: the browser goes on to it.
    if (continueInteraction()) return;
    dispatch({ type: 'signedIn' });
    void refresh();
  };
  const mailSent = (who: string) => {
    setEmail(who);
    dispatch({ type: 'mailSent', email: who });
  };
  const openActivation = () => dispatch({ type: 'open', screen: 'activation' });
  const openForgot = () => dispatch({ type: 'open', screen: 'forgotPassword' });
  const openMyDetails = () => dispatch({ type: 'open', screen: 'myDetails' });
  const endedHere = (event: 'passwordReset' | 'accountDeleted') => {
    dispatch({ type: event });
    void refresh();
  };

  function afterLogin(result: LoginStart, who: string) {
    setEmail(who);
    if (result.state === 'authenticated' && continueInteraction()) return;
    dispatch({ type: 'loginStarted', result });
    if (result.state !== 'mfa_required') void refresh();
  }

  function choose(name: Tab) {
    dispatch({ type: 'tab', tab: name });
  }

  function current() {
    switch (screen.name) {
      case 'signIn':
        return (
          <SignInScreen
            key={email}
            defaultEmail={email}
            onResult={afterLogin}
            onSignup={() => dispatch({ type: 'open', screen: 'signup' })}
            onActivate={openActivation}
            onForgot={openForgot}
            notice={screen.notice}
          />
        );
      case 'forgotPassword':
        return (
          <ForgotPasswordScreen
            defaultEmail={email}
            onSent={(who) => dispatch({ type: 'resetSent', email: who })}
            onSignIn={signIn}
            onHaveLink={() => dispatch({ type: 'open', screen: 'resetLink' })}
          />
        );
      case 'resetLink':
        return (
          <ResetLinkScreen
            key={screen.token ?? screen.email ?? 'paste'}
            email={screen.email}
            token={screen.token}
            onOpened={(factors) => dispatch({ type: 'resetOpened', factors })}
            onAskAgain={openForgot}
            onSignIn={signIn}
          />
        );
      case 'resetFactor':
        return (
          <ResetFactorScreen
            factors={screen.factors}
            onProven={() => dispatch({ type: 'resetFactorProven' })}
            onAskAgain={openForgot}
            onSignIn={signIn}
          />
        );
      case 'resetPassword':
        return (
          <ResetPasswordScreen
            onDone={() => endedHere('passwordReset')}
            onAskAgain={openForgot}
            onSignIn={signIn}
          />
        );
      case 'changePassword':
        return <ChangePasswordScreen email={email} onBack={openMyDetails} />;
      case 'changeEmail':
        return (
          <ChangeEmailScreen
            email={email}
            onBack={openMyDetails}
            onHaveLink={() => dispatch({ type: 'open', screen: 'confirmEmail' })}
          />
        );
      case 'confirmEmail':
        return (
          <ConfirmEmailScreen
            key={screen.token ?? 'paste'}
            token={screen.token}
            onDone={() => {
              // The session follows the confirmed address (main renamed it): read it again.
              void refresh();
              if (status?.signedIn) openMyDetails();
              else signIn();
            }}
            onBack={status?.signedIn ? openMyDetails : signIn}
          />
        );
      case 'deleteAccount':
        return (
          <DeleteAccountScreen
            email={email}
            onBack={openMyDetails}
            onDeleted={() => endedHere('accountDeleted')}
          />
        );
      case 'signup':
        return (
          <SignupScreen
            language={i18n.language === 'nl' ? 'nl' : 'en'}
            onSent={mailSent}
            onSignIn={signIn}
            onHaveLink={openActivation}
          />
        );
      case 'checkMail':
        return <CheckMailScreen email={screen.email} onHaveLink={openActivation} onSignIn={signIn} />;
      case 'activation':
        return (
          <ActivationScreen
            key={screen.token ?? 'paste'}
            token={screen.token}
            knownEmail={email}
            onSignIn={signIn}
            onResent={mailSent}
          />
        );
      case 'mfa':
        return (
          <MfaScreen
            factors={screen.factors}
            onSignedIn={signedIn}
            onCantUse={() => dispatch({ type: 'open', screen: 'mfaReset' })}
            onStartAgain={signIn}
          />
        );
      case 'mfaReset':
        return <MfaResetScreen onBack={signIn} onDone={signIn} />;
      case 'setupMfa':
        return <SetupMfaScreen email={email} onDone={signedIn} onSignedOut={signedOut} />;
      case 'myDetails':
        return (
          <MyDetailsScreen
            email={email}
            onManageMfa={() => dispatch({ type: 'open', screen: 'manageMfa' })}
            onChangePassword={() => dispatch({ type: 'open', screen: 'changePassword' })}
            onChangeEmail={() => dispatch({ type: 'open', screen: 'changeEmail' })}
            onDelete={() => dispatch({ type: 'open', screen: 'deleteAccount' })}
            onSignedOut={signedOut}
          />
        );
      case 'manageMfa':
        return (
          <ManageMfaScreen email={email} onBack={() => dispatch({ type: 'open', screen: 'myDetails' })} />
        );
      case 'consent':
        return (
          <ConsentScreen uid={screen.uid} onDecided={(redirectTo) => window.location.assign(redirectTo)} />
        );
    }
  }

  function place() {
    switch (tab) {
      case 'account':
        return current();
      case 'authenticator':
        return <AuthenticatorScreen />;
      case 'settings':
        return (
          <SettingsScreen
            signedIn={status?.signedIn ?? false}
            onChanged={(settings) => {
              applySettings(settings);
              if (!inPortal && settings.serverUrl !== status?.serverUrl) signedOut();
            }}
          />
        );
    }
  }

  return (
    <ConnectivityContext value={online}>
      <div className="shell">
        <header className="topbar">
          <Logo />
          <h1>{t(inPortal ? 'portal.name' : 'app.name')}</h1>
          <nav className="tabs" aria-label={t('app.places')}>
            {tabs.map((name) => (
              <button
                key={name}
                type="button"
                className="tab"
                aria-current={tab === name ? 'page' : undefined}
                onClick={() => choose(name)}
              >
                {t(`app.tab.${name}`)}
              </button>
            ))}
          </nav>
        </header>
        {online ? (
          <div />
        ) : (
          <Alert tone="warning" banner>
            {t('app.offline')}
          </Alert>
        )}
        <main className="content">
          <Suspense fallback={<p className="muted">{t('common.busy')}</p>}>{place()}</Suspense>
        </main>
        <StatusPanel status={status} error={statusError} />
      </div>
    </ConnectivityContext>
  );
}
