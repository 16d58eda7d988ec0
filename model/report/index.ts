/**
 * The training report: one self-contained HTML page (report.html, figures embedded as base64
 * PNGs) plus a PNG file of each figure, all made with Vega-Lite. See types.ts for what goes in.
 *
 *   const { htmlPath, figures } = await writeReport(input, 'out/report');
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildHtml, type EmbeddedFigure } from './html.js';
import {
  confusionMatrixSpec,
  curveSpec,
  first25Spec,
  firstImageSpec,
  imageSide,
  monitoringSpec,
  predictionsSpec,
  singlePredictionSpec,
} from './figures.js';
import { featureMapsFile, featureMapsSvg } from './feature-maps.js';
import { renderSpec, renderSvg, type VlSpec } from './render.js';
import type { FeatureMapSet, ImagePrediction, ReportInput, WrittenReport } from './types.js';

export type {
  FeatureMapImage, FeatureMapSet, GrayImage, ImagePrediction, LabeledImage, MonitoringPoint, ReportHistory, ReportInput, ReportRunFacts,
  WrittenReport,
} from './types.js';
export { convFeatureMaps, featureMapsFile } from './feature-maps.js';
export { renderSpec } from './render.js';

/** The figures, in report order: key (as in WrittenReport.figures), file name, alt text. */
export const REPORT_FIGURES = [
  { key: 'firstImage', file: 'first-image.png', alt: 'First training image with a colour bar' },
  { key: 'first25', file: 'first-25.png', alt: 'First 25 training images with their class names' },
  { key: 'accuracy', file: 'accuracy.png', alt: 'Training and validation accuracy per epoch' },
  { key: 'loss', file: 'loss.png', alt: 'Training and validation loss per epoch' },
  { key: 'predictions', file: 'predictions.png', alt: 'Test images with predicted class, confidence and true class, and bar charts of the class probabilities' },
  { key: 'singlePrediction', file: 'single-prediction.png', alt: 'Single test image prediction with the probability of each class' },
  { key: 'confusionMatrix', file: 'confusion-matrix.png', alt: 'Confusion matrix heatmap of the test set' },
] as const;

export type ReportFigureKey = (typeof REPORT_FIGURES)[number]['key'];

/** The monitoring curves, drawn when ReportInput.monitoring has the value (from the run's metrics log). */
export const MONITORING_FIGURES = [
  { key: 'learningRate', file: 'learning-rate.png', alt: 'Learning rate against the optimizer step' },
  { key: 'gradNorm', file: 'grad-norm.png', alt: 'Global gradient norm against the optimizer step' },
] as const;

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(`writeReport: ${msg}`);
}

/** Throws a clear error on inconsistent input (wrong lengths, labels out of range, ...). */
export function validateReportInput(input: ReportInput): void {
  const n = input.classNames.length;
  check(n > 0, 'classNames is empty');
  const label = (what: string, l: number): void => check(Number.isInteger(l) && l >= 0 && l < n, `${what} label ${l} is not a class index in 0..${n - 1}`);
  const image = (what: string, img: ArrayLike<number>): void => {
    try {
      imageSide(img);
    } catch (e) {
      throw new Error(`writeReport: ${what}: ${(e as Error).message}`);
    }
  };
  const pred = (what: string, p: ImagePrediction): void => {
    image(what, p.image);
    label(what, p.label);
    check(p.probabilities.length === n, `${what} has ${p.probabilities.length} probabilities, expected ${n}`);
    for (let i = 0; i < n; i++) check(Number.isFinite(p.probabilities[i]!), `${what} probability ${i} is not finite`);
  };
  check(input.trainImages.length > 0, 'trainImages is empty (the report shows the first 25)');
  input.trainImages.forEach((t, i) => {
    image(`trainImages[${i}]`, t.image);
    label(`trainImages[${i}]`, t.label);
  });
  check(input.testPredictions.length > 0, 'testPredictions is empty (the report shows 15)');
  input.testPredictions.forEach((p, i) => pred(`testPredictions[${i}]`, p));
  pred('singlePrediction', input.singlePrediction);
  const h = input.history;
  const e = h.loss.length;
  for (const k of ['accuracy', 'val_loss', 'val_accuracy'] as const) check(h[k].length === e, `history.${k} has ${h[k].length} epochs but history.loss has ${e}`);
  check(input.confusionMatrix.length === n && input.confusionMatrix.every((r) => r.length === n), `confusionMatrix must be ${n}x${n}`);
  check(input.classificationReport.perClass.length === n, `classificationReport has ${input.classificationReport.perClass.length} classes, expected ${n}`);
  (input.monitoring ?? []).forEach((p, i) => {
    check(Number.isInteger(p.iteration) && p.iteration >= 0 && Number.isInteger(p.epoch) && p.epoch >= 0, `monitoring[${i}] needs integer iteration and epoch >= 0, got ${p.iteration} and ${p.epoch}`);
    for (const k of ['learningRate', 'gradNorm'] as const) check(p[k] === undefined || Number.isFinite(p[k]), `monitoring[${i}].${k} is ${p[k]}, expected a finite number`);
  });
  const layers = new Set<string>();
  (input.featureMaps ?? []).forEach((set, s) => {
    const what = `featureMaps[${s}] (${set.layer})`;
    check(!layers.has(featureMapsFile(set.layer)), `${what}: a second set for the same layer`);
    layers.add(featureMapsFile(set.layer));
    check(set.shape.length === 3 && set.shape.every((d) => Number.isInteger(d) && d > 0), `${what}: shape [${set.shape.join(', ')}] must be [height, width, channels] of positive integers`);
    check(set.images.length > 0, `${what} has no images`);
    const size = set.shape[0] * set.shape[1] * set.shape[2];
    set.images.forEach((img, i) => {
      label(`${what} image ${i}`, img.label);
      check(img.values.length === size, `${what} image ${i} has ${img.values.length} values, expected ${size} for shape [${set.shape.join(', ')}]`);
    });
  });
}

