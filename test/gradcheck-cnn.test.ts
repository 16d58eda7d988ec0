/**
 * Finite differences on the tutorial CNN itself (130,890 parameters): the
 * analytic gradient of the cross-entropy loss, on real Fashion-MNIST images,
 * against central differences, for sampled entries of every parameter tensor
 * (the largest-gradient entry of each, plus random ones). Float64 CPU backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gradients } from '../engine/autograd.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { Random } from '../engine/random.js';
import { noGrad, setBackend, tidy } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { tutorialCnn } from '../model/cnn.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';

describe('gradient check of the whole tutorial CNN loss', () => {
  beforeAll(() => setBackend(new CpuBackend('float64')));

  it('matches central differences for sampled entries of every parameter tensor (max relative error < 1e-6)', () => {
    const data = loadFashionMnist({ limit: { train: 3, test: 1 } });
    const x = tensor(data.train.images, [3, 28, 28, 1]);
    const labels = Array.from(data.train.labels);
    const model = tutorialCnn(17);
    // Non-zero biases, so every parameter tensor matters and ReLUs are not all at their kinks.
    const rng = new Random(3);
    model.store.parameters.forEach((p) => {
      if (p.name.endsWith('/bias')) model.store.assign(p, Array.from({ length: p.tensor.size }, () => rng.uniform(-0.05, 0.05)));
    });
    const loss = () => noGrad(() => tidy(() => sparseSoftmaxCrossEntropy(model.apply(x), labels).dataSync()[0]));
    const analytic = tidy(() => gradients(sparseSoftmaxCrossEntropy(model.apply(x), labels), model.parameters).map((g) => Float64Array.from(g.dataSync())));
    // The same step and denominator floor as the per-op checks (test/helpers/gradcheck.ts).
    const h = 1e-5;
    const floor = 1e-3;
    let worst = 0;
    let checked = 0;
    for (const [k, p] of model.store.parameters.entries()) {
      const current = Float64Array.from(noGrad(() => p.tensor.dataSync()));
      const g = analytic[k];
      let argmax = 0;
      for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[argmax])) argmax = i;
      const picks = new Set([argmax, ...Array.from({ length: 4 }, () => rng.int(g.length))]);
      for (const i of picks) {
        const orig = current[i];
        current[i] = orig + h;
        model.store.assign(p, current);
        const up = loss();
        current[i] = orig - h;
        model.store.assign(p, current);
        const down = loss();
        current[i] = orig;
        model.store.assign(p, current);
        const numeric = (up - down) / (2 * h);
        const rel = Math.abs(numeric - g[i]) / Math.max(Math.abs(numeric), Math.abs(g[i]), floor);
        worst = Math.max(worst, rel);
        checked++;
        expect(rel, `${p.name}[${i}]: analytic ${g[i]}, numeric ${numeric}`).toBeLessThan(1e-6);
      }
      // The largest entry of every tensor is a real, non-zero gradient.
      expect(Math.abs(g[argmax]), p.name).toBeGreaterThan(1e-6);
    }
    expect(checked).toBeGreaterThanOrEqual(model.store.parameters.length * 2);
    console.log(`tutorial CNN gradcheck: ${checked} entries, worst relative error ${worst.toExponential(2)}`);
  });
});
