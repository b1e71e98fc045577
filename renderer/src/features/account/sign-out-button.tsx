import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { host, invoke } from '../../lib/bridge';
import { useSubmit } from '../../lib/use-submit';

/** Explicit sign-out, with what it means for this computer said next to it. */
export function SignOutButton({ onSignedOut }: { onSignedOut: () => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useSubmit([]);
  async function signOut() {
    const result = await run(() => invoke('session.logout', {}));
    if (result.ok) onSignedOut();
  }
  return (
    <div className="stack">
      <p className="muted small">{t(host === 'portal' ? 'portal.signOutHint' : 'account.signOutHint')}</p>
      {error.message ? <Alert tone="error">{error.message}</Alert> : null}
      <div className="actions">
        <Button
          variant="secondary"
          busy={busy}
          busyLabel={t('account.signingOut')}
          onClick={() => void signOut()}
        >
          {t('account.signOut')}
        </Button>
      </div>
    </div>
  );
}
