import '../scripts/require-supported-node'; // first: refuses an unsupported Node before anything else loads
import { cpus, platform, release, totalmem } from 'node:os';
import path from 'node:path';
import { authenticatorFigure } from './figures/authenticator';
import { bundleFigure } from './figures/bundle';
import { navigationFigure } from './figures/navigation';
import { serverFigures } from './figures/server';
import { detectPinning, installInterruptHandler, pinProcess } from './lib/processes';
import { writeResults, type BenchRun, type Figure } from './lib/report';
import { settingsFrom } from './lib/settings';

/**
 * `npm run bench`: every figure of issue 7 in one run, written to bench/results/latest.{json,md}.
 * Method and how to read the numbers: bench/README.md. BENCH_QUICK=1 for a short run while developing;
 * BENCH_ONLY=1,4 to run some figures only; both write bench/results/partial.{json,md}.tmp instead.
 */

const settings = settingsFrom(process.env);
const only = process.env.BENCH_ONLY?.split(',').map(Number);
const wanted = (...ids: number[]) => !only || ids.some((id) => only.includes(id));
const pinning = detectPinning();
const startedAt = new Date().toISOString();
const figures: Figure[] = [];
const failures: BenchRun['failures'] = [];

async function section(ids: number[], titles: string[], work: () => Promise<Figure[]>): Promise<void> {
  if (!wanted(...ids)) return;
  try {
    figures.push(...(await work()).filter((figure) => wanted(figure.id)));
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    settings.log(`figures ${ids.join(', ')} failed: ${text}`);
    ids.forEach((id, index) => failures.push({ id, title: titles[index] ?? '', error: text }));
  }
}

installInterruptHandler();
// This process orchestrates and seeds; during measurements it waits. It shares the generator's core.
pinProcess(process.pid, String(pinning.loadCore), pinning);
settings.log(`pinning: ${pinning.reason}`);
await section([1, 2, 3, 4, 5], ['login ÷ argon2', 'latency', 'second factor', '/v1/me', 'stores'], () =>
  serverFigures(settings, pinning),
);
await section([8], ['authenticator codes'], async () => [await authenticatorFigure(settings, pinning)]);
// Builds and the browser may use both cores (Chromium is several processes); nothing is compared there.
pinProcess(process.pid, pinning.allCores, pinning);
await section([6], ['renderer start-up JS'], async () => [await bundleFigure(settings)]);
await section([7], ['sign-in navigation'], async () => [await navigationFigure(settings, pinning)]);

const run: BenchRun = {
  startedAt,
  finishedAt: new Date().toISOString(),
  quick: settings.quick,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
  },
  pinning: pinning.available ? pinning.reason : `not pinned (${pinning.reason}): ratios are noisier`,
  figures: figures.sort((a, b) => a.id - b.id),
  failures,
};
const written = writeResults(run, path.join(import.meta.dirname, 'results'), !settings.quick && !only);
settings.log(
  `wrote ${path.relative(process.cwd(), written.md)} and ${path.relative(process.cwd(), written.json)}`,
);
