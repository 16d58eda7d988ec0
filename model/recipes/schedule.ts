/**
 * The learning-rate schedule the non-tutorial recipes share: a linear warm-up from 0 over the
 * first `warmupEpochs`, then a cosine down to `floor` times the peak at the last step of the
 * epoch limit (keras.optimizers.schedules.CosineDecay with warmup_target).
 */
import { CosineDecay } from '../../engine/optim/schedules.js';
import type { TrainingPlan } from './recipe.js';

export function warmupCosine(plan: TrainingPlan, peak: number, warmupEpochs: number, floor = 0.01): CosineDecay {
  const total = plan.stepsPerEpoch * plan.epochs;
  // A run too short for its warm-up (--epochs 2, a test's slice) warms up over its first quarter.
  const warmupSteps = Math.min(plan.stepsPerEpoch * warmupEpochs, Math.floor(total / 4));
  return new CosineDecay({ initialLearningRate: 0, warmupTarget: peak, warmupSteps, decaySteps: Math.max(1, total - warmupSteps), alpha: floor });
}
