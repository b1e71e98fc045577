import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcResponse } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { host, invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';

type Apps = IpcResponse<'apps.list'>;
type Notice = { tone: 'success' | 'error'; text: string };

/** Refusals of apps.open said about the app in question rather than in general. */
const ownWords = new Set(['forbidden', 'client_not_found', 'offline']);

/**
 * "Your WEM apps": one button per first-party app that opens it in the web browser already signed in
 * (docs/architecture.md, "Opening WEM apps"). Main asks for the one-time address and opens it; this
 * screen only hears that it did (docs/security.md 77). Not in the portal: a browser is already there.
 */
export function WemApps() {
  if (host === 'portal') return null;
  return <WemAppsSection />;
}

function WemAppsSection() {
  const online = useOnline();
  const { t } = useTranslation();
  const [apps, setApps] = useState<Apps>([]);
  const [opening, setOpening] = useState<string | undefined>();
  const [notice, setNotice] = useState<Notice | undefined>();

  const load = useCallback(async () => {
    const result = await invoke('apps.list', {});
    // Offline or refused: the section stays as it was (empty at first); My details says why.
    if (result.ok) setApps(result.value);
  }, []);
  useEffect(() => {
    void load();
  }, [load, online]);

  async function open(clientId: string, name: string) {
    setOpening(clientId);
    setNotice(undefined);
    try {
      const result = await invoke('apps.open', { clientId });
      if (result.ok) {
        setNotice({ tone: 'success', text: t('apps.opened', { name }) });
        return;
      }
      const { code } = result.error;
      setNotice({
        tone: 'error',
        text: ownWords.has(code) ? t(`apps.${code}`, { name }) : t(`errors.${code}`),
      });
      // Removed by an operator since the list was read: the list shows that too.
      if (code === 'client_not_found') void load();
    } finally {
      setOpening(undefined);
    }
  }

  if (apps.length === 0 && !notice) return null;
  return (
    <section className="stack" aria-labelledby="apps-heading">
      <h3 id="apps-heading">{t('apps.title')}</h3>
      <p className="muted small">{t('apps.intro')}</p>
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      <div className="actions">
        {apps.map((app) => (
          <Button
            key={app.clientId}
            variant="secondary"
            busy={opening === app.clientId}
            busyLabel={t('apps.opening', { name: app.name })}
            disabled={opening !== undefined && opening !== app.clientId}
            onClick={() => void open(app.clientId, app.name)}
          >
            {t('apps.open', { name: app.name })}
          </Button>
        ))}
      </div>
    </section>
  );
}
