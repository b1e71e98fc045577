import { base32Of } from '../account';
import { damagedFile, ImportCollector, parseJson, record, text, type ImportResult } from './import-result';

/**
 * Steam Guard's secrets: a Steam Desktop Authenticator `.maFile` (one account: `shared_secret` in
 * base64, `account_name`) or the Steam app's own file, `{ accounts: { <id>: {...} } }`. Only the
 * code secret is read; the identity and revocation secrets are not kept.
 */
export function importSteam(content: string): ImportResult {
  const file = record(parseJson(content, 'steam'));
  if (!file) throw damagedFile('steam');
  const accounts = record(file.accounts);
  const items = accounts ? Object.values(accounts) : [file];
  const collector = new ImportCollector();
  items.forEach((item, index) => {
    const account = record(item);
    const label = text(account?.account_name);
    const secret = text(account?.shared_secret);
    if (!account || !/^[A-Za-z0-9+/]+={0,2}$/.test(secret))
      return collector.error(index + 1, 'Steam', label, 'missing_secret');
    collector.add(index + 1, {
      type: 'steam',
      issuer: 'Steam',
      label,
      secret: base32Of(Buffer.from(secret, 'base64')),
    });
  });
  return collector.result();
}

/** A maFile or the Steam app's file: what detection looks for. */
export function isSteamFile(json: Record<string, unknown>): boolean {
  return (
    'shared_secret' in json ||
    record(json.accounts) !== undefined ||
    (typeof json.account_name === 'string' && ('identity_secret' in json || 'steamid' in json))
  );
}
