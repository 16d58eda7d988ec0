/**
 * A sample ReportInput from real Fashion-MNIST images and made-up (but plausible) predictions,
 * history and confusion matrix: for the report's test and demo, not for real results.
 */
import { FASHION_MNIST_CLASS_NAMES, type FashionMnist } from '../data/fashion-mnist.js';
import { reportFromConfusion } from '../metrics.js';
import type { ImagePrediction, ReportInput } from './types.js';

/** mulberry32: a small seeded PRNG, so the sample is the same every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Classes the tutorial's model tends to confuse with each class. */
const CONFUSABLE: number[][] = [[6, 3, 2], [3], [4, 6], [4, 0], [2, 6], [7, 9], [0, 2, 4], [5, 9], [0, 6], [7, 5]];

function fakeProbabilities(label: number, correct: boolean, rand: () => number): number[] {
  const n = 10;
  const alt = CONFUSABLE[label]![Math.floor(rand() * CONFUSABLE[label]!.length)]!;
  const predicted = correct ? label : alt;
  const top = correct ? 0.55 + 0.45 * rand() : 0.45 + 0.4 * rand();
  const p = new Array<number>(n).fill(0);
  p[predicted] = top;
  let rest = 1 - top;
  const second = correct ? alt : label;
  const s = rest * (0.5 + 0.45 * rand());
  p[second] = Math.min(s, top * 0.95);
  rest = 1 - p[predicted]! - p[second]!;
  const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== predicted && i !== second);
  const w = others.map(() => rand());
  const ws = w.reduce((a, b) => a + b, 0);
  others.forEach((i, k) => (p[i] = (rest * w[k]!) / ws));
  return p;
}

/** A confusion matrix like the tutorial's (~91% accuracy, Shirt the weakest class), 1000 per class. */
function fakeConfusion(rand: () => number): number[][] {
  const recall = [0.86, 0.98, 0.86, 0.91, 0.85, 0.98, 0.72, 0.96, 0.98, 0.95];
  return recall.map((r, t) => {
    const row = new Array<number>(10).fill(0);
    let wrong = 1000 - Math.round(1000 * r);
    row[t] = 1000 - wrong;
    const conf = CONFUSABLE[t]!;
    while (wrong > 0) {
      const c = rand() < 0.85 ? conf[Math.floor(rand() * conf.length)]! : Math.floor(rand() * 10);
      if (c === t) continue;
      row[c]! += 1;
      wrong--;
    }
    return row;
  });
}

const SAMPLE_SUMMARY = `Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 26, 26, 32)     │           320 │
│ max_pooling2d (MaxPooling2D)    │ (None, 13, 13, 32)     │             0 │
│ conv2d_1 (Conv2D)               │ (None, 11, 11, 64)     │        18,496 │
│ max_pooling2d_1 (MaxPooling2D)  │ (None, 5, 5, 64)       │             0 │
│ conv2d_2 (Conv2D)               │ (None, 3, 3, 64)       │        36,928 │
│ flatten (Flatten)               │ (None, 576)            │             0 │
│ dense (Dense)                   │ (None, 128)            │        73,856 │
│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 130,890 (511.29 KB)
 Trainable params: 130,890 (511.29 KB)
 Non-trainable params: 0 (0.00 B)
(sample text: not from a real run)`;

/**
 * Builds the sample input from loaded data (needs >= 25 training and >= 16 test images; the
 * first 15 test images get made-up predictions, test image 1 is the single prediction).
 */
export function sampleReportInput(data: FashionMnist, seed = 7): ReportInput {
  const rand = prng(seed);
  const side = 28 * 28;
  const trainCount = Math.min(25, data.train.count);
  const trainImages = Array.from({ length: trainCount }, (_, i) => ({
    image: data.train.images.slice(i * side, (i + 1) * side),
    label: data.train.labels[i]!,
  }));
  const pred = (i: number, correct: boolean): ImagePrediction => {
    const label = data.test.labels[i]!;
    return { image: data.test.images.slice(i * side, (i + 1) * side), label, index: i, probabilities: fakeProbabilities(label, correct, rand) };
  };
  // Two of the 15 wrong (indices 4 and 12), as a real run shows a few red captions.
  const testPredictions = Array.from({ length: Math.min(15, data.test.count) }, (_, i) => pred(i, i !== 4 && i !== 12));
  // The tutorial's single prediction is test image 1: the same prediction as in the grid.
  const singlePrediction = testPredictions[1] ?? pred(1, true);
  const epochs = 11;
  const history = {
    loss: Array.from({ length: epochs }, (_, e) => 0.25 + 0.5 * Math.exp(-e / 1.6) - 0.012 * e + 0.004 * rand()),
    accuracy: Array.from({ length: epochs }, (_, e) => 0.91 - 0.18 * Math.exp(-e / 1.6) + 0.0045 * e + 0.002 * rand()),
    val_loss: Array.from({ length: epochs }, (_, e) => 0.27 + 0.2 * Math.exp(-e / 1.4) + 0.0022 * Math.max(0, e - 6) ** 2 + 0.004 * rand()),
    val_accuracy: Array.from({ length: epochs }, (_, e) => 0.905 - 0.085 * Math.exp(-e / 1.5) - 0.0006 * Math.max(0, e - 7) ** 2 + 0.003 * rand()),
  };
  let best = 0;
  history.val_loss.forEach((v, i) => {
    if (v < history.val_loss[best]!) best = i;
  });
  const confusion = fakeConfusion(rand);
  const report = reportFromConfusion(confusion);
  const input: ReportInput = {
    title: 'Fashion-MNIST CNN: sample report (made-up predictions)',
    classNames: FASHION_MNIST_CLASS_NAMES,
    trainImages,
    testPredictions,
    singlePrediction,
    history,
    test: { loss: history.val_loss[best]!, accuracy: report.accuracy },
    confusionMatrix: confusion,
    classificationReport: report,
    modelSummary: SAMPLE_SUMMARY,
    run: {
      backend: 'sample',
      adapter: 'none (made-up numbers for a look at the report)',
      epochsRun: epochs,
      maxEpochs: 20,
      bestEpoch: best + 1,
      secondsPerEpoch: Array.from({ length: epochs }, () => 4 + rand()),
      batchSize: 256,
      seed,
      date: '2025-01-08T12:00:00Z',
      datasetSource: `${data.source.origin} (${data.source.dir})`,
      extra: { 'Early stopping': "monitor='val_loss', patience=3, restore_best_weights=True" },
    },
  };
  // The metrics log's curves, drawn last so the numbers above stay those of earlier samples:
  // 235 steps per epoch read every 10 (and at each epoch's end), Adam's fixed rate, a falling norm.
  const steps = 235;
  input.monitoring = [];
  for (let e = 0; e < epochs; e++) {
    for (let s = 10; s <= steps; s = s === steps ? steps + 1 : Math.min(s + 10, steps)) {
      const iteration = e * steps + s;
      input.monitoring.push({ iteration, epoch: e, learningRate: 0.001, gradNorm: 0.7 + 2.4 * Math.exp(-iteration / 300) + 0.25 * rand() });
    }
  }
  return input;
}
