import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import asar from '@electron/asar';
import { afterEach, describe, expect, it } from 'vitest';
import { checkArchive } from '../../scripts/check-package';

/**
 * scripts/check-package.ts guards the packed desktop app (docs/architecture.md, "Desktop packaging"):
 * these archives are built with @electron/asar exactly as electron-builder writes app.asar.
 */

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function archiveOf(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'wem-asar-'));
  folders.push(folder);
  const app = path.join(folder, 'app');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(app, name)), { recursive: true });
    await writeFile(path.join(app, name), content);
  }
  const archive = path.join(folder, 'app.asar');
  await asar.createPackage(app, archive);
  return archive;
}

const desktopApp = {
  'package.json': '{"name":"wem-account","main":"out/main/index.js"}',
  'out/main/index.js': 'import { app } from "electron";\nimport { AsyncEntry } from "@napi-rs/keyring";\n',
  'out/preload/index.cjs': 'let electron = require("electron");\n',
  'out/renderer/index.html': '<!doctype html>',
  'node_modules/@napi-rs/keyring/index.js': 'module.exports = require("@napi-rs/keyring-linux-x64-gnu");',
  'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node': 'binary',
};

describe('the packed desktop app check', () => {
  it('passes the bundles and the keychain binding', async () => {
    expect(checkArchive(await archiveOf(desktopApp))).toEqual([]);
  });

  it.each(['better-sqlite3', 'pg', 'fastify', 'kysely', 'nodemailer', '@fastify/swagger'])(
    'fails when %s is packed',
    async (name) => {
      const archive = await archiveOf({
        ...desktopApp,
        [`node_modules/${name}/index.js`]: 'module.exports = {};',
      });
      expect(checkArchive(archive)).toEqual([
        `node_modules/${name}: ${name} is a package of the account API`,
      ]);
    },
  );

  it('fails when the account API’s code is packed', async () => {
    const archive = await archiveOf({ ...desktopApp, 'server/app.ts': 'export {};' });
    expect(checkArchive(archive)).toEqual(['server/app.ts: server code of the account API']);
  });

  it('fails when a bundle loads a package of the account API', async () => {
    const archive = await archiveOf({
      ...desktopApp,
      'out/main/index.js': 'import Database from "better-sqlite3";\n',
    });
    expect(checkArchive(archive)).toEqual(['out/main/index.js: loads better-sqlite3']);
  });

  it('fails when a dependency was shipped instead of bundled', async () => {
    const archive = await archiveOf({ ...desktopApp, 'node_modules/axios/index.js': 'module.exports = {};' });
    expect(checkArchive(archive)).toEqual([
      'node_modules/axios: axios should be bundled into out/, not shipped in node_modules',
    ]);
  });
});
