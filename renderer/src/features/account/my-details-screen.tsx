import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../common/contract/http';
import { Card } from '../../components/card';
import { invoke } from '../../lib/bridge';
import { factorLabel } from '../login/factor-label';
import { SignOutButton } from './sign-out-button';

/** Signed in: the account as the server knows it (a placeholder until the full account pages). */
export function MyDetailsScreen({ email, onSignedOut }: { email: string; onSignedOut: () => void }) {
  const { t } = useTranslation();
  const [me, setMe] = useState<MeResponse | undefined>();
  useEffect(() => {
    let live = true;
    void invoke('me.get', {}).then((result) => {
      if (live && result.ok) setMe(result.value);
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <Card title={t('account.title')}>
      <p>{t('account.signedInAs', { email: me?.email ?? email })}</p>
      {me ? (
        <dl className="details">
          <dt>{t('account.name')}</dt>
          <dd>
            {me.firstName} {me.lastName}
          </dd>
          <dt>{t('account.email')}</dt>
          <dd>{me.email}</dd>
          {me.company ? (
            <>
              <dt>{t('account.company')}</dt>
              <dd>{me.company}</dd>
            </>
          ) : null}
          <dt>{t('account.factors')}</dt>
          <dd>
            {me.factors.map((factor) => factorLabel(factor, (key, options) => t(key, options))).join(', ')}
          </dd>
        </dl>
      ) : null}
      <SignOutButton onSignedOut={onSignedOut} />
    </Card>
  );
}
