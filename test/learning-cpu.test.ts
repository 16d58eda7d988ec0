/**
 * Learning on real data, CPU backend: the tutorial CNN, seeded, trained on the
 * first 2,000 Fashion-MNIST training images, must reach >= 70% accuracy on the
 * first 1,000 test images; the same seed must give the same losses twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { setBackend } from '../engine/runtime.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { tutorialCnn } from '../model/cnn.js';

const data = loadFashionMnist({ limit: { train: 2000, test: 1000 } });
const train = { values: data.train.images, shape: [data.train.count, 28, 28, 1] };
const test = { values: data.test.images, shape: [data.test.count, 28, 28, 1] };

async function run(seed: number, epochs: number) {
  const model = tutorialCnn(seed).compile({ optimizer: 'adam', metrics: ['accuracy'] });
  const history = await model.fit(train, data.train.labels, { epochs, batchSize: 32, seed, verbose: 0 });
  const result = await model.evaluate(test, data.test.labels);
  model.dispose();
  return { history, result };
}

describe('the tutorial CNN learns on the CPU backend', () => {
  beforeAll(() => setBackend(new CpuBackend('float32')));

  it('reaches at least 70% test accuracy after training on 2,000 images', async () => {
    const { history, result } = await run(1, 3);
    const losses = history.history.loss;
    expect(losses).toHaveLength(3);
    expect(losses[2]).toBeLessThan(losses[0]);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.7);
    console.log(`CPU learning test: train losses ${losses.map((l) => l.toFixed(4)).join(', ')}; test accuracy ${result.accuracy.toFixed(3)}, loss ${result.loss.toFixed(4)}`);
  });

  it('gives the same losses twice with the same seed', async () => {
    const a = await run(5, 1);
    const b = await run(5, 1);
    expect(a.history.history.loss).toEqual(b.history.history.loss);
    expect(a.result).toEqual(b.result);
  });
});
