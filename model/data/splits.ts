/**
 * Slices of a Fashion-MNIST split that the recipes, the tuner and transfer learning share:
 * a held-out validation tail and a class subset.
 *
 * Why a held-out tail: the tutorial validates on the test set, and its recipe keeps that to stay
 * faithful. Every other recipe, and the tuner, choose epochs and hyperparameters on data they will
 * not report; choosing on test data would make the reported test accuracy a lie. The tail (not a
 * random draw) keeps the split identical across runs, seeds and resumes without storing indices.
 */
import type { FashionMnistSplit } from './fashion-mnist.js';

const PIXELS_PER_IMAGE = 28 * 28;

/** The last 5,000 training images, as the recipes and the tuner use. */
export const DEFAULT_HOLDOUT = 5000;

export interface HoldoutSplit {
  train: FashionMnistSplit;
  validation: FashionMnistSplit;
}

/** Copies images [start, end) of a split (copies, so a caller cannot alias the loaded data). */
export function sliceSplit(split: FashionMnistSplit, start: number, end: number): FashionMnistSplit {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > split.count || start > end) {
    throw new Error(`sliceSplit: expected integers 0 <= start <= end <= ${split.count}, got start=${start}, end=${end}`);
  }
  return {
    images: split.images.slice(start * PIXELS_PER_IMAGE, end * PIXELS_PER_IMAGE),
    labels: split.labels.slice(start, end),
    count: end - start,
  };
}

/**
 * The held-out tail's size for `count` training images: 5,000 of the full 60,000, and the same
 * 1/12 (at least 1) of a smaller slice (--quick, --classes, the tests).
 */
export function holdoutCount(count: number): number {
  return Math.max(1, Math.round((count * DEFAULT_HOLDOUT) / 60_000));
}

/** Splits off the last `holdout` images of `split` as validation data; the rest stays for training. */
export function holdoutTail(split: FashionMnistSplit, holdout: number = DEFAULT_HOLDOUT): HoldoutSplit {
  if (!Number.isInteger(holdout) || holdout < 1 || holdout >= split.count) {
    throw new Error(
      `holdoutTail: the held-out count must be an integer in [1, ${split.count - 1}] (the split has ${split.count} images), got ${holdout}`,
    );
  }
  return { train: sliceSplit(split, 0, split.count - holdout), validation: sliceSplit(split, split.count - holdout, split.count) };
}

/**
 * The images whose label is in `classes`, in their original order. With `relabel`, labels become
 * their index in `classes` (so classes 5-9 train a 5-way head as 0-4); otherwise they are kept.
 */
export function classSubset(split: FashionMnistSplit, classes: readonly number[], relabel = false): FashionMnistSplit {
  if (classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0 || c > 9) || new Set(classes).size !== classes.length) {
    throw new Error(`classSubset: expected distinct class ids in 0..9, got [${classes.join(', ')}]`);
  }
  const position = new Map(classes.map((c, i) => [c, i]));
  const keep: number[] = [];
  for (let i = 0; i < split.count; i++) if (position.has(split.labels[i])) keep.push(i);
  const images = new Float32Array(keep.length * PIXELS_PER_IMAGE);
  const labels = new Int32Array(keep.length);
  keep.forEach((source, target) => {
    images.set(split.images.subarray(source * PIXELS_PER_IMAGE, (source + 1) * PIXELS_PER_IMAGE), target * PIXELS_PER_IMAGE);
    labels[target] = relabel ? position.get(split.labels[source])! : split.labels[source];
  });
  return { images, labels, count: keep.length };
}
