import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsView } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { host, invoke } from '../../lib/bridge';
import { useSubmit } from '../../lib/use-submit';

/** Refusals the portal answers for a setting it does not keep; the page applies the choice itself. */
const portalKeepsLocally = host === 'portal' ? ['not_available'] : [];
/** What the portal page starts from when its server keeps no settings for the browser. */
const portalDefaults: SettingsView = { serverUrl: '', lastEmail: null, language: 'system', theme: 'system' };

/**
 * Settings: which WEM Account server, language, light/dark. Language and theme apply at once; a new
 * server address is saved on purpose, since it ends the session (another server, another account).
 */

export function SettingsScreen({
  signedIn,
  onChanged,
}: {
  signedIn: boolean;
  onChanged: (settings: SettingsView) => void;
}) {
  const { t } = useTranslation();
  const [settings, setSettings] = useState<SettingsView | undefined>();
  const [serverUrl, setServerUrl] = useState('');
  const [saved, setSaved] = useState(false);
  const [urlProblem, setUrlProblem] = useState<string | undefined>();
  const save = useSubmit(['serverUrl']);
  const choose = useSubmit([]);

  useEffect(() => {
    void invoke('settings.get', {}).then((result) => {
      const view = result.ok ? result.value : host === 'portal' ? portalDefaults : undefined;
      if (!view) return;
      setSettings(view);
      setServerUrl(view.serverUrl);
    });
  }, []);

  async function saveServer(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    setUrlProblem(undefined);
    const result = await save.run(() => invoke('settings.update', { serverUrl }), ['insecure_server_url']);
    if (!result.ok) {
      if (result.error.code === 'insecure_server_url')
        setUrlProblem(
          result.error.fields?.serverUrl === 'invalid'
            ? t('settings.invalidUrl')
            : t('errors.insecure_server_url'),
        );
      return;
    }
    setSettings(result.value);
    setServerUrl(result.value.serverUrl);
    setSaved(true);
    onChanged(result.value);
  }

  async function update(patch: { language?: SettingsView['language']; theme?: SettingsView['theme'] }) {
    const result = await choose.run(() => invoke('settings.update', patch), portalKeepsLocally);
    // The portal server may keep neither choice (the language is a cookie at most): the page keeps
    // them for as long as it is open.
    const next = result.ok
      ? result.value
      : host === 'portal' && settings
        ? { ...settings, ...patch }
        : undefined;
    if (!next) return;
    setSettings(next);
    onChanged(next);
  }

  if (!settings) return <Card title={t('settings.title')}>{null}</Card>;

  return (
    <Card title={t('settings.title')}>
      {/* The portal's server is the one that served the page: nothing to choose. */}
      {host === 'portal' ? null : (
        <form className="stack" noValidate onSubmit={(event) => void saveServer(event)}>
          <TextField
            label={t('settings.serverUrl')}
            hint={signedIn ? t('settings.serverUrlHintSignedIn') : t('settings.serverUrlHint')}
            type="url"
            inputMode="url"
            spellCheck={false}
            autoComplete="url"
            value={serverUrl}
            onChange={(value) => {
              setSaved(false);
              setUrlProblem(undefined);
              setServerUrl(value);
            }}
            error={urlProblem ?? save.error.fields.serverUrl}
          />
          {save.error.message ? <Alert tone="error">{save.error.message}</Alert> : null}
          {saved ? <Alert tone="success">{t('settings.saved')}</Alert> : null}
          <div className="actions">
            <Button
              type="submit"
              variant="secondary"
              busy={save.busy}
              busyLabel={t('settings.saving')}
              disabled={serverUrl.trim() === settings.serverUrl}
            >
              {t('settings.saveServer')}
            </Button>
          </div>
        </form>
      )}
      <Select
        label={t('settings.language')}
        value={settings.language}
        options={[
          ['system', t('settings.languageSystem')],
          ['en', 'English'],
          ['nl', 'Nederlands'],
        ]}
        onChange={(language) => void update({ language })}
      />
      <Select
        label={t('settings.theme')}
        value={settings.theme}
        options={[
          ['system', t('settings.themeSystem')],
          ['light', t('settings.themeLight')],
          ['dark', t('settings.themeDark')],
        ]}
        onChange={(theme) => void update({ theme })}
      />
      {choose.error.message ? <Alert tone="error">{choose.error.message}</Alert> : null}
    </Card>
  );
}

function Select<V extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: V;
  options: [V, string][];
  onChange: (value: V) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(event) => {
          const chosen = options.find(([option]) => option === event.target.value);
          if (chosen) onChange(chosen[0]);
        }}
      >
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
