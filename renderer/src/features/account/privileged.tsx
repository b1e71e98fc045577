import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../common/contract/http';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { useCountdown } from '../../lib/countdown';
import { privilegedUntil } from '../mfa/privilege';
import { StepUp } from '../mfa/step-up';
import { useMe } from '../mfa/use-me';

/**
 * A change that needs a privileged session (docs/api.md "Account lifecycle"): the step-up Manage MFA
 * uses first when the last proof of a factor is older than ten minutes, then the screen itself.
 * `stepUpNeeded` is for a step_up_required the server answered although this clock thought otherwise.
 */
export function Privileged({
  title,
  onBack,
  children,
}: {
  title: string;
  onBack: () => void;
  children: (me: MeResponse, stepUpNeeded: () => void) => ReactNode;
}) {
  const { t } = useTranslation();
  const { me, error, reload } = useMe();
  const [steppedUpAt, setSteppedUpAt] = useState<number | undefined>();
  const [mustStepUp, setMustStepUp] = useState(false);
  const secondsLeft = useCountdown(privilegedUntil(me, steppedUpAt));

  if (!me) {
    return (
      <Card title={title}>
        {error ? (
          <Alert tone="error">{t(`errors.${error.code}`)}</Alert>
        ) : (
          <p className="muted">{t('account.loading')}</p>
        )}
        <div className="actions">
          <Button variant="secondary" onClick={onBack}>
            {t('common.back')}
          </Button>
        </div>
      </Card>
    );
  }

  if (mustStepUp || secondsLeft === 0) {
    return (
      <Card title={t('manage.stepUpTitle')}>
        <StepUp
          factors={me.factors}
          onVerified={() => {
            setSteppedUpAt(Date.now());
            setMustStepUp(false);
            void reload();
          }}
          onCancel={onBack}
        />
      </Card>
    );
  }

  return (
    <>
      {children(me, () => {
        setSteppedUpAt(undefined);
        setMustStepUp(true);
      })}
    </>
  );
}
