import type { IpcError } from '../../../common/contract/ipc';

/** i18next's `t`, narrowed to what this module needs (so tests can pass a real instance's). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface DescribedError {
  /** For the banner above the form; undefined when every problem sits next to its field. */
  message: string | undefined;
  /** Form field name -> the problem in the user's words. */
  fields: Record<string, string>;
}

/**
 * An IPC error -> what the screen shows, in the user's words, from the code (never the English message
 * that came with it): `validation_failed` fields and `weak_password` reasons go next to their field,
 * everything else into one banner, with "try again in N seconds" where the server said so.
 */
export function describeError(error: IpcError, t: Translate, formFields: readonly string[]): DescribedError {
  const fields: Record<string, string> = {};
  const known = (name: string) => formFields.includes(name);

  if (error.code === 'validation_failed' && error.fields) {
    let unplaced = false;
    for (const [path, reason] of Object.entries(error.fields)) {
      const name = path.split('.')[0] ?? path;
      if (!known(name)) {
        unplaced = true;
        continue;
      }
      fields[name] ??= t(`fieldError.${reason}`, { defaultValue: t('fieldError.invalid') });
    }
    return { message: unplaced ? t('errors.validation_failed') : undefined, fields };
  }
  if (error.code === 'weak_password' && known('password')) {
    const reasons = (error.reasons ?? []).map((reason) =>
      t(`passwordProblem.${reason}`, { defaultValue: t('errors.weak_password') }),
    );
    fields.password = reasons.length > 0 ? reasons.join(' ') : t('errors.weak_password');
    return { message: undefined, fields };
  }
  if (error.code === 'invalid_email' && known('email')) {
    fields.email = t('fieldError.invalid_email');
    return { message: undefined, fields };
  }
  if (error.code === 'invalid_phone' && known('phone')) {
    fields.phone = t('errors.invalid_phone');
    return { message: undefined, fields };
  }
  if (error.code === 'invalid_code' && known('code')) {
    const left = error.attemptsLeft;
    fields.code = [t('errors.invalid_code'), left === undefined ? '' : t('mfa.attemptsLeft', { count: left })]
      .filter(Boolean)
      .join(' ');
    return { message: undefined, fields };
  }
  const base = t(`errors.${error.code}`);
  const wait = error.retryAfterSeconds;
  return { message: wait ? `${base} ${t('errors.retryAfter', { seconds: wait })}` : base, fields };
}
