/**
 * `npx tsx bench/mirror-orientation.ts`: is a left-right flip a fair augmentation for each
 * Fashion-MNIST class? For every class it prints the share of its training images (the first
 * 55,000, the recipes' training split) that lie closer, in squared pixel distance, to their class's
 * mean image than to that mean mirrored. A class whose images come in either orientation reads
 * about 50%; one photographed one way round reads near 100%, and a flipped image of it is a
 * picture the test set does not hold. The same share over the test set is printed beside it.
 * Why the recipes' augmentations are what they are (model/recipes/regularized.ts) rests on this.
 */
import { loadFashionMnist, type FashionMnistSplit } from '../model/data/fashion-mnist.js';
import { DEFAULT_HOLDOUT } from '../model/data/splits.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

function classMeans(split: FashionMnistSplit, count: number, classes: number): Float64Array[] {
  const sums = Array.from({ length: classes }, () => new Float64Array(PIXELS));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < count; i++) {
    const c = split.labels[i];
    counts[c]++;
    for (let p = 0; p < PIXELS; p++) sums[c][p] += split.images[i * PIXELS + p];
  }
  return sums.map((s, c) => s.map((v) => v / counts[c]));
}

function mirrored(image: Float64Array): Float64Array {
  const out = new Float64Array(PIXELS);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) out[y * SIDE + x] = image[y * SIDE + (SIDE - 1 - x)];
  return out;
}

/** Per class: the share of `count` images nearer their class mean than its mirror. */
function orientedShare(split: FashionMnistSplit, count: number, means: Float64Array[]): number[] {
  const flips = means.map(mirrored);
  const nearer = new Array<number>(means.length).fill(0);
  const total = new Array<number>(means.length).fill(0);
  for (let i = 0; i < count; i++) {
    const c = split.labels[i];
    let toMean = 0;
    let toMirror = 0;
    for (let p = 0; p < PIXELS; p++) {
      const v = split.images[i * PIXELS + p];
      toMean += (v - means[c][p]) ** 2;
      toMirror += (v - flips[c][p]) ** 2;
    }
    total[c]++;
    if (toMean < toMirror) nearer[c]++;
  }
  return nearer.map((n, c) => n / total[c]);
}

const data = loadFashionMnist();
// The images before the recipes' held-out tail (model/data/splits.ts): what they train on.
const TRAIN_IMAGES = data.train.count - DEFAULT_HOLDOUT;
const means = classMeans(data.train, TRAIN_IMAGES, data.classNames.length);
const train = orientedShare(data.train, TRAIN_IMAGES, means);
const test = orientedShare(data.test, data.test.count, means);
console.log('class         nearer its mean than the mirror: train (55,000)  test (10,000)');
data.classNames.forEach((name, c) => {
  console.log(`${name.padEnd(14)}${(100 * train[c]).toFixed(1).padStart(38)}%${(100 * test[c]).toFixed(1).padStart(13)}%`);
});
