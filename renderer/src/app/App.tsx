import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useState,
  type ComponentType,
  type LazyExoticComponent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { AppStatus, LoginStart, SettingsView } from '../../../common/contract/ipc';
import type { FactorType } from '../../../common/contract/http';
import { Alert } from '../components/alert';
import { Logo } from '../components/logo';
import { SignInScreen } from '../features/login/sign-in-screen';
import { applyLanguage } from '../i18n';
import { languageFor } from '../i18n/language';
import { invoke, on } from '../lib/bridge';
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
const ConsentScreen = named(() => import('../features/consent/consent-screen'), 'ConsentScreen');

type Screen =
  | { name: 'signIn' }
  | { name: 'signup' }
  | { name: 'checkMail'; email: string }
  | { name: 'activation'; token?: string }
  | { name: 'mfa'; factors: { id: string; type: FactorType; label: string }[] }
  | { name: 'mfaReset' }
  | { name: 'setupMfa' }
  | { name: 'myDetails' }
  | { name: 'manageMfa' }
  | { name: 'consent'; uid: string };

/** The window's three places; the account flow keeps its step while another tab is open. */
type Tab = 'account' | 'authenticator' | 'settings';
// The portal is a web page: the local authenticator lives in the desktop app only.
const tabs: Tab[] = inPortal ? ['account', 'settings'] : ['account', 'authenticator', 'settings'];

/** Where the window starts: the sign-in, or what the portal's address asks for (app/portal.ts). */
const firstScreen: Screen =
  portalStart.consent && portalStart.interaction
    ? { name: 'consent', uid: portalStart.interaction }
    : portalStart.activationToken
      ? { name: 'activation', token: portalStart.activationToken }
      : { name: 'signIn' };

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
  const [screen, setScreen] = useState<Screen>(firstScreen);
  const [tab, setTab] = useState<Tab>('account');
  const [email, setEmail] = useState('');

  const refresh = useCallback(async () => {
    const result = await invoke('app.status', {});
    if (!result.ok) return setStatusError(t(`errors.${result.error.code}`));
    setStatus(result.value);
    setStatusError(undefined);
    if (result.value.email) setEmail(result.value.email);
    if (result.value.signedIn)
      setScreen((current) =>
        current.name !== 'signIn'
          ? current
          : result.value.scope === 'enrollment'
            ? { name: 'setupMfa' }
            : // A relying party sent the browser here because this session is not enough for it
              // (prompt=login, max_age): the sign-in is asked again.
              portalStart.interaction
              ? current
              : { name: 'myDetails' },
      );
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
        setTab('account');
        setScreen({ name: 'signIn' });
        void refresh();
      }),
      on('deepLink', ({ token }) => {
        setTab('account');
        setScreen({ name: 'activation', token });
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }, [refresh]);

  const online = status?.online ?? true;
  const signIn = () => setScreen({ name: 'signIn' });
  const signedOut = () => {
    setScreen({ name: 'signIn' });
    void refresh();
  };

  function afterLogin(result: LoginStart, who: string) {
    setEmail(who);
    if (result.state === 'mfa_required') return setScreen({ name: 'mfa', factors: result.factors });
    if (result.state === 'authenticated' && continueInteraction()) return;
    setScreen(result.state === 'authenticated' ? { name: 'myDetails' } : { name: 'setupMfa' });
    void refresh();
  }

  /**
   * Another tab keeps the account flow's step (the authenticator's code may be needed there); the
   * Account tab clicked while showing leaves a sign-in in progress for the sign-in form.
   */
  function choose(name: Tab) {
    if (name === 'account' && tab === 'account' && (screen.name === 'mfa' || screen.name === 'mfaReset'))
      setScreen({ name: 'signIn' });
    setTab(name);
  }

  function current() {
    switch (screen.name) {
      case 'signIn':
        return (
          <SignInScreen
            key={email}
            defaultEmail={email}
            online={online}
            onResult={afterLogin}
            onSignup={() => setScreen({ name: 'signup' })}
            onActivate={() => setScreen({ name: 'activation' })}
          />
        );
      case 'signup':
        return (
          <SignupScreen
            language={i18n.language === 'nl' ? 'nl' : 'en'}
            online={online}
            onSent={(who) => setScreen({ name: 'checkMail', email: who })}
            onSignIn={signIn}
            onHaveLink={() => setScreen({ name: 'activation' })}
          />
        );
      case 'checkMail':
        return (
          <CheckMailScreen
            email={screen.email}
            online={online}
            onHaveLink={() => setScreen({ name: 'activation' })}
            onSignIn={signIn}
          />
        );
      case 'activation':
        return (
          <ActivationScreen
            key={screen.token ?? 'paste'}
            token={screen.token}
            online={online}
            onSignIn={signIn}
            onResent={(who) => setScreen({ name: 'checkMail', email: who })}
          />
        );
      case 'mfa':
        return (
          <MfaScreen
            factors={screen.factors}
            online={online}
            onSignedIn={() => {
              if (continueInteraction()) return;
              setScreen({ name: 'myDetails' });
              void refresh();
            }}
            onCantUse={() => setScreen({ name: 'mfaReset' })}
            onStartAgain={signIn}
          />
        );
      case 'mfaReset':
        return <MfaResetScreen online={online} onBack={signIn} onDone={signIn} />;
      case 'setupMfa':
        return (
          <SetupMfaScreen
            email={email}
            online={online}
            onDone={() => {
              if (continueInteraction()) return;
              setScreen({ name: 'myDetails' });
              void refresh();
            }}
            onSignedOut={signedOut}
          />
        );
      case 'myDetails':
        return (
          <MyDetailsScreen
            email={email}
            online={online}
            onManageMfa={() => setScreen({ name: 'manageMfa' })}
            onSignedOut={signedOut}
          />
        );
      case 'manageMfa':
        return (
          <ManageMfaScreen email={email} online={online} onBack={() => setScreen({ name: 'myDetails' })} />
        );
      case 'consent':
        return (
          <ConsentScreen
            uid={screen.uid}
            online={online}
            onDecided={(redirectTo) => window.location.assign(redirectTo)}
          />
        );
    }
  }

  function place() {
    switch (tab) {
      case 'account':
        return current();
      case 'authenticator':
        return <AuthenticatorScreen online={online} />;
      case 'settings':
        return (
          <SettingsScreen
            signedIn={status?.signedIn ?? false}
            onChanged={(settings) => {
              applySettings(settings);
              if (!inPortal && settings.serverUrl !== status?.serverUrl) {
                setScreen({ name: 'signIn' });
                void refresh();
              }
            }}
          />
        );
    }
  }

  return (
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
  );
}
