import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { useSubmit } from '../../lib/use-submit';
import { NewPasswordField } from '../signup/new-password-field';
import { Privileged } from './privileged';

/** Change the password: says first that other computers are signed out and forgotten, this one stays. */
export function ChangePasswordScreen({ email, onBack }: { email: string; onBack: () => void }) {
  const { t } = useTranslation();
  return (
    <Privileged title={t('changePassword.title')} onBack={onBack}>
      {({ me, stepUpNeeded }) => (
        <ChangePasswordForm
          email={me.email || email}
          names={{ firstName: me.firstName, lastName: me.lastName }}
          onBack={onBack}
          onStepUp={stepUpNeeded}
        />
      )}
    </Privileged>
  );
}

function ChangePasswordForm({
  email,
  names,
  onBack,
  onStepUp,
}: {
  email: string;
  names: { firstName: string; lastName: string };
  onBack: () => void;
  onStepUp: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, run } = useSubmit(['currentPassword', 'newPassword', 'password']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run(
      () => invoke('me.changePassword', { currentPassword: current, newPassword: next }),
      ['step_up_required'],
    );
    setCurrent('');
    if (result.ok) {
      setNext('');
      setDone(true);
    } else if (result.error.code === 'step_up_required') onStepUp();
  }

  if (done) {
    return (
      <Card title={t('changePassword.doneTitle')}>
        <Alert tone="success">{t('changePassword.done')}</Alert>
        <div className="actions">
          <Button onClick={onBack}>{t('account.backToDetails')}</Button>
        </div>
      </Card>
    );
  }

  return (
    <Card title={t('changePassword.title')}>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <Alert tone="info">{t('changePassword.explain')}</Alert>
        <TextField
          label={t('changePassword.current')}
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={setCurrent}
          error={error.fields.currentPassword}
        />
        <NewPasswordField
          label={t('changePassword.new')}
          value={next}
          onChange={setNext}
          error={error.fields.newPassword ?? error.fields.password}
          context={{ email, ...names }}
        />
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={busy}
            busyLabel={t('changePassword.saving')}
            disabled={!online || !current || !next}
          >
            {t('changePassword.submit')}
          </Button>
          <Button variant="link" onClick={onBack}>
            {t('common.back')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
