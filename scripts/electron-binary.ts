// Where the Electron binary is. Electron 42+ fetches it on first launch, not at npm install, so the
// package can be installed where the download is unreachable. Nothing here calls require('electron'):
// that would start the download.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isSupportedNode, unsupportedNodeSentence } from './supported-node';

const require = createRequire(import.meta.url);

export function electronPackageDir(): string | undefined {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/** The executable Electron binary already on disk (honouring ELECTRON_OVERRIDE_DIST_PATH), if any. */
export function installedElectron(): string | undefined {
  const dir = electronPackageDir();
  if (!dir) return undefined;
  const pathFile = path.join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return undefined;
  const binary = path.join(override ?? path.join(dir, 'dist'), relative || 'electron');
  try {
    accessSync(binary, constants.X_OK);
    return binary;
  } catch {
    return undefined;
  }
}

// `npm install` runs this (postinstall) to say which Node the product got and what `npm start` will do.
// npm runs it with node_modules/.bin first on PATH, so this is the Node every `npm run` gets.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  console.log(
    isSupportedNode(process.versions.node)
      ? `WEM Account runs on Node.js ${process.version} (${path.relative(process.cwd(), process.execPath)}).`
      : unsupportedNodeSentence(process.versions.node, process.execPath),
  );
  console.log(
    installedElectron()
      ? 'WEM Account: Electron is installed; `npm start` opens the desktop app.'
      : 'WEM Account: the Electron binary is not downloaded yet; `npm start` fetches it on first launch, or opens the app in Chromium where that download is unreachable.',
  );
}
