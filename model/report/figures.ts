/**
 * The report's figures as Vega-Lite specs, one function per figure of the tutorial. Images are
 * heatmaps (one rect per pixel), so each figure is an ordinary vega-lite chart.
 */
import { argmax } from '../metrics.js';
import { FONT_FAMILY } from './fonts.js';
import type { VlSpec } from './render.js';
import type { ImagePrediction, LabeledImage, MonitoringPoint, ReportHistory } from './types.js';

/** matplotlib's colours: tab10 blue/orange for the curves, pure red/blue for predictions. */
export const COLORS = {
  train: '#1f77b4',
  validation: '#ff7f0e',
  correct: 'blue',
  wrong: 'red',
  otherBar: '#777777',
} as const;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

const CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 12,
  title: { fontSize: 17, fontWeight: 'bold', anchor: 'middle', offset: 12, subtitleFontSize: 12, subtitleColor: '#444' },
  axis: { labelFontSize: 12, titleFontSize: 13, labelColor: '#222', titleColor: '#222', tickColor: '#666', domainColor: '#666' },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  view: { stroke: '#888' },
  concat: { spacing: 16 },
};

/** A top-level spec: the schema and the report's look (fonts, sizes, colours). */
export function topLevel(spec: VlSpec): VlSpec {
  return { $schema: SCHEMA, config: CONFIG, ...spec };
}

/** Side of a square image (28 for Fashion-MNIST). */
export function imageSide(image: ArrayLike<number>): number {
  const side = Math.round(Math.sqrt(image.length));
  if (side * side !== image.length || side === 0) throw new Error(`image has ${image.length} pixels, not a square number`);
  return side;
}

/** One row per pixel: r (row, 0 = top), c (column), v (value * valueScale). */
function pixels(image: ArrayLike<number>, valueScale = 1, extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  const side = imageSide(image);
  const rows: Record<string, unknown>[] = [];
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) rows.push({ ...extra, r, c, v: image[r * side + c]! * valueScale });
  }
  return rows;
}

/** Encoding of an image heatmap in the 'binary' colormap (0 white, 1 black), axes hidden. */
function grayImageEncoding(): VlSpec {
  return {
    x: { field: 'c', type: 'ordinal', axis: null },
    y: { field: 'r', type: 'ordinal', axis: null },
    // matplotlib's 'binary': 0 white, 1 black, linear in between.
    color: { field: 'v', type: 'quantitative', scale: { domain: [0, 1], range: ['#ffffff', '#000000'] }, legend: null },
  };
}

/** A thin frame drawn over an image, as matplotlib's axes frame (the view's own stroke is under the pixels). */
const FRAME_LAYER: VlSpec = {
  data: { values: [{}] },
  mark: { type: 'rect', fill: null, stroke: '#666', strokeWidth: 1 },
  encoding: { x: { value: 0 }, x2: { value: 'width' }, y: { value: 0 }, y2: { value: 'height' } },
};

/** An image heatmap with a frame, for layering (the pixel data is the parent's or given). */
function grayImageLayers(values?: Record<string, unknown>[]): VlSpec[] {
  return [{ ...(values ? { data: { values } } : {}), mark: { type: 'rect' }, encoding: grayImageEncoding() }, FRAME_LAYER];
}

function grayImageUnit(image: ArrayLike<number>, size: number, title?: VlSpec): VlSpec {
  return {
    ...(title ? { title } : {}),
    width: size,
    height: size,
    layer: grayImageLayers(pixels(image)),
  };
}


/** "Sneaker 86% (Sneaker)": the tutorial's plot_image caption, and its colour. */
export function predictionCaption(p: ImagePrediction, classNames: readonly string[]): { text: string; color: string; correct: boolean } {
  const predicted = argmax(p.probabilities);
  const pct = Math.round(100 * p.probabilities[predicted]!);
  const correct = predicted === p.label;
  return {
    text: `${classNames[predicted]} ${pct}% (${classNames[p.label]})`,
    color: correct ? COLORS.correct : COLORS.wrong,
    correct,
  };
}

