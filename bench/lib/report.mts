import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** One line of the table: a figure, its value (medians of the repetitions) and its target. */
export interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  /** Whether the target is met; `undefined` for figures reported without a target. */
  readonly met?: boolean;
}

/** What a figure hands back: its table lines and every measurement, for the results file. */
export interface FigureResult {
  readonly rows: readonly Row[];
  readonly data: unknown;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  /** 1-minute load averages at the start and the end: how busy the machine was. */
  readonly loadAverage: { readonly start: number; readonly end?: number };
}

export function describeMachine(): Machine {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: { start: loadavg()[0] },
  };
}

/** The table as Markdown, so that BENCHMARKS.md can quote it as printed. */
export function markdownTable(rows: readonly Row[]): string {
  const verdict = (met?: boolean) => (met === undefined ? '' : met ? 'met' : '**missed**');
  const lines = rows.map((row) => `| ${row.figure} | ${row.value} | ${row.target} | ${verdict(row.met)} |`);
  return ['| figure | median of the repetitions | target | |', '| --- | --- | --- | --- |', ...lines].join('\n');
}

/** Writes `bench/results/<timestamp><suffix>.json` and returns its path. */
export function writeResults(startedAt: Date, content: unknown, suffix = ''): string {
  const directory = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  const path = `${directory}${startedAt.toISOString().replace(/[:.]/g, '-')}${suffix}.json`;
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
  return path;
}
