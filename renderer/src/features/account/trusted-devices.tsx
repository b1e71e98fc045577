import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcResponse } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { invoke } from '../../lib/bridge';
import { useSubmit } from '../../lib/use-submit';
import { useOnline } from '../../lib/connectivity';

type Devices = IpcResponse<'devices.list'>;

/**
 * Computers that skip MFA for a week, with revoke. Revoking one also ends the sessions it opened;
 * revoking this computer means the next sign-in asks for a code again.
 */
export function TrustedDevices({
  offlineCopy,
}: {
  /** What was last seen, shown read-only while the server cannot be reached. */
  offlineCopy: Devices | null | undefined;
}) {
  const online = useOnline();
  const { t, i18n } = useTranslation();
  const [devices, setDevices] = useState<Devices | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const load = useSubmit([]);
  const revoke = useSubmit([]);
  const when = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { dateStyle: 'medium' });

  const reload = useCallback(async () => {
    const result = await load.run(() => invoke('devices.list', {}), ['offline']);
    if (result.ok) setDevices(result.value);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  async function revokeOne(id: string, name: string) {
    const result = await revoke.run(() => invoke('devices.revoke', { deviceId: id }));
    if (result.ok) {
      setNotice(t('devices.revoked', { name }));
      void reload();
    }
  }

  async function revokeAll() {
    const result = await revoke.run(() => invoke('devices.revokeAll', {}));
    if (result.ok) {
      setNotice(t('devices.revokedAll'));
      void reload();
    }
  }

  const shown = devices ?? (load.code === 'offline' ? (offlineCopy ?? undefined) : undefined);
  return (
    <section className="stack" aria-labelledby="devices-heading">
      <h3 id="devices-heading">{t('devices.title')}</h3>
      <p className="muted small">{t('devices.intro')}</p>
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {load.error.message ? <Alert tone="error">{load.error.message}</Alert> : null}
      {revoke.error.message ? <Alert tone="error">{revoke.error.message}</Alert> : null}
      {shown === undefined ? (
        load.busy ? (
          <p className="muted">{t('account.loading')}</p>
        ) : null
      ) : shown.length === 0 ? (
        <p>{t('devices.none')}</p>
      ) : (
        <ul className="factor-rows" aria-label={t('devices.title')}>
          {shown.map((device) => (
            <li key={device.id} className="factor-row">
              <div>
                <strong>{device.name}</strong>
                {device.current ? <span className="badge">{t('devices.thisComputer')}</span> : null}
                <span className="muted small block">
                  {t('devices.trustedUntil', { date: when(device.expiresAt) })}
                  {device.lastUsedAt ? ` · ${t('devices.lastUsed', { date: when(device.lastUsedAt) })}` : ''}
                </span>
              </div>
              <Button
                variant="secondary"
                disabled={!online || revoke.busy}
                aria-label={t('devices.revokeNamed', { name: device.name })}
                onClick={() => void revokeOne(device.id, device.name)}
              >
                {t('devices.revoke')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {shown && shown.length > 1 ? (
        <div className="actions">
          <Button
            variant="secondary"
            busy={revoke.busy}
            busyLabel={t('devices.revoking')}
            disabled={!online}
            onClick={() => void revokeAll()}
          >
            {t('devices.revokeAll')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
