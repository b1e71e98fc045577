import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { Checkbox } from '../../components/checkbox';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import {
  FactorRadios,
  useCodeExplanation,
  useFactorChallenge,
  type ChoosableFactor,
} from './factor-challenge';

interface MfaScreenProps {
  factors: ChoosableFactor[];
  online: boolean;
  onSignedIn: () => void;
  onCantUse: () => void;
  onStartAgain: () => void;
}

/** The second step of sign-in: pick a factor, get a code where one is sent, enter it, maybe trust. */
export function MfaScreen({ factors, online, onSignedIn, onCantUse, onStartAgain }: MfaScreenProps) {
  const { t } = useTranslation();
  const flow = useFactorChallenge(factors, (factorId) => invoke('login.challenge', { factorId }));
  const explain = useCodeExplanation();
  const [trust, setTrust] = useState(false);
  const { chosen, factor, challenge, code, wait, send, verify } = flow;
  const mustRestart = ['login_expired', 'login_not_found', 'too_many_attempts', 'no_login_in_progress'];

  async function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
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
              busyLabel={t('mfa.choosing')}
              disabled={!online || !chosen}
            >
              {t('mfa.choose')}
            </Button>
            <Button variant="link" onClick={onCantUse}>
              {t('mfa.cantUse')}
            </Button>
          </div>
        </form>
      </Card>
    );
  }

  const sendsCode = factor.type === 'email' || factor.type === 'sms';
  const restart = mustRestart.includes(verify.code ?? '') || mustRestart.includes(send.code ?? '');

  return (
    <Card title={t('mfa.codeTitle')}>
      <p>{explain(factor, challenge)}</p>
      <form className="stack" noValidate onSubmit={(event) => void submitCode(event)}>
        <TextField
          label={t('mfa.code')}
          autoComplete="one-time-code"
          inputMode={factor.type === 'recovery_codes' ? 'text' : 'numeric'}
          spellCheck={false}
          required
          value={code}
          onChange={flow.setCode}
          error={verify.error.fields.code}
        />
        <Checkbox label={t('mfa.trust')} hint={t('mfa.trustHint')} checked={trust} onChange={setTrust} />
        {verify.error.message ? <Alert tone="error">{verify.error.message}</Alert> : null}
        {send.error.message ? <Alert tone="error">{send.error.message}</Alert> : null}
        <div className="actions">
          {restart ? (
            <Button onClick={onStartAgain}>{t('mfa.startAgain')}</Button>
          ) : (
            <Button
              type="submit"
              busy={verify.busy}
              busyLabel={t('mfa.verifying')}
              disabled={!online || !code.trim()}
            >
              {t('mfa.verify')}
            </Button>
          )}
          {sendsCode ? (
            <Button
              variant="secondary"
              busy={send.busy}
              busyLabel={t('mfa.choosing')}
              disabled={!online || wait > 0}
              onClick={() => void flow.requestCode()}
            >
              {wait > 0 ? t('common.resendIn', { seconds: wait }) : t('mfa.resend')}
            </Button>
          ) : null}
        </div>
        <div className="actions">
          <Button variant="link" onClick={flow.chooseAgain}>
            {t('mfa.otherFactor')}
          </Button>
          <Button variant="link" onClick={onCantUse}>
            {t('mfa.cantUse')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
