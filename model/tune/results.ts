/**
 * The search's results as a table (printed, and as Markdown for the README), a CSV file and a
 * JSON file: one row per trial, the best one marked.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../write-file-atomic.js';
import type { SearchResult, TrialResult } from './search.js';
import { HYPERPARAMETER_NAMES, type SearchSpace } from './space.js';

export const RESULTS_JSON = 'results.json';
export const RESULTS_CSV = 'results.csv';

/** The table's columns: the trial, every hyperparameter, then what it reached. */
export const RESULT_COLUMNS = ['trial', ...HYPERPARAMETER_NAMES, 'epochs run', 'best epoch', 'val_loss', 'val_accuracy', 'seconds', 'stopped by'] as const;

/** A trial's row of the table, as text. */
export function resultCells(t: TrialResult): string[] {
  const h = t.hyperparameters;
  const num = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
  return [
    String(t.trial),
    ...HYPERPARAMETER_NAMES.map((k) => {
      const v = h[k];
      return typeof v === 'number' ? String(Number(v.toPrecision(3))) : v;
    }),
    String(t.epochsRun),
    String(t.bestEpoch),
    num(t.valLoss, 4),
    num(t.valAccuracy, 4),
    t.seconds.toFixed(1),
    t.stop,
  ];
}

/** The trials as an aligned text table (the best trial marked with *) or a Markdown table (the best in bold). */
export function resultsTable(trials: readonly TrialResult[], bestTrial: number, format: 'text' | 'markdown' = 'text'): string {
  const rows = trials.map((t) => resultCells(t));
  if (format === 'markdown') {
    const line = (c: readonly string[]): string => `| ${c.join(' | ')} |`;
    const body = rows.map((c, i) => line(trials[i]!.trial === bestTrial ? c.map((v) => `**${v}**`) : c));
    return [line(RESULT_COLUMNS), line(RESULT_COLUMNS.map((_, i) => (i === 0 || (i > HYPERPARAMETER_NAMES.length && i < RESULT_COLUMNS.length - 1) ? '---:' : '---'))), ...body].join('\n');
  }
  const table = [[...RESULT_COLUMNS] as string[], ...rows];
  const widths = RESULT_COLUMNS.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table
    .map((r, j) => {
      const mark = j > 0 && trials[j - 1]!.trial === bestTrial ? '*' : ' ';
      return `${mark} ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
    })
    .join('\n');
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per trial, full precision, with a `best` column (1 for the best trial). */
export function resultsCsv(trials: readonly TrialResult[], bestTrial: number): string {
  const head = ['trial', ...HYPERPARAMETER_NAMES, 'epochs_run', 'best_epoch', 'val_loss', 'val_accuracy', 'seconds', 'stopped_by', 'best'];
  const rows = trials.map((t) => [
    t.trial, ...HYPERPARAMETER_NAMES.map((k) => t.hyperparameters[k]), t.epochsRun, t.bestEpoch, t.valLoss, t.valAccuracy,
    Number(t.seconds.toFixed(3)), t.stop, t.trial === bestTrial ? 1 : 0,
  ]);
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** What results.json holds: the run's settings, every trial and the best trial's test result. */
export interface ResultsFile {
  space: SearchSpace;
  seed: number;
  settings: Record<string, unknown>;
  trials: TrialResult[];
  /** Absent while the search runs (the file is rewritten after each trial). */
  best?: { trial: number; test: { loss: number; accuracy: number }; modelDir: string };
  stoppedBy?: SearchResult['stoppedBy'];
  seconds?: number;
}

/** JSON has no Infinity or NaN: they are written as strings ("Infinity", "NaN"). */
function finiteJson(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

/** Writes results.json (atomically: it is rewritten after every trial) and results.csv into dir. */
export async function writeResults(dir: string, file: ResultsFile): Promise<{ json: string; csv: string }> {
  const json = join(dir, RESULTS_JSON);
  const csv = join(dir, RESULTS_CSV);
  await writeFileAtomic(json, `${JSON.stringify(file, finiteJson, 2)}\n`);
  writeFileSync(csv, resultsCsv(file.trials, file.best?.trial ?? 0));
  return { json, csv };
}
