import { describeOtpauth, parseOtpauth } from '../otpauth';
import { DesktopError } from '../../ipc-router';
import { damagedFile, ImportCollector, unsupportedType, type ImportResult } from './import-result';

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
    if (names.type !== 'totp' && names.type !== 'hotp') {
      collector.skip({ ...names, reason: unsupportedType(names.type) });
      return;
    }
    try {
      const account = parseOtpauth(line);
      collector.add(position, { ...account });
    } catch (error) {
      collector.error(position, names.issuer, names.label, reasonOf(error));
    }
  });
  if (uris === 0) throw damagedFile('no otpauth:// line');
  return collector.result();
}

function reasonOf(error: unknown): string {
  return error instanceof DesktopError ? (error.details.reasons?.[0] ?? error.code) : 'invalid_entry';
}
