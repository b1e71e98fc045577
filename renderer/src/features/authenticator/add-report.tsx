import { useTranslation } from 'react-i18next';
import type { AddReport } from '../../../../common/contract/ipc-authenticator';
import { Alert } from '../../components/alert';
import { problemText } from './auth-errors';
import { entryName } from './format';

/**
 * What an add or import did, by name: added, already in the list, not supported (e.g. Steam), not
 * readable (by its place in the file and why). Nothing is left out silently.
 */
export function AddReportView({ report }: { report: AddReport }) {
  const { t } = useTranslation();
  const { added, duplicates, unsupported, errors } = report;
  const translate = (key: string, options?: Record<string, unknown>) => t(key, options ?? {});
  const problems = unsupported.length + errors.length > 0;
  return (
    <Alert tone={added.length === 0 || problems ? 'warning' : 'success'}>
      <div className="report">
        <p>
          <strong>{t('authenticator.report.added', { count: added.length })}</strong>
        </p>
        {added.length > 0 ? <NameList names={added.map(entryName)} /> : null}
        {duplicates.length > 0 ? (
          <>
            <p>{t('authenticator.report.duplicates', { count: duplicates.length })}</p>
            <NameList names={duplicates.map(entryName)} />
          </>
        ) : null}
        {unsupported.length > 0 ? (
          <>
            <p>{t('authenticator.report.unsupported', { count: unsupported.length })}</p>
            <NameList
              names={unsupported.map((entry) =>
                t(
                  entry.reason === 'unsupported_algorithm'
                    ? 'authenticator.report.unsupportedAlgorithm'
                    : 'authenticator.report.unsupportedEntry',
                  { name: entryName(entry) || '—', type: entry.type.toUpperCase() },
                ),
              )}
            />
          </>
        ) : null}
        {errors.length > 0 ? (
          <>
            <p>{t('authenticator.report.errors', { count: errors.length })}</p>
            <NameList
              names={errors.map((entry) =>
                t('authenticator.report.errorEntry', {
                  position: entry.position,
                  name: entryName(entry) || '—',
                  reason: problemText(translate, entry.reason),
                }),
              )}
            />
          </>
        ) : null}
      </div>
    </Alert>
  );
}

function NameList({ names }: { names: string[] }) {
  return (
    <ul className="report-list">
      {names.map((name, index) => (
        <li key={`${index}-${name}`}>{name}</li>
      ))}
    </ul>
  );
}
