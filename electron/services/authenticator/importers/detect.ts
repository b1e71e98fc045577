import { maxImportLength } from '../../../../common/contract/authenticator-limits';
import { importAegis } from './aegis';
import { importAndOtp, importAndOtpEncrypted } from './andotp';
import {
  authenticatorProHeader,
  authenticatorProLegacyHeader,
  importAuthenticatorPro,
  importAuthenticatorProEncrypted,
} from './authenticator-pro';
import { importBitwardenCsv, importBitwardenJson, isBitwardenCsv } from './bitwarden';
import { importEncryptedBackup } from './encrypted-backup';
import { utf8Text } from './file-crypto';
import { importFreeOtpBackup, importFreeOtpPlus, importFreeOtpXml, javaSerializationMagic } from './freeotp';
import { importGoogleMigration } from './google-migration';
import { damagedFile, record, type ImportResult } from './import-result';
import { importOtpauthList } from './otpauth-list';
import { importProton } from './proton';
import { importSteam, isSteamFile } from './steam';
import { importTwoFas } from './two-fas';

/** The reader a file goes to: one per format family, each in its own module. */
type Reader =
  | 'wem_backup'
  | 'aegis'
  | 'two_fas'
  | 'google_migration'
  | 'otpauth_list'
  | 'andotp'
  | 'andotp_encrypted'
  | 'freeotp'
  | 'freeotp_backup'
  | 'freeotp_plus'
  | 'bitwarden_json'
  | 'bitwarden_csv'
  | 'authenticator_pro'
  | 'authenticator_pro_encrypted'
  | 'proton'
  | 'steam';

/**
 * Which reader takes this file, judged by its content, never its name: binary magic first (FreeOTP
 * 2's Java serialization, Authenticator Pro's headers), then the shape of the text (JSON keys, XML,
 * CSV header, links). A binary file of no known shape is taken as an encrypted andOTP backup, the
 * one format without a marker, as andOTP's own readers do; its password then decides.
 */
export function detectImportFormat(bytes: Buffer): Reader {
  if (bytes.length >= 2 && bytes.readUInt16BE(0) === javaSerializationMagic) return 'freeotp_backup';
  const head = bytes.subarray(0, 16).toString('latin1');
  if (head === authenticatorProHeader || head === authenticatorProLegacyHeader)
    return 'authenticator_pro_encrypted';
  const content = utf8Text(bytes);
  // eslint-disable-next-line no-control-regex
  if (content === undefined || /\u0000/.test(content)) return 'andotp_encrypted';
  const trimmed = content.trim();
  const lower = trimmed.toLowerCase();
  if (lower.startsWith('otpauth-migration://')) return 'google_migration';
  if (trimmed.startsWith('<')) return 'freeotp';
  if (trimmed.startsWith('[')) return 'andotp';
  if (trimmed.startsWith('{')) {
    let json: Record<string, unknown> | undefined;
    try {
      json = record(JSON.parse(trimmed));
    } catch {
      throw damagedFile('unknown', 'damaged');
    }
    if (!json) throw damagedFile('unknown', 'not_recognised');
    if (json.format === 'wem-authenticator-backup') return 'wem_backup';
    if ('header' in json && 'db' in json) return 'aegis';
    if ('schemaVersion' in json && ('services' in json || 'servicesEncrypted' in json)) return 'two_fas';
    if ('Authenticators' in json) return 'authenticator_pro';
    if ('tokens' in json && 'tokenOrder' in json) return 'freeotp_plus';
    if ('items' in json || ('encrypted' in json && 'encKeyValidation_DO_NOT_EDIT' in json))
      return 'bitwarden_json';
    if ('entries' in json || ('salt' in json && 'content' in json)) return 'proton';
    if (isSteamFile(json)) return 'steam';
    throw damagedFile('unknown', 'not_recognised');
  }
  if (isBitwardenCsv(trimmed)) return 'bitwarden_csv';
  return 'otpauth_list';
}

/**
 * Reads any supported file; `password` for encrypted ones. Never changes the vault. A refusal is
 * `damaged_file`, `password_required` or `wrong_password` with `reasons: [format, problem?]`.
 */
export async function importAny(input: string | Buffer, password?: string): Promise<ImportResult> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > maxImportLength) throw damagedFile('unknown', 'damaged');
  const reader = detectImportFormat(bytes);
  const content = () => utf8Text(bytes)?.replace(/^\uFEFF/, '') ?? '';
  switch (reader) {
    case 'wem_backup':
      return importEncryptedBackup(content(), password);
    case 'aegis':
      return importAegis(content(), password);
    case 'two_fas':
      return importTwoFas(content(), password);
    case 'google_migration':
      return importGoogleMigration(content());
    case 'otpauth_list':
      return importOtpauthList(content());
    case 'andotp':
      return importAndOtp(content());
    case 'andotp_encrypted':
      return importAndOtpEncrypted(bytes, password);
    case 'freeotp':
      return importFreeOtpXml(content());
    case 'freeotp_backup':
      return importFreeOtpBackup(bytes, password);
    case 'freeotp_plus':
      return importFreeOtpPlus(content());
    case 'bitwarden_json':
      return importBitwardenJson(content());
    case 'bitwarden_csv':
      return importBitwardenCsv(content());
    case 'authenticator_pro':
      return importAuthenticatorPro(content());
    case 'authenticator_pro_encrypted':
      return importAuthenticatorProEncrypted(bytes, password);
    case 'proton':
      return importProton(content());
    case 'steam':
      return importSteam(content());
  }
}
