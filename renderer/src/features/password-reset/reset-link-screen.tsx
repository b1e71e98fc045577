import { useState, type FormEvent } from 'react';
import { useLinkOnce } from '../../lib/use-link-once';
import { useTranslation } from 'react-i18next';
import type { IpcResponse } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { useSubmit } from '../../lib/use-submit';
import { resetDeadEnds } from './reset-errors';

/**
 * "Check your mail" after asking for a reset (the same words whether or not the address has an
 * account), and the place to paste the mailed link; a wem-account://reset-password link opens here too.
 */
export function ResetLinkScreen({
  email,
  token,
  onOpened,
  onAskAgain,
  onSignIn,
}: {
  /** The address just asked for: shown in "Check your mail". */
  email?: string | undefined;
  /** From a deep link: opened at once, without a paste. */
  token?: string | undefined;
  onOpened: (factors: IpcResponse<'password.openReset'>['factors']) => void;
  onAskAgain: () => void;
  onSignIn: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const [input, setInput] = useState(token ?? '');
  const { busy, error, code, run } = useSubmit(['input']);

  async function open(value: string) {
    const result = await run(() => invoke('password.openReset', { input: value }));
    if (result.ok) onOpened(result.value.factors);
  }

  useLinkOnce(token, (link) => void open(link));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void open(input);
  }

  const deadEnd = resetDeadEnds.includes(code ?? '');
  return (
    <Card title={t(email ? 'resetLink.sentTitle' : 'resetLink.title')}>
      {email ? (
        <>
          <p>{t('resetLink.sentTo', { email })}</p>
          <p className="muted">{t('resetLink.junk')}</p>
        </>
      ) : null}
      <form className="stack" noValidate onSubmit={submit}>
        <TextField
          label={t('resetLink.input')}
          hint={t('resetLink.inputHint')}
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
            busyLabel={t('resetLink.opening')}
            disabled={!online || !input.trim()}
          >
            {t('resetLink.submit')}
          </Button>
          {deadEnd || email ? (
            <Button variant="secondary" onClick={onAskAgain}>
              {t('resetLink.askAgain')}
            </Button>
          ) : null}
        </div>
        <div className="actions">
          <Button variant="link" onClick={onSignIn}>
            {t('common.backToSignIn')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
