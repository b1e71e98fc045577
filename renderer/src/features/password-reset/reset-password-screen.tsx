import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { useSubmit } from '../../lib/use-submit';
import { NewPasswordField } from '../signup/new-password-field';
import { resetDeadEnds } from './reset-errors';

/** The new password, with the signup's rules and strength meter; setting it signs out everywhere. */
export function ResetPasswordScreen({
  onDone,
  onAskAgain,
  onSignIn,
}: {
  onDone: () => void;
  onAskAgain: () => void;
  onSignIn: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const { busy, error, code, run } = useSubmit(['password']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run(() => invoke('password.completeReset', { password }));
    if (result.ok) onDone();
  }

  const deadEnd = resetDeadEnds.includes(code ?? '');
  return (
    <Card title={t('resetPassword.title')}>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <p>{t('resetPassword.intro')}</p>
        <NewPasswordField
          label={t('resetPassword.password')}
          value={password}
          onChange={setPassword}
          error={error.fields.password}
        />
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          {deadEnd ? (
            <Button onClick={onAskAgain}>{t('resetLink.askAgain')}</Button>
          ) : (
            <Button
              type="submit"
              busy={busy}
              busyLabel={t('resetPassword.saving')}
              disabled={!online || !password}
            >
              {t('resetPassword.submit')}
            </Button>
          )}
          <Button variant="link" onClick={onSignIn}>
            {t('common.backToSignIn')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
