import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { round, spread, type Spread } from './stats';

/** One number a figure reports, over its repetitions, and the target it is held to. */
export interface Measure {
  name: string;
  unit: string;
  spread: Spread;
  /** E.g. "≥ 0.85"; undefined when the figure is reported without a target. */
  target?: string;
  /** Judged on the median; undefined without a target. */
  met?: boolean;
}

export interface Figure {
  id: number;
  title: string;
  /** What the figure is divided by, or what it is measured against. */
  comparedWith: string;
  measures: Measure[];
  /** Raw numbers behind the ratios, per repetition, for anyone who wants to recompute them. */
  details: Record<string, unknown>;
  /** Why a target was missed, or anything a reader must know to trust the number. */
  notes: string[];
}

export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: Record<string, unknown>;
  pinning: string;
  figures: Figure[];
  /** Figures that could not be measured at all, with the reason. */
  failures: { id: number; title: string; error: string }[];
}

export function measure(
  name: string,
  unit: string,
  values: number[],
  target?: { text: string; meets: (median: number) => boolean },
): Measure {
  const s = spread(values);
  return target
    ? { name, unit, spread: s, target: target.text, met: target.meets(s.median) }
    : { name, unit, spread: s };
}

export const atLeast = (bound: number) => ({ text: `≥ ${bound}`, meets: (v: number) => v >= bound });
export const atMost = (bound: number, unit = '') => ({
  text: `≤ ${bound}${unit ? ` ${unit}` : ''}`,
  meets: (v: number) => v <= bound,
});

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function numbers(m: Measure): string {
  const f = (v: number) => String(round(v));
  return `${f(m.spread.min)} / **${f(m.spread.median)}** / ${f(m.spread.max)}${m.unit ? ` ${m.unit}` : ''}`;
}

function verdict(m: Measure): string {
  if (m.met === undefined) return 'reported';
  return m.met ? 'met' : '**missed**';
}

export function markdown(run: BenchRun): string {
  const lines = [
    '# Benchmark results',
    '',
    `Run ${run.startedAt} → ${run.finishedAt}${run.quick ? ' (BENCH_QUICK: short durations, fewer repetitions — not for comparison)' : ''}.`,
    `Machine: ${Object.entries(run.machine)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')}.`,
    `Pinning: ${run.pinning}.`,
    '',
    'Values are min / **median** / max over the repetitions; targets are judged on the median. Method: bench/README.md.',
    '',
    '| # | figure | compared with | measure | min / median / max | target | verdict |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const figure of run.figures) {
    figure.measures.forEach((m, index) => {
      lines.push(
        `| ${index === 0 ? figure.id : ''} | ${index === 0 ? cell(figure.title) : ''} | ${index === 0 ? cell(figure.comparedWith) : ''} | ${cell(m.name)} | ${numbers(m)} | ${m.target ?? '—'} | ${verdict(m)} |`,
      );
    });
  }
  for (const failure of run.failures)
    lines.push(
      `| ${failure.id} | ${cell(failure.title)} | | not measured | | | **failed**: ${cell(failure.error.split('\n')[0] ?? '')} |`,
    );
  lines.push('', '## Notes per figure', '');
  for (const figure of run.figures) {
    if (figure.notes.length === 0) continue;
    lines.push(`### ${figure.id}. ${figure.title}`, '');
    for (const note of figure.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  for (const failure of run.failures)
    lines.push(`### ${failure.id}. ${failure.title}: not measured`, '', '```', failure.error, '```', '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * A full run replaces latest.{json,md}. A quick or partial run must not overwrite the figures worth
 * keeping: it writes partial.{json,md}.tmp beside them (ignored by git).
 */
export function writeResults(run: BenchRun, folder: string, complete: boolean): { json: string; md: string } {
  mkdirSync(folder, { recursive: true });
  const [json, md] = complete
    ? [path.join(folder, 'latest.json'), path.join(folder, 'latest.md')]
    : [path.join(folder, 'partial.json.tmp'), path.join(folder, 'partial.md.tmp')];
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(md, markdown(run));
  return { json, md };
}
