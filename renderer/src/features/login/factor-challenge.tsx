import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChallengeResponse, FactorType } from '../../../../common/contract/http';
import type { IpcResult } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { TextField } from '../../components/text-field';
import { cooldownEnd, useCountdown } from '../../lib/countdown';
import { useSubmit } from '../../lib/use-submit';
import { factorLabel } from './factor-label';
import { useOnline } from '../../lib/connectivity';

export interface ChoosableFactor {
  id: string;
  type: FactorType;
  label: string;
}

/**
 * Proving a factor, the part sign-in and step-up share: which factor, asking for its code (sent for
 * email and SMS, with the server's resend cooldown), and entering it.
 */
export function useFactorChallenge(
  factors: readonly ChoosableFactor[],
  ask: (factorId: string) => Promise<IpcResult<ChallengeResponse>>,
) {
  const [chosen, setChosen] = useState(factors[0]?.id ?? '');
  const [challenge, setChallenge] = useState<ChallengeResponse | undefined>();
  const [code, setCode] = useState('');
  const [until, setUntil] = useState<number | undefined>();
  const send = useSubmit([]);
  const verify = useSubmit(['code']);
  const wait = useCountdown(until);

  async function requestCode() {
    const result = await send.run(() => ask(chosen));
    if (result.ok) {
      setChallenge(result.value);
      setUntil(cooldownEnd(Date.now(), 'resendAfter' in result.value ? result.value : {}));
    } else if (result.error.retryAfterSeconds) setUntil(cooldownEnd(Date.now(), result.error));
  }

  return {
    chosen,
    setChosen,
    factor: factors.find((option) => option.id === chosen),
    challenge,
    /** Back to the choice of factor. */
    chooseAgain: () => setChallenge(undefined),
    code,
    setCode,
    wait,
    send,
    verify,
    requestCode,
  };
}

/**
 * The factors as radio buttons, labelled the way the user recognises them. The legend says what the
 * code is for: signing in unless told otherwise (step-up says it is for changing factors).
 */
export function FactorRadios({
  factors,
  chosen,
  name,
  legend,
  onChoose,
}: {
  factors: readonly ChoosableFactor[];
  chosen: string;
  name: string;
  legend?: string;
  onChoose: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="factor-list">
      <legend>{legend ?? t('mfa.chooseIntro')}</legend>
      {factors.map((option) => (
        <label key={option.id} className="factor-option">
          <input
            type="radio"
            name={name}
            value={option.id}
            checked={chosen === option.id}
            onChange={() => onChoose(option.id)}
          />
          {factorLabel(option, (key, options) => t(key, options ?? {}))}
        </label>
      ))}
    </fieldset>
  );
}

/** What to do with the code entry, by factor: open the app, read the mail or SMS, or a recovery code. */
function useCodeExplanation() {
  const { t } = useTranslation();
  return (factor: ChoosableFactor, challenge: ChallengeResponse) =>
    factor.type === 'totp'
      ? t('mfa.codeTotp')
      : factor.type === 'recovery_codes'
        ? t('mfa.codeRecovery')
        : t('mfa.codeSent', {
            sentTo:
              'sentTo' in challenge
                ? challenge.sentTo
                : factorLabel(factor, (key, options) => t(key, options ?? {})),
          });
}

export type FactorChallenge = ReturnType<typeof useFactorChallenge>;

/**
 * Entering the code of the chosen factor: what to do, the code field, sending again for email and SMS
 * (with the cooldown), another factor. `extra` goes under the field (sign-in's "Trust this computer"),
 * `submit` replaces the confirm button (sign-in's "Start again"), `links` follow "Use another way".
 */
export function CodeEntry({
  flow,
  factor,
  challenge,
  onSubmit,
  extra,
  submit,
  links,
}: {
  flow: FactorChallenge;
  factor: ChoosableFactor;
  challenge: ChallengeResponse;
  onSubmit: () => void;
  extra?: ReactNode;
  submit?: ReactNode;
  links?: ReactNode;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const explain = useCodeExplanation();
  const { send, verify, wait } = flow;
  const sendsCode = factor.type === 'email' || factor.type === 'sms';
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <p>{explain(factor, challenge)}</p>
      <TextField
        label={t('mfa.code')}
        autoComplete="one-time-code"
        inputMode={factor.type === 'recovery_codes' ? 'text' : 'numeric'}
        spellCheck={false}
        required
        value={flow.code}
        onChange={flow.setCode}
        error={verify.error.fields.code}
      />
      {extra}
      {verify.error.message ? <Alert tone="error">{verify.error.message}</Alert> : null}
      {send.error.message ? <Alert tone="error">{send.error.message}</Alert> : null}
      <div className="actions">
        {submit ?? (
          <Button
            type="submit"
            busy={verify.busy}
            busyLabel={t('mfa.verifying')}
            disabled={!online || !flow.code.trim()}
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
        {links}
      </div>
    </form>
  );
}
