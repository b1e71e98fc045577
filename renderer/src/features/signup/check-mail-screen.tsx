import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { invoke } from '../../lib/bridge';
import { cooldownEnd, useCountdown } from '../../lib/countdown';
import { useSubmit } from '../../lib/use-submit';
import { useOnline } from '../../lib/connectivity';
import { lifetimeText } from '../../lib/lifetime';
import { useServerInfo } from '../../lib/server-info';

/** Seconds between two resends when the server gives no hint: one click, one mail. */
const courtesyPauseSeconds = 30;

interface CheckMailScreenProps {
  email: string;
  onHaveLink: () => void;
  onSignIn: () => void;
}

export function CheckMailScreen({ email, onHaveLink, onSignIn }: CheckMailScreenProps) {
  const online = useOnline();
  const { t } = useTranslation();
  const { busy, error, run } = useSubmit([]);
  const [until, setUntil] = useState<number | undefined>(() =>
    cooldownEnd(Date.now(), {}, courtesyPauseSeconds),
  );
  const [resent, setResent] = useState(false);
  const wait = useCountdown(until);
  const info = useServerInfo();

  async function resend() {
    setResent(false);
    const result = await run(() => invoke('signup.resendActivation', { email }));
    if (result.ok) setResent(true);
    const hint = result.ok ? {} : { retryAfterSeconds: result.error.retryAfterSeconds };
    setUntil(cooldownEnd(Date.now(), hint, courtesyPauseSeconds));
  }

  return (
    <Card title={t('checkMail.title')}>
      <p>
        {info
          ? t('checkMail.sentTo', {
              email,
              lifetime: lifetimeText(info.activationLinkValidSeconds, (key, options) =>
                t(key, options ?? {}),
              ),
            })
          : t('checkMail.sentToNoTime', { email })}
      </p>
      <p className="muted">{t('checkMail.junk')}</p>
      {resent ? <Alert tone="success">{t('checkMail.resent')}</Alert> : null}
      {error.message ? <Alert tone="error">{error.message}</Alert> : null}
      <div className="actions">
        <Button onClick={onHaveLink}>{t('checkMail.haveLink')}</Button>
        <Button
          variant="secondary"
          busy={busy}
          busyLabel={t('checkMail.resending')}
          disabled={!online || wait > 0}
          onClick={() => void resend()}
        >
          {wait > 0 ? t('common.resendIn', { seconds: wait }) : t('checkMail.resend')}
        </Button>
      </div>
      <div className="actions">
        <Button variant="link" onClick={onSignIn}>
          {t('common.backToSignIn')}
        </Button>
      </div>
    </Card>
  );
}
