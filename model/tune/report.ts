/**
 * The search's HTML report (<out>/report/tune-report.html, figures embedded, a PNG of each beside
 * it): the results table and two Vega-Lite figures, drawn with the training report's renderer and
 * look (model/report/).
 *
 * - trials.png: each trial's best val_loss against the trial number and against every
 *   hyperparameter the space varies (a log axis for a log range), the best trial marked;
 * - val-loss-curves.png: val_loss per epoch, a line per trial.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COLORS, topLevel } from '../report/figures.js';
import { type EmbeddedFigure, escapeHtml, img, pageHead, table } from '../report/html.js';
import { renderSpec, type VlSpec } from '../report/render.js';
import { RESULT_COLUMNS, resultCells } from './results.js';
import { describeHyperparameters, type SearchResult, type TrialResult } from './search.js';
import { type HyperparameterName, type SearchSpace, searchedNames } from './space.js';

export const TUNE_REPORT_FIGURES = [
  { key: 'trials', file: 'trials.png', alt: 'Best validation loss of each trial against the trial number and each searched hyperparameter' },
  { key: 'curves', file: 'val-loss-curves.png', alt: 'Validation loss per epoch of every trial' },
] as const;

const ROLE = { domain: ['other trials', 'best trial'], range: [COLORS.train, COLORS.wrong] };

/** The trials that reached a finite validation loss (a diverged trial has none to plot). */
function plotted(trials: readonly TrialResult[]): TrialResult[] {
  return trials.filter((t) => Number.isFinite(t.valLoss));
}

/** trials.png: best val_loss per trial, against the trial number and each searched hyperparameter. */
export function trialsSpec(trials: readonly TrialResult[], space: SearchSpace, bestTrial: number): VlSpec {
  const values = plotted(trials).map((t) => ({
    trial: t.trial, val_loss: t.valLoss, role: t.trial === bestTrial ? 'best trial' : 'other trials', ...t.hyperparameters,
  }));
  const y = { field: 'val_loss', type: 'quantitative', title: 'best val_loss', scale: { zero: false }, axis: { grid: true } };
  const color = { field: 'role', type: 'nominal', scale: ROLE, legend: { title: null, orient: 'top', direction: 'horizontal', labelFontSize: 13 } };
  const panel = (x: VlSpec, title: string): VlSpec => ({
    title: { text: title, fontSize: 13, fontWeight: 'normal' },
    width: 230,
    height: 190,
    mark: { type: 'point', filled: true, size: 90, opacity: 0.9 },
    encoding: { x, y, color },
  });
  const axisFor = (name: HyperparameterName): VlSpec => {
    const d = space[name]!;
    if (d.kind === 'range') {
      if (!d.log) return { field: name, type: 'quantitative', title: name, scale: { zero: false }, axis: { format: '.2~g', grid: true } };
      // A log axis labels its decades: vega's default 1-2-4 ticks run together in a narrow panel.
      const decades: number[] = [];
      for (let e = Math.ceil(Math.log10(d.min)); e <= Math.floor(Math.log10(d.max)); e++) decades.push(Number(`1e${e}`)); // exact, where 10 ** -4 is 0.00009999999999999999
      const axis = decades.length >= 2 ? { values: decades, format: '~g', labelOverlap: false, grid: true } : { format: '.2~g', labelOverlap: 'greedy', grid: true };
      return { field: name, type: 'quantitative', title: name, scale: { type: 'log', domain: [d.min, d.max] }, axis };
    }
    const sorted = [...d.values].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
    return { field: name, type: 'ordinal', title: name, sort: sorted, scale: { domain: sorted }, axis: { labelAngle: 0 } };
  };
  const panels = [
    panel({ field: 'trial', type: 'ordinal', title: 'trial', axis: { labelAngle: 0 } }, 'by trial'),
    ...searchedNames(space).map((n) => {
      const d = space[n]!;
      return panel(axisFor(n), `by ${n}${d.kind === 'range' && d.log ? ' (log axis)' : ''}`);
    }),
  ];
  return topLevel({
    title: { text: 'Trials', subtitle: 'each trial\'s lowest validation loss (held-out data), against the trial and each searched hyperparameter' },
    data: { values },
    columns: 3,
    concat: panels,
  });
}

