// `npm run check:package [app.asar…]`: lists the packed desktop app and fails if the account API or its
// packages got into it. Without arguments it checks every app.asar under dist/ (what `npm run pack`
// and `npm run dist` write). See docs/architecture.md, "Desktop packaging".
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asar from '@electron/asar';

/** Packages of the account API that must never ship in the desktop app. */
export const serverOnlyPackages = ['better-sqlite3', 'pg', 'fastify', 'kysely', 'nodemailer'];

/** The only node_modules main loads unbundled: the keychain's N-API binding and its binaries. */
const allowedModules = [/^@napi-rs\/keyring$/, /^@napi-rs\/keyring-[a-z0-9-]+$/];

/** One problem per offending package or server file in the archive's listing. */
export function problemsIn(entries: readonly string[]): string[] {
  const problems = new Map<string, string>();
  for (const raw of entries) {
    const parts = raw.replaceAll('\\', '/').replace(/^\/+/, '').split('/');
    if (parts[0] === 'server') {
      if (parts.length > 1) problems.set(parts.join('/'), 'server code of the account API');
      continue;
    }
    const modules = parts.lastIndexOf('node_modules');
    const scoped = parts[modules + 1]?.startsWith('@') === true;
    const nameParts = parts.slice(modules + 1, modules + (scoped ? 3 : 2));
    if (modules === -1 || nameParts.length < (scoped ? 2 : 1)) continue;
    const name = nameParts.join('/');
    const where = [...parts.slice(0, modules + 1), name].join('/');
    if (serverOnlyPackages.includes(name) || name.startsWith('@fastify/')) {
      problems.set(where, `${name} is a package of the account API`);
    } else if (!allowedModules.some((allowed) => allowed.test(name))) {
      problems.set(where, `${name} should be bundled into out/, not shipped in node_modules`);
    }
  }
  return [...problems].map(([where, why]) => `${where}: ${why}`);
}

/** The bundles must not load the API's packages either (an `external` slip would hide them here). */
export function bundleProblems(archive: string, entries: readonly string[]): string[] {
  const problems: string[] = [];
  const loads = new RegExp(
    `(?:from\\s*|require\\(\\s*|import\\(\\s*)["'](${serverOnlyPackages.join('|')}|@fastify/[^"']+)["']`,
  );
  for (const entry of entries) {
    const file = entry.replace(/^[/\\]+/, '');
    if (!/^out[/\\].*\.(c|m)?js$/.test(file)) continue;
    const match = loads.exec(asar.extractFile(archive, file).toString('utf8'));
    if (match) problems.push(`${file}: loads ${match[1]}`);
  }
  return problems;
}

export function checkArchive(archive: string): string[] {
  const entries = asar.listPackage(archive, { isPack: false });
  return [...problemsIn(entries), ...bundleProblems(archive, entries)];
}

function archivesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (name === 'app.asar') found.push(full);
    else if (statSync(full).isDirectory() && !name.endsWith('.asar.unpacked'))
      found.push(...archivesUnder(full));
  }
  return found;
}

function main(args: string[]): number {
  const archives = args.length > 0 ? args : archivesUnder('dist');
  if (archives.length === 0) {
    console.error(
      'No app.asar found under dist/. Run `npm run pack` first, or pass the path of an app.asar.',
    );
    return 1;
  }
  let failed = false;
  for (const archive of archives) {
    const problems = checkArchive(archive);
    if (problems.length === 0) {
      console.log(`${archive}: ok (${asar.listPackage(archive, { isPack: false }).length} entries)`);
    } else {
      failed = true;
      console.error(`${archive}: ${problems.length} problem(s)`);
      for (const problem of problems) console.error(`  ${problem}`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
