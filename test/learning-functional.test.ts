/**
 * Learning with functional models on real data, CPU backend (issue 14's targets): trained on the
 * first 2,000 Fashion-MNIST training images for 3 epochs, evaluated on the first 1,000 test
 * images,
 * - the residual CNN with two residual blocks and BatchNormalization reaches at least 70%;
 * - the one-block transformer over 7x7 patches (MultiHeadAttention) reaches at least 50%.
 * The models are test/helpers/functional-models.ts's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import type { Model } from '../engine/nn/functional/model.js';
import { setBackend } from '../engine/runtime.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { patchTransformer, residualCnn } from './helpers/functional-models.js';

const data = loadFashionMnist({ limit: { train: 2000, test: 1000 } });
const train = { values: data.train.images, shape: [data.train.count, 28, 28, 1] };
const test = { values: data.test.images, shape: [data.test.count, 28, 28, 1] };

async function trainAndEvaluate(label: string, model: Model) {
  const started = performance.now();
  model.compile({ optimizer: 'adam', metrics: ['accuracy'] });
  const history = await model.fit(train, data.train.labels, { epochs: 3, batchSize: 32, seed: 1, verbose: 0 });
  const result = await model.evaluate(test, data.test.labels);
  const seconds = (performance.now() - started) / 1000;
  const losses = history.history.loss;
  console.log(`${label}: ${model.countParams()} weights; train losses ${losses.map((l) => l.toFixed(4)).join(', ')}; test accuracy ${result.accuracy.toFixed(3)}, loss ${result.loss.toFixed(4)}; ${seconds.toFixed(1)} s`);
  model.dispose();
  return { losses, result };
}

describe('functional models learn on the CPU backend (2,000 images, 3 epochs)', () => {
  beforeAll(() => setBackend(new CpuBackend('float32')));

  it('a residual CNN with two blocks and BatchNormalization reaches at least 70% test accuracy', async () => {
    const { losses, result } = await trainAndEvaluate('residual CNN', residualCnn(1));
    expect(losses[2]).toBeLessThan(losses[0]);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.7);
  });

  it('a one-block transformer over 7x7 patches reaches at least 50% test accuracy', async () => {
    const { losses, result } = await trainAndEvaluate('patch transformer', patchTransformer(1));
    expect(losses[2]).toBeLessThan(losses[0]);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.5);
  });
});