/** The tutorial's plot_value_array: grey bars, the predicted one red, the true one blue. */
function valueArrayUnit(p: ImagePrediction, classNames: readonly string[], opts: { width: number; height: number; classLabels: boolean }): VlSpec {
  const predicted = argmax(p.probabilities);
  const values = Array.from(p.probabilities, (prob, c) => ({
    c,
    name: classNames[c],
    p: prob,
    // The true bar is coloured last in the tutorial, so a correct prediction's bar is blue.
    role: c === p.label ? 'true' : c === predicted ? 'predicted' : 'other',
  }));
  const x = opts.classLabels
    ? { field: 'name', type: 'nominal', sort: classNames, axis: { title: null, labelAngle: -45, labelFontSize: 12 } }
    : { field: 'c', type: 'ordinal', axis: { title: null, labelAngle: 0, labelFontSize: 11, ticks: false } };
  return {
    width: opts.width,
    height: opts.height,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x,
      y: {
        field: 'p',
        type: 'quantitative',
        scale: { domain: [0, 1] },
        axis: opts.classLabels
          ? { title: 'Probability', values: [0, 0.2, 0.4, 0.6, 0.8, 1], format: '.1f', grid: true }
          : { title: null, values: [0, 0.5, 1], grid: false, labelFontSize: 10, format: '.1~f' },
      },
      color: {
        field: 'role',
        type: 'nominal',
        scale: { domain: ['other', 'predicted', 'true'], range: [COLORS.otherBar, COLORS.wrong, COLORS.correct] },
        legend: null,
      }
    },
  };
}

/** Figure 1: the first training image with a colour bar (viridis, raw 0-255 values as the tutorial). */
export function firstImageSpec(first: LabeledImage, classNames: readonly string[]): VlSpec {
  const side = imageSide(first.image);
  const size = side * 12;
  const ticks = Array.from({ length: Math.ceil(side / 5) }, (_, i) => i * 5);
  return topLevel({
    title: { text: 'First training image', subtitle: `label ${first.label}: ${classNames[first.label]} · pixel values before normalisation (0-255)` },
    width: size,
    height: size,
    data: { values: pixels(first.image, 255) },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'c', type: 'ordinal', title: null, axis: { values: ticks, labelAngle: 0 } },
      y: { field: 'r', type: 'ordinal', title: null, axis: { values: ticks } },
      color: {
        field: 'v',
        type: 'quantitative',
        title: null,
        scale: { scheme: 'viridis', domain: [0, 255] },
        legend: { direction: 'vertical', gradientLength: size, gradientThickness: 18, values: [0, 50, 100, 150, 200, 250] },
      },
    },
  });
}

/** Figure 2: the first 25 training images (binary colormap) with their class names. */
export function first25Spec(images: LabeledImage[], classNames: readonly string[]): VlSpec {
  const shown = images.slice(0, 25);
  const values = shown.flatMap((img, i) => pixels(img.image, 1, { i }));
  const captions = shown.map((img) => classNames[img.label] ?? String(img.label));
  // A whole number of pixels per image pixel: no anti-aliased seams between the cells.
  const side = imageSide(shown[0]!.image);
  return topLevel({
    title: { text: `First ${shown.length} training images`, subtitle: 'with the class name of each' },
    data: { values },
    facet: {
      field: 'i',
      type: 'ordinal',
      title: null,
      header: { labelOrient: 'bottom', labelPadding: 4, labelFontSize: 14, labelExpr: `${JSON.stringify(captions)}[datum.value]` },
    },
    columns: 5,
    spacing: { row: 10, column: 16 },
    spec: { width: 5 * side, height: 5 * side, layer: grayImageLayers() },
  });
}

