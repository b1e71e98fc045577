import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { Checkbox } from '../../components/checkbox';
import { invoke } from '../../lib/bridge';
import { proceedBusyLabel, proceedLabel } from './factor-label';
import { CodeEntry, FactorRadios, useFactorChallenge, type ChoosableFactor } from './factor-challenge';
import { useOnline } from '../../lib/connectivity';

interface MfaScreenProps {
  factors: ChoosableFactor[];
  onSignedIn: () => void;
  onCantUse: () => void;
  onStartAgain: () => void;
}

/** The second step of sign-in: pick a factor, get a code where one is sent, enter it, maybe trust. */
export function MfaScreen({ factors, onSignedIn, onCantUse, onStartAgain }: MfaScreenProps) {
  const online = useOnline();
  const { t } = useTranslation();
  const flow = useFactorChallenge(factors, (factorId) => invoke('login.challenge', { factorId }));
  const [trust, setTrust] = useState(false);
  const { chosen, factor, challenge, code, send, verify } = flow;
  const tr = (key: string, options?: Record<string, unknown>) => t(key, options ?? {});
  const mustRestart = ['login_expired', 'login_not_found', 'too_many_attempts', 'no_login_in_progress'];

  async function submitCode() {
    const result = await verify.run(() =>
      invoke('login.verify', { factorId: chosen, code, trustDevice: trust }),
    );
    if (result.ok) onSignedIn();
  }

  if (!challenge || !factor) {
    return (
      <Card title={t('mfa.chooseTitle')}>
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void flow.requestCode();
          }}
        >
          <FactorRadios factors={factors} chosen={chosen} name="factor" onChoose={flow.setChosen} />
          {send.error.message ? <Alert tone="error">{send.error.message}</Alert> : null}
          <div className="actions">
            <Button
              type="submit"
              busy={send.busy}
              busyLabel={proceedBusyLabel(factor?.type, tr)}
              disabled={!online || !chosen}
            >
              {proceedLabel(factor?.type, tr)}
            </Button>
            <Button variant="link" onClick={onCantUse}>
              {t('mfa.cantUse')}
            </Button>
            <Button variant="link" onClick={onStartAgain}>
              {t('common.backToSignIn')}
            </Button>
          </div>
        </form>
      </Card>
    );
  }

  const restart = mustRestart.includes(verify.code ?? '') || mustRestart.includes(send.code ?? '');

  return (
    <Card title={t('mfa.codeTitle')}>
      <CodeEntry
        flow={flow}
        factor={factor}
        challenge={challenge}

        onSubmit={() => void submitCode()}
        extra={
          <Checkbox label={t('mfa.trust')} hint={t('mfa.trustHint')} checked={trust} onChange={setTrust} />
        }
        submit={restart ? <Button onClick={onStartAgain}>{t('mfa.startAgain')}</Button> : undefined}
        links={
          <Button variant="link" onClick={onCantUse}>
            {t('mfa.cantUse')}
          </Button>
        }
      />
    </Card>
  );
}
