import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { predictionCaption } from '../model/report/figures.js';
import { escapeHtml } from '../model/report/html.js';
import { MONITORING_FIGURES, REPORT_FIGURES, validateReportInput, writeReport, type ReportInput, type WrittenReport } from '../model/report/index.js';
import { sampleReportInput } from '../model/report/sample.js';

let dir: string;
let input: ReportInput;
let out: WrittenReport;
let html: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-test-'));
  // Real images, made-up predictions/history/confusion matrix.
  input = sampleReportInput(loadFashionMnist({ limit: { train: 25, test: 20 } }));
  out = await writeReport(input, join(dir, 'out'));
  html = readFileSync(out.htmlPath, 'utf8');
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Counts pixels of an exact colour (alpha ignored). */
function countColor(png: PNG, [r, g, b]: [number, number, number]): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) n++;
  return n;
}

describe('writeReport', () => {
  it('writes report.html, every figure of the tutorial and the two monitoring curves, without warnings', () => {
    expect(out.htmlPath).toBe(join(dir, 'out', 'report.html'));
    expect(existsSync(out.htmlPath)).toBe(true);
    // The sample has a metrics log's points, so both monitoring figures are drawn.
    expect(Object.keys(out.figures).sort()).toEqual([...REPORT_FIGURES, ...MONITORING_FIGURES].map((f) => f.key).sort());
    expect(MONITORING_FIGURES.map((f) => f.file)).toEqual(['learning-rate.png', 'grad-norm.png']);
    expect(REPORT_FIGURES.map((f) => f.file)).toEqual([
      'first-image.png',
      'first-25.png',
      'accuracy.png',
      'loss.png',
      'predictions.png',
      'single-prediction.png',
      'confusion-matrix.png',
    ]);
    for (const f of [...REPORT_FIGURES, ...MONITORING_FIGURES]) expect(out.figures[f.key]).toBe(join(dir, 'out', f.file));
    expect(out.warnings).toEqual([]);
  });

  it('each figure is a valid, non-blank PNG of a sensible size', () => {
    for (const f of [...REPORT_FIGURES, ...MONITORING_FIGURES]) {
      const path = out.figures[f.key]!;
      expect(existsSync(path), f.file).toBe(true);
      const png = PNG.sync.read(readFileSync(path));
      expect(png.width, f.file).toBeGreaterThanOrEqual(500);
      expect(png.height, f.file).toBeGreaterThanOrEqual(400);
      expect(png.width, f.file).toBeLessThanOrEqual(4000);
      expect(png.height, f.file).toBeLessThanOrEqual(4000);
      const white = countColor(png, [255, 255, 255]);
      expect(white / (png.width * png.height), `${f.file} is mostly blank`).toBeLessThan(0.97);
    }
  });

  it('draws the tutorial colours: red/blue captions and bars, grey bars', () => {
    const preds = PNG.sync.read(readFileSync(out.figures.predictions!));
    // The sample has correct (blue) and wrong (red) predictions.
    expect(input.testPredictions.some((p) => !predictionCaption(p, input.classNames).correct)).toBe(true);
    expect(countColor(preds, [255, 0, 0])).toBeGreaterThan(500);
    expect(countColor(preds, [0, 0, 255])).toBeGreaterThan(2000);
    expect(countColor(preds, [0x77, 0x77, 0x77])).toBeGreaterThan(500);
    const single = PNG.sync.read(readFileSync(out.figures.singlePrediction!));
    expect(countColor(single, [0, 0, 255])).toBeGreaterThan(1000);
  });

  it('draws the monitoring curves from their points: the line and its points in the curves\' blue', () => {
    expect(input.monitoring!.length).toBeGreaterThan(200);
    for (const key of ['learningRate', 'gradNorm']) {
      const png = PNG.sync.read(readFileSync(out.figures[key]!));
      expect(countColor(png, [0x1f, 0x77, 0xb4]), key).toBeGreaterThan(1000);
    }
    // In the Training section, after the loss curve.
    expect(html.indexOf('id="fig-learningRate"')).toBeGreaterThan(html.indexOf('id="fig-loss"'));
    expect(html.indexOf('id="fig-gradNorm"')).toBeGreaterThan(html.indexOf('id="fig-learningRate"'));
  });

  it('embeds every figure in the HTML as a data URI with alt text, identical to the PNG file', () => {
    for (const f of [...REPORT_FIGURES, ...MONITORING_FIGURES]) {
      const m = html.match(new RegExp(`<img alt="${escapeHtml(f.alt)}"[^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"`));
      expect(m, f.file).not.toBeNull();
      expect(Buffer.from(m![1]!, 'base64').equals(readFileSync(out.figures[f.key]!)), f.file).toBe(true);
    }
    expect(html.match(/<img /g)).toHaveLength(REPORT_FIGURES.length + MONITORING_FIGURES.length);
  });

  it('is self-contained: no external resources or links', () => {
    expect(html).not.toMatch(/<(script|link|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)="(?!data:)/i);
    expect(html).not.toMatch(/url\(/i);
  });

  it('has the precision/recall/F1 table with a row for every class and the averages', () => {
    const rep = input.classificationReport;
    expect(input.classNames).toHaveLength(10);
    input.classNames.forEach((name, i) => {
      const m = rep.perClass[i]!;
      const row = `<tr><th scope="row">${escapeHtml(name)}</th><td>${m.precision.toFixed(4)}</td><td>${m.recall.toFixed(4)}</td><td>${m.f1.toFixed(4)}</td><td>${m.support}</td></tr>`;
      expect(html, name).toContain(row);
    });
    expect(html).toContain(`<th scope="row">macro avg</th><td>${rep.macro.precision.toFixed(4)}</td>`);
    expect(html).toContain(`<th scope="row">weighted avg</th><td>${rep.weighted.precision.toFixed(4)}</td>`);
    expect(html).toContain('<th>Precision</th><th>Recall</th><th>F1 score</th>');
  });

  it('has the model summary, test loss and accuracy, the history and the run facts', () => {
    expect(html).toContain(`<pre id="model-summary">${escapeHtml(input.modelSummary)}</pre>`);
    expect(html).toContain(`<b id="test-loss">${input.test.loss.toFixed(4)}</b>`);
    expect(html).toContain(`<b id="test-accuracy">${(100 * input.test.accuracy).toFixed(2)}%</b>`);
    const r = input.run;
    const fact = (k: string, v: string): void => expect(html, k).toContain(`<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
    fact('Backend', r.backend);
    fact('Adapter', r.adapter);
    fact('Epochs run', `${r.epochsRun} (of at most ${r.maxEpochs})`);
    fact('Best epoch (weights kept)', String(r.bestEpoch));
    fact('Seconds per epoch', r.secondsPerEpoch.map((s) => s.toFixed(1)).join(', '));
    fact('Batch size', '256');
    fact('Seed', String(r.seed));
    fact('Date', r.date);
    fact('Dataset', r.datasetSource);
    // One history row per epoch.
    expect(html.match(/<table class="history">[\s\S]*?<\/table>/)![0].match(/<tr>/g)).toHaveLength(input.history.loss.length + 1);
  });
});

describe('report helpers', () => {
  it('captions a prediction as the tutorial: "predicted NN% (true)", blue when right, red when wrong', () => {
    const names = ['a', 'b', 'c'];
    const img = new Float32Array(4);
    expect(predictionCaption({ image: img, label: 1, probabilities: [0.1, 0.856, 0.044] }, names)).toEqual({ text: 'b 86% (b)', color: 'blue', correct: true });
    expect(predictionCaption({ image: img, label: 2, probabilities: [0.6, 0.1, 0.3] }, names)).toEqual({ text: 'a 60% (c)', color: 'red', correct: false });
  });

  it('rejects inconsistent input with a clear error', () => {
    const bad = { ...input, singlePrediction: { ...input.singlePrediction, probabilities: [0.5, 0.5] } };
    expect(() => validateReportInput(bad)).toThrow('singlePrediction has 2 probabilities, expected 10');
    const badImg = { ...input, trainImages: [{ image: new Float32Array(10), label: 0 }] };
    expect(() => validateReportInput(badImg)).toThrow('trainImages[0]: image has 10 pixels, not a square number');
    const badLabel = { ...input, trainImages: [{ image: new Float32Array(784), label: 10 }] };
    expect(() => validateReportInput(badLabel)).toThrow('trainImages[0] label 10 is not a class index in 0..9');
    const badHist = { ...input, history: { ...input.history, val_loss: [1] } };
    expect(() => validateReportInput(badHist)).toThrow(`history.val_loss has 1 epochs but history.loss has ${input.history.loss.length}`);
    const badCm = { ...input, confusionMatrix: [[1]] };
    expect(() => validateReportInput(badCm)).toThrow('confusionMatrix must be 10x10');
    const badNorm = { ...input, monitoring: [{ iteration: 10, epoch: 0, gradNorm: NaN }] };
    expect(() => validateReportInput(badNorm)).toThrow('monitoring[0].gradNorm is NaN, expected a finite number');
    const badStep = { ...input, monitoring: [{ iteration: 1.5, epoch: 0 }] };
    expect(() => validateReportInput(badStep)).toThrow('monitoring[0] needs integer iteration and epoch >= 0, got 1.5 and 0');
  });
});
