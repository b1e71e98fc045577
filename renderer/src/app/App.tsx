import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppStatus, LoginStart, SettingsView } from '../../../common/contract/ipc';
import type { FactorType } from '../../../common/contract/http';
import { Alert } from '../components/alert';
import { Logo } from '../components/logo';
import { MyDetailsScreen } from '../features/account/my-details-screen';
import { ActivationScreen } from '../features/activation/activation-screen';
import { MfaResetScreen } from '../features/login/mfa-reset-screen';
import { MfaScreen } from '../features/login/mfa-screen';
import { SignInScreen } from '../features/login/sign-in-screen';
import { SetupMfaScreen } from '../features/mfa/setup-mfa-screen';
import { CheckMailScreen } from '../features/signup/check-mail-screen';
import { SignupScreen } from '../features/signup/signup-screen';
import { applyLanguage } from '../i18n';
import { languageFor } from '../i18n/language';
import { invoke, on } from '../lib/bridge';
import { StatusPanel } from './status-panel';

type Screen =
  | { name: 'signIn' }
  | { name: 'signup' }
  | { name: 'checkMail'; email: string }
  | { name: 'activation'; token?: string }
  | { name: 'mfa'; factors: { id: string; type: FactorType; label: string }[] }
  | { name: 'mfaReset' }
  | { name: 'setupMfa' }
  | { name: 'myDetails' };

/** Settings' theme -> html[data-theme]; "system" leaves it to prefers-color-scheme. */
function applyTheme(theme: SettingsView['theme']): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** The container: app status, settings and events from main, and which step of which flow is showing. */
export function App() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<AppStatus | undefined>();
  const [statusError, setStatusError] = useState<string | undefined>();
  const [screen, setScreen] = useState<Screen>({ name: 'signIn' });
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
            : { name: 'myDetails' },
      );
  }, [t]);

  useEffect(() => {
    void refresh();
    void invoke('settings.get', {}).then((result) => {
      if (!result.ok) return;
      applyLanguage(languageFor(result.value.language, navigator.languages));
      applyTheme(result.value.theme);
      if (result.value.lastEmail) setEmail((current) => current || (result.value.lastEmail ?? ''));
    });
    const stops = [
      on('connectivity', ({ online }) => setStatus((current) => current && { ...current, online })),
      on('sessionEnded', () => {
        setScreen({ name: 'signIn' });
        void refresh();
      }),
      on('deepLink', ({ token }) => setScreen({ name: 'activation', token })),
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
    setScreen(result.state === 'authenticated' ? { name: 'myDetails' } : { name: 'setupMfa' });
    void refresh();
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
        return <SetupMfaScreen onSignedOut={signedOut} />;
      case 'myDetails':
        return <MyDetailsScreen email={email} onSignedOut={signedOut} />;
    }
  }

  return (
    <div className="shell">
      <header className="topbar">
        <Logo />
        <h1>{t('app.name')}</h1>
      </header>
      {online ? (
        <div />
      ) : (
        <Alert tone="warning" banner>
          {t('app.offline')}
        </Alert>
      )}
      <main className="content">{current()}</main>
      <StatusPanel status={status} error={statusError} />
    </div>
  );
}
