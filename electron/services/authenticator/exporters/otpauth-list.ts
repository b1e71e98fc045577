import type { OtpAccount } from '../account';
import { buildOtpauth } from '../otpauth';

/**
 * Every account as an otpauth:// URI, one per line: readable by most authenticator apps, and by
 * anyone who gets the file — the UI shows a warning before it writes one.
 */
export function exportOtpauthList(accounts: OtpAccount[]): string {
  return accounts.map((account) => `${buildOtpauth(account)}\n`).join('');
}
