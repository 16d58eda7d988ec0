/**
 * The self-contained HTML page: inline CSS, figures as base64 PNG data URIs, no external links.
 */
import { formatClassificationReport, type ClassMetrics } from '../metrics.js';
import type { ReportInput } from './types.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface EmbeddedFigure {
  key: string;
  file: string;
  alt: string;
  caption: string;
  png: Buffer;
  /** Display size in CSS pixels. */
  width: number;
  height: number;
}

/** A figure as an <img> with its data URI, alt text and caption. */
export function img(f: EmbeddedFigure): string {
  return (
    `<figure id="fig-${escapeHtml(f.key)}">` +
    `<img alt="${escapeHtml(f.alt)}" title="${escapeHtml(f.file)}" width="${Math.round(f.width)}" height="${Math.round(f.height)}" ` +
    `src="data:image/png;base64,${f.png.toString('base64')}">` +
    `<figcaption>${escapeHtml(f.caption)} <span class="file">(${escapeHtml(f.file)})</span></figcaption></figure>`
  );
}

/** A table; the first cell of each row is its header. */
export function table(head: string[], rows: string[][], cls = ''): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r) => '<tr>' + r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('') + '</tr>');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${trs.join('\n')}\n</tbody></table>`;
}

const f4 = (v: number): string => v.toFixed(4);

function metricsRow(name: string, m: ClassMetrics): string[] {
  return [name, f4(m.precision), f4(m.recall), f4(m.f1), String(m.support)];
}

function runFactsRows(input: ReportInput): string[][] {
  const r = input.run;
  const spe = r.secondsPerEpoch;
  const total = spe.reduce((a, b) => a + b, 0);
  const rows: string[][] = [
    ['Backend', r.backend],
    ['Adapter', r.adapter],
    ['Epochs run', r.maxEpochs !== undefined ? `${r.epochsRun} (of at most ${r.maxEpochs})` : String(r.epochsRun)],
  ];
  if (r.bestEpoch !== undefined) rows.push(['Best epoch (weights kept)', String(r.bestEpoch)]);
  rows.push(
    ['Seconds per epoch', spe.length ? spe.map((s) => s.toFixed(1)).join(', ') : '-'],
    ['Mean seconds per epoch', spe.length ? (total / spe.length).toFixed(2) : '-'],
    ['Total training time', `${total.toFixed(1)} s`],
    ['Batch size', String(r.batchSize)],
  );
  if (r.seed !== undefined) rows.push(['Seed', String(r.seed)]);
  rows.push(['Date', r.date], ['Dataset', r.datasetSource]);
  for (const [k, v] of Object.entries(r.extra ?? {})) rows.push([k, v]);
  return rows;
}

function historyRows(input: ReportInput): string[][] {
  const h = input.history;
  return h.loss.map((loss, i) => {
    const mark = input.run.bestEpoch === i + 1 ? ' (best)' : '';
    return [`${i + 1}${mark}`, f4(loss), h.accuracy[i] !== undefined ? f4(h.accuracy[i]!) : '-', h.val_loss[i] !== undefined ? f4(h.val_loss[i]!) : '-', h.val_accuracy[i] !== undefined ? f4(h.val_accuracy[i]!) : '-', input.run.secondsPerEpoch[i] !== undefined ? input.run.secondsPerEpoch[i]!.toFixed(1) : '-'];
  });
}

/** The report's style sheet (the tuner's page uses it too). */
export const CSS = `
body { font-family: 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; color: #222; max-width: 1200px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.8em; } td { text-align: right; } thead th { background: #f2f2f2; }
tbody th { text-align: left; font-weight: normal; } table.facts td { text-align: left; }
tr.avg th, tr.avg td { background: #fafafa; font-style: italic; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; } .file { color: #999; font-family: monospace; }
pre { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; background: #f7f7f7; border: 1px solid #ddd; padding: 0.8em; overflow-x: auto; font-size: 0.88em; }
.big { font-size: 1.25em; } .lead { color: #555; }
`;

/** What each conv layer outputs for a few test images: the figures keyed 'featureMaps:<layer>'. */
function featureMapsSection(figures: Map<string, EmbeddedFigure>): string {
  const maps = [...figures.values()].filter((f) => f.key.startsWith('featureMaps:'));
  if (maps.length === 0) return '';
  return [
    '<h2 id="feature-maps">Feature maps</h2>',
    '<p>What every convolution layer outputs for the same few test images: one tile per channel, each channel scaled to its own range over these images.</p>',
    ...maps.map(img),
  ].join('\n');
}

/** The learning-rate and gradient-norm curves from the metrics log, when drawn. */
function monitoringSection(figures: Map<string, EmbeddedFigure>): string {
  const shown = ['learningRate', 'gradNorm'].flatMap((k) => (figures.has(k) ? [img(figures.get(k)!)] : []));
  if (shown.length === 0) return '';
  return [
    '<p id="monitoring">The learning rate and the global norm of the gradients at every metrics read of the run (metrics.jsonl): ' +
      'each step measures the norm on the device, and it is read with the losses.</p>',
    ...shown,
  ].join('\n');
}

/** Builds the report page. `figures` are in the order they should appear, keyed as REPORT_FIGURES. */
/** The opening lines of a report page: doctype, head with the shared CSS, and the title as its h1. */
export function pageHead(title: string): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
  ];
}

export function buildHtml(input: ReportInput, figures: Map<string, EmbeddedFigure>): string {
  const title = input.title ?? 'Fashion-MNIST CNN: training report';
  const fig = (key: string): string => {
    const f = figures.get(key);
    return f ? img(f) : '';
  };
  const rep = input.classificationReport;
  const metricRows = [
    ...rep.perClass.map((m, i) => metricsRow(input.classNames[i] ?? String(i), m)),
  ];
  const avgRows = [
    ['accuracy', '', '', f4(rep.accuracy), String(rep.total)],
    metricsRow('macro avg', rep.macro),
    metricsRow('weighted avg', rep.weighted),
  ];
  const metricsTable = table(['Class', 'Precision', 'Recall', 'F1 score', 'Support'], metricRows, 'metrics').replace(
    '\n</tbody>',
    '\n' + avgRows.map((r) => '<tr class="avg">' + r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('') + '</tr>').join('\n') + '\n</tbody>',
  );
  const lastVal = input.history.val_accuracy.at(-1);
  const parts = [
    ...pageHead(title),
    `<p class="lead">The tutorial's CNN trained on Fashion-MNIST with this engine: the data, the training curves, the test results and every figure of the tutorial.</p>`,
    `<p class="big">Test loss <b id="test-loss">${f4(input.test.loss)}</b> · test accuracy <b id="test-accuracy">${(100 * input.test.accuracy).toFixed(2)}%</b> (${f4(input.test.accuracy)})</p>`,
    '<h2 id="run">Run</h2>',
    table(['Fact', 'Value'], runFactsRows(input), 'facts'),
    '<h2 id="data">Data</h2>',
    '<p>The first training image, with a colour bar of its pixel values before normalisation to [0, 1]:</p>',
    fig('firstImage'),
    '<p>The first 25 training images with their class names:</p>',
    fig('first25'),
    '<h2 id="model">Model</h2>',
    `<pre id="model-summary">${escapeHtml(input.modelSummary)}</pre>`,
    '<h2 id="training">Training</h2>',
    lastVal !== undefined ? `<p>Training and validation (the test set, as in the tutorial) accuracy and loss per epoch.</p>` : '',
    fig('accuracy'),
    fig('loss'),
    monitoringSection(figures),
    table(['Epoch', 'Loss', 'Accuracy', 'Val loss', 'Val accuracy', 'Seconds'], historyRows(input), 'history'),
    '<h2 id="evaluation">Evaluation on the test set</h2>',
    `<table class="facts"><tbody><tr><th scope="row">Test loss</th><td>${f4(input.test.loss)}</td></tr><tr><th scope="row">Test accuracy</th><td>${f4(input.test.accuracy)}</td></tr></tbody></table>`,
    '<h3>Predictions</h3>',
    '<p>Each test image with the predicted class, its confidence and the true class (blue when right, red when wrong), beside the probabilities of the 10 classes (predicted class red, true class blue).</p>',
    fig('predictions'),
    fig('singlePrediction'),
    '<h3>Confusion matrix</h3>',
    fig('confusionMatrix'),
    '<h3 id="metrics">Precision, recall and F1 score per class</h3>',
    metricsTable,
    `<pre id="classification-report">${escapeHtml(formatClassificationReport(rep, input.classNames))}</pre>`,
    featureMapsSection(figures),
    '</body></html>',
    '',
  ];
  return parts.filter((p) => p !== '').join('\n');
}
