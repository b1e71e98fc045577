import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AuthenticatorPlatform } from './capabilities';

/**
 * Where there is no save dialog (the web host), exports are written by the services into a folder,
 * never handed to the page: an encrypted backup is still every account's secret behind one password,
 * and the page is a browser tab (docs/security.md 38). The file is owner-only and never overwrites:
 * a second export the same day gets " (2)", " (3)" … before its extension.
 */
export function folderSaveFile(folder: string): NonNullable<AuthenticatorPlatform['saveFile']> {
  return async (suggestedName, content) => {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const { name, ext } = path.parse(path.basename(suggestedName));
    for (let n = 1; ; n++) {
      const file = path.join(folder, n === 1 ? `${name}${ext}` : `${name} (${n})${ext}`);
      try {
        await writeFile(file, content, { mode: 0o600, flag: 'wx' });
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw error;
      }
    }
  };
}

/** The web host's export folder: WEM_ACCOUNT_EXPORT_DIR, else ~/Downloads where it exists, else dataDir/exports. */
export function defaultExportFolder(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.WEM_ACCOUNT_EXPORT_DIR) return env.WEM_ACCOUNT_EXPORT_DIR;
  const downloads = path.join(os.homedir(), 'Downloads');
  return existsSync(downloads) ? downloads : path.join(dataDir, 'exports');
}
