import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { minLockPasswordLength } from '../../../../common/contract/authenticator-limits';
import type { AuthenticatorState } from '../../../../common/contract/ipc-authenticator';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { problemText, useAuthCall } from './auth-errors';

const idleChoices = [1, 2, 5, 10, 15, 30, 60];

/** The locked authenticator: the app password where one is set, else a click. */
export function UnlockPanel({
  hasPassword,
  onUnlocked,
}: {
  hasPassword: boolean;
  onUnlocked: (state: AuthenticatorState) => void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const call = useAuthCall(['password']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await call.run(() => invoke('authenticator.unlock', hasPassword ? { password } : {}));
    if (result.ok) {
      setPassword('');
      onUnlocked(result.value);
    }
  }

  return (
    <form className="stack locked" noValidate onSubmit={(event) => void submit(event)}>
      <p>{hasPassword ? t('authenticator.lock.lockedWithPassword') : t('authenticator.lock.locked')}</p>
      {hasPassword ? (
        <TextField
          label={t('authenticator.lock.password')}
          type="password"
          autoFocus
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={call.error.fields.password}
        />
      ) : null}
      {call.error.message ? <Alert tone="error">{call.error.message}</Alert> : null}
      <div className="actions">
        <Button
          type="submit"
          autoFocus={!hasPassword}
          busy={call.busy}
          busyLabel={t('authenticator.lock.unlocking')}
        >
          {t('authenticator.lock.unlock')}
        </Button>
      </div>
    </form>
  );
}

/** When it locks itself, and the app password (set, change, remove; the current one to change). */
export function LockSettingsPanel({
  state,
  onChanged,
}: {
  state: AuthenticatorState;
  onChanged: (state: AuthenticatorState) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const { hasPassword, idleMinutes } = state.lock;
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problems, setProblems] = useState<{ password?: string; repeat?: string }>({});
  const [done, setDone] = useState<string | undefined>();
  const idle = useAuthCall();
  const change = useAuthCall(['current', 'password']);
  const translate = (key: string, options?: Record<string, unknown>) => t(key, options ?? {});

  async function setIdle(minutes: number) {
    setDone(undefined);
    const result = await idle.run(() => invoke('authenticator.setIdleMinutes', { minutes }));
    if (result.ok) onChanged(result.value);
  }

  async function save(remove: boolean) {
    setDone(undefined);
    if (!remove) {
      const short = [...password].length < minLockPasswordLength;
      const next = {
        ...(short ? { password: problemText(translate, 'too_short') } : {}),
        ...(!short && password !== repeat ? { repeat: t('authenticator.export.mismatch') } : {}),
      };
      setProblems(next);
      if (next.password || next.repeat) return;
    } else setProblems({});
    const result = await change.run(() =>
      invoke('authenticator.setPassword', {
        ...(hasPassword ? { current } : {}),
        password: remove ? null : password,
      }),
    );
    if (!result.ok) return;
    setCurrent('');
    setPassword('');
    setRepeat('');
    setDone(remove ? t('authenticator.lock.removed') : t('authenticator.lock.saved'));
    onChanged(result.value);
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('authenticator.lock.title')}</h3>
      <div className="field">
        <label htmlFor={`${id}-idle`}>{t('authenticator.lock.idle')}</label>
        <select
          id={`${id}-idle`}
          value={idleMinutes}
          disabled={idle.busy}
          onChange={(event) => void setIdle(Number(event.target.value))}
        >
          {idleChoices.map((minutes) => (
            <option key={minutes} value={minutes}>
              {t('authenticator.lock.minutes', { count: minutes })}
            </option>
          ))}
        </select>
      </div>
      {idle.error.message ? <Alert tone="error">{idle.error.message}</Alert> : null}
      <form
        className="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save(false);
        }}
      >
        <p>{hasPassword ? t('authenticator.lock.hasPassword') : t('authenticator.lock.noPassword')}</p>
        {hasPassword ? (
          <TextField
            label={t('authenticator.lock.current')}
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={setCurrent}
            error={change.error.fields.current ?? (hasPassword ? change.error.fields.password : undefined)}
          />
        ) : null}
        <TextField
          label={t('authenticator.lock.newPassword')}
          hint={t('authenticator.export.passwordHint', { min: minLockPasswordLength })}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={problems.password ?? (hasPassword ? undefined : change.error.fields.password)}
        />
        <TextField
          label={t('authenticator.lock.repeat')}
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={setRepeat}
          error={problems.repeat}
        />
        {change.error.message ? <Alert tone="error">{change.error.message}</Alert> : null}
        <div className="actions">
          <Button type="submit" busy={change.busy} busyLabel={t('common.busy')}>
            {hasPassword ? t('authenticator.lock.change') : t('authenticator.lock.set')}
          </Button>
          {hasPassword ? (
            <Button variant="secondary" disabled={change.busy} onClick={() => void save(true)}>
              {t('authenticator.lock.remove')}
            </Button>
          ) : null}
        </div>
      </form>
      {done ? <Alert tone="success">{done}</Alert> : null}
    </section>
  );
}
