import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { useSubmit } from '../../lib/use-submit';

/** "Forgot password?": the address to mail a reset link to. The answer is the same for every address. */
export function ForgotPasswordScreen({
  defaultEmail,
  onSent,
  onSignIn,
  onHaveLink,
}: {
  defaultEmail: string;
  onSent: (email: string) => void;
  onSignIn: () => void;
  onHaveLink: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const [email, setEmail] = useState(defaultEmail);
  const { busy, error, run } = useSubmit(['email']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run(() => invoke('password.forgot', { email }));
    if (result.ok) onSent(email.trim());
  }

  return (
    <Card title={t('forgot.title')}>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <p>{t('forgot.intro')}</p>
        <TextField
          label={t('forgot.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={setEmail}
          error={error.fields.email}
        />
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={busy}
            busyLabel={t('forgot.sending')}
            disabled={!online || !email.trim()}
          >
            {t('forgot.submit')}
          </Button>
          <Button variant="link" onClick={onHaveLink}>
            {t('forgot.haveLink')}
          </Button>
        </div>
        <div className="actions">
          <Button variant="link" onClick={onSignIn}>
            {t('common.backToSignIn')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
