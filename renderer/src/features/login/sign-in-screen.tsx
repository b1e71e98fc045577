import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoginStart } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useSubmit } from '../../lib/use-submit';
import { useOnline } from '../../lib/connectivity';

interface SignInScreenProps {
  defaultEmail: string;
  onResult: (result: LoginStart, email: string) => void;
  onSignup: () => void;
  onActivate: () => void;
  onForgot: () => void;
  /** Why the user is back here: said above the form (a password reset, a deleted account). */
  notice?: 'passwordReset' | 'accountDeleted' | undefined;
}

/** Email and password -> `login.start`; the app decides what follows from the state it returns. */
export function SignInScreen({
  defaultEmail,
  onResult,
  onSignup,
  onActivate,
  onForgot,
  notice,
}: SignInScreenProps) {
  const online = useOnline();
  const { t } = useTranslation();
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit(['email', 'password']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run(() => invoke('login.start', { email, password }));
    setPassword('');
    if (result.ok) onResult(result.value, email);
  }

  return (
    <Card title={t('signIn.title')}>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        {notice ? <Alert tone="success">{t(`signIn.notice.${notice}`)}</Alert> : null}
        <TextField
          label={t('signIn.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={setEmail}
          error={error.fields.email}
        />
        <TextField
          label={t('signIn.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={error.fields.password}
        />
        <div className="actions">
          <Button variant="link" onClick={onForgot}>
            {t('signIn.forgot')}
          </Button>
        </div>
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          <Button type="submit" busy={busy} busyLabel={t('signIn.submitting')} disabled={!online}>
            {t('signIn.submit')}
          </Button>
          <Button variant="link" onClick={onSignup}>
            {t('signIn.createAccount')}
          </Button>
          <Button variant="link" onClick={onActivate}>
            {t('signIn.activate')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
