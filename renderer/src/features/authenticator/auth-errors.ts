import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  importFileProblems,
  importFormats,
  type ImportFileProblem,
  type ImportFormat,
} from '../../../../common/contract/authenticator-import';
import type { IpcError, IpcResult } from '../../../../common/contract/ipc';
import type { DescribedError, Translate } from '../../lib/errors';

/** Where account.ts's problem codes belong on a form. */
const problemField: Record<string, string> = {
  not_otpauth: 'uri',
  unsupported_type: 'uri',
  missing_label: 'label',
  invalid_label: 'label',
  invalid_issuer: 'issuer',
  missing_secret: 'secret',
  invalid_secret: 'secret',
  invalid_algorithm: 'algorithm',
  invalid_digits: 'digits',
  invalid_period: 'period',
  invalid_counter: 'counter',
};

export function problemText(t: Translate, problem: string): string {
  return t(`authenticator.problem.${problem}`, { defaultValue: t('authenticator.problem.invalid') });
}

const importCodes = ['damaged_file', 'password_required', 'wrong_password'];

/**
 * A refused import file in the user's words: main names the format the file looked like and, for a
 * damaged one, what is wrong (`reasons: [format, problem]`), so the sentence says what to do
 * ("This is an encrypted andOTP backup: enter its password"). Undefined for any other error.
 */
export function importRefusalText(t: Translate, error: IpcError): string | undefined {
  if (!importCodes.includes(error.code)) return undefined;
  const [format, problem] = error.reasons ?? [];
  if (!importFormats.includes(format as ImportFormat)) return undefined;
  const key =
    error.code === 'damaged_file'
      ? importFileProblems.includes(problem as ImportFileProblem)
        ? (problem as ImportFileProblem)
        : 'damaged'
      : error.code;
  return t(`authenticator.importRefusal.${key}`, { format: t(`authenticator.format.${format}`) });
}

/**
 * An authenticator error -> the screen's words: each bad field (a problem code from main, by field or
 * in `reasons`) next to its input, a wrong password next to the password, everything else in one
 * banner, with "try again in N seconds" where main said so.
 */
export function describeAuthError(
  error: IpcError,
  t: Translate,
  formFields: readonly string[],
): DescribedError {
  const fields: Record<string, string> = {};
  const place = (field: string | undefined, text: string) => {
    if (field !== undefined && formFields.includes(field)) {
      fields[field] ??= text;
      return true;
    }
    return false;
  };
  const wait = error.retryAfterSeconds ? t('errors.retryAfter', { seconds: error.retryAfterSeconds }) : '';
  let unplaced = false;

  if (error.code === 'invalid_otpauth' || error.code === 'validation_failed') {
    const reasons = error.reasons ?? [];
    const byField = Object.entries(error.fields ?? {});
    // A URI's problem arrives as an English sentence by field and its code in `reasons`.
    if (byField.length === 0 && reasons[0]) byField.push([problemField[reasons[0]] ?? 'uri', reasons[0]]);
    for (const [field, value] of byField) {
      const problem = /^[a-z_]+$/.test(value) ? value : (reasons[0] ?? 'invalid');
      const text = problemText(t, problem);
      // A pasted link has one field: whatever part of it is wrong is said there.
      if (!place(field, text) && !place(problemField[problem], text) && !place('uri', text)) unplaced = true;
    }
    if (byField.length > 0 && !unplaced) return { message: undefined, fields };
  }
  const refusal = importRefusalText(t, error);
  if (refusal !== undefined) {
    // A password problem is said at the password field, which the panel then shows and focuses.
    if (error.code !== 'damaged_file' && place('password', refusal)) return { message: undefined, fields };
    return { message: refusal, fields };
  }
  if (
    ['wrong_lock_password', 'wrong_password', 'password_required'].includes(error.code) &&
    formFields.includes('password')
  ) {
    const left =
      error.attemptsLeft === undefined ? '' : t('authenticator.attemptsLeft', { count: error.attemptsLeft });
    place('password', [t(`errors.${error.code}`), left, wait].filter(Boolean).join(' '));
    return { message: undefined, fields };
  }
  return { message: [t(`errors.${error.code}`), wait].filter(Boolean).join(' '), fields };
}

const none: DescribedError = { message: undefined, fields: {} };

/** One authenticator call behind a control: busy while it runs, its failure described for the form. */
export function useAuthCall(formFields: readonly string[] = []) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DescribedError>(none);

  async function run<T>(call: () => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
    setBusy(true);
    setError(none);
    try {
      const result = await call();
      if (!result.ok)
        setError(describeAuthError(result.error, (key, options) => t(key, options ?? {}), formFields));
      return result;
    } finally {
      setBusy(false);
    }
  }

  return {
    busy,
    error,
    run,
    clear: () => setError(none),
    fail: (message: string) => setError({ message, fields: {} }),
    /** A refusal found before anything was sent (the form's own checks), described like main's. */
    refuse: (refusal: IpcError) =>
      setError(describeAuthError(refusal, (key, options) => t(key, options ?? {}), formFields)),
  };
}
