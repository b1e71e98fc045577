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
 * Proton Authenticator's export (github.com/protonpass/proton-authenticator): `{ version: 1,
 * entries: [{ id, content: { uri, entry_type, name }, note }] }`, each account an otpauth:// link
 * (Steam ones `steam://`). Its password-protected export (`{ version, salt, content }`, Argon2 and
 * AES-GCM) is not publicly specified as a file format: it is refused with what to do instead.
 */
export function importProton(content: string): ImportResult {
  const file = record(parseJson(content, 'proton'));
  if (file && !Array.isArray(file.entries) && typeof file.salt === 'string')
    throw damagedFile('proton_encrypted', 'unsupported_encryption');
  if (!file || !Array.isArray(file.entries)) throw damagedFile('proton');
  const collector = new ImportCollector();
  file.entries.forEach((item: unknown, index) => {
    const body = record(record(item)?.content);
    const uri = text(body?.uri);
    const name = text(body?.name);
    const position = index + 1;
    if (!body) return collector.error(position, '', '', 'damaged_entry');
    const steam = /^steam:\/\/([^?#/]*)/i.exec(uri);
    if (steam)
      return collector.add(position, {
        type: 'steam',
        issuer: 'Steam',
        label: name || 'Steam',
        secret: steam[1] ?? '',
      });
    let names: { type: string; issuer: string; label: string };
    try {
      names = describeOtpauth(uri);
    } catch (error) {
      return collector.error(position, '', name, reasonOf(error));
    }
    if (!['totp', 'hotp', 'steam'].includes(names.type))
      return collector.skip({ ...names, reason: 'unsupported_type' });
    try {
      // The entry's own name is what Proton shows; the link's label is the fallback.
      collector.add(position, { ...parseOtpauth(uri), label: name || names.label });
    } catch (error) {
      collector.error(position, names.issuer, name || names.label, reasonOf(error));
    }
  });
  return collector.result();
}
