/**
 * `vit`: a small vision transformer (Dosovitskiy et al. 2021) in the functional API.
 *
 *   28x28x1 -> 16 patches of 7x7, each embedded to 64 values by a stride-7 conv -> [16, 64]
 *           -> + learned position embeddings
 *           -> 4 pre-norm encoder blocks:
 *                x + MHA(LN(x))             4 heads of 16
 *                x + MLP(LN(x))             Dense(128, GELU) -> Dropout(0.1) -> Dense(64)
 *           -> LN -> the mean over the 16 tokens -> Dense(10)
 * There is no class token: the head reads the tokens' mean (the mean over the 4x4 patch grid,
 * as a Reshape to [4, 4, 64] and GlobalAveragePooling2D, so no 1-D pooling layer is needed).
 *
 * Training: AdamW (weight decay 0.01) with a warm-up over 3 epochs to 1e-3 and a cosine decay,
 * label smoothing 0.1, the augmentation of `resnet`, batch 128, at most 30 epochs,
 * validating on the last 5,000 training images (EarlyStopping on val_accuracy, patience 6).
 * Transformers have no convolutional prior, so they need more epochs than the CNNs.
 */
import { input } from '../../engine/nn/functional/input.js';
import { Model } from '../../engine/nn/functional/model.js';
import type { SymbolicTensor } from '../../engine/nn/functional/symbolic.js';
import { Conv2D, Dense, Dropout, GlobalAveragePooling2D, LayerNormalization, Reshape } from '../../engine/nn/layers.js';
import { Add } from '../../engine/nn/layers/add.js';
import { MultiHeadAttention } from '../../engine/nn/layers/multi-head-attention.js';
import { PositionEmbedding } from '../../engine/nn/layers/position-embedding.js';
import { AdamW } from '../../engine/optim/adam.js';
import { FUNCTIONAL_RECIPE_SETTINGS, type Recipe } from './recipe.js';
import { warmupCosine } from './schedule.js';

export interface VitOptions {
  /** Token width (default 64). */
  dim?: number;
  heads?: number;
  blocks?: number;
  /** Hidden width of each block's MLP (default 2 * dim). */
  mlp?: number;
  /** Outputs (default 10). */
  classes?: number;
}

const PATCH = 7;
const GRID = 28 / PATCH;
const TOKENS = GRID * GRID;

function encoderBlock(t: SymbolicTensor, dim: number, heads: number, mlp: number): SymbolicTensor {
  let h = new LayerNormalization().apply(t);
  h = new MultiHeadAttention({ numHeads: heads, keyDim: dim / heads }).apply(h, h);
  t = new Add().apply(t, h);
  h = new LayerNormalization().apply(t);
  h = new Dense({ units: mlp, activation: 'gelu' }).apply(h);
  h = new Dropout({ rate: 0.1 }).apply(h);
  h = new Dense({ units: dim }).apply(h);
  return new Add().apply(t, h);
}

export function smallVit(seed = 42, options: VitOptions = {}): Model {
  const dim = options.dim ?? 64;
  const heads = options.heads ?? 4;
  const blocks = options.blocks ?? 4;
  const mlp = options.mlp ?? 2 * dim;
  if (dim % heads !== 0) throw new Error(`smallVit: dim (${dim}) must be a multiple of heads (${heads})`);
  const x = input({ shape: [28, 28, 1] });
  const patches = new Conv2D({ filters: dim, kernelSize: PATCH, strides: PATCH }).apply(x);
  let t = new Reshape({ targetShape: [TOKENS, dim] }).apply(patches);
  t = new Add().apply(t, new PositionEmbedding({ sequenceLength: TOKENS }).apply(t));
  for (let b = 0; b < blocks; b++) t = encoderBlock(t, dim, heads, mlp);
  t = new LayerNormalization().apply(t);
  const pooled = new GlobalAveragePooling2D().apply(new Reshape({ targetShape: [GRID, GRID, dim] }).apply(t));
  return new Model({ inputs: x, outputs: new Dense({ units: options.classes ?? 10 }).apply(pooled), name: 'small_vit', seed });
}

export const vitRecipe: Recipe = {
  name: 'vit',
  description: 'a small vision transformer: 16 patches of 7x7, 4 attention blocks, width 64',
  ...FUNCTIONAL_RECIPE_SETTINGS,
  expectedTime: 'about 2.6 h on 1 thread (an epoch: 5-6.5 min; measured 2026-12-01/02, full run 30 epochs)',
  build: (seed, classes) => smallVit(seed, { classes }),
  optimizer: (plan) => new AdamW({ learningRate: warmupCosine(plan, 1e-3, 3), weightDecay: 0.01 }),
};
