import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { proceedBusyLabel, proceedLabel } from '../login/factor-label';
import { CodeEntry, FactorRadios, useFactorChallenge, type ChoosableFactor } from '../login/factor-challenge';
import { resetDeadEnds } from './reset-errors';

/**
 * The reset's factor step: a reset link alone never sets a new password (docs/security.md 59), one of
 * the account's factors must be proven as at sign-in, recovery codes included. No "trust this computer".
 */
export function ResetFactorScreen({
  factors,
  onProven,
  onAskAgain,
  onSignIn,
}: {
  factors: ChoosableFactor[];
  onProven: () => void;
  onAskAgain: () => void;
  onSignIn: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const flow = useFactorChallenge(factors, (factorId) => invoke('password.challenge', { factorId }));
  const { chosen, factor, challenge, code, send, verify } = flow;
  const tr = (key: string, options?: Record<string, unknown>) => t(key, options ?? {});

  async function submitCode() {
    const result = await verify.run(
      () => invoke('password.verify', { factorId: chosen, code }),
      ['too_many_attempts'],
    );
    if (result.ok) onProven();
  }

  const deadEnd = resetDeadEnds.includes(verify.code ?? '') || resetDeadEnds.includes(send.code ?? '');
  // The login's words for this code say "start the sign-in again"; here a new link is the way on.
  const tooMany =
    verify.code === 'too_many_attempts' ? <Alert tone="error">{t('resetFactor.tooMany')}</Alert> : null;
  const askAgain = <Button onClick={onAskAgain}>{t('resetLink.askAgain')}</Button>;

  if (!challenge || !factor) {
    return (
      <Card title={t('resetFactor.title')}>
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void flow.requestCode();
          }}
        >
          <p>{t('resetFactor.intro')}</p>
          <FactorRadios
            factors={factors}
            chosen={chosen}
            name="reset-factor"
            legend={t('resetFactor.choose')}
            onChoose={flow.setChosen}
          />
          {send.error.message ? <Alert tone="error">{send.error.message}</Alert> : null}
          <div className="actions">
            {deadEnd ? (
              askAgain
            ) : (
              <Button
                type="submit"
                busy={send.busy}
                busyLabel={proceedBusyLabel(factor?.type, tr)}
                disabled={!online || !chosen}
              >
                {proceedLabel(factor?.type, tr)}
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

  return (
    <Card title={t('resetFactor.codeTitle')}>
      <CodeEntry
        flow={flow}
        factor={factor}
        challenge={challenge}
        onSubmit={() => void submitCode()}
        extra={tooMany}
        submit={deadEnd ? askAgain : undefined}
        links={
          <Button variant="link" onClick={onSignIn}>
            {t('common.backToSignIn')}
          </Button>
        }
      />
    </Card>
  );
}
