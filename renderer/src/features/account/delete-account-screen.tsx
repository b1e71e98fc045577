import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { useSubmit } from '../../lib/use-submit';
import { confirmsDeletion, confirmWord } from './delete-confirmation';
import { Privileged } from './privileged';

/**
 * Delete the account: what goes and what stays is said first; the password and a typed confirmation
 * are asked; afterwards this app is signed out and forgets this computer's trust.
 */
export function DeleteAccountScreen({
  email,
  onBack,
  onDeleted,
}: {
  email: string;
  onBack: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Privileged title={t('deleteAccount.title')} onBack={onBack}>
      {({ me, stepUpNeeded }) => (
        <DeleteForm email={me.email || email} onBack={onBack} onDeleted={onDeleted} onStepUp={stepUpNeeded} />
      )}
    </Privileged>
  );
}

function DeleteForm({
  email,
  onBack,
  onDeleted,
  onStepUp,
}: {
  email: string;
  onBack: () => void;
  onDeleted: () => void;
  onStepUp: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useSubmit(['password']);
  const confirmed = confirmsDeletion(typed, email);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!confirmed) return;
    const result = await run(() => invoke('me.delete', { password }), ['step_up_required']);
    setPassword('');
    if (result.ok) onDeleted();
    else if (result.error.code === 'step_up_required') onStepUp();
  }

  return (
    <Card title={t('deleteAccount.title')}>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <Alert tone="warning">{t('deleteAccount.explain', { email })}</Alert>
        <ul className="plain-list">
          <li>{t('deleteAccount.gone')}</li>
          <li>{t('deleteAccount.signedOut')}</li>
          <li>{t('deleteAccount.mail')}</li>
          <li>{t('deleteAccount.authenticator')}</li>
        </ul>
        <TextField
          label={t('deleteAccount.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={error.fields.password}
        />
        <TextField
          label={t('deleteAccount.confirm', { word: confirmWord })}
          hint={t('deleteAccount.confirmHint', { word: confirmWord, email })}
          autoComplete="off"
          spellCheck={false}
          required
          value={typed}
          onChange={setTyped}
        />
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            variant="danger"
            busy={busy}
            busyLabel={t('deleteAccount.deleting')}
            disabled={!online || !password || !confirmed}
          >
            {t('deleteAccount.submit')}
          </Button>
          <Button variant="link" onClick={onBack}>
            {t('common.back')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
