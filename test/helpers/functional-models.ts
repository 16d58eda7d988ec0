/**
 * The functional models of the tests (issue 14's two accuracy targets and the tfjs round trip):
 * a small residual CNN with BatchNormalization, and a one-block vision transformer over 7x7
 * patches.
 */
import { input } from '../../engine/nn/functional/input.js';
import { Model } from '../../engine/nn/functional/model.js';
import type { SymbolicTensor } from '../../engine/nn/functional/symbolic.js';
import {
  ActivationLayer, BatchNormalization, Conv2D, Dense, Flatten, GlobalAveragePooling2D, LayerNormalization, MaxPooling2D, Reshape,
} from '../../engine/nn/layers.js';
import { Add } from '../../engine/nn/layers/add.js';
import { MultiHeadAttention } from '../../engine/nn/layers/multi-head-attention.js';
import { PositionEmbedding } from '../../engine/nn/layers/position-embedding.js';

/**
 * conv-BN-relu-conv-BN, plus the block's input, then relu (He et al.'s basic block). BN's
 * momentum is 0.9, not Keras's 0.99: in 3 short epochs (189 steps) the moving statistics must
 * forget their initial (0, 1), which 0.99 leaves at 15% weight (0.99^189).
 */
function residualBlock(x: SymbolicTensor, filters: number): SymbolicTensor {
  let h = new Conv2D({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(x);
  h = new BatchNormalization({ momentum: 0.9 }).apply(h);
  h = new ActivationLayer({ activation: 'relu' }).apply(h);
  h = new Conv2D({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(h);
  h = new BatchNormalization({ momentum: 0.9 }).apply(h);
  return new ActivationLayer({ activation: 'relu' }).apply(new Add().apply(h, x));
}

/**
 * 28x28x1 -> stride-2 conv (14x14) -> block -> max-pool (7x7) -> block -> flatten -> 10 logits.
 * (A global-average-pooled head learned too slowly for 3 epochs: 66% where this one gets 80%.)
 */
export function residualCnn(seed: number, filters = 16): Model {
  const x = input({ shape: [28, 28, 1] });
  let h = new Conv2D({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x);
  h = residualBlock(h, filters);
  h = new MaxPooling2D({ poolSize: 2 }).apply(h);
  h = residualBlock(h, filters);
  h = new Flatten().apply(h);
  return new Model({ inputs: x, outputs: new Dense({ units: 10 }).apply(h), name: 'residual_cnn', seed });
}

/**
 * 28x28x1 -> 16 patches of 7x7 embedded by a stride-7 conv -> + position embeddings -> one
 * pre-norm transformer block (LayerNorm, self-attention, residual; LayerNorm, MLP, residual)
 * -> LayerNorm -> average over the 4x4 patch grid -> 10 logits.
 */
export function patchTransformer(seed: number, dim = 32, heads = 4): Model {
  const x = input({ shape: [28, 28, 1] });
  const patches = new Conv2D({ filters: dim, kernelSize: 7, strides: 7 }).apply(x);
  let t = new Reshape({ targetShape: [16, dim] }).apply(patches);
  t = new Add().apply(t, new PositionEmbedding({ sequenceLength: 16 }).apply(t));
  let h = new LayerNormalization().apply(t);
  h = new MultiHeadAttention({ numHeads: heads, keyDim: dim / heads }).apply(h, h);
  t = new Add().apply(t, h);
  h = new LayerNormalization().apply(t);
  h = new Dense({ units: 2 * dim, activation: 'gelu' }).apply(h);
  h = new Dense({ units: dim }).apply(h);
  t = new Add().apply(t, h);
  t = new LayerNormalization().apply(t);
  const pooled = new GlobalAveragePooling2D().apply(new Reshape({ targetShape: [4, 4, dim] }).apply(t));
  return new Model({ inputs: x, outputs: new Dense({ units: 10 }).apply(pooled), name: 'patch_transformer', seed });
}
