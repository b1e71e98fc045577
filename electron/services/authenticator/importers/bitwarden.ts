import { parse as parseCsv } from 'csv-parse/sync';
import { describeOtpauth, parseOtpauth } from '../otpauth';
import {
  damagedFile,
  ImportCollector,
  parseJson,
  reasonOf,
  record,
  text,
  type ImportResult,
} from './import-result';

/**
 * Bitwarden's vault export (bitwarden.com/help/export-your-data/): JSON `{ encrypted: false, items }`
 * or CSV with a `login_totp` column. The TOTP field holds an otpauth:// link, `steam://<secret>`, or a
 * bare Base32 secret (TOTP with the defaults, named after the item). Items without one are not
 * accounts of an authenticator and are passed over. A password-protected or account-restricted
 * export (`encrypted: true`) is refused: it is encrypted with Bitwarden's own scheme.
 */
export function importBitwardenJson(content: string): ImportResult {
  const file = record(parseJson(content, 'bitwarden_json'));
  if (file?.encrypted === true) throw damagedFile('bitwarden_encrypted', 'unsupported_encryption');
  if (!file || !Array.isArray(file.items)) throw damagedFile('bitwarden_json');
  const rows = file.items.map((item: unknown) => {
    const entry = record(item);
    return {
      name: text(entry?.name),
      username: text(record(entry?.login)?.username),
      totp: text(record(entry?.login)?.totp),
    };
  });
  return readRows(rows);
}

export function importBitwardenCsv(content: string): ImportResult {
  let records: Record<string, string>[];
  try {
    records = parseCsv(content, {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      relax_column_count: true,
    });
  } catch {
    throw damagedFile('bitwarden_csv');
  }
  return readRows(
    records.map((row) => ({
      name: row.name ?? '',
      username: row.login_username ?? '',
      totp: row.login_totp ?? '',
    })),
  );
}

/** True when a CSV's first line is Bitwarden's header (it names the TOTP column). */
export function isBitwardenCsv(content: string): boolean {
  const header = content.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return header.split(',').includes('login_totp');
}

function readRows(rows: { name: string; username: string; totp: string }[]): ImportResult {
  const collector = new ImportCollector();
  rows.forEach(({ name, username, totp }, index) => {
    const value = totp.trim();
    const position = index + 1;
    if (value === '') return;
    if (/^steam:\/\//i.test(value)) {
      return collector.add(position, {
        type: 'steam',
        issuer: 'Steam',
        label: username || name || 'Steam',
        secret: value.slice('steam://'.length),
      });
    }
    if (!/^otpauth:\/\//i.test(value)) {
      return collector.add(position, { type: 'totp', issuer: name, label: username || name, secret: value });
    }
    let names: { type: string; issuer: string; label: string };
    try {
      names = describeOtpauth(value);
    } catch (error) {
      return collector.error(position, name, username, reasonOf(error));
    }
    if (!['totp', 'hotp', 'steam'].includes(names.type))
      return collector.skip({ ...names, reason: 'unsupported_type' });
    try {
      collector.add(position, parseOtpauth(value));
    } catch (error) {
      collector.error(position, names.issuer, names.label, reasonOf(error));
    }
  });
  return collector.result();
}
