import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../common/contract/http';
import type { IpcResponse } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { invoke } from '../../lib/bridge';
import { factorListLabel } from '../login/factor-label';
import { activeFactors } from '../mfa/use-me';
import { ProfileEditor } from './profile-editor';
import { SignOutButton } from './sign-out-button';
import { TrustedDevices } from './trusted-devices';
import { WemApps } from './wem-apps';
import { useOnline } from '../../lib/connectivity';

type Cached = NonNullable<IpcResponse<'me.cached'>>;

/**
 * Signed in: the profile, the sign-in factors with the way to manage them, the trusted computers.
 * Offline, the copy main kept from earlier in this session is shown read-only, with its time.
 */
export function MyDetailsScreen({
  email,
  onManageMfa,
  onChangePassword,
  onChangeEmail,
  onDelete,
  onSignedOut,
}: {
  email: string;
  onManageMfa: () => void;
  onChangePassword: () => void;
  onChangeEmail: () => void;
  onDelete: () => void;
  onSignedOut: () => void;
}) {
  const online = useOnline();
  const { t, i18n } = useTranslation();
  const [me, setMe] = useState<MeResponse | undefined>();
  const [offlineCopy, setOfflineCopy] = useState<Cached | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      const result = await invoke('me.get', {});
      if (!live) return;
      if (result.ok) {
        setMe(result.value);
        setOfflineCopy(undefined);
        setFailure(undefined);
        return;
      }
      const copy = result.error.code === 'offline' ? await invoke('me.cached', {}) : undefined;
      if (!live) return;
      if (copy?.ok && copy.value) setOfflineCopy(copy.value);
      else setFailure(t(`errors.${result.error.code}`));
    })();
    return () => {
      live = false;
    };
    // Reading again when the connection comes back shows the server's current answer.
  }, [online, t]);

  const shown = me ?? offlineCopy?.me;
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { dateStyle: 'long' });
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' });
  const factors = shown ? activeFactors(shown) : [];

  return (
    <Card title={t('account.title')} wide>
      <p>{t('account.signedInAs', { email: shown?.email ?? email })}</p>
      {!me && offlineCopy ? (
        <Alert tone="warning">{t('account.offlineCopy', { time: time(offlineCopy.savedAt) })}</Alert>
      ) : null}
      {failure ? <Alert tone="error">{failure}</Alert> : null}
      {!shown && !failure ? <p className="muted">{t('account.loading')}</p> : null}
      {shown ? (
        <>
          <div className="columns">
            <div className="stack">
              {saved ? <Alert tone="success">{t('profile.saved')}</Alert> : null}
              {editing && me ? (
                <ProfileEditor
                  me={me}
                  onSaved={(updated) => {
                    setMe(updated);
                    setEditing(false);
                    setSaved(true);
                  }}
                  onCancel={() => setEditing(false)}
                />
              ) : (
                <dl className="details">
                  <dt>{t('account.name')}</dt>
                  <dd>
                    {shown.firstName} {shown.lastName}
                  </dd>
                  <dt>{t('account.email')}</dt>
                  <dd>{shown.email}</dd>
                  {shown.company ? (
                    <>
                      <dt>{t('account.company')}</dt>
                      <dd>{shown.company}</dd>
                    </>
                  ) : null}
                  <dt>{t('profile.language')}</dt>
                  <dd>{shown.locale === 'nl' ? 'Nederlands' : 'English'}</dd>
                  <dt>{t('account.memberSince')}</dt>
                  <dd>{date(shown.createdAt)}</dd>
                </dl>
              )}
              {editing ? null : (
                <div className="actions">
                  <Button
                    variant="link"
                    disabled={!online || !me}
                    onClick={() => {
                      setSaved(false);
                      setEditing(true);
                    }}
                  >
                    {t('profile.edit')}
                  </Button>
                </div>
              )}
              <section className="stack" aria-labelledby="factors-heading">
                <h3 id="factors-heading">{t('account.factors')}</h3>
                <ul className="plain-list">
                  {shown.factors
                    .filter((factor) => factor.status === 'active')
                    .map((factor) => (
                      <li key={factor.id}>
                        {factorListLabel(factor, (key, options) => t(key, options ?? {}))}
                      </li>
                    ))}
                </ul>
                {factors.length < 2 ? <Alert tone="info">{t('manage.fewFactors')}</Alert> : null}
                <div className="actions">
                  <Button variant="secondary" disabled={!online} onClick={onManageMfa}>
                    {t('account.manageMfa')}
                  </Button>
                  {online ? null : <span className="muted small">{t('account.needsServer')}</span>}
                </div>
              </section>
            </div>
            <div className="stack">
              <TrustedDevices offlineCopy={offlineCopy?.devices} />
              <section className="stack" aria-labelledby="security-heading">
                <h3 id="security-heading">{t('account.security')}</h3>
                <p className="muted small">{t('account.securityHint')}</p>
                <div className="actions">
                  <Button variant="secondary" disabled={!online} onClick={onChangePassword}>
                    {t('account.changePassword')}
                  </Button>
                  <Button variant="secondary" disabled={!online} onClick={onChangeEmail}>
                    {t('account.changeEmail')}
                  </Button>
                  <Button variant="secondary" disabled={!online} onClick={onDelete}>
                    {t('account.deleteAccount')}
                  </Button>
                </div>
              </section>
            </div>
          </div>
        </>
      ) : null}
      {shown ? <WemApps /> : null}
      <SignOutButton onSignedOut={onSignedOut} />
    </Card>
  );
}
