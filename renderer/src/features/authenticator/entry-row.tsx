import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CodeViewPayload } from '../../../../common/contract/ipc-authenticator';
import type { IpcResult } from '../../../../common/contract/ipc';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { TextField } from '../../components/text-field';
import { problemText, useAuthCall } from './auth-errors';
import { CountdownRing } from './countdown-ring';
import { entryName, groupDigits, shownCode } from './format';

interface EntryRowProps {
  entry: CodeViewPayload;
  /** Milliseconds since main computed the codes. */
  elapsedMs: number;
  first: boolean;
  last: boolean;
  /** Seconds until a copied code leaves the clipboard, while "Copied" shows. */
  copiedFor: number | undefined;
  onCopy: (code: string) => void;
  onNextCode: () => Promise<IpcResult<unknown>>;
  onRename: (names: { issuer: string; label: string }) => Promise<IpcResult<unknown>>;
  onMove: (by: -1 | 1) => void;
  onDelete: () => void;
}

/** One account: its names, its code in two groups, the next code and the ring; edits behind "Edit". */
export function EntryRow(props: EntryRowProps) {
  const { entry, elapsedMs, copiedFor } = props;
  const { t } = useTranslation();
  const id = useId();
  const [editing, setEditing] = useState(false);
  const next = useAuthCall();
  const shown = shownCode(entry, elapsedMs);
  const name = entryName(entry);

  return (
    <li className="entry" aria-labelledby={`${id}-name`}>
      <div className="entry-main">
        <p className="entry-names" id={`${id}-name`}>
          <span className="entry-issuer">{entry.issuer || entry.label}</span>
          {entry.issuer && entry.label ? <span className="entry-label">{entry.label}</span> : null}
        </p>
        {entry.problem !== null ? (
          <p className="entry-problem" data-testid="entry-problem">
            <strong>⚠ {t('authenticator.entryProblemLabel')}</strong>{' '}
            {t('authenticator.entryProblem', {
              reason: problemText((key, options) => t(key, options ?? {}), entry.problem),
            })}
          </p>
        ) : (
          <p className="entry-code">
            <span className="code" data-testid="code">
              {groupDigits(shown.code)}
            </span>
            {shown.nextCode ? (
              <span className="next-code">
                {t('authenticator.next')} <span data-testid="next-code">{groupDigits(shown.nextCode)}</span>
              </span>
            ) : null}
          </p>
        )}
      </div>
      {shown.secondsLeft !== null && entry.period !== null ? (
        <CountdownRing secondsLeft={shown.secondsLeft} period={entry.period} />
      ) : null}
      <div className="entry-actions">
        <Button
          variant="secondary"
          disabled={entry.problem !== null}
          onClick={() => props.onCopy(shown.code)}
          aria-label={
            copiedFor === undefined
              ? t('authenticator.copyNamed', { name })
              : t('authenticator.copiedNamed', { name })
          }
        >
          {copiedFor === undefined ? t('authenticator.copy') : t('authenticator.copied')}
        </Button>
        {entry.type === 'hotp' ? (
          <Button
            variant="secondary"
            busy={next.busy}
            onClick={() => void next.run(props.onNextCode)}
            aria-label={t('authenticator.nextCodeNamed', { name })}
          >
            {t('authenticator.nextCode')}
          </Button>
        ) : null}
        <Button
          variant="link"
          aria-expanded={editing}
          aria-controls={`${id}-edit`}
          aria-label={t('authenticator.editNamed', { name })}
          onClick={() => setEditing(!editing)}
        >
          {t('authenticator.edit')}
        </Button>
      </div>
      <p className="entry-status small muted" role="status">
        {copiedFor === undefined ? '' : t('authenticator.copiedNote', { count: copiedFor })}
      </p>
      {next.error.message ? <Alert tone="error">{next.error.message}</Alert> : null}
      {editing ? <EntryEdit {...props} id={`${id}-edit`} onDone={() => setEditing(false)} /> : null}
    </li>
  );
}

function EntryEdit({
  entry,
  first,
  last,
  onRename,
  onMove,
  onDelete,
  id,
  onDone,
}: EntryRowProps & { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [issuer, setIssuer] = useState(entry.issuer);
  const [label, setLabel] = useState(entry.label);
  const rename = useAuthCall(['issuer', 'label']);
  const name = entryName(entry);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await rename.run(() => onRename({ issuer, label }));
    if (result.ok) onDone();
  }

  return (
    <div className="entry-edit" id={id}>
      <form className="stack" noValidate onSubmit={(event) => void save(event)}>
        <div className="row">
          <TextField
            label={t('authenticator.field.issuer')}
            value={issuer}
            onChange={setIssuer}
            error={rename.error.fields.issuer}
            maxLength={200}
          />
          <TextField
            label={t('authenticator.field.label')}
            value={label}
            onChange={setLabel}
            error={rename.error.fields.label}
            maxLength={200}
          />
        </div>
        <div className="actions">
          <Button type="submit" busy={rename.busy} busyLabel={t('common.busy')}>
            {t('authenticator.saveName')}
          </Button>
        </div>
      </form>
      {rename.error.message ? <Alert tone="error">{rename.error.message}</Alert> : null}
      <div className="actions">
        <Button
          variant="secondary"
          disabled={first}
          onClick={() => onMove(-1)}
          aria-label={t('authenticator.moveUpNamed', { name })}
        >
          {t('authenticator.moveUp')}
        </Button>
        <Button
          variant="secondary"
          disabled={last}
          onClick={() => onMove(1)}
          aria-label={t('authenticator.moveDownNamed', { name })}
        >
          {t('authenticator.moveDown')}
        </Button>
        <Button variant="secondary" onClick={onDelete} aria-label={t('authenticator.deleteNamed', { name })}>
          {t('authenticator.delete')}
        </Button>
      </div>
    </div>
  );
}
