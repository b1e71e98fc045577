import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { OtpAccount } from '../../electron/services/authenticator/account';
import { AuthenticatorCodes } from '../../electron/services/authenticator/codes';
import { base32 } from '../../electron/services/authenticator/importers/google-migration';
import { AuthenticatorVault } from '../../electron/services/authenticator/vault';
import { MemorySecretStore } from '../../test/helpers/memory-secret-store';
import { serveJobs } from '../lib/processes';

/**
 * Figure 8 in a quiet process of its own: one `views()` pass of the authenticator is what main does
 * to show (or roll) every code: read and decrypt the vault file, then a code (and the next one) for
 * each entry. The vault holds 100 entries as people have them: mostly SHA-1, 6 digits, 30 seconds,
 * some SHA-256/512, 8 digits, 60 s, and a few HOTP.
 */

/** `views`: the whole pass; `list`: only reading and decrypting the vault, to split the time. */
const job = z.object({ passes: z.number().int().positive(), part: z.enum(['views', 'list']) });

function entry(index: number): OtpAccount {
  const names = { issuer: `Service ${index}`, label: `user${index}@example.com` };
  if (index % 20 === 19)
    return {
      ...names,
      type: 'hotp',
      secret: base32(randomBytes(20)),
      algorithm: 'SHA1',
      digits: 6,
      counter: index,
    };
  if (index % 10 === 9)
    return {
      ...names,
      type: 'totp',
      secret: base32(randomBytes(64)),
      algorithm: 'SHA512',
      digits: 8,
      period: 60,
    };
  if (index % 10 === 4)
    return {
      ...names,
      type: 'totp',
      secret: base32(randomBytes(32)),
      algorithm: 'SHA256',
      digits: 8,
      period: 30,
    };
  return {
    ...names,
    type: 'totp',
    secret: base32(randomBytes(20)),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  };
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-bench-vault-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
// The parent stops children with SIGTERM; exiting through process.exit runs the clean-up above.
process.on('SIGTERM', () => process.exit(0));
const vault = new AuthenticatorVault({ dataDir, secrets: new MemorySecretStore() });
await vault.addMany(Array.from({ length: 100 }, (_, index) => entry(index)));
const codes = new AuthenticatorCodes(vault, () => Date.now());

serveJobs(async (raw) => {
  const { passes, part } = job.parse(raw);
  const timesMs: number[] = [];
  let entries = 0;
  for (let pass = 0; pass < passes; pass++) {
    const start = performance.now();
    const shown = part === 'views' ? await codes.views() : await vault.list();
    timesMs.push(performance.now() - start);
    entries = shown.length;
  }
  return { timesMs, entries };
}, {});
