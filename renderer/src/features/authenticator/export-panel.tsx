import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { minBackupPasswordLength } from '../../../../common/contract/authenticator-limits';
import type { AuthenticatorCapabilities } from '../../../../common/contract/ipc-authenticator';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Checkbox } from '../../components/checkbox';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { problemText, useAuthCall } from './auth-errors';

/**
 * The encrypted backup (password twice; imports back here and is documented for other tools) and,
 * behind a warning, the plain list of otpauth links, which only main may write (it holds the secrets).
 */
export function ExportPanel({ capabilities }: { capabilities: AuthenticatorCapabilities }) {
  const { t } = useTranslation();
  const id = useId();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState<string | undefined>();
  const [tooShort, setTooShort] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [acknowledged, setAcknowledged] = useState(false);
  const backup = useAuthCall(['password']);
  const list = useAuthCall(['acknowledgeUnencrypted']);
  const translate = (key: string, options?: Record<string, unknown>) => t(key, options ?? {});

  async function exportBackup(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(undefined);
    const short = [...password].length < minBackupPasswordLength;
    setTooShort(short ? problemText(translate, 'too_short') : undefined);
    setMismatch(!short && password !== repeat ? t('authenticator.export.mismatch') : undefined);
    if (short || password !== repeat) return;
    const result = await backup.run(() => invoke('authenticator.exportBackup', { password }));
    if (!result.ok) return;
    const { fileName, saved } = result.value;
    setPassword('');
    setRepeat('');
    setDone(saved ? t('authenticator.export.saved', { fileName }) : t('authenticator.export.notSaved'));
  }

  async function exportList() {
    setDone(undefined);
    const result = await list.run(() =>
      invoke('authenticator.exportUriList', { acknowledgeUnencrypted: acknowledged }),
    );
    if (!result.ok) return;
    setAcknowledged(false);
    setDone(
      result.value.saved
        ? t('authenticator.export.saved', { fileName: result.value.fileName })
        : t('authenticator.export.notSaved'),
    );
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('authenticator.export.title')}</h3>
      <form className="stack" noValidate onSubmit={(event) => void exportBackup(event)}>
        <p>{t('authenticator.export.backupIntro')}</p>
        <TextField
          label={t('authenticator.export.password')}
          hint={t('authenticator.export.passwordHint', { min: minBackupPasswordLength })}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={tooShort ?? backup.error.fields.password}
        />
        <TextField
          label={t('authenticator.export.repeat')}
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={setRepeat}
          error={mismatch}
        />
        {backup.error.message ? <Alert tone="error">{backup.error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={backup.busy}
            busyLabel={t('authenticator.export.busy')}
            disabled={!capabilities.saveFile}
          >
            {t('authenticator.export.backupSubmit')}
          </Button>
        </div>
      </form>
      <div className="stack">
        <h4>{t('authenticator.export.listTitle')}</h4>
        <Alert tone="warning">{t('authenticator.export.listWarning')}</Alert>
        {capabilities.saveFile ? null : (
          <p id={`${id}-why`} className="muted">
            {t('authenticator.export.listUnavailable')}
          </p>
        )}
        <Checkbox
          label={t('authenticator.export.acknowledge')}
          checked={acknowledged}
          onChange={setAcknowledged}
          disabled={!capabilities.saveFile}
          error={list.error.fields.acknowledgeUnencrypted}
        />
        {list.error.message ? <Alert tone="error">{list.error.message}</Alert> : null}
        <div className="actions">
          <Button
            variant="secondary"
            busy={list.busy}
            disabled={!capabilities.saveFile || !acknowledged}
            aria-describedby={capabilities.saveFile ? undefined : `${id}-why`}
            onClick={() => void exportList()}
          >
            {t('authenticator.export.listSubmit')}
          </Button>
        </div>
      </div>
      {done ? <Alert tone="success">{done}</Alert> : null}
    </section>
  );
}
