import type { ImportFileProblem, ImportFormat } from '../../../../common/contract/authenticator-import';
import { DesktopError } from '../../desktop-error';
import { toOtpAccount, type OtpAccount, type OtpAccountInput } from '../account';

/** An entry of another app's file that this app cannot use (Yandex, mOTP, MD5…), named, never dropped. */
export interface UnsupportedEntry {
  issuer: string;
  label: string;
  type: string;
  /** `unsupported_type` or `unsupported_algorithm`: the screen words it with `type`. */
  reason: 'unsupported_type' | 'unsupported_algorithm';
}

/** An entry that could not be read; `position` is its 1-based place in the file. Never holds the secret. */
export interface ImportError {
  position: number;
  issuer: string;
  label: string;
  reason: string;
}

export interface ImportReport {
  imported: number;
  unsupported: UnsupportedEntry[];
  errors: ImportError[];
}

/**
 * What an importer read: the accounts to add and a report for the user. Importers only read; the
 * vault adds `entries` in one write, so a refused file (wrong_password, damaged_file) changes nothing.
 */
export interface ImportResult {
  entries: OtpAccount[];
  report: ImportReport;
}

/** Collects entries and the report as an importer walks a file. */
export class ImportCollector {
  private readonly entries: OtpAccount[] = [];
  private readonly unsupported: UnsupportedEntry[] = [];
  private readonly errors: ImportError[] = [];

  /** Validates one entry; a refused one is reported with the refused part, never the secret. */
  add(position: number, input: OtpAccountInput): void {
    try {
      this.entries.push(toOtpAccount(input));
    } catch (error) {
      this.error(position, input.issuer ?? '', input.label, reasonOf(error));
    }
  }

  /**
   * An entry of any type as another app names it: TOTP, HOTP and Steam are added (checked), any
   * other type is named as unsupported.
   */
  addAnyType(position: number, input: Omit<OtpAccountInput, 'type'> & { type: string }): void {
    const type = input.type.toLowerCase();
    if (type === 'totp' || type === 'hotp' || type === 'steam') this.add(position, { ...input, type });
    else this.skip({ issuer: input.issuer ?? '', label: input.label, type, reason: 'unsupported_type' });
  }

  skip(entry: UnsupportedEntry): void {
    this.unsupported.push(entry);
  }

  error(position: number, issuer: string, label: string, reason: string): void {
    this.errors.push({ position, issuer, label, reason });
  }

  result(): ImportResult {
    return {
      entries: this.entries,
      report: { imported: this.entries.length, unsupported: this.unsupported, errors: this.errors },
    };
  }
}

/** A whole file refused: the format it looked like and what is wrong, both codes the screen words. */
export function damagedFile(format: ImportFormat, problem: ImportFileProblem = 'damaged'): DesktopError {
  return new DesktopError('damaged_file', { reasons: [format, problem] });
}

/** An encrypted file without a password: the screen asks for it, naming the format. */
export function passwordRequired(format: ImportFormat): DesktopError {
  return new DesktopError('password_required', { reasons: [format] });
}

/** The password does not open the file (for GCM files, also a changed ciphertext: far the likelier is the password). */
export function wrongPassword(format: ImportFormat): DesktopError {
  return new DesktopError('wrong_password', { reasons: [format] });
}

/** JSON text, or the file refused as a damaged one of `format`. */
export function parseJson(content: string, format: ImportFormat): unknown {
  try {
    return JSON.parse(content);
  } catch {
    throw damagedFile(format);
  }
}

export function reasonOf(error: unknown): string {
  if (error instanceof DesktopError) return error.details.reasons?.[0] ?? error.code;
  return 'invalid_entry';
}

/** A JSON value's field as a string or number, for reading other apps' files without trusting them. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && value !== ''
      ? Number(value)
      : undefined;
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