/**
 * A figure per conv layer (key 'featureMaps:<layer>', file feature-maps-<layer>.png), drawn as SVG by
 * hand (feature-maps.ts) rather than as vega rects, written into dir.
 */
export function writeFeatureMapFigures(sets: readonly FeatureMapSet[], classNames: readonly string[], dir: string): EmbeddedFigure[] {
  return sets.map((set) => {
    const key = `featureMaps:${set.layer}`;
    const file = featureMapsFile(set.layer);
    const r = renderSvg(featureMapsSvg(set, classNames).svg, 2);
    writeFileSync(join(dir, file), r.png);
    const alt = `Feature maps of ${set.layer}: its ${set.shape[2]} channels for ${set.images.length} test images`;
    return { key, file, alt, caption: alt + '.', png: r.png, width: r.width, height: r.height };
  });
}

/**
 * Writes report.html, one PNG per figure (REPORT_FIGURES, and MONITORING_FIGURES when the input has
 * those curves) and one per conv layer's feature maps into outDir (created if needed).
 * Returns absolute paths. Deterministic for a given input (fonts are DejaVu Sans when installed).
 */
export async function writeReport(input: ReportInput, outDir: string): Promise<WrittenReport> {
  validateReportInput(input);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const names = input.classNames;
  const specs: Record<ReportFigureKey, VlSpec> = {
    firstImage: firstImageSpec(input.trainImages[0]!, names),
    first25: first25Spec(input.trainImages, names),
    accuracy: curveSpec('accuracy', input.history, input.run.bestEpoch),
    loss: curveSpec('loss', input.history, input.run.bestEpoch),
    predictions: predictionsSpec(input.testPredictions, names),
    singlePrediction: singlePredictionSpec(input.singlePrediction, names),
    confusionMatrix: confusionMatrixSpec(input.confusionMatrix, names),
  };
  const embedded = new Map<string, EmbeddedFigure>();
  const figures: Record<string, string> = {};
  const allWarnings: string[] = [];
  const monitoring = input.monitoring ?? [];
  const drawn: { key: string; file: string; alt: string; spec: VlSpec }[] = REPORT_FIGURES.map((f) => ({ ...f, spec: specs[f.key] }));
  for (const f of MONITORING_FIGURES) if (monitoring.some((p) => p[f.key] !== undefined)) drawn.push({ ...f, spec: monitoringSpec(f.key, monitoring) });
  for (const f of drawn) {
    const warnings: string[] = [];
    const r = await renderSpec(f.spec, 2, warnings);
    allWarnings.push(...warnings.map((w) => `${f.file}: ${w}`));
    const path = join(dir, f.file);
    writeFileSync(path, r.png);
    figures[f.key] = path;
    embedded.set(f.key, { key: f.key, file: f.file, alt: f.alt, caption: f.alt + '.', png: r.png, width: r.width, height: r.height });
  }
  for (const f of writeFeatureMapFigures(input.featureMaps ?? [], names, dir)) {
    figures[f.key] = join(dir, f.file);
    embedded.set(f.key, f);
  }
  const htmlPath = join(dir, 'report.html');
  writeFileSync(htmlPath, buildHtml(input, embedded));
  return { htmlPath, figures, warnings: allWarnings };
}