/** Figure 3: training and validation curves of one metric per epoch (the tutorial's plot_accuracy / plot_loss). */
export function curveSpec(metric: 'accuracy' | 'loss', history: ReportHistory, bestEpoch?: number): VlSpec {
  const train = metric === 'accuracy' ? history.accuracy : history.loss;
  const val = metric === 'accuracy' ? history.val_accuracy : history.val_loss;
  const label = metric === 'accuracy' ? 'Accuracy' : 'Loss';
  const values = [
    ...train.map((value, i) => ({ epoch: i + 1, series: 'Train', value })),
    ...val.map((value, i) => ({ epoch: i + 1, series: 'Validation', value })),
  ];
  const n = Math.max(train.length, val.length);
  const x = {
    field: 'epoch',
    type: 'quantitative',
    title: 'Epoch',
    scale: { domain: [1, Math.max(2, n)], nice: false },
    axis: { tickMinStep: 1, format: 'd', grid: true },
  };
  const HEIGHT = 260;
  const layers: VlSpec[] = [
    {
      mark: { type: 'line', point: { size: 40 }, strokeWidth: 2 },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title: label, scale: { zero: false }, axis: { grid: true } },
        color: {
          field: 'series',
          type: 'nominal',
          scale: { domain: ['Train', 'Validation'], range: [COLORS.train, COLORS.validation] },
          legend: { title: null, orient: 'top', direction: 'horizontal', labelFontSize: 13, symbolSize: 120 },
        }
      },
    },
  ];
  if (bestEpoch !== undefined && bestEpoch >= 1 && bestEpoch <= n) {
    layers.push({
      data: { values: [{ epoch: bestEpoch, text: `best epoch ${bestEpoch} (weights kept)` }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [5, 4], color: '#555', strokeWidth: 1.5 }, encoding: { x } },
        {
          // Accuracy curves rise to the top and loss curves fall to the bottom: label the other end.
          mark: {
            type: 'text',
            align: bestEpoch > n / 2 ? 'right' : 'left',
            dx: bestEpoch > n / 2 ? -5 : 5,
            baseline: metric === 'accuracy' ? 'bottom' : 'top',
            y: metric === 'accuracy' ? HEIGHT - 6 : 6,
            fontSize: 12,
            color: '#333',
          },
          encoding: { x, text: { field: 'text' } },
        },
      ],
    });
  }
  return topLevel({
    title: { text: `Model ${label}`, subtitle: `training and validation ${metric} per epoch` },
    width: 760,
    height: HEIGHT,
    data: { values },
    layer: layers,
  });
}

/** What the two monitoring figures plot. */
const MONITORING = {
  learningRate: {
    title: 'Learning rate',
    subtitle: 'the rate of the last step at each metrics read · dashed lines: epoch ends',
    axis: 'Learning rate',
    format: '.3~g',
  },
  gradNorm: {
    title: 'Gradient norm',
    subtitle: 'global L2 norm of the gradients before clipping, mean over the steps of each metrics read · dashed lines: epoch ends',
    axis: 'Global gradient norm',
    format: '.3~g',
  },
} as const;

/** The learning rate or the gradient norm against the optimizer's step, one point per metrics read. */
export function monitoringSpec(which: keyof typeof MONITORING, points: readonly MonitoringPoint[]): VlSpec {
  const m = MONITORING[which];
  const values = points.flatMap((p) => (p[which] === undefined ? [] : [{ iteration: p.iteration, epoch: p.epoch + 1, value: p[which] }]));
  // The last read of an epoch is at its end (fit reads at every epoch's last step).
  const ends = points.filter((p, i) => i === points.length - 1 || points[i + 1]!.epoch !== p.epoch).map((p) => ({ iteration: p.iteration }));
  // No vertical grid: the dashed epoch ends are the verticals.
  const x = { field: 'iteration', type: 'quantitative', title: 'Step (optimizer updates)', scale: { nice: false }, axis: { format: 'd', grid: false } };
  return topLevel({
    title: { text: m.title, subtitle: m.subtitle },
    width: 760,
    height: 220,
    layer: [
      { data: { values: ends }, mark: { type: 'rule', strokeDash: [4, 4], color: '#aaa', strokeWidth: 1 }, encoding: { x } },
      {
        data: { values },
        mark: { type: 'line', point: { size: 18, filled: true, color: COLORS.train }, strokeWidth: 1.5, color: COLORS.train },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: m.axis, scale: { zero: false }, axis: { grid: true, format: m.format } } },
      },
    ],
  });
}

