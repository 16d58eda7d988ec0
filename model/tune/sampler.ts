/**
 * Random search's draws: each trial's hyperparameters from a seeded generator (engine/random.ts),
 * so a seed gives the same trials in the same order on every machine.
 *
 * Every trial draws every dimension of the space once, in HYPERPARAMETER_NAMES order (not the
 * file's key order), so reordering the JSON changes nothing. A space of finitely many trials
 * (only choices and integer ranges) is drawn without repeats, and runs out once all are drawn.
 */
import { Random } from '../../engine/random.js';
import type { OptimizerName } from '../../engine/optim/registry.js';
import {
  DEFAULT_HYPERPARAMETERS, type Dimension, HYPERPARAMETER_NAMES, type Hyperparameters, type SearchSpace, spaceSize,
} from './space.js';

/** One value of a dimension: uniform over the choices, or over [min, max] (in log space when asked). */
export function sampleDimension(d: Dimension, rng: Random): number | string {
  if (d.kind === 'choice') return d.values[rng.int(d.values.length)]!;
  const u = rng.next();
  if (d.integer) {
    // Whole numbers in [min, max]: floor over [min, max + 1), so the ends are as likely as the rest.
    const v = d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max + 1) - Math.log(d.min))) : d.min + u * (d.max - d.min + 1);
    return Math.min(d.max, Math.max(d.min, Math.floor(v)));
  }
  const v = d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min);
  return Math.min(d.max, Math.max(d.min, v));
}

/** Draws trials from a space; `base` fills the hyperparameters the space leaves out. */
export class TrialSampler {
  private readonly rng: Random;
  private readonly size: number;
  private readonly drawn = new Set<string>();

  constructor(
    private readonly space: SearchSpace,
    seed: number,
    private readonly base: Readonly<Hyperparameters> = DEFAULT_HYPERPARAMETERS,
  ) {
    this.rng = new Random(seed);
    this.size = spaceSize(space);
  }

  /** The next trial's hyperparameters, or null when a finite space has no untried trial left. */
  next(): Hyperparameters | null {
    if (this.drawn.size >= this.size) return null;
    for (;;) {
      const h: Hyperparameters = { ...this.base };
      for (const name of HYPERPARAMETER_NAMES) {
        const d = this.space[name];
        if (!d) continue;
        const v = sampleDimension(d, this.rng);
        if (name === 'optimizer') h.optimizer = v as OptimizerName;
        else h[name] = v as number;
      }
      if (this.size === Infinity) return h;
      // A finite space: redraw a repeat (at most `size` distinct keys, so this ends).
      const key = JSON.stringify(h);
      if (!this.drawn.has(key)) {
        this.drawn.add(key);
        return h;
      }
    }
  }
}
