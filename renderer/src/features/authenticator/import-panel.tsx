import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { maxImportLength } from '../../../../common/contract/authenticator-limits';
import type { AddReport } from '../../../../common/contract/ipc-authenticator';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useAuthCall } from './auth-errors';
import { base64Of } from './format';

/**
 * Import from another app's export (the formats in docs/authenticator.md) or this app's encrypted
 * backup. The file goes to main as bytes (base64): some backups are binary. Main recognises it by
 * its content; an encrypted one without its password comes back naming the format, and the panel
 * asks for the password at its field. A wrong password or a damaged file changes nothing.
 */
export function ImportPanel({ onImported }: { onImported: (report: AddReport) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [file, setFile] = useState<{ name: string; content: string } | undefined>();
  const [password, setPassword] = useState('');
  const call = useAuthCall(['password']);
  const passwordError = call.error.fields.password;
  const passwordBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (passwordError) passwordBox.current?.querySelector('input')?.focus();
  }, [passwordError]);

  async function choose(chosen: File | undefined) {
    call.clear();
    if (!chosen) return setFile(undefined);
    if (chosen.size > maxImportLength) return call.fail(t('errors.payload_too_large'));
    setFile({ name: chosen.name, content: await base64Of(chosen) });
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return;
    const result = await call.run(() =>
      invoke('authenticator.import', {
        content: file.content,
        encoding: 'base64',
        ...(password ? { password } : {}),
      }),
    );
    if (result.ok) {
      setPassword('');
      onImported(result.value);
    }
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('authenticator.import.title')}</h3>
      <p>{t('authenticator.import.intro')}</p>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('authenticator.import.file')}</label>
          <input id={`${id}-file`} type="file" onChange={(event) => void choose(event.target.files?.[0])} />
        </div>
        <div ref={passwordBox}>
          <TextField
            label={`${t('authenticator.import.password')} ${t('common.optional')}`}
            hint={t('authenticator.import.passwordHint')}
            type="password"
            autoComplete="off"
            value={password}
            onChange={setPassword}
            error={passwordError}
          />
        </div>
        {call.error.message ? <Alert tone="error">{call.error.message}</Alert> : null}
        <div className="actions">
          <Button type="submit" busy={call.busy} busyLabel={t('authenticator.import.busy')} disabled={!file}>
            {t('authenticator.import.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
