/**
 * `tutorial`: the TensorFlow tutorial's CNN exactly as `npm run train` always trained it (Adam
 * with Keras's defaults, batch 256, at most 20 epochs, EarlyStopping on val_loss with patience 3),
 * validating on the test set as the tutorial does.
 */
import { Adam } from '../../engine/optim/adam.js';
import { tutorialCnn } from '../cnn.js';
import type { Recipe } from './recipe.js';

export const tutorialRecipe: Recipe = {
  name: 'tutorial',
  description: "the tutorial's CNN, unchanged",
  validation: 'test',
  epochs: 20,
  batchSize: 256,
  patience: 3,
  monitor: 'val_loss',
  augment: null,
  labelSmoothing: 0,
  expectedTime: 'about 15 min on 2 threads (an epoch: 45 s; measured 2026-12-01, 18 epochs)',
  build: (seed, classes) => tutorialCnn(seed, classes),
  optimizer: () => new Adam(),
};
