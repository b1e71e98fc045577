import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { invoke } from '../../lib/bridge';
import { useSubmit } from '../../lib/use-submit';
import { SignOutButton } from '../account/sign-out-button';
import { factorLabel } from '../login/factor-label';
import { AddFactor, type NewFactorType } from './add-factor';
import { FactorTypeChoice } from './factor-type-choice';
import { RecoveryCodes } from './recovery-codes';
import { activeFactors, hasRecoveryCodes, useMe } from './use-me';
import { useOnline } from '../../lib/connectivity';

type Phase =
  { name: 'choose' } | { name: 'adding'; type: NewFactorType } | { name: 'recovery'; codes: string[] };

/**
 * The first MFA setup after activation (an enrollment session): one factor is required, a second is
 * urged ("at least 2 of the 3") and can be skipped; recovery codes are offered at the end.
 */
export function SetupMfaScreen({
  email,
  onDone,
  onSignedOut,
}: {
  email: string;
  onDone: () => void;
  onSignedOut: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const { me, reload } = useMe();
  const [phase, setPhase] = useState<Phase>({ name: 'choose' });
  const [added, setAdded] = useState<string | undefined>();
  const recovery = useSubmit([]);
  const active = activeFactors(me);
  const hasRecovery = hasRecoveryCodes(me);
  const label = (factor: { type: Parameters<typeof factorLabel>[0]['type']; label: string }) =>
    factorLabel(factor, (key, options) => t(key, options ?? {}));

  async function makeRecoveryCodes() {
    const result = await recovery.run(() => invoke('factors.add', { type: 'recovery_codes' }));
    if (result.ok) setPhase({ name: 'recovery', codes: 'codes' in result.value ? result.value.codes : [] });
  }

  if (phase.name === 'adding') {
    return (
      <AddFactor
        type={phase.type}
        accountEmail={me?.email ?? email}

        onAdded={(result) => {
          setAdded(label(result.factor));
          setPhase({ name: 'choose' });
          void reload();
        }}
        onCancel={() => setPhase({ name: 'choose' })}
      />
    );
  }

  if (phase.name === 'recovery') {
    return (
      <RecoveryCodes
        codes={phase.codes}
        email={me?.email ?? email}
        onDone={() => {
          setPhase({ name: 'choose' });
          void reload();
        }}
      />
    );
  }

  const title =
    active.length === 0
      ? t('setup.firstTitle')
      : active.length === 1
        ? t('setup.secondTitle')
        : t('setup.doneTitle');
  return (
    <Card title={title} wide>
      {added ? <Alert tone="success">{t('setup.added', { factor: added })}</Alert> : null}
      {active.length === 0 ? <p>{t('setup.firstIntro')}</p> : null}
      {active.length === 1 ? <p>{t('setup.secondIntro')}</p> : null}
      {active.length >= 2 ? <p>{t('setup.doneIntro')}</p> : null}
      {active.length > 0 ? (
        <ul className="plain-list" aria-label={t('setup.yourFactors')}>
          {active.map((factor) => (
            <li key={factor.id}>✓ {label(factor)}</li>
          ))}
        </ul>
      ) : null}
      <FactorTypeChoice
        key={active.length}
        present={active.map((factor) => factor.type)}
        recommended={active.some((f) => f.type === 'totp') ? undefined : 'totp'}
        submitLabel={active.length === 0 ? t('setup.continue') : t('setup.addAnother')}
        submitVariant={active.length >= 2 ? 'secondary' : 'primary'}
        onChoose={(type) => {
          setAdded(undefined);
          setPhase({ name: 'adding', type });
        }}
      />
      {active.length > 0 ? (
        <div className="stack">
          {hasRecovery ? null : (
            <>
              <p className="muted small">{t('recovery.offer')}</p>
              {recovery.error.message ? <Alert tone="error">{recovery.error.message}</Alert> : null}
            </>
          )}
          <div className="actions">
            {hasRecovery ? null : (
              <Button
                variant="secondary"
                busy={recovery.busy}
                busyLabel={t('setup.sending')}
                disabled={!online}
                onClick={() => void makeRecoveryCodes()}
              >
                {t('recovery.create')}
              </Button>
            )}
            <Button variant={active.length >= 2 ? 'primary' : 'link'} onClick={onDone}>
              {active.length >= 2 ? t('setup.toMyDetails') : t('setup.skip')}
            </Button>
          </div>
        </div>
      ) : (
        <SignOutButton onSignedOut={onSignedOut} />
      )}
    </Card>
  );
}
