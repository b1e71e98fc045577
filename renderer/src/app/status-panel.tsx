import { useTranslation } from 'react-i18next';
import type { AppStatus } from '../../../common/contract/ipc';

interface StatusPanelProps {
  status: AppStatus | undefined;
  error: string | undefined;
}

/** The footer: where the app connects, whether it is online and signed in, and its version. */
export function StatusPanel({ status, error }: StatusPanelProps) {
  const { t } = useTranslation();
  const label = t('app.status.label');
  if (error) {
    return (
      <footer aria-label={label} className="status" role="region">
        <p role="alert">{error}</p>
      </footer>
    );
  }
  if (!status) {
    return (
      <footer aria-label={label} className="status" role="region">
        {t('app.connecting')}
      </footer>
    );
  }
  const account = status.signedIn
    ? status.email
      ? t('app.status.signedInAs', { email: status.email })
      : t('app.status.signedIn')
    : t('app.status.notSignedIn');
  return (
    <footer aria-label={label} className="status" role="region">
      <dl>
        <div>
          <dt>{t('app.status.server')}</dt>
          <dd>{status.serverUrl}</dd>
        </div>
        <div>
          <dt>{t('app.status.connection')}</dt>
          <dd>{status.online ? t('app.status.online') : t('app.status.offlineShort')}</dd>
        </div>
        <div>
          <dt>{t('app.status.account')}</dt>
          <dd>{account}</dd>
        </div>
        <div>
          <dt className="visually-hidden">{t('app.status.version', { version: '' })}</dt>
          <dd>{t('app.status.version', { version: status.version })}</dd>
        </div>
      </dl>
    </footer>
  );
}
