import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AddReport, CodeViewPayload } from '../../../../common/contract/ipc-authenticator';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { AddPanel } from './add-panel';
import { AddReportView } from './add-report';
import { useAuthCall } from './auth-errors';
import { ConfirmDialog } from './confirm-dialog';
import { EntryRow } from './entry-row';
import { ExportPanel } from './export-panel';
import { entryName, matching, moved } from './format';
import { ImportPanel } from './import-panel';
import { LockSettingsPanel, UnlockPanel } from './lock-panels';
import { copyCode, useAuthenticator, useNow } from './use-authenticator';
import { useOnline } from '../../lib/connectivity';
import { addEnglish } from '../../i18n';
import authenticatorTexts from '../../i18n/en-authenticator.json';

addEnglish(authenticatorTexts);

type Panel = 'add' | 'import' | 'export' | 'lock';
const panels: Panel[] = ['add', 'import', 'export', 'lock'];

/**
 * The local authenticator: codes for any account, made in main and shown here by name, code, next
 * code and time left; never a secret (docs/security.md 22). Works signed in or out, online or not.
 */
export function AuthenticatorScreen() {
  const online = useOnline();
  const { t } = useTranslation();
  const id = useId();
  const { state, loadError, receivedAt, apply, reload, replaceEntry } = useAuthenticator();
  const [search, setSearch] = useState('');
  const [panel, setPanel] = useState<Panel | undefined>();
  const [report, setReport] = useState<AddReport | undefined>();
  const [copied, setCopied] = useState<{ id: string; until: number; seconds: number } | undefined>();
  const [deleting, setDeleting] = useState<CodeViewPayload | undefined>();
  const action = useAuthCall();
  const removal = useAuthCall();
  const entries = state && !state.locked ? state.entries : [];
  const counting = entries.some((entry) => entry.period !== null) || copied !== undefined;
  const now = useNow(counting);
  const shown = matching(entries, search);
  const copiedNow = copied && now < copied.until ? copied : undefined;

  async function copy(entry: CodeViewPayload, code: string) {
    if (!state) return;
    const result = await action.run(() => copyCode(entry, code, state.capabilities.copy));
    if (result.ok) {
      const seconds = result.value.clearAfterSeconds;
      setCopied({ id: entry.id, until: Date.now() + seconds * 1000, seconds });
    } else if (!state.capabilities.copy) action.fail(t('authenticator.copyFailed'));
  }

  async function move(entry: CodeViewPayload, by: -1 | 1) {
    const ids = moved(
      entries.map((item) => item.id),
      entry.id,
      by,
    );
    const result = await action.run(() => invoke('authenticator.reorder', { ids }));
    if (result.ok) apply(result.value);
  }

  async function remove() {
    if (!deleting) return;
    const result = await removal.run(() => invoke('authenticator.delete', { id: deleting.id }));
    if (result.ok) {
      apply(result.value);
      setDeleting(undefined);
    }
  }

  async function lockNow() {
    const result = await action.run(() => invoke('authenticator.lock', {}));
    if (result.ok) {
      setPanel(undefined);
      apply(result.value);
    }
  }

  function added(next: AddReport) {
    setReport(next);
    setSearch('');
  }

  function content() {
    if (loadError)
      return (
        <div className="stack">
          <Alert tone="error">{t(`errors.${loadError.code}`)}</Alert>
          <div className="actions">
            <Button variant="secondary" onClick={() => void reload()}>
              {t('authenticator.tryAgain')}
            </Button>
          </div>
        </div>
      );
    if (!state)
      return (
        <p className="muted" role="status">
          {t('authenticator.loading')}
        </p>
      );
    if (state.locked) return <UnlockPanel hasPassword={state.lock.hasPassword} onUnlocked={apply} />;
    const list =
      entries.length === 0 ? (
        <p className="muted">{t('authenticator.empty')}</p>
      ) : shown.length === 0 ? (
        <p className="muted" role="status">
          {t('authenticator.noMatch', { search })}
        </p>
      ) : (
        <ul className="entries" aria-label={t('authenticator.listLabel')}>
          {shown.map((entry) => {
            const index = entries.indexOf(entry);
            return (
              <EntryRow
                key={entry.id}
                entry={entry}
                elapsedMs={Math.max(0, now - receivedAt)}
                first={index === 0}
                last={index === entries.length - 1}
                copiedFor={copiedNow?.id === entry.id ? copiedNow.seconds : undefined}
                onCopy={(code) => void copy(entry, code)}
                onNextCode={async () => {
                  const result = await invoke('authenticator.nextHotpCode', { id: entry.id });
                  if (result.ok) replaceEntry(result.value);
                  return result;
                }}
                onRename={async (names) => {
                  const result = await invoke('authenticator.rename', { id: entry.id, ...names });
                  if (result.ok) apply(result.value);
                  return result;
                }}
                onMove={(by) => void move(entry, by)}
                onDelete={() => {
                  removal.clear();
                  setDeleting(entry);
                }}
              />
            );
          })}
        </ul>
      );
    // From 900 px the codes and the tools (add, import, export, lock) sit side by side; below, the
    // tools come between the search and the codes as before (styles/components.css .codes-layout).
    return (
      <div className="codes-layout">
        <div className="codes-search toolbar">
          <TextField
            label={t('authenticator.search')}
            type="search"
            // Mounted again on unlocking, so the keyboard lands here instead of on nothing.
            autoFocus
            value={search}
            onChange={setSearch}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="codes-tools stack">
          <div className="actions">
            {panels.map((name) => (
              <Button
                key={name}
                variant={panel === name ? 'primary' : 'secondary'}
                aria-expanded={panel === name}
                aria-controls={`${id}-panel`}
                onClick={() => {
                  setPanel(panel === name ? undefined : name);
                  setReport(undefined);
                }}
              >
                {t(`authenticator.panel.${name}`)}
              </Button>
            ))}
            <Button variant="secondary" onClick={() => void lockNow()}>
              {t('authenticator.lockNow')}
            </Button>
          </div>
          <div id={`${id}-panel`}>
            {panel === 'add' ? <AddPanel capabilities={state.capabilities} onAdded={added} /> : null}
            {panel === 'import' ? <ImportPanel onImported={added} /> : null}
            {panel === 'export' ? <ExportPanel capabilities={state.capabilities} /> : null}
            {panel === 'lock' ? <LockSettingsPanel state={state} onChanged={apply} /> : null}
          </div>
          {report ? <AddReportView report={report} /> : null}
        </div>
        <div className="codes-list stack">
          {action.error.message ? <Alert tone="error">{action.error.message}</Alert> : null}
          {list}
        </div>
        {deleting ? (
          <ConfirmDialog
            title={t('authenticator.deleteTitle')}
            message={t('authenticator.deleteMessage', { name: entryName(deleting) })}
            confirmLabel={t('authenticator.delete')}
            busy={removal.busy}
            error={removal.error.message}
            onConfirm={() => void remove()}
            onCancel={() => setDeleting(undefined)}
          />
        ) : null}
      </div>
    );
  }

  return (
    <Card title={t('authenticator.title')} wide>
      <p className="muted">{online ? t('authenticator.intro') : t('authenticator.introOffline')}</p>
      {content()}
    </Card>
  );
}
