import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { Checkbox } from '../../components/checkbox';
import { recoveryCodesFile } from './setup-texts';

/**
 * Recovery codes, shown once: copy them or save them to a file, and say you did before leaving. The
 * codes live only in this component's state; nothing stores them in the renderer.
 */
export function RecoveryCodes({
  codes,
  email,
  onDone,
}: {
  codes: readonly string[];
  email: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();

  async function copy() {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  function save() {
    const blob = new Blob([recoveryCodesFile(codes, email, new Date())], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = 'wem-account-recovery-codes.txt';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  return (
    <Card title={t('recovery.title')}>
      <div className="stack">
        <Alert tone="warning">{t('recovery.showOnce')}</Alert>
        <ol className="recovery-codes" aria-label={t('recovery.listLabel')}>
          {codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <div className="actions">
          <Button variant="secondary" onClick={() => void copy()}>
            {t('recovery.copy')}
          </Button>
          <Button variant="secondary" onClick={save}>
            {t('recovery.save')}
          </Button>
        </div>
        {copied === 'yes' ? <Alert tone="success">{t('recovery.copied')}</Alert> : null}
        {copied === 'failed' ? <Alert tone="error">{t('recovery.copyFailed')}</Alert> : null}
        <Checkbox label={t('recovery.confirm')} checked={saved} onChange={setSaved} />
        <div className="actions">
          <Button disabled={!saved} onClick={onDone}>
            {t('recovery.done')}
          </Button>
        </div>
      </div>
    </Card>
  );
}
