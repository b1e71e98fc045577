import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../common/contract/http';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { invoke } from '../../lib/bridge';
import { proceedBusyLabel, proceedLabel } from '../login/factor-label';
import { CodeEntry, FactorRadios, useFactorChallenge } from '../login/factor-challenge';
import { useOnline } from '../../lib/connectivity';

/**
 * Proving a factor again before changing factors (docs/api.md: privileged for 10 minutes). The same choice
 * as at sign-in, among the account's active factors.
 */
export function StepUp({
  factors,
  onVerified,
  onCancel,
}: {
  factors: MeResponse['factors'];
  onVerified: () => void;
  onCancel: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const usable = factors.filter((factor) => factor.status === 'active');
  const flow = useFactorChallenge(usable, (factorId) => invoke('stepUp.challenge', { factorId }));
  const { factor, challenge, send, verify } = flow;
  const tr = (key: string, options?: Record<string, unknown>) => t(key, options ?? {});

  async function submit() {
    const result = await verify.run(() =>
      invoke('stepUp.verify', { factorId: flow.chosen, code: flow.code }),
    );
    if (result.ok) onVerified();
  }

  if (!challenge || !factor) {
    return (
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void flow.requestCode();
        }}
      >
        <p>{t('manage.stepUpIntro')}</p>
        <FactorRadios
          factors={usable}
          chosen={flow.chosen}
          name="step-up-factor"
          legend={t('manage.stepUpChoose')}
          onChoose={flow.setChosen}
        />
        {send.error.message ? <Alert tone="error">{send.error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={send.busy}
            busyLabel={proceedBusyLabel(factor?.type, tr)}
            disabled={!online || !flow.chosen}
          >
            {proceedLabel(factor?.type, tr)}
          </Button>
          <Button variant="link" onClick={onCancel}>
            {t('common.back')}
          </Button>
        </div>
      </form>
    );
  }

  return (
    <CodeEntry
      flow={flow}
      factor={factor}
      challenge={challenge}

      onSubmit={() => void submit()}
    />
  );
}
