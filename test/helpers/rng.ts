/** The engine's seeded RNG (mulberry32) with helpers for well-conditioned test inputs. */
import { Random } from '../../engine/random.js';

export class Rng extends Random {
  constructor(seed: number) {
    super(seed);
  }

  /** n values uniform in [lo, hi). */
  values(n: number, lo = -1, hi = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform(lo, hi);
    return out;
  }

  /** n values with magnitude in [margin, hi) and a random sign: away from ReLU's kink at 0. */
  awayFromZero(n: number, margin = 0.1, hi = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.next() < 0.5 ? -1 : 1) * this.uniform(margin, hi);
    return out;
  }

  /** n distinct values, a shuffled ladder with steps of `gap` centred on 0: no max-pool ties. */
  distinct(n: number, gap = 0.05): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (i - n / 2) * gap;
    this.shuffle(out);
    return out;
  }
}
