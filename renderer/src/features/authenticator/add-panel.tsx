import { useId, useState, type ClipboardEvent, type DragEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AddReport, AuthenticatorCapabilities } from '../../../../common/contract/ipc-authenticator';
import type { IpcResult } from '../../../../common/contract/ipc';
import { parseManualNumbers } from '../../../../common/contract/authenticator-manual';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { SelectField } from '../../components/select-field';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useAuthCall } from './auth-errors';
import { base64Of } from './format';
import { Tabs } from './tabs';

type Way = 'link' | 'image' | 'clipboard' | 'screen' | 'manual';
const ways: Way[] = ['link', 'image', 'clipboard', 'screen', 'manual'];

interface AddPanelProps {
  capabilities: AuthenticatorCapabilities;
  onAdded: (report: AddReport) => void;
}

/** Adding an account, five ways: a pasted link, a QR image file, a copied image, the screen, by hand. */
export function AddPanel({ capabilities, onAdded }: AddPanelProps) {
  const { t } = useTranslation();
  const [way, setWay] = useState<Way>('link');
  return (
    <section className="panel" aria-labelledby="add-title">
      <h3 id="add-title">{t('authenticator.add.title')}</h3>
      <Tabs
        label={t('authenticator.add.ways')}
        tabs={ways.map((id) => ({ id, title: t(`authenticator.add.way.${id}`) }))}
        selected={way}
        onSelect={setWay}
      >
        {way === 'link' ? <LinkWay onAdded={onAdded} /> : null}
        {way === 'image' ? <ImageWay capabilities={capabilities} onAdded={onAdded} /> : null}
        {way === 'clipboard' ? <ClipboardWay capabilities={capabilities} onAdded={onAdded} /> : null}
        {way === 'screen' ? <ScreenWay capabilities={capabilities} onAdded={onAdded} /> : null}
        {way === 'manual' ? <ManualWay onAdded={onAdded} /> : null}
      </Tabs>
    </section>
  );
}

type WayProps = Pick<AddPanelProps, 'onAdded'>;

function LinkWay({ onAdded }: WayProps) {
  const { t } = useTranslation();
  const [uri, setUri] = useState('');
  const call = useAuthCall(['uri']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await call.run(() => invoke('authenticator.addUri', { uri }));
    if (result.ok) {
      setUri('');
      onAdded(result.value);
    }
  }

  return (
    <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
      <TextField
        label={t('authenticator.add.linkLabel')}
        hint={t('authenticator.add.linkHint')}
        multiline
        value={uri}
        onChange={setUri}
        error={call.error.fields.uri}
      />
      {call.error.message ? <Alert tone="error">{call.error.message}</Alert> : null}
      <div className="actions">
        <Button type="submit" busy={call.busy} busyLabel={t('authenticator.adding')} disabled={!uri.trim()}>
          {t('authenticator.add.submit')}
        </Button>
      </div>
    </form>
  );
}

/** The shared end of every image way: send it, report what came of it. */
function useImageCall(onAdded: WayProps['onAdded']) {
  const call = useAuthCall();
  async function send(request: () => Promise<IpcResult<AddReport>>) {
    const result = await call.run(request);
    if (result.ok && !result.value.cancelled) onAdded(result.value);
  }
  return { ...call, send };
}

function ImageWay({ capabilities, onAdded }: WayProps & { capabilities: AuthenticatorCapabilities }) {
  const { t } = useTranslation();
  const id = useId();
  const call = useImageCall(onAdded);
  const [dragging, setDragging] = useState(false);

  function sendFile(file: File | undefined) {
    if (!file) return;
    void call.send(async () => invoke('authenticator.addFromImage', { image: await base64Of(file) }));
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    sendFile(event.dataTransfer.files[0]);
  }

  return (
    <div className="stack">
      <p>{t('authenticator.add.imageIntro')}</p>
      {capabilities.pickImage ? (
        <div className="actions">
          <Button
            busy={call.busy}
            busyLabel={t('authenticator.reading')}
            onClick={() => void call.send(() => invoke('authenticator.pickImage', {}))}
          >
            {t('authenticator.add.pickImage')}
          </Button>
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('authenticator.add.imageFile')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept="image/png,image/jpeg"
            disabled={call.busy}
            onChange={(event) => {
              sendFile(event.target.files?.[0]);
              event.target.value = '';
            }}
          />
        </div>
      )}
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {call.busy ? t('authenticator.reading') : t('authenticator.add.dropImage')}
      </div>
      {call.error.message ? <Alert tone="error">{call.error.message}</Alert> : null}
    </div>
  );
}

function ClipboardWay({ capabilities, onAdded }: WayProps & { capabilities: AuthenticatorCapabilities }) {
  const { t } = useTranslation();
  const id = useId();
  const call = useImageCall(onAdded);

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const image = [...event.clipboardData.files].find((file) => file.type.startsWith('image/'));
    event.preventDefault();
    if (!image) return call.fail(t('errors.no_clipboard_image'));
    void call.send(async () => invoke('authenticator.addFromImage', { image: await base64Of(image) }));
  }

  return (
    <div className="stack">
      <p>{t('authenticator.add.clipboardIntro')}</p>
      <div className="field">
        <label htmlFor={`${id}-paste`}>{t('authenticator.add.pasteHere')}</label>
        <textarea
          id={`${id}-paste`}
          className="paste-zone"
          value=""
          onChange={() => undefined}
          onPaste={onPaste}
        />
      </div>
      {capabilities.readClipboardImage ? (
        <div className="actions">
          <Button
            variant="secondary"
            busy={call.busy}
            busyLabel={t('authenticator.reading')}
            onClick={() => void call.send(() => invoke('authenticator.readClipboardImage', {}))}
          >
            {t('authenticator.add.readClipboard')}
          </Button>
        </div>
      ) : null}
      {call.busy ? <p role="status">{t('authenticator.reading')}</p> : null}
      {call.error.message ? <Alert tone="error">{call.error.message}</Alert> : null}
    </div>
  );
}

