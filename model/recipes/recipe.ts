/**
 * What a training recipe is: a model builder and the settings it trains with, in one place, so
 * that `npm run train -- --recipe NAME` (model/train-cli.ts), trainRecipe (model/train.ts), the
 * checkpoints and the learning tests (test/recipes.test.ts) all read the same values.
 *
 * The validation rule (issue 15): the `tutorial` recipe validates on the test set, as the
 * TensorFlow tutorial does. Every other recipe holds out the tail of the training images (the
 * last 5,000 of 60,000; model/data/splits.ts) for validation and EarlyStopping, and evaluates
 * on the test set once, at the end: choosing epochs on test data would make the reported
 * accuracy a lie.
 */
import type { Augmentation } from '../../engine/ops/augment.js';
import type { Optimizer } from '../../engine/optim/optimizer.js';
import type { LayersModel } from '../saved-model.js';

/** What a recipe builds: a Sequential or a functional Model (what model/saved-model.ts saves). */
export type RecipeModel = LayersModel;

/** What a recipe's optimizer needs to know to lay out its schedule. */
export interface TrainingPlan {
  /** Optimizer steps per epoch: ceil(training images / batch size). */
  stepsPerEpoch: number;
  /** The epoch limit of this run (the schedule decays over all of it). */
  epochs: number;
}

/** Where a recipe's validation data comes from. */
export type ValidationRule = 'test' | 'holdout';

export interface Recipe {
  /** The --recipe name. */
  readonly name: string;
  /** One line for --help and the report: what it trains. */
  readonly description: string;
  readonly validation: ValidationRule;
  /** Default epoch limit, batch size and EarlyStopping patience (each overridden by its CLI flag). */
  readonly epochs: number;
  readonly batchSize: number;
  readonly patience: number;
  /** What EarlyStopping watches (restoreBestWeights is always on). */
  readonly monitor: 'val_loss' | 'val_accuracy';
  /** On-device augmentation of every training batch (fit's `augment`), or null for none. */
  readonly augment: Augmentation | null;
  /** compile's labelSmoothing (0: none). */
  readonly labelSmoothing: number;
  /**
   * --help's expected full-run time on the CPU backend of the README's machine (2 cores): the
   * epoch times of the recipe's own full run (README, "Recipes"), times the epoch limit, with the
   * thread count they ran on. bench/recipe-epoch.ts measures an epoch on another machine.
   */
  readonly expectedTime: string;
  /** The untrained model, its weights initialised from `seed`, with `classes` outputs (default 10; --classes). */
  build(seed: number, classes?: number): RecipeModel;
  /** A fresh optimizer for a run of `plan`. */
  optimizer(plan: TrainingPlan): Optimizer;
}

/**
 * The training settings the two functional recipes (resnet, vit) share: the held-out tail, 30
 * epochs at batch 128, EarlyStopping on val_accuracy with patience 6, augmentation a little
 * stronger than regularized's (their capacity takes it), and label smoothing 0.1. vit flips, as in
 * its full run of 2026-12-01/02; resnet overrides the augmentation without the flip, which its
 * full run without it chose on the held-out images (resnet.ts; Fashion-MNIST's shoes all point
 * one way, regularized.ts), and the patience with 10 (its 2-block network was still gaining when
 * 6 stopped it, resnet.ts).
 */
export const FUNCTIONAL_RECIPE_SETTINGS = {
  validation: 'holdout',
  epochs: 30,
  batchSize: 128,
  patience: 6,
  monitor: 'val_accuracy',
  augment: { shift: 2, flip: true, rotation: 8 },
  labelSmoothing: 0.1,
} as const satisfies Partial<Recipe>;
