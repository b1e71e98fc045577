import { useState, type FormEvent } from 'react';
import { useLinkOnce } from '../../lib/use-link-once';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { useSubmit } from '../../lib/use-submit';

/** The link mailed to the new address, pasted or opened as wem-account://confirm-email: confirms it. */
export function ConfirmEmailScreen({
  token,
  onDone,
  onBack,
}: {
  token?: string | undefined;
  onDone: () => void;
  onBack: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const [input, setInput] = useState(token ?? '');
  const [confirmed, setConfirmed] = useState<string | undefined>();
  const { busy, error, run } = useSubmit(['input']);

  async function confirm(value: string) {
    const result = await run(() => invoke('me.confirmEmail', { input: value }));
    if (result.ok) setConfirmed(result.value.email);
  }

  useLinkOnce(token, (link) => void confirm(link));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void confirm(input);
  }

  if (confirmed) {
    return (
      <Card title={t('confirmEmail.doneTitle')}>
        <Alert tone="success">{t('confirmEmail.done', { email: confirmed })}</Alert>
        <div className="actions">
          <Button onClick={onDone}>{t('confirmEmail.continue')}</Button>
        </div>
      </Card>
    );
  }

  return (
    <Card title={t('confirmEmail.title')}>
      <form className="stack" noValidate onSubmit={submit}>
        <p>{t('confirmEmail.intro')}</p>
        <TextField
          label={t('confirmEmail.input')}
          spellCheck={false}
          required
          value={input}
          onChange={setInput}
          error={error.fields.input}
        />
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={busy}
            busyLabel={t('confirmEmail.confirming')}
            disabled={!online || !input.trim()}
          >
            {t('confirmEmail.submit')}
          </Button>
          <Button variant="link" onClick={onBack}>
            {t('common.back')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
