import { DesktopError } from '../../ipc-router';
import {
  damagedFile,
  ImportCollector,
  num,
  record,
  text,
  unsupportedType,
  type ImportResult,
} from './import-result';

/**
 * A plain 2FAS backup (`.2fas`, schema 4). Encrypted 2FAS backups (`servicesEncrypted`) are not
 * read yet: the user is told to export a plain one.
 */
export function importTwoFas(content: string): ImportResult {
  let file: Record<string, unknown> | undefined;
  try {
    file = record(JSON.parse(content));
  } catch {
    throw damagedFile('not JSON');
  }
  if (!file) throw damagedFile('not a 2FAS backup');
  if (typeof file.servicesEncrypted === 'string')
    throw new DesktopError('damaged_file', {
      reasons: ['encrypted 2FAS backups are not supported; export a plain backup'],
    });
  if (!Array.isArray(file.services) || typeof file.schemaVersion !== 'number')
    throw damagedFile('not a 2FAS backup');

  const collector = new ImportCollector();
  file.services.forEach((item: unknown, index) => {
    const service = record(item);
    const otp = record(service?.otp);
    const issuer = text(otp?.issuer) || text(service?.name);
    const label = text(otp?.account) || text(otp?.label);
    if (!service || !otp) return collector.error(index + 1, issuer, label, 'damaged_entry');
    const type = (text(otp.tokenType) || 'TOTP').toLowerCase();
    if (type !== 'totp' && type !== 'hotp')
      return collector.skip({ issuer, label, type, reason: unsupportedType(type) });
    collector.add(index + 1, {
      type,
      issuer,
      label,
      secret: text(service.secret),
      algorithm: text(otp.algorithm) || undefined,
      digits: num(otp.digits),
      period: type === 'totp' ? num(otp.period) : undefined,
      counter: type === 'hotp' ? num(otp.counter) : undefined,
    });
  });
  return collector.result();
}
