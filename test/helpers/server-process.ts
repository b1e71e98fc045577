import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, vi } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** `npm run server` in a process of its own, as operators run it, with its output kept for failures. */
export interface ServerProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

/**
 * Starts server/main.ts configured by `env` only (the test's own database, mail and key settings are
 * not inherited). `nodeArgs` come after tsx's loader (e.g. another --import); `ipc` opens a channel.
 */
export function startServerProcess(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; ipc?: boolean } = {},
): ServerProcess {
  const inherited = { ...process.env };
  for (const name of ['DATABASE_URL', 'MAIL_URL', 'SECRET_KEY', 'PUBLIC_URL', 'HOST', 'PORT'])
    delete inherited[name];
  const child = spawn(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), 'server/main.ts'], {
    cwd: root,
    env: { ...inherited, LOG_LEVEL: 'warn', ...env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output, exited };
}

/** Until `url` answers 200; fails at once, with the server's output, if the process ends first. */
export async function waitUntilAnswering(
  server: ServerProcess,
  url: string,
  options: { timeout: number; interval: number },
): Promise<void> {
  await vi.waitFor(async () => {
    if (server.child.exitCode !== null)
      throw new Error(`server exited with ${server.child.exitCode}:\n${server.output.join('')}`);
    const response = await fetch(url);
    expect(response.status).toBe(200);
  }, options);
}
