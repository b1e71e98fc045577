import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../common/contract/http';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { invoke } from '../../lib/bridge';
import { useSubmit } from '../../lib/use-submit';
import { factorListLabel } from '../login/factor-label';
import { AddFactor, type NewFactorType } from './add-factor';
import { FactorTypeChoice } from './factor-type-choice';
import { RecoveryCodes } from './recovery-codes';
import { activeFactors, hasRecoveryCodes } from './use-me';
import { Privileged, type PrivilegedView } from '../account/privileged';
import { useOnline } from '../../lib/connectivity';

type Phase =
  | { name: 'list' }
  | { name: 'choose' }
  | { name: 'adding'; type: NewFactorType }
  | { name: 'recovery'; codes: string[] };

/**
 * Manage MFA: behind a fresh proof of a factor (step-up), add factors, remove them (the server refuses
 * the last one and we show why, next to it), and make or replace recovery codes.
 */
export function ManageMfaScreen({ email, onBack }: { email: string; onBack: () => void }) {
  const { t } = useTranslation();
  return (
    <Privileged title={t('manage.title')} onBack={onBack}>
      {(view) => <ManageMfa {...view} email={email} onBack={onBack} />}
    </Privileged>
  );
}

function ManageMfa({
  me,
  secondsLeft,
  stepUpNeeded,
  reload,
  email,
  onBack,
}: PrivilegedView & { email: string; onBack: () => void }) {
  const online = useOnline();
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ name: 'list' });
  const [notice, setNotice] = useState<string | undefined>();
  const label = (factor: { type: MeResponse['factors'][number]['type']; label: string }) =>
    factorListLabel(factor, (key, options) => t(key, options ?? {}));

  const recovery = useSubmit([]);
  async function makeRecoveryCodes() {
    const result = await recovery.run(
      () => invoke('factors.add', { type: 'recovery_codes' }),
      ['step_up_required'],
    );
    if (result.ok) setPhase({ name: 'recovery', codes: 'codes' in result.value ? result.value.codes : [] });
    else if (result.error.code === 'step_up_required') stepUpNeeded();
  }

  if (phase.name === 'adding') {
    return (
      <AddFactor
        type={phase.type}
        accountEmail={me.email}

        onAdded={(result) => {
          setNotice(t('setup.added', { factor: label(result.factor) }));
          setPhase({ name: 'list' });
          void reload();
        }}
        onCancel={() => setPhase({ name: 'list' })}
      />
    );
  }

  if (phase.name === 'recovery') {
    return (
      <RecoveryCodes
        codes={phase.codes}
        email={me.email || email}
        onDone={() => {
          setPhase({ name: 'list' });
          void reload();
        }}
      />
    );
  }

  const hasRecovery = hasRecoveryCodes(me);
  const active = activeFactors(me);
  return (
    <Card title={t('manage.title')}>
      <p className="muted small" role="timer" aria-live="off">
        {t('manage.privileged', { count: Math.min(10, Math.ceil(secondsLeft / 60)) })}
      </p>
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {active.length < 2 ? <Alert tone="info">{t('manage.fewFactors')}</Alert> : null}
      <ul className="factor-rows" aria-label={t('account.factors')}>
        {me.factors.map((factor) => (
          <FactorRow
            key={factor.id}
            factor={factor}
            label={label(factor)}

            isLast={factor.status === 'active' && factor.type !== 'recovery_codes' && active.length === 1}
            onRemoved={() => {
              setNotice(t('manage.removed', { factor: label(factor) }));
              void reload();
            }}
            onAttempt={() => setNotice(undefined)}
            onStepUpNeeded={stepUpNeeded}
          />
        ))}
      </ul>
      {phase.name === 'choose' ? (
        <FactorTypeChoice
          key={active.length}
          present={active.map((factor) => factor.type)}
          recommended={undefined}
          submitLabel={t('setup.continue')}
          onChoose={(type) => {
            setNotice(undefined);
            setPhase({ name: 'adding', type });
          }}
        />
      ) : null}
      {recovery.error.message ? <Alert tone="error">{recovery.error.message}</Alert> : null}
      <div className="actions">
        {phase.name === 'list' ? (
          <Button disabled={!online} onClick={() => setPhase({ name: 'choose' })}>
            {t('manage.add')}
          </Button>
        ) : null}
        <Button
          variant="secondary"
          busy={recovery.busy}
          busyLabel={t('setup.sending')}
          disabled={!online}
          onClick={() => void makeRecoveryCodes()}
        >
          {hasRecovery ? t('recovery.replace') : t('recovery.create')}
        </Button>
        <Button variant="link" onClick={onBack}>
          {t('manage.back')}
        </Button>
      </div>
      {hasRecovery ? <p className="muted small">{t('recovery.replaceHint')}</p> : null}
    </Card>
  );
}

/**
 * One factor with its Remove. The last factor that counts (the server refuses to remove it) has its
 * Remove disabled with the reason beside it, before anyone confirms. `onAttempt` lets the screen clear
 * an earlier message, so one message shows at a time.
 */
function FactorRow({
  factor,
  label,
  isLast,
  onRemoved,
  onAttempt,
  onStepUpNeeded,
}: {
  factor: MeResponse['factors'][number];
  label: string;
  isLast: boolean;
  onRemoved: () => void;
  onAttempt: () => void;
  onStepUpNeeded: () => void;
}) {
  const online = useOnline();
  const { t, i18n } = useTranslation();
  const reasonId = useId();
  const [confirming, setConfirming] = useState(false);
  const remove = useSubmit([]);
  const when = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { dateStyle: 'medium' });

  async function confirmRemove() {
    onAttempt();
    const result = await remove.run(
      () => invoke('factors.remove', { factorId: factor.id }),
      ['step_up_required'],
    );
    if (result.ok) onRemoved();
    else {
      setConfirming(false);
      if (result.error.code === 'step_up_required') onStepUpNeeded();
    }
  }

  return (
    <li className="factor-row">
      <div>
        <strong>{label}</strong>
        <span className="muted small block">
          {factor.status === 'pending'
            ? t('manage.pending')
            : factor.lastUsedAt
              ? t('manage.lastUsed', { date: when(factor.lastUsedAt) })
              : t('manage.added', { date: when(factor.createdAt) })}
        </span>
        {isLast ? (
          <span id={reasonId} className="muted small block">
            {t('manage.lastFactor')}
          </span>
        ) : remove.error.message ? (
          <p className="field-error" role="alert">
            {remove.code === 'last_factor' ? t('manage.lastFactor') : remove.error.message}
          </p>
        ) : null}
      </div>
      {confirming ? (
        <div className="actions" role="group" aria-label={t('manage.confirmRemove', { factor: label })}>
          <span className="small">{t('manage.confirmRemove', { factor: label })}</span>
          <Button
            variant="secondary"
            busy={remove.busy}
            busyLabel={t('manage.removing')}
            disabled={!online}
            onClick={() => void confirmRemove()}
          >
            {t('manage.remove')}
          </Button>
          <Button variant="link" onClick={() => setConfirming(false)}>
            {t('manage.keep')}
          </Button>
        </div>
      ) : (
        <Button
          variant="secondary"
          disabled={!online || isLast}
          aria-label={t('manage.removeNamed', { factor: label })}
          aria-describedby={isLast ? reasonId : undefined}
          onClick={() => {
            onAttempt();
            setConfirming(true);
          }}
        >
          {t('manage.remove')}
        </Button>
      )}
    </li>
  );
}
