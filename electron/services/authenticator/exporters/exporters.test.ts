import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../../test/fixtures/authenticator-interop/expected';
import { importAegis } from '../importers/aegis';
import { importAny } from '../importers/detect';
import { exportEncryptedBackup } from './encrypted-backup';
import { exportOtpauthList } from './otpauth-list';
import { codeOf } from '../../../../test/helpers/error-code';

async function accounts() {
  const { entries } = await importAegis(await readFixture('aegis_plain.json'));
  return [...entries, { ...entries[0]!, issuer: '', label: 'üñí: cödé & more?', secret: 'JBSWY3DPEHPK3PXP' }];
}

describe('exports', () => {
  it('an encrypted backup imports back to the same entries with its password only', async () => {
    const original = await accounts();
    const backup = await exportEncryptedBackup(original, 'correct horse battery');
    for (const account of original) {
      expect(backup).not.toContain(account.secret);
      if (account.label) expect(backup).not.toContain(account.label);
    }
    expect(JSON.parse(backup)).toMatchObject({
      format: 'wem-authenticator-backup',
      version: 1,
      kdf: { name: 'scrypt', N: 131072, r: 8, p: 1 },
      cipher: { name: 'aes-256-gcm' },
    });
    const { entries, report } = await importAny(backup, 'correct horse battery');
    expect(entries).toEqual(original);
    expect(report).toEqual({ imported: original.length, unsupported: [], errors: [] });
    expect(await codeOf(importAny(backup, 'correct horse batterY'))).toBe('wrong_password');
    expect(await codeOf(importAny(backup))).toBe('password_required');
  });

  it('a backup whose parameters were changed does not open', async () => {
    const backup = JSON.parse(
      await exportEncryptedBackup(await accounts(), 'pw', () => Buffer.alloc(16, 1)),
    ) as {
      kdf: { N: number };
    };
    expect(
      await codeOf(importAny(JSON.stringify({ ...backup, kdf: { ...backup.kdf, N: 2 ** 30 } }), 'pw')),
    ).toBe('damaged_file');
    expect(await codeOf(importAny(JSON.stringify({ ...backup, version: 2 }), 'pw'))).toBe('damaged_file');
  });

  it('an otpauth URI list imports back to the same entries', async () => {
    const original = await accounts();
    const list = exportOtpauthList(original);
    expect(list.trim().split('\n')).toHaveLength(original.length);
    const { entries, report } = await importAny(list);
    expect(entries).toEqual(original);
    expect(report.unsupported).toEqual([]);
  });
});
