import { importAegis } from './aegis';
import { importEncryptedBackup } from './encrypted-backup';
import { importGoogleMigration } from './google-migration';
import { damagedFile, record, type ImportResult } from './import-result';
import { importOtpauthList } from './otpauth-list';
import { importTwoFas } from './two-fas';

export type ImportFormat = 'wem-backup' | 'aegis' | '2fas' | 'google-migration' | 'otpauth-list';

/** Which importer reads this content, judged by its shape, not the file's name. */
export function detectImportFormat(content: string): ImportFormat {
  const trimmed = content.trim();
  if (trimmed.toLowerCase().startsWith('otpauth-migration://')) return 'google-migration';
  if (trimmed.startsWith('{')) {
    let json: Record<string, unknown> | undefined;
    try {
      json = record(JSON.parse(trimmed));
    } catch {
      throw damagedFile('not JSON');
    }
    if (json?.format === 'wem-authenticator-backup') return 'wem-backup';
    if (json && 'header' in json && 'db' in json) return 'aegis';
    if (json && 'schemaVersion' in json) return '2fas';
    throw damagedFile('unknown JSON file');
  }
  return 'otpauth-list';
}

/** Reads any supported file; `password` for encrypted ones. Never changes the vault. */
export async function importAny(content: string, password?: string): Promise<ImportResult> {
  switch (detectImportFormat(content)) {
    case 'wem-backup':
      return importEncryptedBackup(content, password);
    case 'aegis':
      return importAegis(content, password);
    case '2fas':
      return importTwoFas(content);
    case 'google-migration':
      return importGoogleMigration(content);
    case 'otpauth-list':
      return importOtpauthList(content);
  }
}
