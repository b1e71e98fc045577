import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../common/contract/http';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { FactorRadios, useCodeExplanation, useFactorChallenge } from '../login/factor-challenge';

/**
 * Proving a factor again before changing factors (API.md: privileged for 10 minutes). The same choice
 * as at sign-in, among the account's active factors.
 */
export function StepUp({
  factors,
  online,
  onVerified,
  onCancel,
}: {
  factors: MeResponse['factors'];
  online: boolean;
  onVerified: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const usable = factors.filter((factor) => factor.status === 'active');
  const flow = useFactorChallenge(usable, (factorId) => invoke('stepUp.challenge', { factorId }));
  const explain = useCodeExplanation();
  const { factor, challenge, send, verify } = flow;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
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
        <FactorRadios factors={usable} chosen={flow.chosen} name="step-up-factor" onChoose={flow.setChosen} />
        {send.error.message ? <Alert tone="error">{send.error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={send.busy}
            busyLabel={t('mfa.choosing')}
            disabled={!online || !flow.chosen}
          >
            {t('manage.stepUpContinue')}
          </Button>
          <Button variant="link" onClick={onCancel}>
            {t('common.back')}
          </Button>
        </div>
      </form>
    );
  }

  const sendsCode = factor.type === 'email' || factor.type === 'sms';
  return (
    <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
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
      {verify.error.message ? <Alert tone="error">{verify.error.message}</Alert> : null}
      {send.error.message ? <Alert tone="error">{send.error.message}</Alert> : null}
      <div className="actions">
        <Button
          type="submit"
          busy={verify.busy}
          busyLabel={t('mfa.verifying')}
          disabled={!online || !flow.code.trim()}
        >
          {t('mfa.verify')}
        </Button>
        {sendsCode ? (
          <Button
            variant="secondary"
            busy={send.busy}
            busyLabel={t('mfa.choosing')}
            disabled={!online || flow.wait > 0}
            onClick={() => void flow.requestCode()}
          >
            {flow.wait > 0 ? t('common.resendIn', { seconds: flow.wait }) : t('mfa.resend')}
          </Button>
        ) : null}
        <Button variant="link" onClick={flow.chooseAgain}>
          {t('mfa.otherFactor')}
        </Button>
      </div>
    </form>
  );
}
