/**
 * `resnet`: a small residual network (He et al. 2016, the basic block) in the functional API.
 *
 *   28x28x1 -> conv 3x3 (16) -> BN -> ReLU
 *           -> block(16), block(16)              28x28
 *           -> block(32, stride 2), block(32)    14x14, the first shortcut a 1x1 conv with stride 2 + BN
 *           -> block(64, stride 2), block(64)     7x7, likewise
 *           -> global average pooling -> Dense(10)
 * 176,090 weights. A block is conv 3x3 -> BN -> ReLU -> conv 3x3 -> BN, plus the shortcut, then
 * ReLU. The convolutions before a BN have no bias (BN's beta is one). BN's momentum is 0.9
 * (PyTorch's 0.1), not Keras's 0.99: with 0.99 a short run's moving statistics keep much of their
 * initial (0, 1) (test/learning-functional.test.ts measured 18% test accuracy after 189 steps).
 * The widths are ResNet-20's (He et al.'s CIFAR network), with two blocks per stage instead of
 * three: at 32-64-128 a training image cost 17 times the tutorial CNN's on the CPU backend (8
 * steps at batch 128, measured 2026-12-01 at load average 20), about 60 hours for 30 epochs
 * there.
 *
 * Why 2 blocks a stage: with 1 (78,426 weights) the network underfit (94.0% training accuracy,
 * augmented and label-smoothed, against 93.3% held out) and its best full run reached 93.90% held
 * out, test 93.08%, short of the issue's 93.5%. With 2 a full run reached 94.66% held out (epoch
 * 28 of 30) and 93.90% on the test set (2026-12-03; the README's results).
 *
 * Training: AdamW (Keras's weight decay 0.004) with a warm-up over 2 epochs to 2e-3 and a
 * cosine decay, label smoothing 0.1, and shifts up to 2 pixels as the only augmentation
 * (engine/ops/augment.ts; regularized.ts says why no brightness or noise). No flip: Fashion-MNIST's
 * shoes all point one way (regularized.ts), and a full 1-block run without flips reached 93.32%
 * held out (test 92.84%) against 93.16% (test 92.39%) with them. No rotation: without the
 * rotations of up to 8 degrees a 1-block run reached 93.90% held out (test 93.08%), 2026-12-03.
 * Batch 128, at most 30 epochs, validating on the last 5,000 training images (EarlyStopping on
 * val_accuracy, patience 10: with the functional recipes' 6 the 2-block run stopped after epoch
 * 20, its best held-out epoch 14 at 94.14%, with the cosine schedule two-thirds through; resumed
 * with patience 10 it ran the schedule out and gained half a point held out).
 */
import { input } from '../../engine/nn/functional/input.js';
import { Model } from '../../engine/nn/functional/model.js';
import type { SymbolicTensor } from '../../engine/nn/functional/symbolic.js';
import { ActivationLayer, BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D } from '../../engine/nn/layers.js';
import { Add } from '../../engine/nn/layers/add.js';
import { AdamW } from '../../engine/optim/adam.js';
import { FUNCTIONAL_RECIPE_SETTINGS, type Recipe } from './recipe.js';
import { warmupCosine } from './schedule.js';

const BN_MOMENTUM = 0.9;
/** The recipe's residual blocks per stage (the file comment says why 2). */
export const RESNET_BLOCKS_PER_STAGE = 2;

function convBn(x: SymbolicTensor, filters: number, kernelSize: number, strides: number): SymbolicTensor {
  const h = new Conv2D({ filters, kernelSize, strides, padding: 'same', useBias: false }).apply(x);
  return new BatchNormalization({ momentum: BN_MOMENTUM }).apply(h);
}

const relu = (x: SymbolicTensor): SymbolicTensor => new ActivationLayer({ activation: 'relu' }).apply(x);

/** The basic block; a projection shortcut where the shape changes. */
function residualBlock(x: SymbolicTensor, filters: number, strides: number): SymbolicTensor {
  const h = convBn(relu(convBn(x, filters, 3, strides)), filters, 3, 1);
  const changes = strides !== 1 || x.shape[x.shape.length - 1] !== filters;
  const shortcut = changes ? convBn(x, filters, 1, strides) : x;
  return relu(new Add().apply(h, shortcut));
}

/**
 * `widths`: the filters of the three stages (the recipe's [16, 32, 64]); `blocks`: residual
 * blocks per stage (the recipe's RESNET_BLOCKS_PER_STAGE; ResNet-20 has 3), the first of stages 2
 * and 3 with stride 2; `classes` outputs. The defaults build the recipe's network.
 */
export function smallResnet(seed = 42, widths: readonly [number, number, number] = [16, 32, 64], classes = 10, blocks = RESNET_BLOCKS_PER_STAGE): Model {
  if (!Number.isInteger(blocks) || blocks < 1) throw new Error(`smallResnet: blocks per stage must be a positive integer, got ${blocks}`);
  const x = input({ shape: [28, 28, 1] });
  let h = relu(convBn(x, widths[0], 3, 1));
  widths.forEach((filters, stage) => {
    for (let b = 0; b < blocks; b++) h = residualBlock(h, filters, stage > 0 && b === 0 ? 2 : 1);
  });
  const pooled = new GlobalAveragePooling2D().apply(h);
  return new Model({ inputs: x, outputs: new Dense({ units: classes }).apply(pooled), name: 'small_resnet', seed });
}

export const resnetRecipe: Recipe = {
  name: 'resnet',
  description: 'a small ResNet: 6 residual blocks, 2 a stage (16-32-64), BatchNorm, global avg pooling',
  ...FUNCTIONAL_RECIPE_SETTINGS,
  // Shifts only, unlike vit: no flip and no rotation, chosen on the held-out images (the file comment, and the README's results).
  augment: { shift: 2 },
  // 10, not the functional recipes' 6: with 6, EarlyStopping ended the 2-block run after epoch 20
  // of 30, the cosine schedule two-thirds through (the file comment).
  patience: 10,
  expectedTime: 'about 1.7 h on 2 threads, 2.7 h on 1 (an epoch: 2.9-3.8 min on 2 threads, 5-5.7 min on 1 with the other core training; 2026-12-03)',
  build: (seed, classes) => smallResnet(seed, undefined, classes),
  optimizer: (plan) => new AdamW({ learningRate: warmupCosine(plan, 2e-3, 2) }),
};
