import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { useSubmit } from '../../lib/use-submit';
import { Privileged } from './privileged';

/**
 * Change the address: a link goes to the new one and the change happens only when it is opened; the
 * current address is told (docs/api.md "Account lifecycle"). Said before anything is sent.
 */
export function ChangeEmailScreen({
  email,
  onBack,
  onHaveLink,
}: {
  email: string;
  onBack: () => void;
  onHaveLink: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Privileged title={t('changeEmail.title')} onBack={onBack}>
      {({ me, stepUpNeeded }) => (
        <ChangeEmailForm
          current={me.email || email}
          onBack={onBack}
          onHaveLink={onHaveLink}
          onStepUp={stepUpNeeded}
        />
      )}
    </Privileged>
  );
}

function ChangeEmailForm({
  current,
  onBack,
  onHaveLink,
  onStepUp,
}: {
  current: string;
  onBack: () => void;
  onHaveLink: () => void;
  onStepUp: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sentTo, setSentTo] = useState<string | undefined>();
  const { busy, error, run } = useSubmit(['newEmail', 'password']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run(() => invoke('me.changeEmail', { newEmail, password }), ['step_up_required']);
    setPassword('');
    if (result.ok) setSentTo(newEmail.trim());
    else if (result.error.code === 'step_up_required') onStepUp();
  }

  if (sentTo) {
    return (
      <Card title={t('changeEmail.sentTitle')}>
        <Alert tone="success">{t('changeEmail.sent', { email: sentTo, current })}</Alert>
        <p className="muted">{t('resetLink.junk')}</p>
        <div className="actions">
          <Button onClick={onHaveLink}>{t('changeEmail.haveLink')}</Button>
          <Button variant="link" onClick={onBack}>
            {t('account.backToDetails')}
          </Button>
        </div>
      </Card>
    );
  }

  return (
    <Card title={t('changeEmail.title')}>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <Alert tone="info">{t('changeEmail.explain', { email: current })}</Alert>
        <TextField
          label={t('changeEmail.newEmail')}
          type="email"
          autoComplete="email"
          required
          value={newEmail}
          onChange={setNewEmail}
          error={error.fields.newEmail}
        />
        <TextField
          label={t('changeEmail.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={error.fields.password}
        />
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={busy}
            busyLabel={t('changeEmail.sending')}
            disabled={!online || !newEmail.trim() || !password}
          >
            {t('changeEmail.submit')}
          </Button>
          <Button variant="link" onClick={onBack}>
            {t('common.back')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
