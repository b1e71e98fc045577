import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'vite';
import { atMost, measure, type Figure } from '../lib/report';
import { round } from '../lib/stats';
import type { Settings } from '../lib/settings';

/**
 * Figure 6: the JavaScript the renderer's index.html loads before first paint (the entry chunk and
 * every chunk it imports statically; lazy chunks are not counted), gzipped, against a minimal React 19
 * app built with the very same Vite config (plugins, target, minifier). Also: the biggest modules of
 * the start-up JS, and how much each screen or package would take out of it if it were loaded lazily.
 */

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * The yardstick: React 19 and react-dom rendering one element in StrictMode, written with JSX like the
 * renderer (so react/jsx-runtime comes along too). Whatever the renderer's start-up JS weighs beyond
 * this is the app's own.
 */
const minimalApp = {
  'index.html': `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Minimal React 19 app</title></head>
  <body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body>
</html>
`,
  'src/main.tsx': `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <h1>Hello</h1>
  </StrictMode>,
);
`,
};

/** The minimal app in a temporary folder, resolving packages from this repository's node_modules. */
function writeMinimalApp(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'wem-bench-minimal-react-'));
  for (const [file, text] of Object.entries(minimalApp)) {
    mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    writeFileSync(path.join(folder, file), text);
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
  return folder;
}

interface Built {
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
  /** Modules of the start-up chunks with their rendered (tree-shaken, not yet minified) code. */
  modules: Map<string, string>;
  /** Static import edges among all modules, for the lazy-loading estimate. */
  imports: Map<string, string[]>;
  entries: string[];
}

async function buildApp(appRoot: string): Promise<Built> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'wem-bench-build-'));
  const imports = new Map<string, string[]>();
  const entries: string[] = [];
  const graph: Plugin = {
    name: 'bench-module-graph',
    generateBundle() {
      for (const id of this.getModuleIds()) {
        const info = this.getModuleInfo(id);
        if (!info) continue;
        imports.set(id, info.importedIds);
        if (info.isEntry) entries.push(id);
      }
    },
  };
  try {
    const result = await build({
      configFile: path.join(root, 'vite.renderer.config.ts'),
      root: appRoot,
      logLevel: 'silent',
      plugins: [graph],
      build: { outDir, emptyOutDir: true, write: true },
    });
    const outputs = Array.isArray(result) ? result : [result];
    const chunks = outputs.flatMap((output) =>
      'output' in output ? output.output.filter((item) => item.type === 'chunk') : [],
    );
    const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
    // Entry chunks and what they import statically: what the page runs before it can paint.
    const startup = new Set<string>();
    const visit = (fileName: string) => {
      if (startup.has(fileName)) return;
      startup.add(fileName);
      for (const next of byName.get(fileName)?.imports ?? []) visit(next);
    };
    for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
    const files = [...startup].map((file) => {
      const code = byName.get(file)?.code ?? '';
      return { file, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length };
    });
    const modules = new Map<string, string>();
    for (const file of startup)
      for (const [id, rendered] of Object.entries(byName.get(file)?.modules ?? {}))
        modules.set(id, rendered.code ?? '');
    return {
      files,
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
      gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
      modules,
      imports,
      entries,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** A module id as a reader knows it: the package for node_modules, the path inside the repository otherwise. */
function nameOf(id: string): string {
  const clean = id.replace(/\?.*$/, '').replace(/^\0/, '');
  const inPackages = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(clean);
  if (inPackages) return inPackages[1] as string;
  return path.relative(root, clean) || clean;
}

/** Modules reachable from the entries by static imports, never passing through one in `cut`. */
function reachable(built: Built, cut: ReadonlySet<string> = new Set()): Set<string> {
  const seen = new Set<string>();
  const stack = built.entries.filter((id) => !cut.has(id));
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of built.imports.get(id) ?? []) if (!cut.has(next) && !seen.has(next)) stack.push(next);
  }
  return seen;
}

/**
 * Gzipped size of some of the start-up modules, as if they were the whole start-up JS: their rendered
 * code gzipped together, scaled by how much minification shrank the real chunk's gzip. An estimate.
 */
function estimator(built: Built): (ids: Iterable<string>) => number {
  const gz = (ids: Iterable<string>) =>
    gzipSync([...ids].map((id) => built.modules.get(id) ?? '').join('\n')).length;
  const scale = built.gzipBytes / gz(built.modules.keys());
  return (ids) => gz(ids) * scale;
}

/**
 * For each renderer module under features/ and common/: what the start-up JS would weigh if it were
 * imported lazily (`import()`), i.e. without everything reachable only through it.
 */
