import type { AddReport } from '../../../common/contract/ipc-authenticator';
import { DesktopError } from '../desktop-error';
import {
  cleanText,
  normaliseSecret,
  otpProblem,
  parseAlgorithm,
  parseCounter,
  parseDigits,
  parsePeriod,
  type AuthenticatorEntry,
  type OtpAccount,
  type OtpProblem,
} from './account';
import { importGoogleMigration } from './importers/google-migration';
import type { ImportResult } from './importers/import-result';
import { importOtpauthList } from './importers/otpauth-list';
import { parseOtpauth } from './otpauth';

/**
 * From what the user handed over (a pasted URI, a QR code's text, typed fields) to accounts, and
 * from accounts to what was added: the turning points shared by every way of adding an entry.
 */

function single(account: OtpAccount): ImportResult {
  return { entries: [account], report: { imported: 1, unsupported: [], errors: [] } };
}

/**
 * Pasted or dropped text: one otpauth:// URI (a bad one is refused with the reason by field), a list
 * of them (one a line, bad lines reported), or Google's otpauth-migration:// export.
 */
export function accountsFromText(input: string): ImportResult {
  const text = input.trim();
  const lines = text.split(/\s*\n\s*/).filter((line) => line !== '');
  const lower = text.toLowerCase();
  // Another OTP scheme's link (mOTP, Yandex) is named as unsupported, not as "not a link".
  if (lines.length === 1 && /^(motp|yandex):\/\//.test(lower)) throw otpProblem('unsupported_type');
  if (lower.startsWith('otpauth-migration://')) return importGoogleMigration(text);
  if (lines.length === 1 && lower.startsWith('otpauth://')) return single(parseOtpauth(text));
  if (lines.length > 1 && lines.every((line) => line.toLowerCase().startsWith('otpauth://')))
    return importOtpauthList(text);
  throw new DesktopError('invalid_otpauth', { fields: { uri: 'not_otpauth' }, reasons: ['not_otpauth'] });
}

/** A QR code's text: only the two authenticator formats; any other QR code is named as such. */
export function accountsFromQr(text: string): ImportResult {
  const lower = text.trim().toLowerCase();
  if (/^(motp|yandex):\/\//.test(lower)) throw otpProblem('unsupported_type');
  if (!lower.startsWith('otpauth://') && !lower.startsWith('otpauth-migration://'))
    throw new DesktopError('not_authenticator_qr');
  return accountsFromText(text);
}

/** The contract's defaults (TOTP, SHA1, 6 digits, 30 s) where a field was left out. */
export interface ManualInput {
  /** Steam: algorithm, digits and period are Steam's own (SHA1, 5 characters, 30 s), whatever was sent. */
  type?: 'totp' | 'hotp' | 'steam' | undefined;
  issuer?: string | undefined;
  label: string;
  secret: string;
  algorithm?: string | undefined;
  digits?: number | undefined;
  period?: number | undefined;
  counter?: number | undefined;
}

/**
 * Typed fields, every problem at once: `invalid_otpauth` with `fields` naming each bad field by its
 * problem code (the screen words it), so the user fixes them in one go.
 */
export function accountFromManual(input: ManualInput): ImportResult {
  const fields: Record<string, OtpProblem> = {};
  const check = <T>(field: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      const problem = error instanceof DesktopError ? error.details.reasons?.[0] : undefined;
      if (problem === undefined) throw error;
      fields[field] = problem as OtpProblem;
      return undefined;
    }
  };
  const type = input.type ?? 'totp';
  const issuer = check('issuer', () => cleanText(input.issuer ?? '', 'invalid_issuer'));
  const label = check('label', () => {
    const clean = cleanText(input.label, 'invalid_label');
    if (clean === '') throw new DesktopError('invalid_otpauth', { reasons: ['missing_label'] });
    return clean;
  });
  const secret = check('secret', () => normaliseSecret(input.secret));
  const steam = type === 'steam';
  const algorithm = steam ? 'SHA1' : check('algorithm', () => parseAlgorithm(input.algorithm ?? 'SHA1'));
  const digits = steam ? 5 : check('digits', () => parseDigits(input.digits ?? 6));
  const period = type === 'totp' ? check('period', () => parsePeriod(input.period ?? 30)) : undefined;
  const counter = type === 'hotp' ? check('counter', () => parseCounter(input.counter ?? 0)) : undefined;
  if (Object.keys(fields).length > 0)
    throw new DesktopError('invalid_otpauth', { fields, reasons: Object.values(fields) });
  const base = {
    issuer: issuer ?? '',
    label: label ?? '',
    secret: secret ?? '',
    algorithm: algorithm ?? 'SHA1',
    digits: digits ?? 6,
  };
  if (type === 'steam') return single({ type: 'steam', ...base, algorithm: 'SHA1', digits: 5, period: 30 });
  return single(
    type === 'totp'
      ? { type: 'totp', ...base, period: period ?? 30 }
      : { type: 'hotp', ...base, counter: counter ?? 0 },
  );
}

/** Two entries that make the same codes are one entry, whatever they are called. */
export function codesKey(account: OtpAccount): string {
  const timing = account.type === 'totp' ? account.period : 'counter';
  return [account.type, account.secret, account.algorithm, account.digits, timing].join('|');
}

/** The accounts not in the list yet (nor twice in the batch), and the ones that are, by name. */
export function withoutDuplicates(
  existing: readonly OtpAccount[],
  accounts: readonly OtpAccount[],
): { fresh: OtpAccount[]; duplicates: AddReport['duplicates'] } {
  const seen = new Set(existing.map(codesKey));
  const fresh: OtpAccount[] = [];
  const duplicates: AddReport['duplicates'] = [];
  for (const account of accounts) {
    const key = codesKey(account);
    if (seen.has(key)) duplicates.push({ issuer: account.issuer, label: account.label });
    else {
      seen.add(key);
      fresh.push(account);
    }
  }
  return { fresh, duplicates };
}

/** The report the screen shows: names and reasons only, never a secret. */
export function addReportOf(
  added: readonly AuthenticatorEntry[],
  duplicates: AddReport['duplicates'],
  result: ImportResult,
): AddReport {
  return {
    added: added.map(({ id, issuer, label }) => ({ id, issuer, label })),
    duplicates,
    unsupported: result.report.unsupported.map(({ issuer, label, type, reason }) => ({
      issuer,
      label,
      type,
      reason,
    })),
    errors: result.report.errors.map(({ position, issuer, label, reason }) => ({
      position,
      issuer,
      label,
      reason,
    })),
    cancelled: false,
  };
}

export const cancelledReport: AddReport = {
  added: [],
  duplicates: [],
  unsupported: [],
  errors: [],
  cancelled: true,
};
