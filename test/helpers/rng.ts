/** A small seeded RNG for tests (mulberry32), with helpers for well-conditioned inputs. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
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
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}