function lazyCuts(built: Built, minimalGzip: number) {
  const estimate = estimator(built);
  const before = [...reachable(built)].filter((id) => built.modules.has(id)).length;
  const cutting = (boundaries: string[], name: string) => {
    const left = [...reachable(built, new Set(boundaries))].filter((id) => built.modules.has(id));
    // Modules the graph does not reach (the bundler's own runtime helpers) stay, so they count on both sides.
    const after = estimate([...left, ...[...built.modules.keys()].filter((id) => !built.imports.has(id))]);
    return {
      lazy: name,
      modulesMoved: before - left.length,
      gzipKiBCut: round((built.gzipBytes - after) / 1024),
      ratioAfter: round(after / minimalGzip),
    };
  };
  const ids = [...built.modules.keys()];
  const single = ids
    .filter((id) => id.includes('/renderer/src/features/') || id.includes('/common/'))
    .map((boundary) => cutting([boundary], nameOf(boundary)))
    .filter((c) => c.gzipKiBCut >= 2)
    .sort((a, b) => b.gzipKiBCut - a.gzipKiBCut)
    .slice(0, 8);
  // Together: every screen App imports except the first one shown, then also the other language.
  const app = ids.find((id) => id.endsWith('/renderer/src/app/App.tsx'));
  const screens = (app ? (built.imports.get(app) ?? []) : []).filter(
    (id) => id.includes('/renderer/src/features/') && !id.endsWith('/sign-in-screen.tsx'),
  );
  const otherLanguage = ids.filter((id) => id.endsWith('/renderer/src/i18n/nl.json'));
  // A combination that is already lazy moves nothing and is left out.
  return [
    ...single,
    cutting(screens, 'every screen App.tsx imports statically except sign-in'),
    cutting([...screens, ...otherLanguage], 'those screens and nl.json (only the active language at start)'),
  ].filter((cut) => cut.modulesMoved > 0);
}

/** The start-up modules by package (or by file for the app's own code), biggest first. */
function biggest(built: Built) {
  const estimate = estimator(built);
  const grouped = new Map<string, string[]>();
  for (const id of built.modules.keys()) grouped.set(nameOf(id), [...(grouped.get(nameOf(id)) ?? []), id]);
  return [...grouped]
    .map(([module, ids]) => ({ module, gzipKiB: estimate(ids) / 1024 }))
    .sort((a, b) => b.gzipKiB - a.gzipKiB)
    .slice(0, 12)
    .map(({ module, gzipKiB }) => ({ module, gzipKiB: round(gzipKiB) }));
}

export async function bundleFigure(settings: Settings): Promise<Figure> {
  settings.log('figure 6: building the renderer and the minimal React app');
  const renderer = await buildApp(path.join(root, 'renderer'));
  const minimalRoot = writeMinimalApp();
  const minimal = await buildApp(minimalRoot).finally(() =>
    rmSync(minimalRoot, { recursive: true, force: true }),
  );
  // A build is deterministic: one build each, so min = median = max.
  const ratio = renderer.gzipBytes / minimal.gzipBytes;
  const kib = (bytes: number) => round(bytes / 1024);
  const largest = biggest(renderer);
  const cuts = lazyCuts(renderer, minimal.gzipBytes);
  const figure: Figure = {
    id: 6,
    title: 'Renderer start-up JS (entry chunk + static imports), gzipped',
    comparedWith: 'a minimal React 19 app (one element, StrictMode) built with vite.renderer.config.ts',
    measures: [
      measure('gzip bytes ÷ minimal app', '', [ratio], atMost(1.5)),
      measure('renderer start-up JS, gzipped', 'KiB', [kib(renderer.gzipBytes)]),
      measure('minimal app start-up JS, gzipped', 'KiB', [kib(minimal.gzipBytes)]),
    ],
    details: {
      gzip: 'zlib default level (6), per file, summed',
      renderer: { files: renderer.files, minifiedKiB: kib(renderer.bytes), gzipKiB: kib(renderer.gzipBytes) },
      minimal: { files: minimal.files, minifiedKiB: kib(minimal.bytes), gzipKiB: kib(minimal.gzipBytes) },
      biggestModules: largest,
      estimates:
        'biggestModules and lazyLoadingWouldCut gzip their modules alone, scaled to the real chunk: approximate',
      lazyLoadingWouldCut: cuts,
    },
    notes: [
      `Start-up files: ${renderer.files.map((f) => `${f.file} ${kib(f.gzipBytes)} KiB`).join(', ')}. Biggest start-up parts (gzip, estimated): ${largest
        .slice(0, 6)
        .map((m) => `${m.module} ${m.gzipKiB} KiB`)
        .join(', ')}.`,
    ],
  };
  if (figure.measures[0]?.met === false)
    figure.notes.push(
      cuts.length > 0
        ? `Missed. Loading lazily would take out (estimated): ${cuts.map((c) => `${c.lazy} → ${c.gzipKiBCut} KiB less, ratio ${c.ratioAfter}`).join('; ')}.`
        : 'Missed, and no screen or shared module is left to load lazily: what remains is React, react-dom and what the first screen needs.',
    );
  return figure;
}
