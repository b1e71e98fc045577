import { execFile } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
export const adminCliTimeoutMs = 60_000;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `npm run admin -- <args>` (server/admin/cli.ts) as a process of its own on a test API's SQLite data
 * directory, with only what an operator's shell would set (no MAIL_URL: mail goes to the outbox
 * folder) plus `env`.
 */
export function runAdminCli(
  api: { dataDir: string },
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/admin/cli.ts', ...args],
      {
        cwd: repoRoot,
        timeout: adminCliTimeoutMs,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          DATA_DIR: api.dataDir,
          DATABASE_URL: `sqlite:${path.join(api.dataDir, 'test.sqlite')}`,
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
