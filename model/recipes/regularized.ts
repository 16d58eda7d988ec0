/**
 * `regularized`: the tutorial's CNN (the same three convolutions, two poolings and dense layers)
 * with the usual regularisers added, for a better test accuracy within the same 20 epochs:
 * - Dropout after each pooling (0.1) and before the last Dense (0.3);
 * - L2 on every kernel (1e-5, Keras's l2: the penalty is 1e-5 * sum(w^2));
 * - on-device augmentation of every training batch: shifts of up to 1 pixel and a left-right flip
 *   (a mirrored shirt, shoe or bag is still one). No rotation, brightness or noise: every
 *   Fashion-MNIST image is a centred product on an exactly black background, from one
 *   photographic pipeline, so test images never show a shifted background level or sensor noise
 *   to become robust to, and a rotation's interpolation blurs what this small CNN has to fit.
 *   The strengths were chosen on the held-out validation images, never on the test set
 *   (2026-12-01, full runs): Dropout 0.2/0.2/0.4, L2 1e-4, shifts of 2, flips and rotations of 5
 *   degrees underfit (val_accuracy 90.90%, train accuracy 89.4% at epoch 20); this one reached
 *   92.98%; Dropout only before the last Dense (0.3) at batch 64 and Adam 1e-3, 92.90%;
 * - label smoothing 0.1;
 * - Adam with a linear warm-up over the first epoch to 2e-3, then a cosine decay to 1% of it at
 *   the last epoch.
 * Batch 128 (twice the tutorial's steps per epoch, for the same time per image). It validates on
 * the last 5,000 training images and stops on val_accuracy with patience 5.
 */
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '../../engine/nn/layers.js';
import { Sequential } from '../../engine/nn/sequential.js';
import { Adam } from '../../engine/optim/adam.js';
import type { Recipe } from './recipe.js';
import { warmupCosine } from './schedule.js';

const L2 = { l2: 1e-5 };

export function regularizedCnn(seed = 42, classes = 10): Sequential {
  return new Sequential(
    [
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', kernelRegularizer: L2, inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Dropout({ rate: 0.1 }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', kernelRegularizer: L2 }),
      new MaxPooling2D({ poolSize: 2 }),
      new Dropout({ rate: 0.1 }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', kernelRegularizer: L2 }),
      new Flatten(),
      new Dense({ units: 128, activation: 'relu', kernelRegularizer: L2 }),
      new Dropout({ rate: 0.3 }),
      new Dense({ units: classes, kernelRegularizer: L2 }),
    ],
    { seed, name: 'regularized_cnn' },
  );
}

export const regularizedRecipe: Recipe = {
  name: 'regularized',
  description: "the tutorial's CNN + Dropout, L2, augmentation, label smoothing, cosine LR",
  validation: 'holdout',
  epochs: 20,
  batchSize: 128,
  patience: 5,
  monitor: 'val_accuracy',
  augment: { shift: 1, flip: true },
  labelSmoothing: 0.1,
  expectedTime: 'about 33 min on 1 thread (an epoch: 67-83 s; measured 2026-12-01, full run 20 epochs)',
  build: (seed, classes) => regularizedCnn(seed, classes),
  optimizer: (plan) => new Adam({ learningRate: warmupCosine(plan, 2e-3, 1) }),
};
