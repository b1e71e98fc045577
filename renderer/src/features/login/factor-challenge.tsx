import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChallengeResponse, FactorType } from '../../../../common/contract/http';
import type { IpcResult } from '../../../../common/contract/ipc';
import { cooldownEnd, useCountdown } from '../../lib/countdown';
import { useSubmit } from '../../lib/use-submit';
import { factorLabel } from './factor-label';

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
      setUntil(cooldownEnd(Date.now(), result.value));
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

/** The factors as radio buttons, labelled the way the user recognises them. */
export function FactorRadios({
  factors,
  chosen,
  name,
  onChoose,
}: {
  factors: readonly ChoosableFactor[];
  chosen: string;
  name: string;
  onChoose: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="factor-list">
      <legend>{t('mfa.chooseIntro')}</legend>
      {factors.map((option) => (
        <label key={option.id} className="factor-option">
          <input
            type="radio"
            name={name}
            value={option.id}
            checked={chosen === option.id}
            onChange={() => onChoose(option.id)}
          />
          {factorLabel(option, (key, options) => t(key, options))}
        </label>
      ))}
    </fieldset>
  );
}

/** What to do with the code entry, by factor: open the app, read the mail or SMS, or a recovery code. */
export function useCodeExplanation() {
  const { t } = useTranslation();
  return (factor: ChoosableFactor, challenge: ChallengeResponse) =>
    factor.type === 'totp'
      ? t('mfa.codeTotp')
      : factor.type === 'recovery_codes'
        ? t('mfa.codeRecovery')
        : t('mfa.codeSent', {
            sentTo: challenge.sentTo ?? factorLabel(factor, (key, options) => t(key, options)),
          });
}
