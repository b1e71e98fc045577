import { describeOtpauth, parseOtpauth } from '../otpauth';
import { DesktopError } from '../../desktop-error';
import { damagedFile, ImportCollector, type ImportResult } from './import-result';

/** Links of other OTP schemes that lists hold (mOTP's `motp://`): named as unsupported, not as bad lines. */
const otherScheme = /^(motp|yandex|steam):\/\/([^/?#]*)/i;

/**
 * A text file with one otpauth:// URI per line (what many apps export, and ours too). Blank lines
 * are skipped; a line of another type is named as unsupported; a bad line is an error with its
 * number; a file without a single otpauth:// line is damaged.
 */
export function importOtpauthList(content: string): ImportResult {
  const collector = new ImportCollector();
  let uris = 0;
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const position = index + 1;
    const other = otherScheme.exec(line);
    if (other && other[1]?.toLowerCase() === 'steam') {
      // Bitwarden's steam://<secret>; a list from it is read the same way.
      uris += 1;
      collector.add(position, { type: 'steam', issuer: 'Steam', label: 'Steam', secret: other[2] ?? '' });
      return;
    }
    if (other) {
      uris += 1;
      collector.skip({
        issuer: '',
        label: labelOf(line),
        type: other[1]!.toLowerCase(),
        reason: 'unsupported_type',
      });
      return;
    }
    if (!line.toLowerCase().startsWith('otpauth://')) {
      collector.error(position, '', '', 'not_otpauth');
      return;
    }
    uris += 1;
    let names: { type: string; issuer: string; label: string };
    try {
      names = describeOtpauth(line);
    } catch (error) {
      collector.error(position, '', '', reasonOf(error));
      return;
    }
    if (names.type !== 'totp' && names.type !== 'hotp' && names.type !== 'steam') {
      collector.skip({ ...names, reason: 'unsupported_type' });
      return;
    }
    try {
      const account = parseOtpauth(line);
      collector.add(position, { ...account });
    } catch (error) {
      collector.error(position, names.issuer, names.label, reasonOf(error));
    }
  });
  if (uris === 0) throw damagedFile('unknown', 'not_recognised');
  return collector.result();
}

function reasonOf(error: unknown): string {
  return error instanceof DesktopError ? (error.details.reasons?.[0] ?? error.code) : 'invalid_entry';
}

/** The name part of another scheme's link (`motp://issuer:name?secret=…`), for the report. */
function labelOf(line: string): string {
  const path = line.replace(/^[a-z]+:\/\//i, '').split(/[?#]/)[0] ?? '';
  try {
    return decodeURIComponent(path).slice(0, 200);
  } catch {
    return path.slice(0, 200);
  }
}