/** val-loss-curves.png: val_loss per epoch, one line per trial. */
export function curvesSpec(trials: readonly TrialResult[], bestTrial: number): VlSpec {
  const label = (t: TrialResult): string => `trial ${t.trial}${t.trial === bestTrial ? ' (best)' : ''}`;
  const shown = plotted(trials);
  const values = shown.flatMap((t) => t.history.val_loss.flatMap((v, e) => (Number.isFinite(v) ? [{ trial: label(t), epoch: e + 1, val_loss: v }] : [])));
  const epochs = Math.max(2, ...shown.map((t) => t.history.val_loss.length));
  return topLevel({
    title: { text: 'Validation loss per epoch', subtitle: 'one line per trial, on the held-out validation data' },
    width: 760,
    height: 280,
    data: { values },
    mark: { type: 'line', point: { size: 36 }, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', scale: { domain: [1, epochs], nice: false }, axis: { tickMinStep: 1, format: 'd', grid: true } },
      y: { field: 'val_loss', type: 'quantitative', title: 'val_loss', scale: { zero: false }, axis: { grid: true } },
      color: { field: 'trial', type: 'nominal', sort: shown.map(label), scale: { scheme: 'category10' }, legend: { title: null, orient: 'right', labelFontSize: 12 } },
    },
  });
}

export interface TuneReportInput {
  result: SearchResult;
  space: SearchSpace;
  /** Shown in the "Run" table: label -> value (backend, data sizes, budgets, date, ...). */
  facts: Record<string, string>;
  /** Where the best model was saved. */
  modelDir: string;
}

export interface WrittenTuneReport {
  htmlPath: string;
  /** Figure key -> absolute path of its PNG. */
  figures: Record<string, string>;
  /** Warnings from vega-lite/vega while drawing (none expected). */
  warnings: string[];
}

/** Writes tune-report.html and its PNG figures into outDir (created if needed). */
export async function writeTuneReport(input: TuneReportInput, outDir: string): Promise<WrittenTuneReport> {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const { result, space } = input;
  const bestTrial = result.best.trial;
  const specs: Record<(typeof TUNE_REPORT_FIGURES)[number]['key'], VlSpec> = {
    trials: trialsSpec(result.trials, space, bestTrial),
    curves: curvesSpec(result.trials, bestTrial),
  };
  const figures: Record<string, string> = {};
  const embedded: EmbeddedFigure[] = [];
  const warnings: string[] = [];
  for (const f of TUNE_REPORT_FIGURES) {
    const own: string[] = [];
    const r = await renderSpec(specs[f.key], 2, own);
    warnings.push(...own.map((w) => `${f.file}: ${w}`));
    const path = join(dir, f.file);
    writeFileSync(path, r.png);
    figures[f.key] = path;
    embedded.push({ key: f.key, file: f.file, alt: f.alt, caption: `${f.alt}.`, png: r.png, width: r.width, height: r.height });
  }
  const htmlPath = join(dir, 'tune-report.html');
  writeFileSync(htmlPath, tuneHtml(input, embedded));
  return { htmlPath, figures, warnings };
}

function tuneHtml(input: TuneReportInput, figures: readonly EmbeddedFigure[]): string {
  const { result } = input;
  const best = result.best;
  const title = 'Fashion-MNIST CNN: hyperparameter search';
  const rows = result.trials.map((t) => {
    const c = resultCells(t);
    return t.trial === best.trial ? [`${c[0]} (best)`, ...c.slice(1)] : c;
  });
  const facts: string[][] = [
    ...Object.entries(input.facts),
    ['Trials run', String(result.trials.length)],
    ['Search ended by', result.stoppedBy],
    ['Search time', `${result.seconds.toFixed(1)} s`],
    ['Seed', String(result.seed)],
    ['Best model saved in', input.modelDir],
  ].map(([k, v]) => [k!, v!]);
  return [
    ...pageHead(title),
    '<p class="lead">Random search over the tutorial CNN\'s hyperparameters. Every trial trains with early stopping on the validation loss ' +
      'of held-out training images and is chosen on it; the test set is used once, for the best trial.</p>',
    `<p class="big">Best: trial <b id="best-trial">${best.trial}</b>, val_loss <b>${best.valLoss.toFixed(4)}</b> · ` +
      `test accuracy <b id="test-accuracy">${(100 * result.test.accuracy).toFixed(2)}%</b> (test loss ${result.test.loss.toFixed(4)})</p>`,
    `<p><code>${escapeHtml(describeHyperparameters(best.hyperparameters))}</code></p>`,
    '<h2 id="run">Run</h2>',
    table(['Fact', 'Value'], facts, 'facts'),
    '<h2 id="trials">Trials</h2>',
    table([...RESULT_COLUMNS], rows, 'trials'),
    ...figures.map(img),
    '<h2 id="space">Search space</h2>',
    `<pre id="space-json">${escapeHtml(JSON.stringify(input.space, null, 2))}</pre>`,
    '</body></html>',
    '',
  ].join('\n');
}
