import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../common/contract/http';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { useCountdown } from '../../lib/countdown';
import { privilegedUntil } from '../mfa/privilege';
import { StepUp } from '../mfa/step-up';
import { useMe } from '../mfa/use-me';

/** What a screen behind the step-up gets: the account, how long the privilege lasts, and two hooks. */
export interface PrivilegedView {
  me: MeResponse;
  secondsLeft: number;
  /** The server answered step_up_required although this clock thought otherwise: ask again. */
  stepUpNeeded: () => void;
  /** Reads the account again (after a factor was added or removed). */
  reload: () => Promise<unknown>;
}

/** How long the details may take before "Loading…" is shown: most answers come well within it. */
const loadingDelayMs = 400;

/** False until `ms` after the first render. */
function useAfter(ms: number): boolean {
  const [passed, setPassed] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setPassed(true), ms);
    return () => clearTimeout(timer);
  }, [ms]);
  return passed;
}

/**
 * Everything that needs a privileged session — Manage MFA, changing the password or the address,
 * deleting the account (docs/api.md) — goes through this one gate: the step-up first when the last
 * proof of a factor is older than ten minutes (judged by this computer's clock, and asked again
 * whenever the server says step_up_required), then the screen itself.
 */
export function Privileged({
  title,
  onBack,
  children,
}: {
  title: string;
  onBack: () => void;
  children: (view: PrivilegedView) => ReactNode;
}) {
  const { t } = useTranslation();
  const { me, error, reload } = useMe();
  const [steppedUpAt, setSteppedUpAt] = useState<number | undefined>();
  const [mustStepUp, setMustStepUp] = useState(false);
  const secondsLeft = useCountdown(privilegedUntil(me, steppedUpAt));
  const slow = useAfter(loadingDelayMs);

  if (!me) {
    // Usually the details come within a blink and the step-up follows: no "Loading…" in between.
    if (!error && !slow) return null;
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
      {children({
        me,
        secondsLeft,
        stepUpNeeded: () => {
          setSteppedUpAt(undefined);
          setMustStepUp(true);
        },
        reload,
      })}
    </>
  );
}
