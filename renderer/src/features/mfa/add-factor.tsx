import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TotpAdded } from '../../../../common/contract/http';
import type { IpcResponse } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { QrCode } from '../../components/qr-code';
import { TextField } from '../../components/text-field';
import { host, invoke } from '../../lib/bridge';
import { cooldownEnd, useCountdown } from '../../lib/countdown';
import { useSubmit } from '../../lib/use-submit';
import { groupedKey } from './setup-texts';
import { useOnline } from '../../lib/connectivity';

export type NewFactorType = 'totp' | 'email' | 'sms';
export type FactorVerified = IpcResponse<'factors.verify'>;

interface AddFactorProps {
  type: NewFactorType;
  /** Where a code for an email factor goes unless the user types another address. */
  accountEmail: string;
  onAdded: (result: FactorVerified) => void;
  onCancel: () => void;
}

/** Adding one factor, as a step of its own: the authenticator app (QR + key), an email address or a mobile number, then its code. */
export function AddFactor(props: AddFactorProps) {
  const { t } = useTranslation();
  return (
    <Card title={t(`setup.title.${props.type}`)} wide={props.type === 'totp'}>
      {props.type === 'totp' ? <TotpSetup {...props} /> : <CodeFactorSetup {...props} type={props.type} />}
    </Card>
  );
}

function TotpSetup({ onAdded, onCancel }: AddFactorProps) {
  const online = useOnline();
  const { t } = useTranslation();
  const [started, setStarted] = useState<TotpAdded | undefined>();
  const add = useSubmit([]);
  const here = useSubmit([]);
  const asked = useRef(false);

  useEffect(() => {
    // One pending factor per visit, also under StrictMode's double effects.
    if (asked.current) return;
    asked.current = true;
    void add
      .run(() => invoke('factors.add', { type: 'totp' }))
      .then((result) => {
        if (result.ok && 'secret' in result.value) setStarted(result.value);
      });
  }, []);

  async function useThisComputer() {
    if (!started) return;
    const result = await here.run(() => invoke('factors.useThisComputer', { factorId: started.factor.id }));
    if (result.ok) onAdded(result.value);
  }

  if (!started) {
    return (
      <div className="stack">
        {add.error.message ? (
          <>
            <Alert tone="error">{add.error.message}</Alert>
            <div className="actions">
              <Button variant="secondary" onClick={onCancel}>
                {t('common.back')}
              </Button>
            </div>
          </>
        ) : (
          <p className="muted" role="status">
            <span className="spinner" aria-hidden="true" /> {t('setup.totpPreparing')}
          </p>
        )}
      </div>
    );
  }

  return (
    <div className="stack">
      <div className="columns">
        <ol className="steps">
          <li>
            <p>{t('setup.totpScan')}</p>
            <div className="qr-plate">
              <QrCode value={started.otpauthUri} label={t('setup.totpQrLabel')} />
            </div>
          </li>
          <li>
            <p>{t('setup.totpKeyIntro')}</p>
            <KeyField value={groupedKey(started.secret)} label={t('setup.totpKeyLabel')} />
            <p className="muted small">{t('setup.totpKeyHint')}</p>
          </li>
        </ol>
        <div className="stack">
          <ol className="steps" start={3}>
            <li>
              <p>{t('setup.totpEnterCode')}</p>
              <VerifyCode factorId={started.factor.id} onVerified={onAdded} />
            </li>
          </ol>
          {/* The desktop app's own authenticator; a browser has none (docs/architecture.md, the portal). */}
          {host === 'portal' ? null : (
            <div className="here-box">
              <p>{t('setup.thisComputerIntro')}</p>
              <p className="muted small">{t('setup.thisComputerNote')}</p>
              {here.error.message ? <Alert tone="error">{here.error.message}</Alert> : null}
              <div className="actions">
                <Button
                  variant="secondary"
                  busy={here.busy}
                  busyLabel={t('setup.thisComputerBusy')}
                  disabled={!online}
                  onClick={() => void useThisComputer()}
                >
                  {t('setup.thisComputer')}
                </Button>
              </div>
            </div>
          )}
        </div>
      </div>
      <div className="actions">
        <Button variant="link" onClick={onCancel}>
          {t('setup.otherMethod')}
        </Button>
      </div>
    </div>
  );
}