function ScreenWay({ capabilities, onAdded }: WayProps & { capabilities: AuthenticatorCapabilities }) {
  const { t } = useTranslation();
  const id = useId();
  const call = useImageCall(onAdded);
  return (
    <div className="stack">
      <p>{t('authenticator.add.screenIntro')}</p>
      {capabilities.scanScreen ? null : (
        <p id={`${id}-why`} className="muted">
          {t('authenticator.add.screenUnavailable')}
        </p>
      )}
      <div className="actions">
        <Button
          busy={call.busy}
          busyLabel={t('authenticator.add.scanning')}
          disabled={!capabilities.scanScreen}
          aria-describedby={capabilities.scanScreen ? undefined : `${id}-why`}
          onClick={() => void call.send(() => invoke('authenticator.scanScreen', {}))}
        >
          {t('authenticator.add.scan')}
        </Button>
      </div>
      {call.error.message ? <Alert tone="error">{call.error.message}</Alert> : null}
    </div>
  );
}

const manualFields = ['issuer', 'label', 'secret', 'algorithm', 'digits', 'period', 'counter'] as const;

function ManualWay({ onAdded }: WayProps) {
  const { t } = useTranslation();
  const id = useId();
  const empty = {
    issuer: '',
    label: '',
    secret: '',
    algorithm: 'SHA1',
    digits: '6',
    period: '30',
    counter: '0',
  };
  const [form, setForm] = useState(empty);
  const [type, setType] = useState<'totp' | 'hotp' | 'steam'>('totp');
  const call = useAuthCall(manualFields);
  const set = (field: keyof typeof empty) => (value: string) => setForm({ ...form, [field]: value });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The numbers are checked here with the contract's rules; names and secret in main (by field).
    const numbers = parseManualNumbers(type, form);
    if (!numbers.ok) {
      call.refuse({ code: 'invalid_otpauth', message: '', fields: numbers.fields });
      return;
    }
    const result = await call.run(() =>
      invoke('authenticator.addManual', {
        type,
        issuer: form.issuer,
        label: form.label,
        secret: form.secret,
        algorithm: form.algorithm,
        ...numbers.value,
      }),
    );
    if (result.ok) {
      setForm(empty);
      onAdded(result.value);
    }
  }

  return (
    <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
      <div className="row">
        <TextField
          label={t('authenticator.field.issuer')}
          value={form.issuer}
          onChange={set('issuer')}
          error={call.error.fields.issuer}
          maxLength={200}
        />
        <TextField
          label={t('authenticator.field.label')}
          value={form.label}
          onChange={set('label')}
          error={call.error.fields.label}
          maxLength={200}
          required
        />
      </div>
      <TextField
        label={t('authenticator.field.secret')}
        hint={t('authenticator.field.secretHint')}
        value={form.secret}
        onChange={set('secret')}
        error={call.error.fields.secret}
        autoComplete="off"
        spellCheck={false}
        required
      />
      <fieldset className="choice-row">
        <legend>{t('authenticator.field.type')}</legend>
        {(['totp', 'hotp', 'steam'] as const).map((option) => (
          <label key={option}>
            <input
              type="radio"
              name={`${id}-type`}
              value={option}
              checked={type === option}
              onChange={() => setType(option)}
            />
            {t(`authenticator.type.${option}`)}
          </label>
        ))}
      </fieldset>
      {/* Steam Guard has one algorithm, length and period: nothing to choose. */}
      {type === 'steam' ? null : (
        <div className="row">
          <SelectField
            label={t('authenticator.field.algorithm')}
            value={form.algorithm}
            onChange={set('algorithm')}
            options={['SHA1', 'SHA256', 'SHA512']}
            error={call.error.fields.algorithm}
          />
          <SelectField
            label={t('authenticator.field.digits')}
            value={form.digits}
            onChange={set('digits')}
            options={['6', '7', '8']}
            error={call.error.fields.digits}
          />
        </div>
      )}
      {type === 'totp' ? (
        <TextField
          label={t('authenticator.field.period')}
          type="number"
          min={1}
          max={3600}
          inputMode="numeric"
          value={form.period}
          onChange={set('period')}
          error={call.error.fields.period}
        />
      ) : type === 'hotp' ? (
        <TextField
          label={t('authenticator.field.counter')}
          type="number"
          min={0}
          inputMode="numeric"
          value={form.counter}
          onChange={set('counter')}
          error={call.error.fields.counter}
        />
      ) : null}
      {call.error.message ? <Alert tone="error">{call.error.message}</Alert> : null}
      <div className="actions">
        <Button type="submit" busy={call.busy} busyLabel={t('authenticator.adding')}>
          {t('authenticator.add.submit')}
        </Button>
      </div>
    </form>
  );
}
