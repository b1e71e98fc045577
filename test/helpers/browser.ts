import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';

/** Debian's Chromium, never a downloaded one (DESIGN.md), headless and without background traffic. */
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags, timeout: 15_000 });
}

/** The renderer as it ships (vite.renderer.config.ts in `repository`), built into a new temporary folder. */
export async function buildRenderer(repository = process.cwd()): Promise<string> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'renderer-'));
  await build({
    configFile: path.resolve(repository, 'vite.renderer.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: unknown[];
}

let axeSource: Promise<string> | undefined;

/** axe-core on the page as it stands: the violations that are serious or critical. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
  // Evaluated over the DevTools protocol, so the page's CSP (no inline script) stays as it ships.
  await page.evaluate(await axeSource);
  const violations: AxeViolation[] = await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target) })))',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes)}`);
}