/** Figure 4: test images with caption and probability bars, 5 rows x 3 columns as the tutorial. */
export function predictionsSpec(preds: ImagePrediction[], classNames: readonly string[], columns = 3): VlSpec {
  const pairs = preds.map((p) => {
    const cap = predictionCaption(p, classNames);
    return {
      title: { text: cap.text, color: cap.color, orient: 'bottom', anchor: 'start', fontSize: 13, fontWeight: 'normal', offset: 6 },
      spacing: 8,
      hconcat: [grayImageUnit(p.image, 4 * imageSide(p.image)), valueArrayUnit(p, classNames, { width: 150, height: 112, classLabels: false })],
    };
  });
  const rows: VlSpec[] = [];
  for (let i = 0; i < pairs.length; i += columns) rows.push({ spacing: 34, hconcat: pairs.slice(i, i + columns) });
  const classKey = classNames.map((n, i) => `${i} ${n}`).join(' · ');
  return topLevel({
    title: {
      text: `Predictions on ${preds.length} test images`,
      subtitle: [
        'caption: predicted class, confidence (true class) — blue when right, red when wrong',
        'bars: probability of each class — predicted class red, true class blue',
        `classes: ${classKey}`,
      ],
    },
    spacing: 18,
    vconcat: rows,
  });
}

/** Figure 5: one test image and its probabilities, class names on the x axis (rotated). */
export function singlePredictionSpec(p: ImagePrediction, classNames: readonly string[]): VlSpec {
  const cap = predictionCaption(p, classNames);
  const which = p.index !== undefined ? `test image ${p.index}` : 'a test image';
  return topLevel({
    title: { text: 'Single-image prediction', subtitle: `${which} · predicted bar red, true bar blue` },
    spacing: 30,
    hconcat: [
      grayImageUnit(p.image, 6 * imageSide(p.image), { text: cap.text, color: cap.color, orient: 'bottom', fontSize: 13, fontWeight: 'normal', offset: 8 }),
      valueArrayUnit(p, classNames, { width: 380, height: 220, classLabels: true }),
    ],
  });
}

/** matplotlib's 'Blues' (seaborn's cmap="Blues"): white-ish to dark blue. */
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];

/** Figure 6: the confusion matrix (rows = actual, columns = predicted) with counts, as seaborn's heatmap. */
export function confusionMatrixSpec(cm: number[][], classNames: readonly string[]): VlSpec {
  const values: Record<string, unknown>[] = [];
  let max = 0;
  cm.forEach((row, t) =>
    row.forEach((n, p) => {
      values.push({ actual: classNames[t], predicted: classNames[p], n });
      max = Math.max(max, n);
    }),
  );
  const axis = { field: 'actual', type: 'nominal', sort: classNames };
  return topLevel({
    title: { text: 'Confusion Matrix', subtitle: 'rows: actual class · columns: predicted class · cells: number of test images' },
    width: 470,
    height: 470,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: classNames, title: 'Predicted', axis: { labelAngle: -45, labelFontSize: 12 } },
      y: { ...axis, title: 'Actual', axis: { labelFontSize: 12 } },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'n', type: 'quantitative', title: 'count', scale: { domain: BLUES.map((_, i) => (i * Math.max(1, max)) / (BLUES.length - 1)), range: BLUES }, legend: { gradientLength: 470 } }
        },
      },
      {
        mark: { type: 'text', fontSize: 12 },
        encoding: {
          text: { field: 'n', type: 'quantitative' },
          color: { condition: { test: `datum.n > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}
