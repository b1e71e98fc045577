import { DesktopError } from '../../ipc-router';
import { toOtpAccount, type OtpAccount, type OtpAccountInput } from '../account';

/** An entry of another app's file that this app cannot use (Steam, Yandex, mOTP…), named, never dropped. */
export interface UnsupportedEntry {
  issuer: string;
  label: string;
  type: string;
  reason: string;
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

export function unsupportedType(type: string): string {
  return `${type.toUpperCase()} entries are not supported by this app.`;
}

export function damagedFile(why: string): DesktopError {
  return new DesktopError('damaged_file', { reasons: [why] });
}

function reasonOf(error: unknown): string {
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
