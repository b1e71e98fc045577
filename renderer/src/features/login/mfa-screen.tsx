import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChallengeResponse, FactorType } from '../../../../common/contract/http';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { Checkbox } from '../../components/checkbox';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { cooldownEnd, useCountdown } from '../../lib/countdown';
import { useSubmit } from '../../lib/use-submit';
import { factorLabel } from './factor-label';

interface Factor {
  id: string;
  type: FactorType;
  label: string;
}

interface MfaScreenProps {
  factors: Factor[];
  online: boolean;
  onSignedIn: () => void;
  onCantUse: () => void;
  onStartAgain: () => void;
}

/** The second step of sign-in: pick a factor, get a code where one is sent, enter it, maybe trust. */
export function MfaScreen({ factors, online, onSignedIn, onCantUse, onStartAgain }: MfaScreenProps) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState(factors[0]?.id ?? '');
  const [challenge, setChallenge] = useState<ChallengeResponse | undefined>();
  const [code, setCode] = useState('');
  const [trust, setTrust] = useState(false);
  const [until, setUntil] = useState<number | undefined>();
  const send = useSubmit([]);
  const verify = useSubmit(['code']);
  const wait = useCountdown(until);
  const factor = factors.find((f) => f.id === chosen);
  const mustRestart = ['login_expired', 'login_not_found', 'too_many_attempts', 'no_login_in_progress'];

  async function requestCode() {
    const result = await send.run(() => invoke('login.challenge', { factorId: chosen }));
    if (result.ok) {
      setChallenge(result.value);
      setUntil(cooldownEnd(Date.now(), result.value));
    } else if (result.error.retryAfterSeconds) {
      setUntil(cooldownEnd(Date.now(), result.error));
    }
  }

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
            void requestCode();
          }}
        >
          <fieldset className="factor-list">
            <legend>{t('mfa.chooseIntro')}</legend>
            {factors.map((option) => (
              <label key={option.id} className="factor-option">
                <input
                  type="radio"
                  name="factor"
                  value={option.id}
                  checked={chosen === option.id}
                  onChange={() => setChosen(option.id)}
                />
                {factorLabel(option, (key, options) => t(key, options))}
              </label>
            ))}
          </fieldset>
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
  const explanation =
    factor.type === 'totp'
      ? t('mfa.codeTotp')
      : factor.type === 'recovery_codes'
        ? t('mfa.codeRecovery')
        : t('mfa.codeSent', {
            sentTo: challenge.sentTo ?? factorLabel(factor, (key, options) => t(key, options)),
          });
  const restart = mustRestart.includes(verify.code ?? '') || mustRestart.includes(send.code ?? '');

  return (
    <Card title={t('mfa.codeTitle')}>
      <p>{explanation}</p>
      <form className="stack" noValidate onSubmit={(event) => void submitCode(event)}>
        <TextField
          label={t('mfa.code')}
          autoComplete="one-time-code"
          inputMode={factor.type === 'recovery_codes' ? 'text' : 'numeric'}
          spellCheck={false}
          required
          value={code}
          onChange={setCode}
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
              onClick={() => void requestCode()}
            >
              {wait > 0 ? t('common.resendIn', { seconds: wait }) : t('mfa.resend')}
            </Button>
          ) : null}
        </div>
        <div className="actions">
          <Button variant="link" onClick={() => setChallenge(undefined)}>
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
