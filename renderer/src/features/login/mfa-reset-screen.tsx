import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useSubmit } from '../../lib/use-submit';
import { useOnline } from '../../lib/connectivity';

interface MfaResetScreenProps {
  onBack: () => void;
  onDone: () => void;
}

/** "Can't use any of these?": ask support to reset MFA, with the reason in the user's own words. */
export function MfaResetScreen({ onBack, onDone }: MfaResetScreenProps) {
  const online = useOnline();
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useSubmit(['reason']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run(() => invoke('login.requestMfaReset', { reason }));
    if (result.ok) setSent(true);
  }

  if (sent) {
    return (
      <Card title={t('mfa.resetDoneTitle')}>
        <Alert tone="success">{t('mfa.resetDone')}</Alert>
        <div className="actions">
          <Button onClick={onDone}>{t('signIn.title')}</Button>
        </div>
      </Card>
    );
  }

  return (
    <Card title={t('mfa.resetTitle')}>
      <p className="muted">{t('mfa.resetIntro')}</p>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <TextField
          label={t('mfa.reason')}
          multiline
          required
          maxLength={2000}
          value={reason}
          onChange={setReason}
          error={error.fields.reason}
        />
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={busy}
            busyLabel={t('mfa.resetSubmitting')}
            disabled={!online || !reason.trim()}
          >
            {t('mfa.resetSubmit')}
          </Button>
          <Button variant="secondary" onClick={onBack}>
            {t('common.back')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
