import { useTranslation } from 'react-i18next';
import { Card } from '../../components/card';
import { SignOutButton } from '../account/sign-out-button';

/** Signed in with an enrollment-only session: the factor setup flow lands here next. */
export function SetupMfaScreen({ onSignedOut }: { onSignedOut: () => void }) {
  const { t } = useTranslation();
  return (
    <Card title={t('mfa.setupTitle')}>
      <p>{t('mfa.setupIntro')}</p>
      <SignOutButton onSignedOut={onSignedOut} />
    </Card>
  );
}