function CodeFactorSetup({
  type,
  accountEmail,
  onAdded,
  onCancel,
}: AddFactorProps & { type: 'email' | 'sms' }) {
  const online = useOnline();
  const { t } = useTranslation();
  const [target, setTarget] = useState(type === 'email' ? accountEmail : '');
  const [sent, setSent] = useState<{ factorId: string; sentTo: string } | undefined>();
  const [until, setUntil] = useState<number | undefined>();
  const field = type === 'email' ? 'email' : 'phone';
  const add = useSubmit([field]);
  const resend = useSubmit([]);
  const wait = useCountdown(until);

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await add.run(() =>
      invoke('factors.add', type === 'email' ? { type, email: target } : { type, phone: target }),
    );
    if (!result.ok || !('expiresAt' in result.value)) return;
    setSent({ factorId: result.value.factor.id, sentTo: result.value.sentTo ?? target });
    setUntil(cooldownEnd(Date.now(), result.value, 30));
  }

  async function sendAgain() {
    if (!sent) return;
    const result = await resend.run(() => invoke('factors.resend', { factorId: sent.factorId }));
    if (result.ok) setUntil(cooldownEnd(Date.now(), result.value, 30));
    else if (result.error.retryAfterSeconds) setUntil(cooldownEnd(Date.now(), result.error));
  }

  if (!sent) {
    return (
      <form className="stack" noValidate onSubmit={(event) => void send(event)}>
        <TextField
          label={type === 'email' ? t('setup.emailAddress') : t('setup.phone')}
          hint={type === 'email' ? t('setup.emailHint') : t('setup.phoneHint')}
          type={type === 'email' ? 'email' : 'tel'}
          autoComplete={type === 'email' ? 'email' : 'tel'}
          required
          value={target}
          onChange={setTarget}
          error={add.error.fields[field]}
        />
        {add.error.message ? <Alert tone="error">{add.error.message}</Alert> : null}
        <div className="actions">
          <Button
            type="submit"
            busy={add.busy}
            busyLabel={t('setup.sending')}
            disabled={!online || !target.trim()}
          >
            {t('setup.sendCode')}
          </Button>
          <Button variant="link" onClick={onCancel}>
            {t('setup.otherMethod')}
          </Button>
        </div>
      </form>
    );
  }

  return (
    <div className="stack">
      <p>{t('mfa.codeSent', { sentTo: sent.sentTo })}</p>
      <VerifyCode factorId={sent.factorId} onVerified={onAdded} />
      {resend.error.message ? <Alert tone="error">{resend.error.message}</Alert> : null}
      <div className="actions">
        <Button
          variant="secondary"
          busy={resend.busy}
          busyLabel={t('setup.sending')}
          disabled={!online || wait > 0}
          onClick={() => void sendAgain()}
        >
          {wait > 0 ? t('common.resendIn', { seconds: wait }) : t('mfa.resend')}
        </Button>
        <Button variant="link" onClick={() => setSent(undefined)}>
          {type === 'email' ? t('setup.otherAddress') : t('setup.otherNumber')}
        </Button>
        <Button variant="link" onClick={onCancel}>
          {t('setup.otherMethod')}
        </Button>
      </div>
    </div>
  );
}

/** The key, read-only and selected whole on focus, so it can be copied or read out without typos. */
function KeyField({ value, label }: { value: string; label: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      {/* A text area, not an input: the key wraps between its groups instead of running past the edge. */}
      <textarea
        id={id}
        className="secret-key"
        readOnly
        rows={1}
        value={value}
        spellCheck={false}
        autoComplete="off"
        onFocus={(event) => event.currentTarget.select()}
      />
    </div>
  );
}

/** The code that proves the new factor works; it becomes active only then. */
function VerifyCode({
  factorId,
  onVerified,
}: {
  factorId: string;
  onVerified: (result: FactorVerified) => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const verify = useSubmit(['code']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await verify.run(() => invoke('factors.verify', { factorId, code }));
    if (result.ok) onVerified(result.value);
  }

  return (
    <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
      <TextField
        label={t('mfa.code')}
        autoComplete="one-time-code"
        inputMode="numeric"
        spellCheck={false}
        required
        value={code}
        onChange={setCode}
        error={verify.error.fields.code}
      />
      {verify.error.message ? <Alert tone="error">{verify.error.message}</Alert> : null}
      <div className="actions">
        <Button
          type="submit"
          busy={verify.busy}
          busyLabel={t('mfa.verifying')}
          disabled={!online || !code.trim()}
        >
          {t('setup.activate')}
        </Button>
      </div>
    </form>
  );
}
