import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcResult } from '../../../common/contract/ipc';
import { describeError, type DescribedError } from './errors';

const none: DescribedError = { message: undefined, fields: {} };

/**
 * One IPC call behind a form: busy while it waits, a failure described in the user's words with the
 * problems placed next to `formFields`. The screen gets the envelope back to branch on the code;
 * codes it handles itself (`handled`) are not shown as an error.
 */
export function useSubmit(formFields: readonly string[]) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DescribedError>(none);
  const [code, setCode] = useState<string | undefined>();

  async function run<T>(
    call: () => Promise<IpcResult<T>>,
    handled: readonly string[] = [],
  ): Promise<IpcResult<T>> {
    setBusy(true);
    setError(none);
    setCode(undefined);
    try {
      const result = await call();
      if (!result.ok) setCode(result.error.code);
      if (!result.ok && !handled.includes(result.error.code))
        setError(describeError(result.error, (key, options) => t(key, options ?? {}), formFields));
      return result;
    } finally {
      setBusy(false);
    }
  }

  /** `code`: the last failure's error code, for screens that change course on it. */
  return { busy, error, code, run };
}
