/**
 * A whole training step of the tutorial CNN (loss, every gradient, the Adam update) on WebGPU
 * equals the CPU backend's (float32), from the same weights and batch of real Fashion-MNIST
 * images; and the CNN learns on WebGPU, Node's poll throttled during its waits on a software adapter.
 *
 * Tolerances (stated):
 * - loss: 1e-5 relative;
 * - the gradients' global norm (fit's metrics log): 1e-5 relative to the host's norm of the CPU
 *   gradients, 1e-3 relative between WebGPU and the CPU;
 * - each gradient tensor g: |g_gpu - g_cpu| <= 1e-3 * max|g_cpu| + 1e-6 per element (the gradients
 *   pass through 3 convolutions, 2 dense layers and the pools: several long reductions);
 * - parameters after one Adam step: the update is ~lr * sign(g) at step 1, so where |g_cpu| is
 *   within the gradient tolerance of 0 the sign may differ and the update may differ by up to
 *   2 * lr_t; elsewhere the parameters agree to 1e-2 * lr_t + 1e-6.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend, isSoftwareAdapter } from '../engine/backends/webgpu/webgpu-backend.js';
import { gradients } from '../engine/autograd.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { Adam } from '../engine/optim/adam.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { tutorialCnn } from '../model/cnn.js';
import { nodeGPU } from '../node/webgpu.js';

const data = loadFashionMnist({ limit: { train: 640, test: 500 } });
const BATCH = 32;

async function oneStep(be: Backend) {
  setBackend(be);
  const model = tutorialCnn(11);
  const x = tensor(data.train.images.subarray(0, BATCH * 784), [BATCH, 28, 28, 1]);
  const labels = tensor(data.train.labels.subarray(0, BATCH), [BATCH], 'int32');
  const loss = sparseSoftmaxCrossEntropy(model.apply(x), labels);
  const grads = gradients(loss, model.parameters);
  const opt = new Adam();
  // The update fit runs: it also measures the gradients' global norm on the device.
  const norm = opt.applyGradientsMeasuringNorm(model.store, grads);
  const out = {
    loss: (await loss.data())[0],
    gradNorm: (await norm.data())[0],
    grads: await Promise.all(grads.map((g) => g.data())),
    params: await Promise.all(model.parameters.map((p) => p.data())),
    names: model.store.parameters.map((p) => p.name),
    stepSize: opt.stepScalars(1).stepSize,
  };
  model.store.dispose();
  return out;
}

describe('WebGPU training', () => {
  it('one training step of the tutorial CNN equals the CPU backend within the stated tolerances', async () => {
    // New buffers hold NaN: the step must never read memory it did not write (node/webgpu.ts).
    const gpu = await WebGPUBackend.create(nodeGPU(), { poisonNewBuffers: true });
    const want = await oneStep(new CpuBackend('float32'));
    const got = await oneStep(gpu);
    expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(want.loss));
    // The global gradient norm (what fit's metrics log reads): the host's norm of the CPU gradients,
    // and WebGPU's within the gradients' tolerance (1e-3 of the largest element bounds each error).
    let squares = 0;
    for (const g of want.grads) for (const v of g) squares += v * v;
    expect(Math.abs(want.gradNorm - Math.sqrt(squares))).toBeLessThanOrEqual(1e-5 * Math.sqrt(squares));
    expect(Math.abs(got.gradNorm - want.gradNorm)).toBeLessThanOrEqual(1e-3 * want.gradNorm);
    want.grads.forEach((w, i) => {
      const g = got.grads[i];
      let max = 0;
      for (const v of w) max = Math.max(max, Math.abs(v));
      const tol = 1e-3 * max + 1e-6;
      let worst = 0;
      for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(g[j] - w[j]));
      expect(worst, `gradient of ${want.names[i]} (max |g| ${max})`).toBeLessThanOrEqual(tol);
      const p = got.params[i];
      const q = want.params[i];
      let bad = 0;
      for (let j = 0; j < q.length; j++) {
        const allowed = Math.abs(w[j]) <= tol ? 2 * want.stepSize + 1e-6 : 1e-2 * want.stepSize + 1e-6;
        if (!(Math.abs(p[j] - q[j]) <= allowed)) bad++;
      }
      expect(bad, `parameters of ${want.names[i]} after Adam`).toBe(0);
    });
    gpu.device.destroy();
  });

  it('learns on WebGPU: 640 real images, 2 epochs, the loss falls and test accuracy >= 60%', async () => {
    const gpu = await WebGPUBackend.create(nodeGPU());
    setBackend(gpu);
    const model = tutorialCnn(3).compile({ optimizer: 'adam', metrics: ['accuracy'] });
    const train = { values: data.train.images, shape: [data.train.count, 28, 28, 1] };
    const test = { values: data.test.images, shape: [data.test.count, 28, 28, 1] };
    const history = await model.fit(train, data.train.labels, { epochs: 2, batchSize: 32, seed: 3, verbose: 0 });
    const result = await model.evaluate(test, data.test.labels);
    const losses = history.history.loss;
    console.log(`WebGPU learning test: train losses ${losses.map((l) => l.toFixed(4)).join(', ')}; test accuracy ${result.accuracy.toFixed(3)}`);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.6);
    // In Node on a software adapter the backend throttles dawn.node's poll during waits
    // (poll-throttle.ts): the poll's ticks must have gone through the global setImmediate.
    expect(gpu.pollThrottle !== null).toBe(isSoftwareAdapter(gpu.adapterInfo));
    if (gpu.pollThrottle) expect(gpu.pollThrottle.stats.throttledTicks, JSON.stringify(gpu.pollThrottle.stats)).toBeGreaterThan(0);
    model.dispose();
    gpu.device.destroy();
  }, 600_000); // ~2 min on SwiftShader with 2 cores
});
